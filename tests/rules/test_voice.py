import json
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st


from intranet_server.rules.voice import (
    ALL_CLIPS,
    CLIP_TEXT,
    booth_clips,
    call_clips,
    call_text,
    number_words_id,
    ticket_clips,
)

ROOT = Path(__file__).resolve().parents[2]

MANIFEST = ROOT / "intranet_server" / "web" / "static" / "voice" / "manifest.json"

NOMOR, BOOTH = "nomor_antrean", "silakan_menuju_booth"


@pytest.fixture(scope="module")
def manifest_clips() -> set[str]:
    return set(json.loads(MANIFEST.read_text())["clips"])


@pytest.mark.parametrize(
    "n, words",
    [
        (0, "nol"),
        (1, "satu"),
        (7, "tujuh"),
        (9, "sembilan"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (45, "empat puluh lima"),
        (99, "sembilan puluh sembilan"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (115, "seratus lima belas"),
        (120, "seratus dua puluh"),
        (200, "dua ratus"),
        (310, "tiga ratus sepuluh"),
        (999, "sembilan ratus sembilan puluh sembilan"),
    ],
)
def test_number_words(n, words):
    assert " ".join(number_words_id(n)) == words


@pytest.mark.parametrize("bad", [-1, 1000, 12345])
def test_number_words_out_of_range(bad):
    with pytest.raises(ValueError):
        number_words_id(bad)


@pytest.mark.parametrize("bad", ["12", 1.0, True, None])
def test_number_words_needs_int(bad):
    with pytest.raises(TypeError):
        number_words_id(bad)


@pytest.mark.parametrize(
    "ticket, booth, expected",
    [
        ("A007", "3", ["letter_a", "word_nol", "word_nol", "word_tujuh"]),
        ("A007", "Booth 3", ["letter_a", "word_nol", "word_nol", "word_tujuh"]),
    ],
)
def test_example_call(ticket, booth, expected):
    assert call_clips(ticket, booth) == [NOMOR, *expected, BOOTH, "word_tiga"]
    assert call_text(ticket, booth) == "Nomor antrean A nol nol tujuh, silakan menuju booth tiga"


@pytest.mark.parametrize(
    "booth, clips, text",
    [
        ("3", ["word_tiga"], "tiga"),
        ("Booth 3", ["word_tiga"], "tiga"),
        ("booth 03", ["word_tiga"], "tiga"),
        ("12", ["word_dua", "word_belas"], "dua belas"),
        ("Booth 12", ["word_dua", "word_belas"], "dua belas"),
        ("21", ["word_dua", "word_puluh", "word_satu"], "dua puluh satu"),
        ("100", ["word_seratus"], "seratus"),
        ("115", ["word_seratus", "word_lima", "word_belas"], "seratus lima belas"),
        ("10", ["word_sepuluh"], "sepuluh"),
        ("11", ["word_sebelas"], "sebelas"),
        ("Loket 2B", ["word_dua", "letter_b"], "dua B"),
        ("1000", ["word_satu", "word_nol", "word_nol", "word_nol"], "satu nol nol nol"),
        ("A", ["letter_a"], "A"),
        ("Booth C", ["letter_c"], "C"),
        ("VIP", ["letter_v", "letter_i", "letter_p"], "V I P"),
    ],
)
def test_booth(booth, clips, text):
    assert booth_clips(booth) == clips
    assert call_clips("B123", booth)[-len(clips) :] == clips
    assert call_text("B123", booth) == f"Nomor antrean B satu dua tiga, silakan menuju booth {text}"


@pytest.mark.parametrize(
    "ticket, clips",
    [
        ("A007", ["letter_a", "word_nol", "word_nol", "word_tujuh"]),
        ("z999", ["letter_z", "word_sembilan", "word_sembilan", "word_sembilan"]),
        ("B-012", ["letter_b", "word_nol", "word_satu", "word_dua"]),
        ("Q100", ["letter_q", "word_satu", "word_nol", "word_nol"]),
    ],
)
def test_ticket_spelled(ticket, clips):
    assert ticket_clips(ticket) == clips


@pytest.mark.parametrize("ticket", ["", "  ", "-", "É001", "A٣"])
def test_ticket_unspeakable(ticket):
    with pytest.raises(ValueError):
        ticket_clips(ticket)


@pytest.mark.parametrize("booth", ["", "Booth", "  -  "])
def test_booth_unspeakable(booth):
    with pytest.raises(ValueError):
        booth_clips(booth)


def test_clip_set_is_small_and_slugged():
    assert len(ALL_CLIPS) == len(set(ALL_CLIPS)) <= 50
    allowed = set(string.ascii_lowercase + string.digits + "_")
    for name in ALL_CLIPS:
        assert set(name) <= allowed and name[0].isalpha(), name
    assert {f"letter_{c}" for c in string.ascii_lowercase} <= set(ALL_CLIPS)


def test_manifest_lists_every_clip(manifest_clips):
    assert set(ALL_CLIPS) <= manifest_clips


def test_every_ticket_and_booth_in_range_is_covered(manifest_clips):
    # Exhaustive: all 26 000 tickets A000..Z999 and all booths 1..999.
    for letter in string.ascii_uppercase:
        for n in range(1000):
            assert set(ticket_clips(f"{letter}{n:03d}")) <= manifest_clips
    for booth in range(1, 1000):
        assert set(booth_clips(str(booth))) <= manifest_clips


@given(
    letter=st.sampled_from(string.ascii_uppercase),
    number=st.integers(0, 999),
    booth=st.integers(1, 999),
    prefix=st.sampled_from(["", "Booth ", "booth ", "Loket ", "BOOTH-"]),
)
def test_call_clips_always_in_manifest(manifest_clips, letter, number, booth, prefix):
    clips = call_clips(f"{letter}{number:03d}", f"{prefix}{booth}")
    assert set(clips) <= manifest_clips
    assert clips[0] == NOMOR and clips[5] == BOOTH
    assert clips[6:] == [f"word_{w}" for w in number_words_id(booth)]
    # The caption says exactly what the clips say.
    text = call_text(f"{letter}{number:03d}", f"{prefix}{booth}")
    spoken = " ".join(CLIP_TEXT[c] for c in clips)
    assert text.replace(",", "").lower() == spoken.lower()


@given(label=st.text(max_size=12))
def test_any_label_speaks_known_clips_or_refuses(manifest_clips, label):
    try:
        clips = booth_clips(label)
    except ValueError:
        return
    assert clips and set(clips) <= manifest_clips
