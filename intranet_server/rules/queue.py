"""Pure queue rules: ticket numbers, the business day, priority ordering, ticket states,
opening hours and the wait estimate. No Flask, no database, no clock."""
from __future__ import annotations

import datetime as dt
import statistics
from collections import deque
from dataclasses import dataclass
from zoneinfo import ZoneInfo

MAX_SEQ = 999   # three digits on the ticket and in the voice call
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def format_number(prefix: str, seq: int) -> str:
    if not 1 <= seq <= MAX_SEQ:
        raise ValueError(f"ticket sequence {seq} is outside 1..{MAX_SEQ}")
    return f"{prefix}{seq:03d}"


def business_day(instant: dt.datetime, tz: str) -> dt.date:
    """The office's local date: numbering resets at local midnight, not at 00:00 UTC."""
    return instant.astimezone(ZoneInfo(tz)).date()


# ---- priority -------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    id: int
    priority: bool
    arrived_at: dt.datetime


@dataclass(frozen=True)
class PriorityPolicy:
    """How priority visitors (lansia, disabilitas, ibu hamil, anak) are mixed with the others.

    - "strict": every priority visitor goes before every other visitor.
    - "ratio": arrival order, except that once `normal_per_priority` other visitors have been
      called in a row, a waiting priority visitor goes next (2 means at most 2 normal : 1
      priority). A priority visitor is never called after someone who came later and is not
      a priority visitor, unless the ratio says so; the others are never starved either.
    - "fifo": arrival order only.
    In every policy, a visitor who has waited longer than `max_wait` goes first (oldest first),
    so nobody is starved by a steady stream of priority visitors.
    """
    kind: str = "ratio"
    normal_per_priority: int = 2
    max_wait: dt.timedelta | None = dt.timedelta(minutes=30)


def line_heads(candidates: list[Candidate]) -> list[Candidate]:
    """The longest-waiting visitor with priority and the one without: all `choose_next` looks at (the
    overdue one is the older of the two), so a call-next reads two rows however long the line."""
    heads: dict[bool, Candidate] = {}
    for c in candidates:
        head = heads.get(c.priority)
        if head is None or (c.arrived_at, c.id) < (head.arrived_at, head.id):
            heads[c.priority] = c
    return list(heads.values())


def screen_is_behind(seen: int | None, at_booth: list[int]) -> bool:
    """call-next from a screen that shows visit `seen` (None: no visit) while the booth holds the visits
    `at_booth`: True when the booth holds another visit than the screen shows. Then an earlier call-next
    called it and the screen has not heard yet (its answer was lost and the request sent again, or the
    button was tapped twice), so this one must not finish that visitor unseen and call another."""
    return bool(at_booth) and seen not in at_booth


def choose_next(candidates: list[Candidate], recent_calls: list[bool], policy: PriorityPolicy,
                now: dt.datetime, priority_booth: bool = False) -> Candidate | None:
    """The visitor to call next. Only the heads of the two lines matter (`line_heads`).

    `recent_calls` are the priority flags of the latest calls of the same queue, newest first.
    A priority booth calls the waiting priority visitors first (oldest first), whatever the policy
    and even before an overdue visitor: the office set the booth up for them, and the other booths
    of the queue keep serving everyone else by the policy.
    """
    if not candidates:
        return None
    by_arrival = sorted(candidates, key=lambda c: (c.arrived_at, c.id))
    if priority_booth and any(c.priority for c in by_arrival):
        return next(c for c in by_arrival if c.priority)
    if policy.max_wait is not None:
        overdue = [c for c in by_arrival if now - c.arrived_at >= policy.max_wait]
        if overdue:
            return overdue[0]
    priority = [c for c in by_arrival if c.priority]
    normal = [c for c in by_arrival if not c.priority]
    if policy.kind == "fifo" or not priority or not normal:
        return by_arrival[0]
    if policy.kind == "strict":
        return priority[0]
    if priority[0].arrived_at <= normal[0].arrived_at:
        return priority[0]
    normals_since_priority = 0
    for was_priority in recent_calls:
        if was_priority:
            break
        normals_since_priority += 1
    if normals_since_priority >= policy.normal_per_priority:
        return priority[0]
    return normal[0]


def queue_order(candidates: list[Candidate], recent_calls: list[bool], policy: PriorityPolicy,
                now: dt.datetime, priority_booth: bool = False) -> list[Candidate]:
    """The whole waiting line in the order `choose_next` would call it (if nobody else arrives).

    Linear after one sort: the overdue go first in arrival order, then the two lines are merged
    by the same rule `choose_next` applies (a test checks that they always agree). At a priority
    booth every priority visitor comes first, then the others by the policy."""
    if priority_booth:
        first = sorted((c for c in candidates if c.priority), key=lambda c: (c.arrived_at, c.id))
        rest = [c for c in candidates if not c.priority]
        return first + queue_order(rest, [True] * bool(first) + list(recent_calls), policy, now)
    by_arrival = sorted(candidates, key=lambda c: (c.arrived_at, c.id))
    if policy.max_wait is not None:
        overdue = [c for c in by_arrival if now - c.arrived_at >= policy.max_wait]
        by_arrival = [c for c in by_arrival if now - c.arrived_at < policy.max_wait]
    else:
        overdue = []
    if policy.kind == "fifo":
        return overdue + by_arrival
    recent = list(recent_calls)
    for c in overdue:   # they are called first: newest first in the history
        recent.insert(0, c.priority)
    normals_since_priority = 0
    for was_priority in recent:
        if was_priority:
            break
        normals_since_priority += 1
    priority = deque(c for c in by_arrival if c.priority)
    normal = deque(c for c in by_arrival if not c.priority)
    order = list(overdue)
    while priority or normal:
        take_priority = bool(priority) and (
            not normal or policy.kind == "strict"
            or priority[0].arrived_at <= normal[0].arrived_at
            or normals_since_priority >= policy.normal_per_priority)
        if take_priority:
            order.append(priority.popleft())
            normals_since_priority = 0
        else:
            order.append(normal.popleft())
            normals_since_priority += 1
    return order


# ---- ticket states --------------------------------------------------------------------

# verb -> the states a ticket may be in for it
ALLOWED_FROM = {
    "call": {"waiting", "no_show", "parked"},
    "recall": {"called"},
    "start": {"called"},
    "finish": {"called", "serving"},
    "no_show": {"called"},
    "park": {"called", "serving"},
    "resume": {"parked"},
    "transfer": {"waiting", "called", "serving", "parked"},
    "cancel": {"waiting", "called", "parked", "no_show"},
}


class TransitionError(ValueError):
    def __init__(self, verb: str, status: str):
        allowed = ", ".join(sorted(ALLOWED_FROM[verb]))
        super().__init__(f"cannot {verb.replace('_', '-')} a ticket that is {status} "
                         f"(only when {allowed})")
        self.verb, self.status = verb, status


def check_transition(status: str, verb: str) -> None:
    if status not in ALLOWED_FROM[verb]:
        raise TransitionError(verb, status)


# the order the booth shows them in; "cancel" has no screen (kiosk/admin only)
TICKET_VERBS = ("call", "recall", "start", "finish", "no_show", "park", "resume", "transfer")


def ticket_verbs(status: str, *, own: bool, served_here: bool, returnable: bool = True) -> list[str]:
    """The verbs a front officer may apply to a ticket now, as the actions would accept them.

    `own`: the ticket is at the officer's booth; `served_here`: her booth serves its queue;
    `returnable`: a no-show is still inside the recall window. The booth draws its buttons from
    this list; the actions check the same conditions (tests/tasks/test_verbs.py keeps them equal).
    """
    verbs = []
    for verb in TICKET_VERBS:
        if status not in ALLOWED_FROM[verb]:
            continue
        if verb == "call":
            if not served_here or (status == "parked" and not own) or (status == "no_show" and not returnable):
                continue
        elif verb == "transfer":
            # the booth's own visit, or a ticket of a queue it serves that no booth holds (as the action)
            if not (own or (served_here and status in ("waiting", "no_show"))):
                continue
        elif not own:
            continue
        verbs.append(verb)
    return verbs


# the verbs that hurt when pressed by mistake, and how long they can be taken back
UNDOABLE = ("finish", "no_show", "transfer")
UNDO_WINDOW = dt.timedelta(seconds=15)


def may_undo(verb: str, done_at: dt.datetime, now: dt.datetime, window: dt.timedelta = UNDO_WINDOW) -> bool:
    return verb in UNDOABLE and dt.timedelta(0) <= now - done_at <= window


def may_return_after_no_show(no_show_at: dt.datetime, now: dt.datetime, window: dt.timedelta) -> bool:
    return now - no_show_at <= window


# ---- opening hours and the wait estimate ---------------------------------------------

def issuing_closed_reason(local_now: dt.datetime, opens_at: str, closes_at: str,
                          open_days: str) -> str | None:
    """None when tickets may be issued at this local time, else why not (Bahasa Indonesia and English)."""
    day = WEEKDAYS[local_now.weekday()]
    if day not in open_days.split(","):
        return "Layanan ini tidak buka hari ini / This service is closed today"
    hhmm = local_now.strftime("%H:%M")
    if hhmm < opens_at:
        return f"Layanan ini buka pukul {opens_at} / This service opens at {opens_at}"
    if hhmm >= closes_at:
        return f"Pengambilan antrean ditutup pukul {closes_at} / Tickets close at {closes_at}"
    return None


def estimate_wait_s(ahead: int, recent_service_s: list[float], typical_service_s: int,
                    serving_booths: int) -> int:
    """Seconds until a new visitor is called: the people ahead times the median recent service
    time, shared by the booths that serve this queue."""
    per_visitor = statistics.median(recent_service_s) if recent_service_s else typical_service_s
    return int(round(ahead * per_visitor / max(serving_booths, 1)))
