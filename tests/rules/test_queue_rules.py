"""Pure queue rules: numbering, business day, priority policies, states, opening hours, estimate."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intranet_server.rules.queue import (
    ALLOWED_FROM, Candidate, PriorityPolicy, TransitionError, business_day, check_transition,
    choose_next, estimate_wait_s, format_number, issuing_closed_reason, line_heads, queue_order,
    screen_is_behind,
)

T0 = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.timezone.utc)


def at(minutes):
    return T0 + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("prefix,seq,expected", [("A", 1, "A001"), ("P", 42, "P042"), ("K", 999, "K999")])
def test_format_number(prefix, seq, expected):
    assert format_number(prefix, seq) == expected


@pytest.mark.parametrize("seq", [0, -1, 1000])
def test_format_number_rejects_out_of_range(seq):
    with pytest.raises(ValueError):
        format_number("A", seq)


@pytest.mark.parametrize("utc,tz,day", [
    (dt.datetime(2026, 11, 24, 16, 59, tzinfo=dt.timezone.utc), "Asia/Jakarta", dt.date(2026, 11, 24)),
    (dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.timezone.utc), "Asia/Jakarta", dt.date(2026, 11, 25)),
    (dt.datetime(2026, 11, 24, 16, 0, tzinfo=dt.timezone.utc), "Asia/Makassar", dt.date(2026, 11, 25)),
    (dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.timezone.utc), "Asia/Jayapura", dt.date(2026, 11, 25)),
    (dt.datetime(2026, 11, 24, 0, 30, tzinfo=dt.timezone.utc), "Asia/Jakarta", dt.date(2026, 11, 24)),
])
def test_business_day_is_the_local_date(utc, tz, day):
    assert business_day(utc, tz) == day


NORMAL_A, NORMAL_B, NORMAL_C = Candidate(1, False, at(0)), Candidate(2, False, at(1)), Candidate(3, False, at(2))
PRIO = Candidate(4, True, at(3))


@pytest.mark.parametrize("policy,recent,expected", [
    (PriorityPolicy("fifo"), [], NORMAL_A),
    (PriorityPolicy("strict"), [], PRIO),
    (PriorityPolicy("strict"), [True, True], PRIO),
    (PriorityPolicy("ratio", 2), [], NORMAL_A),                  # no history: normals first, up to 2
    (PriorityPolicy("ratio", 2), [False], NORMAL_A),
    (PriorityPolicy("ratio", 2), [False, False], PRIO),           # 2 normal : 1 priority
    (PriorityPolicy("ratio", 2), [False, False, True], PRIO),
    (PriorityPolicy("ratio", 2), [True, False, False], NORMAL_A),  # a priority was just called
    (PriorityPolicy("ratio", 0), [], PRIO),                       # ratio 0 behaves as strict
])
def test_choose_next_policies(policy, recent, expected):
    assert choose_next([NORMAL_A, NORMAL_B, NORMAL_C, PRIO], recent, policy, at(5)) == expected


def test_ratio_never_puts_an_earlier_priority_visitor_behind_a_later_one():
    early_prio = Candidate(9, True, at(-1))
    assert choose_next([NORMAL_A, NORMAL_B, early_prio], [], PriorityPolicy("ratio", 2), at(5)) == early_prio


def test_max_wait_aging_overrides_every_policy():
    policy = PriorityPolicy("strict", max_wait=dt.timedelta(minutes=30))
    assert choose_next([NORMAL_A, PRIO], [], policy, at(29)) == PRIO
    assert choose_next([NORMAL_A, PRIO], [], policy, at(31)) == NORMAL_A


OVERDUE_NORMAL = Candidate(5, False, at(-40))


@pytest.mark.parametrize("policy,recent,waiting,expected", [
    # a priority booth calls the waiting priority visitor first, whatever the office's policy ...
    (PriorityPolicy("fifo"), [], [NORMAL_A, NORMAL_B, PRIO], PRIO),
    (PriorityPolicy("ratio", 2), [], [NORMAL_A, NORMAL_B, PRIO], PRIO),
    (PriorityPolicy("ratio", 2), [True, True], [NORMAL_A, PRIO], PRIO),
    (PriorityPolicy("strict"), [], [NORMAL_A, PRIO], PRIO),
    # ... also before an overdue visitor (the other booths of the queue serve the others)
    (PriorityPolicy("fifo"), [], [OVERDUE_NORMAL, PRIO], PRIO),
    # with no priority visitor waiting it follows the policy as any booth
    (PriorityPolicy("fifo"), [], [NORMAL_B, NORMAL_A], NORMAL_A),
    (PriorityPolicy("ratio", 2), [], [NORMAL_B, OVERDUE_NORMAL], OVERDUE_NORMAL),
])
def test_a_priority_booth_calls_priority_visitors_first(policy, recent, waiting, expected):
    assert choose_next(waiting, recent, policy, at(5), priority_booth=True) == expected


def test_an_ordinary_booth_keeps_the_policy_where_a_priority_booth_would_not():
    assert choose_next([NORMAL_A, NORMAL_B, PRIO], [], PriorityPolicy("fifo"), at(5)) == NORMAL_A
    assert choose_next([OVERDUE_NORMAL, PRIO], [], PriorityPolicy("strict"), at(5)) == OVERDUE_NORMAL


def test_empty_queue():
    assert choose_next([], [], PriorityPolicy(), T0) is None


candidates = st.lists(
    st.builds(lambda i, p, m: Candidate(i, p, at(m)), st.integers(1, 10_000), st.booleans(), st.integers(0, 120)),
    max_size=30, unique_by=lambda c: c.id)


@settings(max_examples=200, deadline=None)
@given(candidates, st.sampled_from(["fifo", "strict", "ratio"]), st.integers(0, 4), st.integers(0, 200))
def test_queue_order_is_a_permutation_and_fair(cands, kind, ratio, now_min):
    policy = PriorityPolicy(kind, ratio, dt.timedelta(minutes=30))
    order = queue_order(cands, [], policy, at(now_min))
    assert sorted(c.id for c in order) == sorted(c.id for c in cands)
    # within each group, arrival order is kept (nobody overtakes someone of their own group)
    for group in (True, False):
        times = [(c.arrived_at, c.id) for c in order if c.priority == group]
        assert times == sorted(times)
    if kind == "ratio" and ratio > 0:
        # a waiting priority visitor never sees more than `ratio` normal visitors called in a row
        # before her (unless aging put an overdue normal visitor first)
        overdue = {c.id for c in cands if at(now_min) - c.arrived_at >= policy.max_wait}
        run = 0
        for i, c in enumerate(order):
            waiting_priority = any(x.priority for x in order[i:])
            if c.priority:
                run = 0
            elif waiting_priority and c.id not in overdue:
                run += 1
                assert run <= ratio


# a line, the latest calls' priority flags, a policy (kind, ratio), the minute now and the booth's kind
situations = (candidates, st.lists(st.booleans(), max_size=5), st.sampled_from(["fifo", "strict", "ratio"]),
              st.integers(0, 4), st.integers(0, 200), st.booleans())


@settings(max_examples=300, deadline=None)
@given(*situations)
def test_queue_order_agrees_with_calling_next_one_by_one(cands, recent, kind, ratio, now_min, priority_booth):
    policy = PriorityPolicy(kind, ratio, dt.timedelta(minutes=30))
    now = at(now_min)
    remaining, history, expected = list(cands), list(recent), []
    while remaining:
        nxt = choose_next(remaining, history, policy, now, priority_booth)
        expected.append(nxt)
        remaining.remove(nxt)
        history.insert(0, nxt.priority)
    assert queue_order(cands, recent, policy, now, priority_booth) == expected


@settings(max_examples=300, deadline=None)
@given(*situations)
def test_the_heads_of_the_two_lines_decide_the_next_call(cands, recent, kind, ratio, now_min, priority_booth):
    """What a call-next reads from the database (two rows, however long the line) chooses as the whole line."""
    policy = PriorityPolicy(kind, ratio, dt.timedelta(minutes=30))
    heads = line_heads(cands)
    assert len(heads) <= 2 and len({c.priority for c in heads}) == len(heads)
    assert choose_next(heads, recent, policy, at(now_min), priority_booth) == \
        choose_next(cands, recent, policy, at(now_min), priority_booth)


@settings(max_examples=100, deadline=None)
@given(candidates)
def test_strict_puts_every_priority_first_when_nobody_is_overdue(cands):
    order = queue_order(cands, [], PriorityPolicy("strict", max_wait=None), T0)
    flags = [c.priority for c in order]
    assert flags == sorted(flags, reverse=True)


def test_transitions():
    check_transition("waiting", "call")
    for verb, allowed in ALLOWED_FROM.items():
        for status in ("waiting", "called", "serving", "parked", "done", "no_show", "cancelled"):
            if status in allowed:
                check_transition(status, verb)
            else:
                with pytest.raises(TransitionError) as err:
                    check_transition(status, verb)
                assert status in str(err.value)


@pytest.mark.parametrize("local,expected", [
    (dt.datetime(2026, 11, 24, 7, 29), "buka pukul 07:30"),
    (dt.datetime(2026, 11, 24, 7, 30), None),
    (dt.datetime(2026, 11, 24, 15, 29), None),
    (dt.datetime(2026, 11, 24, 15, 30), "ditutup pukul 15:30"),
    (dt.datetime(2026, 11, 28, 10, 0), "tidak buka hari ini"),
])
def test_issuing_hours(local, expected):
    reason = issuing_closed_reason(local, "07:30", "15:30", "mon,tue,wed,thu,fri")
    assert (reason is None) if expected is None else (expected in reason)


def test_wait_estimate_uses_median_and_booths():
    assert estimate_wait_s(0, [300, 600], 600, 2) == 0
    assert estimate_wait_s(4, [], 600, 2) == 1200              # no history: the typical time
    assert estimate_wait_s(3, [100, 200, 10_000], 600, 1) == 600   # the median ignores one outlier
    assert estimate_wait_s(3, [200], 600, 0) == 600            # no booth known: as if one


@settings(max_examples=300, deadline=None)
@given(candidates, st.lists(st.booleans(), max_size=5), st.sampled_from(["fifo", "strict", "ratio"]),
       st.integers(0, 4), st.integers(0, 200), st.booleans())
def test_last_normal_arrival_is_behind_everyone(cands, recent, kind, ratio, now_min, priority_booth):
    """The shortcut in reads.queue.ahead_of: a normal visitor who arrived last has everyone ahead, at an
    ordinary booth and at a priority booth."""
    newest = Candidate(10_001, False, at(121))
    order = queue_order(cands + [newest], recent, PriorityPolicy(kind, ratio, dt.timedelta(minutes=30)),
                        at(now_min + 121), priority_booth)
    assert order[-1] == newest


def test_the_screen_is_behind_only_when_the_booth_holds_a_visit_it_does_not_show():
    assert not screen_is_behind(None, [])          # nothing shown, nothing held: call
    assert not screen_is_behind(7, [])             # the shown visit was finished elsewhere: call
    assert not screen_is_behind(7, [7])            # finishing what it shows: call
    assert not screen_is_behind(7, [3, 7])
    assert screen_is_behind(None, [8])             # an earlier call-next called 8: answer 8
    assert screen_is_behind(7, [8])
