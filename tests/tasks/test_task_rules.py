"""The pure task rules: which verb applies when, pickup targets, deadlines and the next alert level."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intranet_server.rules.calendar import WorkingCalendar
from intranet_server.rules.tasks import (
    LEVELS, STATUSES, VERBS, Deadlines, SlaPolicy, TransitionError, check_transition, completion_due,
    hold_until, in_office_hours, next_alert, pickup_deadlines,
)

WIB = dt.timezone(dt.timedelta(hours=7))
OFFICE = WorkingCalendar()                      # Perpres 21/2023 hours, no holidays
ALWAYS = WorkingCalendar(always_open=True)
M = dt.timedelta(minutes=1)


def wib(*args):
    return dt.datetime(*args, tzinfo=WIB)


# ---- the state machine --------------------------------------------------------------------

ALLOWED = [
    ("claim", "open", "p1", False), ("claim", "waiting", "p2", False),
    ("unclaim", "open", "p1", True), ("forward", "open", "p1", True),
    ("request_document", "open", "p2", True), ("resume", "waiting", "p2", True),
    ("complete", "open", "p1", True), ("complete", "waiting", "p2", True),
    ("return", "open", "p2", False), ("return", "open", "p1", True),
    ("comment", "done", "p0", False), ("cancel", "returned", "p0", False),
    ("resend", "returned", "p0", False), ("ack", "done", "p0", False), ("reassign", "open", "p2", True),
]
REFUSED = [
    ("claim", "open", "p1", True, "already claimed"),
    ("claim", "done", "p0", False, "completed"),
    ("forward", "open", "p2", True, "only an echelon-1"),
    ("forward", "open", "p1", False, "claim the task"),
    ("complete", "open", "p2", False, "claim the task"),
    ("complete", "done", "p0", False, "completed"),
    ("request_document", "waiting", "p2", True, "waiting"),
    ("resume", "open", "p2", True, "open"),
    ("return", "waiting", "p2", True, "waiting"),
    ("cancel", "done", "p0", False, "completed"),
    ("comment", "cancelled", "p0", False, "cancelled"),
    ("resend", "open", "p1", False, "open"),
    ("ack", "open", "p1", False, "open"),
    ("claim", "returned", "p0", False, "returned"),
]


@pytest.mark.parametrize("verb,status,position,held", ALLOWED)
def test_allowed_transitions(verb, status, position, held):
    check_transition(verb, status, position, held)


@pytest.mark.parametrize("verb,status,position,held,words", REFUSED)
def test_refused_transitions_say_why(verb, status, position, held, words):
    with pytest.raises(TransitionError, match=words):
        check_transition(verb, status, position, held)


@given(st.sampled_from(sorted(VERBS)), st.sampled_from(STATUSES), st.sampled_from(("p0", "p1", "p2")),
       st.booleans())
def test_every_combination_is_decided_with_a_message(verb, status, position, held):
    try:
        check_transition(verb, status, position, held)
    except TransitionError as exc:
        assert str(exc)


def test_nothing_but_comments_happens_to_a_finished_task():
    for verb in VERBS:
        for status in ("done", "cancelled"):
            if (verb, status) in (("comment", "done"), ("ack", "done")):
                continue
            with pytest.raises(TransitionError):
                check_transition(verb, status, "p0", False)


# ---- targets and deadlines ------------------------------------------------------------------

def test_pickup_target_precedence_unit_then_service_then_default():
    policy = SlaPolicy(by_unit={"PHIJSK-PK": 20 * M}, by_service={"PP": {"p1": 10 * M}})
    assert policy.pickup_target("p1", "PHIJSK", "PKB") == 15 * M
    assert policy.pickup_target("p2", "PHIJSK-UPAH", "PKB") == 30 * M
    assert policy.pickup_target("p1", "PHIJSK", "PP") == 10 * M
    assert policy.pickup_target("p2", "PHIJSK-PK", "PP") == 20 * M      # the unit's own target wins
    assert policy.pickup_target("p2", "PHIJSK-UPAH", "PP") == 30 * M    # PP sets no P2 target


def test_policy_from_settings():
    from intranet_server.config import load_settings
    settings = load_settings(environ={"PTSA_SLA_PICKUP_P0_P1": "3s", "PTSA_SLA_WARN_RATIO": "0.5",
                                      "PTSA_SLA_ESCALATE_RATIO": "0"})
    policy = SlaPolicy.from_settings(settings["sla"])
    assert policy.pickup_p1 == dt.timedelta(seconds=3) and policy.warn_ratio == 0.5
    assert policy.escalate_ratio == 0 and policy.channels["breach"] == ("screen", "email", "sms")
    assert policy.shortest_warning_lead() == dt.timedelta(seconds=1.5)


def test_friday_afternoon_task_is_due_monday_morning():
    d = pickup_deadlines(OFFICE, wib(2026, 11, 27, 16, 20), 15 * M, SlaPolicy())
    assert d.due_at == wib(2026, 11, 30, 7, 35)                  # Friday closes 16:30
    assert d.warn_at == wib(2026, 11, 30, 7, 32)                 # 12 of 15 working minutes
    assert d.escalate_at == wib(2026, 11, 30, 7, 50)


def test_lunch_break_does_not_count():
    d = pickup_deadlines(OFFICE, wib(2026, 11, 24, 11, 50), 30 * M, SlaPolicy())
    assert d.warn_at == wib(2026, 11, 24, 13, 14) and d.due_at == wib(2026, 11, 24, 13, 20)


def test_no_escalation_level_when_the_ratio_is_zero():
    d = pickup_deadlines(ALWAYS, wib(2026, 11, 24, 9, 0), 15 * M, SlaPolicy(escalate_ratio=0))
    assert d.escalate_at is None
    assert next_alert(d, {"warning", "breach"}) is None


def test_next_alert_walks_the_levels_in_order():
    d = Deadlines(wib(2026, 1, 5, 9, 12), wib(2026, 1, 5, 9, 15), wib(2026, 1, 5, 9, 30))
    assert next_alert(d, set()) == ("warning", d.warn_at)
    assert next_alert(d, {"warning"}) == ("breach", d.due_at)
    assert next_alert(d, {"warning", "breach"}) == ("escalation", d.escalate_at)
    assert next_alert(d, set(LEVELS)) is None


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)),
       st.integers(min_value=1, max_value=600), st.floats(min_value=0.05, max_value=0.95))
def test_deadlines_are_ordered_and_inside_working_time(naive, minutes, ratio):
    sent = naive.replace(tzinfo=WIB)
    policy = SlaPolicy(warn_ratio=ratio)
    d = pickup_deadlines(OFFICE, sent, minutes * M, policy)
    assert sent <= d.warn_at <= d.due_at <= d.escalate_at
    for at in (d.warn_at, d.due_at, d.escalate_at):
        # a deadline is working time, or the very end of a working interval (closing time)
        assert OFFICE.is_working_time(at) or OFFICE.is_working_time(at - dt.timedelta(microseconds=1))
    assert OFFICE.working_time_between(sent, d.due_at) == minutes * M


def test_completion_due_is_the_close_of_the_nth_working_day_moved_on_by_pauses():
    arrival = wib(2026, 11, 24, 10, 0)                                         # Tuesday
    assert completion_due(OFFICE, arrival, 3) == wib(2026, 11, 27, 16, 30)     # Friday closing
    assert completion_due(OFFICE, arrival, 3, 90 * M) == wib(2026, 11, 30, 9, 0)   # +1h30 working
    assert completion_due(OFFICE, arrival, None) is None


def test_off_hours_hold_until_the_next_opening_with_a_minute_of_grace():
    policy = SlaPolicy()
    assert hold_until(OFFICE, wib(2026, 11, 24, 10, 0), policy) is None
    assert hold_until(OFFICE, wib(2026, 11, 24, 16, 0), policy) is None            # exactly at closing
    assert in_office_hours(OFFICE, wib(2026, 11, 24, 16, 0, 30))                   # half a minute after
    assert hold_until(OFFICE, wib(2026, 11, 24, 23, 0), policy) == wib(2026, 11, 25, 7, 30)
    assert hold_until(OFFICE, wib(2026, 11, 28, 9, 0), policy) == wib(2026, 11, 30, 7, 30)   # Saturday
    assert hold_until(OFFICE, wib(2026, 11, 24, 23, 0), SlaPolicy(off_hours="send")) is None
    assert hold_until(ALWAYS, wib(2026, 11, 24, 3, 0), policy) is None
