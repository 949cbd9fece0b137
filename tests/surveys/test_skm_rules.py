"""The pure SKM rules: grades at their boundaries, the index by hand, the sampling table, properties."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intranet_server.rules import skm

scores9 = st.lists(st.integers(1, 4), min_size=9, max_size=9).map(tuple)


@pytest.mark.parametrize("ikm, letter, name", [
    ("100.00", "A", "Sangat baik"), ("88.31", "A", "Sangat baik"), ("88.30", "B", "Baik"),
    ("76.61", "B", "Baik"), ("76.60", "C", "Kurang baik"), ("65.00", "C", "Kurang baik"),
    ("64.99", "D", "Tidak baik"), ("25.00", "D", "Tidak baik"),
])
def test_grades_follow_the_regulations_conversion_table(ikm, letter, name):
    assert skm.grade(Decimal(ikm))[:2] == (letter, name)


@pytest.mark.parametrize("ikm", ["24.99", "100.01", "0"])
def test_an_index_outside_25_to_100_is_a_bug(ikm):
    with pytest.raises(ValueError):
        skm.grade(Decimal(ikm))


def test_all_fours_make_exactly_100_with_weights_of_one_ninth():
    result = skm.index([skm.Answer((4,) * 9)])
    assert result.ikm == Decimal("100.00") and result.grade[0] == "A"
    # the printed weight 0.11 would have capped it: 4 x 9 x 0.11 x 25 = 99
    assert Decimal("4") * 9 * Decimal("0.11") * 25 == Decimal("99.00")


def test_rounding_happens_once_at_the_end_half_up():
    # NRRs 3.0644.. style edge: one answer 4,4,4,3,3,3,3,3,3 -> sum 30/9 x 25 = 83.333.. -> 83.33
    assert skm.index([skm.Answer((4, 4, 4, 3, 3, 3, 3, 3, 3))]).ikm == Decimal("83.33")
    # all fours and all ones: NRRs 2.5 each -> 2.5 x 25 = 62.50
    assert skm.index([skm.Answer((4, 4, 4, 4, 4, 4, 4, 4, 4)), skm.Answer((1,) * 9)]).ikm == Decimal("62.50")
    assert skm.round2(Fraction(76605, 1000)) == Decimal("76.61")   # half up, not half even
    assert skm.round2(Fraction(76604999, 1000000)) == Decimal("76.60")


def test_lowest_elements_first_with_the_comments_of_those_who_scored_them_low():
    answers = [skm.Answer((4, 4, 1, 4, 4, 4, 4, 1, 4), "Lama sekali"),
               skm.Answer((4, 4, 3, 4, 4, 4, 4, 2, 4), "Kotak saran tidak ada"),
               skm.Answer((4, 4, 4, 4, 4, 4, 4, 4, 4), "Bagus")]
    result = skm.index(answers)
    first, second = result.lowest_first()[:2]
    assert (first.key, first.nrr, first.comments) == ("pengaduan", Fraction(7, 3),
                                                      ["Lama sekali", "Kotak saran tidak ada"])
    assert (second.key, second.nrr, second.comments) == ("waktu", Fraction(8, 3), ["Lama sekali"])


@pytest.mark.parametrize("population, sample", [
    (0, 0), (1, 1), (9, 9), (10, 10), (11, 11), (14, 14), (15, 14), (16, 16), (21, 21), (25, 24), (100, 80), (101, 86),
    (500, 217), (1000, 278), (1001, 285), (10000, 370), (100000, 384), (5000000, 384),
])
def test_required_sample_from_the_krejcie_morgan_table(population, sample):
    # between rows, the next larger population's sample (never fewer than the table asks); at most everyone
    assert skm.required_sample(population) == sample


def test_every_row_of_the_table_is_the_formula_rounded():
    for population, sample in skm.KREJCIE_MORGAN:
        assert skm.formula_sample(population) == sample, population


def test_scores_are_checked():
    assert skm.check_scores([1, 2, 3, 4, 1, 2, 3, 4, 1]) == (1, 2, 3, 4, 1, 2, 3, 4, 1)
    for bad in ([4] * 8, [4] * 10, [0] + [4] * 8, [5] + [4] * 8, [True] + [4] * 8, ["4"] * 9, None):
        with pytest.raises(skm.ScoreError):
            skm.check_scores(bad)


def test_the_nine_elements_in_the_contracts_order():
    assert skm.KEYS == ("persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku",
                        "pengaduan", "sarana")
    assert all(len(e["a_id"]) == 4 and len(e["a_en"]) == 4 for e in skm.ELEMENTS)


@settings(deadline=None)   # no wall-clock limits in tests (a loaded 2-core machine)
@given(st.lists(scores9, min_size=1, max_size=60))
def test_index_properties(answers_scores):
    answers = [skm.Answer(s) for s in answers_scores]
    result = skm.index(answers)
    assert Decimal(25) <= result.ikm <= Decimal(100)
    assert result.grade[0] in "ABCD"
    for e in result.elements:
        assert 1 <= e.nrr <= 4
        assert e.low == sum(1 for s in answers_scores if s[skm.KEYS.index(e.key)] <= 2)
    # the index is the mean of the nine NRRs x 25, exactly
    assert result.ikm_exact == sum(e.nrr for e in result.elements) / 9 * 25
    # order of respondents does not matter
    assert skm.index(list(reversed(answers))).ikm_exact == result.ikm_exact
    order = [e.nrr for e in result.lowest_first()]
    assert order == sorted(order)


@settings(deadline=None)   # no wall-clock limits in tests (a loaded 2-core machine)
@given(st.lists(scores9, min_size=1, max_size=30), scores9)
def test_one_more_better_answer_never_lowers_the_index(answers_scores, extra):
    before = skm.index([skm.Answer(s) for s in answers_scores]).ikm_exact
    best = skm.index([skm.Answer(s) for s in answers_scores] + [skm.Answer((4,) * 9)]).ikm_exact
    worst = skm.index([skm.Answer(s) for s in answers_scores] + [skm.Answer((1,) * 9)]).ikm_exact
    assert worst <= before <= best


@settings(deadline=None)   # no wall-clock limits in tests (a loaded 2-core machine)
@given(st.integers(1, 2_000_000))
def test_required_sample_is_monotonic_bounded_and_never_below_the_formula(population):
    sample = skm.required_sample(population)
    assert 1 <= sample <= min(population, 384)
    assert skm.required_sample(population + 1) >= sample
    if population >= 10:   # the next row up asks at least what the formula asks for this population
        assert sample >= skm.formula_sample(population)


@settings(deadline=None)
@given(st.lists(scores9, max_size=30), st.lists(scores9, max_size=30))
def test_tallies_add_up_like_the_answers_behind_them(first, second):
    a, b = [skm.Answer(s) for s in first], [skm.Answer(s) for s in second]
    assert skm.tally(a) + skm.tally(b) == skm.tally(a + b)
    both = skm.index(a + b)
    from_parts = skm.index_of(skm.tally(a) + skm.tally(b))
    assert from_parts.ikm_exact == both.ikm_exact and from_parts.respondents == len(first) + len(second)
