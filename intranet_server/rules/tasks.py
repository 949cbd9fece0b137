"""The task chain's rules: which verb is allowed in which state, pickup targets, the deadlines of a
hop and of a task's completion, and which alert comes next.

Pure: no database, no clock, no Flask. Calendars come in as `WorkingCalendar`s, instants as aware
datetimes, so every rule can be tested exhaustively without a server.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from intranet_server.rules.calendar import WorkingCalendar
from intranet_server.rules.durations import parse_duration

STATUSES = ("open", "waiting", "done", "returned", "cancelled")
LEVELS = ("warning", "breach", "escalation")
CLOSED = ("done", "returned", "cancelled")


class TransitionError(ValueError):
    """The verb does not apply to the task as it is now; the message says why."""


# verb -> (statuses it applies to, where the task must be, whether somebody must hold it)
#   where: "unit" = at P1 or P2; "p1" = at a P1 unit; "any" = anywhere
#   held: True = claimed by someone, False = nobody holds it, None = either
VERBS: dict[str, tuple[tuple[str, ...], str, bool | None]] = {
    "claim": (("open", "waiting"), "unit", False),
    "unclaim": (("open", "waiting"), "unit", True),
    "reassign": (("open", "waiting"), "unit", None),
    "forward": (("open",), "p1", True),
    "request_document": (("open",), "unit", True),
    "resume": (("waiting",), "unit", None),
    "complete": (("open", "waiting"), "unit", True),
    "return": (("open",), "unit", None),
    "comment": (("open", "waiting", "done", "returned"), "any", None),
    "cancel": (("open", "waiting", "returned"), "any", None),
    "resend": (("returned",), "any", None),
    "ack": (("done", "returned"), "any", None),
}

_STATUS_WORDS = {"open": "open", "waiting": "waiting for the applicant", "done": "completed",
                 "returned": "returned to the front office", "cancelled": "cancelled"}


def check_transition(verb: str, status: str, position: str, held: bool) -> None:
    statuses, where, needs_holder = VERBS[verb]
    if status not in statuses:
        raise TransitionError(f"cannot {verb.replace('_', ' ')} a task that is {_STATUS_WORDS[status]}")
    if where == "unit" and position not in ("p1", "p2"):
        raise TransitionError(f"cannot {verb.replace('_', ' ')}: the task is not at a unit")
    if where == "p1" and position != "p1":
        raise TransitionError("only an echelon-1 receiver (P1) forwards a task")
    if needs_holder is True and not held:
        raise TransitionError(f"claim the task before you {verb.replace('_', ' ')} it")
    if needs_holder is False and held:
        raise TransitionError("the task is already claimed")


# ---- what a viewer may do -------------------------------------------------------------

# How a person stands to a task: its holder; a receiver of the unit that has it now (and does not
# hold it); the front officer at the booth it came from; a supervisor of the unit that has it;
# anyone else who may read it.
VIEWERS = ("holder", "receiver", "origin", "supervisor", "reader")
_WHO = {   # verb -> the viewers the actions let apply it (before the state check)
    "claim": {"receiver"}, "unclaim": {"holder"}, "forward": {"holder"}, "request_document": {"holder"},
    "complete": {"holder"}, "reassign": {"holder", "receiver", "supervisor"}, "return": {"holder", "receiver"},
    "resume": {"holder", "receiver", "origin"}, "comment": set(VIEWERS), "cancel": {"origin"},
    "resend": {"origin"}, "ack": {"origin"},
}


def task_verbs(status: str, position: str, held: bool, viewer: str, *, answer_waiting: bool = False) -> list[str]:
    """The verbs `viewer` (one of VIEWERS) may apply now, in the order screens show them.

    A receiver who does not hold a task that someone else holds may only comment (the actions
    refuse the rest to anyone but its holder). `answer_waiting`: the current hop goes back to the
    booth and the officer has not acknowledged it yet (needed for "ack")."""
    verbs = []
    for verb, who in _WHO.items():
        if viewer not in who:
            continue
        if viewer == "receiver" and held and verb != "comment":
            continue
        if verb == "reassign" and position not in ("p1", "p2"):
            continue
        if verb == "ack" and not answer_waiting:
            continue
        try:
            check_transition(verb, status, position, held or viewer == "holder")
        except TransitionError:
            continue
        if verb == "claim" and held:
            continue
        verbs.append(verb)
    return verbs


def task_verbs_by_viewer(status: str, position: str, held: bool, *, answer_waiting: bool = False) -> dict:
    return {viewer: task_verbs(status, position, held, viewer, answer_waiting=answer_waiting) for viewer in VIEWERS}


# ---- the SLA policy --------------------------------------------------------------------

# Who is told at each level: the supervisors of the unit that must pick up, those of its parent unit
# (above echelon 1: the admins), and extra e-mail addresses / phone numbers (a head of office, a
# shared mailbox). When nobody is chosen or found, the unit's own supervisors are told, else those
# of the next unit up that has one, and finally the admins: an alert is never told to nobody.
DEFAULT_RECIPIENTS = {
    "warning": {"unit_supervisors": True, "parent_supervisors": False, "emails": [], "phones": []},
    "breach": {"unit_supervisors": True, "parent_supervisors": False, "emails": [], "phones": []},
    "escalation": {"unit_supervisors": False, "parent_supervisors": True, "emails": [], "phones": []},
}


def recipient_rules(value: dict | None) -> dict:
    """A stored recipients value completed with the defaults (a level or key left out keeps them)."""
    value = value or {}
    return {level: {**DEFAULT_RECIPIENTS[level], **value.get(level, {})} for level in LEVELS}


@dataclass(frozen=True)
class SlaPolicy:
    """Pickup targets (working time of the receiving unit) and alert rules, from [sla]."""
    pickup_p1: dt.timedelta = dt.timedelta(minutes=15)     # P0 -> P1
    pickup_p2: dt.timedelta = dt.timedelta(minutes=30)     # P1 -> P2
    warn_ratio: float = 0.8
    escalate_ratio: float = 2.0                            # 0: no escalation level
    off_hours: str = "hold"                                # "hold" | "send"
    channels: dict = field(default_factory=lambda: {"warning": ("screen",),
                                                   "breach": ("screen", "email", "sms"),
                                                   "escalation": ("screen", "email", "sms")})
    by_unit: dict = field(default_factory=dict)            # unit code -> pickup target
    by_service: dict = field(default_factory=dict)         # service code -> {"p1": td, "p2": td}
    recipients: dict = field(default_factory=lambda: recipient_rules(None))   # level -> who is told
    by_unit_recipients: dict = field(default_factory=dict)  # unit code -> its own level -> who is told

    @classmethod
    def from_settings(cls, sla: dict) -> SlaPolicy:
        by_service = {}
        office = recipient_rules(sla.get("recipients"))
        for code, values in sla.get("services", {}).items():
            by_service[code] = {pos: parse_duration(values[key])
                                for pos, key in (("p1", "pickup_p0_p1"), ("p2", "pickup_p1_p2")) if key in values}
        return cls(
            pickup_p1=parse_duration(sla["pickup_p0_p1"]),
            pickup_p2=parse_duration(sla["pickup_p1_p2"]),
            warn_ratio=float(sla["warn_ratio"]),
            escalate_ratio=float(sla["escalate_ratio"]),
            off_hours=sla["off_hours"],
            channels={level: tuple(sla[f"{level}_channels"]) for level in LEVELS},
            by_unit={code: parse_duration(v["pickup"]) for code, v in sla.get("units", {}).items()
                     if "pickup" in v},
            by_service=by_service,
            recipients=office,
            # a unit's own choice replaces the office's level by level (a level it leaves out: the office's)
            by_unit_recipients={code: {level: {**office[level], **v["recipients"].get(level, {})} for level in LEVELS}
                                for code, v in sla.get("units", {}).items() if v.get("recipients")},
        )

    def recipients_for(self, level: str, unit_code: str) -> dict:
        """Who is told of this level for a hop to this unit: the unit's own choice, else the office's."""
        return self.by_unit_recipients.get(unit_code, self.recipients)[level]

    def pickup_target(self, position: str, unit_code: str, service_code: str) -> dt.timedelta:
        """The receiving unit's own target wins, then the service's, then the office default."""
        if unit_code in self.by_unit:
            return self.by_unit[unit_code]
        if position in self.by_service.get(service_code, {}):
            return self.by_service[service_code][position]
        return self.pickup_p1 if position == "p1" else self.pickup_p2

    def shortest_warning_lead(self) -> dt.timedelta:
        """The least time between sending a hop and its first alert (the sweeper never sleeps longer
        than half of this without looking, so deadlines made by other processes are never late)."""
        targets = [self.pickup_p1, self.pickup_p2, *self.by_unit.values(),
                   *(t for v in self.by_service.values() for t in v.values())]
        return min(targets) * self.warn_ratio


# ---- deadlines -------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadlines:
    warn_at: dt.datetime
    due_at: dt.datetime
    escalate_at: dt.datetime | None

    def at(self, level: str) -> dt.datetime | None:
        return {"warning": self.warn_at, "breach": self.due_at, "escalation": self.escalate_at}[level]


def pickup_deadlines(calendar: WorkingCalendar, sent_at: dt.datetime, target: dt.timedelta,
                     policy: SlaPolicy) -> Deadlines:
    """Warning at warn_ratio of the target, breach at 100%, escalation at escalate_ratio: all counted
    in the receiving unit's working time from the moment the hop was sent."""
    warn_at = calendar.add_working_time(sent_at, target * policy.warn_ratio)
    due_at = calendar.add_working_time(sent_at, target)
    escalate_at = (calendar.add_working_time(sent_at, target * policy.escalate_ratio)
                   if policy.escalate_ratio else None)
    return Deadlines(warn_at, due_at, escalate_at)


def next_alert(deadlines: Deadlines, raised: set[str] | frozenset[str]) -> tuple[str, dt.datetime] | None:
    """The first level not raised yet, with its instant; None when nothing is left to raise."""
    for level in LEVELS:
        at = deadlines.at(level)
        if at is not None and level not in raised:
            return level, at
    return None


def completion_due(calendar: WorkingCalendar, arrival: dt.datetime, sop_days: int | None,
                   paused: dt.timedelta = dt.timedelta(0)) -> dt.datetime | None:
    """End of the sop_days-th working day after the day of arrival, moved on by the working time
    spent waiting on the applicant."""
    if not sop_days:
        return None
    due = calendar.add_working_days(arrival, sop_days)
    return calendar.add_working_time(due, paused) if paused > dt.timedelta(0) else due


def working_seconds(calendar: WorkingCalendar, start: dt.datetime, end: dt.datetime) -> int:
    return int(calendar.working_time_between(start, end).total_seconds())


# ---- outside working hours -------------------------------------------------------------

GRACE = dt.timedelta(minutes=1)


def in_office_hours(calendar: WorkingCalendar, t: dt.datetime) -> bool:
    """Open now, or closed less than a minute ago: a breach exactly at closing time still goes out."""
    return calendar.is_working_time(t) or calendar.working_time_between(t - GRACE, t) > dt.timedelta(0)


def hold_until(calendar: WorkingCalendar, t: dt.datetime, policy: SlaPolicy) -> dt.datetime | None:
    """When an e-mail/SMS raised at `t` may go: None = now; else the unit's next opening."""
    if policy.off_hours == "send" or in_office_hours(calendar, t):
        return None
    return calendar.next_opening(t)
