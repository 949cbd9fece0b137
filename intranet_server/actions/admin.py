"""Administration verbs beyond the catalog and staff: kiosks with a pairing code, calendar edits
with a dry run of the deadline recompute, and service levels stored in the database."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json

from db.admin_models import ServiceLevel
from db.models import Unit, database
from db.task_models import Task, TaskHop
from intranet_server import clock
from intranet_server.actions import Conflict, Invalid, audit
from intranet_server.actions import tasks as task_actions
from intranet_server.actions.kiosks import register_kiosk, revoke_kiosk
from intranet_server.rules.durations import parse_duration
from intranet_server.rules.tasks import recipient_rules

PAIRING_PREFIX = "PTSA-KIOSK:"
LEVELS = ("warning", "breach", "escalation")


# ---- kiosks -------------------------------------------------------------------------------

def pairing_text(server_url: str, token: str) -> str:
    """What the kiosk's pair field takes: a USB scanner reading the QR code types exactly this."""
    return PAIRING_PREFIX + json.dumps({"server": server_url.rstrip("/"), "token": token}, separators=(",", ":"))


def qr_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def add_kiosk(actor: str, name: str, server_url: str) -> dict:
    kiosk, token = register_kiosk(name, actor=actor)
    pairing = pairing_text(server_url, token)
    return {"name": kiosk.name, "token": token, "pairing": pairing, "qr_svg": qr_svg(pairing)}


def remove_kiosk(actor: str, name: str) -> None:
    revoke_kiosk(name, actor=actor)


# ---- the calendar: a dry run of the recompute ------------------------------------------------

class _DryRun(Exception):
    pass


def _open_deadlines() -> dict[tuple, dt.datetime | None]:
    out = {}
    for hop in TaskHop.select().where(TaskHop.picked_at.is_null() & TaskHop.closed_at.is_null()
                                      & TaskHop.to_unit.is_null(False)):
        out[("hop", hop.task_id, hop.id)] = hop.due_at
    for task in Task.select().where(Task.status.in_(("open", "waiting")) & Task.sop_days.is_null(False)):
        out[("task", task.id, None)] = task.completion_due_at
    return out


def _forget_cached_calendars() -> None:
    # the dry run built calendars for a version number that was rolled back; the next real edit
    # takes the same number, so drop them
    from intranet_server import sla
    from intranet_server.reads import calendars
    with calendars._lock:
        calendars._books.clear()
    sla._stored = None


def dry_run(edit) -> dict:
    """What `edit()` (a calendar or service-level change) would do to open deadlines: it runs inside
    a transaction that is always rolled back, through the very recompute a real save uses."""
    shift = {}
    try:
        with database.atomic():
            before = _open_deadlines()
            edit()
            after = _open_deadlines()
            for key, old in before.items():
                new = after.get(key)
                if old is not None and new is not None and new != old:
                    shift[key] = (old, new)
            raise _DryRun
    except _DryRun:
        pass
    finally:
        _forget_cached_calendars()
    moves = [int((new - old).total_seconds()) for old, new in shift.values()]
    examples = [{"task": key[1], "deadline": "pickup" if key[0] == "hop" else "completion",
                 "from": old.isoformat(), "to": new.isoformat()}
                for key, (old, new) in sorted(shift.items(), key=lambda kv: kv[0][1])[:10]]
    return {"tasks": len({key[1] for key in shift}), "deadlines": len(shift),
            "earliest_s": min((m for m in moves if m < 0), default=None),
            "latest_s": max((m for m in moves if m > 0), default=None), "examples": examples}


def add_override(actor: str, data: dict, preview: bool = False):
    def edit():
        return task_actions.add_calendar_override(actor, data["kind"], data["first"], data.get("last"),
                                                  data.get("unit"), data.get("note"))
    return dry_run(edit) if preview else edit()


def remove_override(actor: str, override_id: int, preview: bool = False):
    def edit():
        return task_actions.remove_calendar_override(actor, override_id)
    return dry_run(edit) if preview else edit()


# ---- service levels -----------------------------------------------------------------------

def service_levels() -> dict:
    """The levels in force: the database's, else the settings file's (the initial defaults)."""
    from intranet_server import sla
    effective = sla.effective_sla()
    office = {"pickup_p0_p1": effective["pickup_p0_p1"], "pickup_p1_p2": effective["pickup_p1_p2"],
              "warn_ratio": effective["warn_ratio"], "escalate_ratio": effective["escalate_ratio"],
              "off_hours": effective["off_hours"],
              "channels": {level: list(effective[f"{level}_channels"]) for level in LEVELS},
              "units": {code: v["pickup"] for code, v in effective.get("units", {}).items() if "pickup" in v},
              "recipients": recipient_rules(effective.get("recipients")),
              "unit_recipients": {code: recipient_rules(v["recipients"])
                                  for code, v in effective.get("units", {}).items() if v.get("recipients")}}
    office["version"] = hashlib.sha256(json.dumps(office, sort_keys=True).encode()).hexdigest()[:16]
    office["stored"] = ServiceLevel.select().exists()
    return office


def _check_levels(data: dict) -> None:
    for key in ("pickup_p0_p1", "pickup_p1_p2"):
        try:
            parse_duration(data[key])
        except ValueError as exc:
            raise Invalid(f"'{key}': {exc}") from None
    if data["escalate_ratio"] != 0 and data["escalate_ratio"] <= 1:
        raise Invalid("'escalate_ratio': above 1 (2 = escalate at 200% of the target), or 0 for none")
    for code in data.get("unit_recipients") or {}:
        if Unit.get_or_none(Unit.code == code) is None:
            raise Invalid(f"'unit_recipients': unknown unit {code!r}")
    for code, target in data["units"].items():
        if Unit.get_or_none(Unit.code == code) is None:
            raise Invalid(f"'units': unknown unit {code!r}")
        try:
            parse_duration(target)
        except ValueError as exc:
            raise Invalid(f"'units': {code}: {exc}") from None


def save_service_levels(actor: str, data: dict, preview: bool = False):
    _check_levels(data)
    version = data.pop("version", None)

    def edit():
        current = service_levels()
        if version is not None and version != current["version"]:
            raise Conflict("the service levels were changed by someone else since you opened them; reload",
                           code="stale")
        # recipients left out of the body stay as they are (a client that does not know them keeps them)
        recipients = data.get("recipients") or current["recipients"]
        unit_recipients = current["unit_recipients"] if data.get("unit_recipients") is None \
            else data["unit_recipients"]
        value = {"pickup_p0_p1": data["pickup_p0_p1"], "pickup_p1_p2": data["pickup_p1_p2"],
                 "warn_ratio": data["warn_ratio"], "escalate_ratio": data["escalate_ratio"],
                 "off_hours": data["off_hours"],
                 **{f"{level}_channels": list(data["channels"][level]) for level in LEVELS},
                 "recipients": recipients}
        now = clock.now()
        ServiceLevel.delete().execute()
        ServiceLevel.create(scope="office", value=value, updated_by=actor, updated_at=now)
        for code in sorted(set(data["units"]) | set(unit_recipients)):
            unit_value = {"pickup": data["units"][code]} if code in data["units"] else {}
            if code in unit_recipients:
                unit_value["recipients"] = unit_recipients[code]
            ServiceLevel.create(scope=f"unit:{code}", value=unit_value, updated_by=actor, updated_at=now)
        from intranet_server import sla
        sla.bump_levels()
        audit(actor, "sla.levels", "service_levels", None, **value, units=data["units"],
              unit_recipients=unit_recipients)
        task_actions.recompute_deadlines(actor, None)
        return service_levels()

    if preview:
        return dry_run(edit)
    with database.atomic():
        return edit()
