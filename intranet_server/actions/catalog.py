"""Editing the catalog (units, services, booths) from the administration screens.

Every change is checked by the catalog loader's own `validate()` on the whole live catalog with
the change applied (one implementation for the TOML file and the screens), then written by the
loader in one transaction. Nothing is ever deleted: a row that history refers to is deactivated.
Kiosks, booths and the display hear of the change over their real-time rooms after the commit.
"""
from __future__ import annotations

import hashlib
import json

from db.catalog import CatalogError, export_catalog, load_catalog, validate
from peewee import fn

from db.connection import is_postgres
from db.models import Booth, Service, Ticket, Unit, database
from intranet_server import cache
from intranet_server.actions import Conflict, Invalid, NotFound, audit
from intranet_server.realtime import lobby
from intranet_server.realtime.events import publish


def version_of(entry: dict) -> str:
    """A row's version as the screens see it: a digest of its catalog entry. A PATCH carrying an
    older one was prepared against a row someone else changed since."""
    return hashlib.sha256(json.dumps(entry, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def _stale(kind: str, key, entry: dict, version: str | None) -> None:
    if version is not None and version != version_of(entry):
        raise Conflict(f"{kind} {key} was changed by someone else since you opened it; reload and try again",
                       code="stale")


def _find(rows: list[dict], key: str, value):
    return next((r for r in rows if r[key] == value), None)


def _check(catalog) -> None:
    try:
        validate(catalog)
    except CatalogError as exc:
        text = str(exc).split(": ", 1)[-1]
        raise Invalid(f"'{exc.field}': {text}" if exc.field else text) from None


def _apply(actor: str, change, action: str, subject_type: str, subject_key) -> dict:
    """Read the live catalog, let `change` edit it (returns the audit data), check it whole, load it."""
    with database.atomic():
        _serialize_catalog_edits()
        catalog = export_catalog()
        before = {"services": {s["code"]: dict(s) for s in catalog.services},
                  "booths": {b["number"]: dict(b) for b in catalog.booths},
                  "units": {u["code"]: dict(u) for u in catalog.units}}
        data = change(catalog)
        _check(catalog)
        load_catalog(catalog)
        subject = _subject(subject_type, subject_key)
        audit(actor, action, subject_type, subject.id if subject else None, **data)
        _announce(before, catalog, actor)
        database.after_commit(cache.services.clear)
    return data


CATALOG_LOCK = 7_007_001


def _serialize_catalog_edits() -> None:
    """An edit reads the whole catalog and writes it back: two at once must not interleave. SQLite's
    IMMEDIATE transactions already run one writer at a time; PostgreSQL takes a transaction lock."""
    if is_postgres():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CATALOG_LOCK,))


def _subject(subject_type: str, key):
    model, field = {"service": (Service, Service.code), "booth": (Booth, Booth.number),
                    "unit": (Unit, Unit.code)}[subject_type]
    return model.get_or_none(field == key)


def _announce(before: dict, catalog, actor: str) -> None:
    """Kiosk homes get a fresh summary of every service that changed (or whose booths did); the
    booths whose list changed, and the display, are told to reload their state."""
    changed_services = {s["code"] for s in catalog.services if before["services"].get(s["code"]) != s}
    changed_booths = set()
    for booth in catalog.booths:
        old = before["booths"].get(booth["number"])
        if old != booth:
            changed_booths.add(booth["number"])
            changed_services |= set(booth["services"]) ^ set((old or {}).get("services", []))
    changed_units = {u["code"] for u in catalog.units if before["units"].get(u["code"]) != u}
    if changed_units:   # a unit's name, hours or days change what its services' summaries say
        changed_services |= {s["code"] for s in catalog.services if s["unit"] in changed_units}
    for service in Service.select().where(Service.code.in_(list(changed_services) or [""])):
        lobby.service_changed(service.id)
    for number in sorted(changed_booths):
        publish(f"booth:{number}", "catalog", {"booth": number, "by": actor})
    if changed_booths or changed_services:
        publish("display", "catalog", {"booths": sorted(changed_booths)})
    if changed_units:
        _recompute_if_calendar_changed(before["units"], catalog.units, actor)


def _recompute_if_calendar_changed(before: dict, units: list[dict], actor: str) -> None:
    keys = ("hours", "timezone", "open_on_cuti_bersama")
    moved = [u["code"] for u in units
             if any((before.get(u["code"]) or {}).get(k) != u.get(k) for k in keys) and u["code"] in before]
    if moved:
        from intranet_server.actions.tasks import recompute_deadlines
        recompute_deadlines(actor, unit_ids={u.id for u in Unit.select().where(Unit.code.in_(moved))})
    else:
        from intranet_server.reads import calendars
        calendars.bump_version()    # new units need calendars too


# ---- services -----------------------------------------------------------------------------

def _service_entry(entry: dict, fields: dict) -> None:
    for key, value in fields.items():
        if key == "owner":
            entry["unit"] = value
        elif key == "hours":
            entry.update(opens_at=value["opens_at"], closes_at=value["closes_at"], open_days=list(value["days"]))
        elif value is None:
            entry.pop(key, None)      # sop_days / daily_cap null: none
        else:
            entry[key] = value


def create_service(actor: str, fields: dict) -> dict:
    code = fields["code"]

    def change(catalog):
        if _find(catalog.services, "code", code):
            raise Conflict(f"service {code} exists; change it instead", code="exists")
        entry = {"code": code}
        _service_entry(entry, {k: v for k, v in fields.items() if k != "code"})
        entry.setdefault("open_days", ["mon", "tue", "wed", "thu", "fri"])
        catalog.services.append(entry)
        return {"fields": sorted(fields)}
    _apply(actor, change, "service.add", "service", code)
    return service_row(code)


def update_service(actor: str, code: str, fields: dict, version: str | None = None) -> dict:
    def change(catalog):
        entry = _find(catalog.services, "code", code)
        if entry is None:
            raise NotFound(f"no service {code}")
        _stale("service", code, entry, version)
        _service_entry(entry, fields)
        return {"fields": sorted(fields)}
    _apply(actor, change, "service.change", "service", code)
    return service_row(code)


def _service_out(entry: dict) -> dict:
    """A service as the screens read it: every key always there (`sop_days`, `daily_cap` null for
    none, where the catalog entry leaves them out); the version stays the digest of the entry."""
    return {"sop_days": None, "daily_cap": None, **entry, "owner": entry["unit"], "version": version_of(entry)}


def service_row(code: str) -> dict:
    return _service_out(_find(export_catalog().services, "code", code))


# ---- booths -------------------------------------------------------------------------------

def _still_served(catalog, number: int, removed: set[str]) -> None:
    """Refuse to leave a queue with waiting visitors without any active booth to call them."""
    for code in sorted(removed):
        others = [b for b in catalog.booths if b["number"] != number and b.get("active", True)
                  and code in b["services"]]
        if others:
            continue
        waiting = (Ticket.select().join(Service, on=(Ticket.service == Service.id))
                   .where((Service.code == code) & (Ticket.status == "waiting")).count())
        if waiting:
            raise Conflict(f"'services': booth {number} is the last booth serving {code} and {waiting} "
                           f"visitor(s) wait for it; give {code} to another booth first", code="last_service")


def create_booth(actor: str, fields: dict) -> dict:
    number = fields["number"]

    def change(catalog):
        if _find(catalog.booths, "number", number):
            raise Conflict(f"booth {number} exists; change it instead", code="exists")
        catalog.booths.append({"number": number, "label": fields.get("label") or f"Booth {number}",
                               "services": list(dict.fromkeys(fields.get("services", []))),
                               "active": fields.get("active", True), "priority": fields.get("priority", False)})
        return {"services": fields.get("services", [])}
    _apply(actor, change, "booth.add", "booth", number)
    return booth_row(number)


def update_booth(actor: str, number: int, fields: dict, version: str | None = None) -> dict:
    def change(catalog):
        entry = _find(catalog.booths, "number", number)
        if entry is None:
            raise NotFound(f"no booth {number}")
        _stale("booth", number, entry, version)
        old = set(entry["services"]) if entry.get("active", True) else set()
        if "services" in fields:
            entry["services"] = list(dict.fromkeys(fields["services"]))
        for key in ("label", "active", "priority"):
            if key in fields:
                entry[key] = fields[key]
        now = set(entry["services"]) if entry.get("active", True) else set()
        _still_served(catalog, number, old - now)
        return {"fields": sorted(fields), "services": entry["services"]}
    _apply(actor, change, "booth.change", "booth", number)
    return booth_row(number)


def booth_row(number: int) -> dict:
    entry = _find(export_catalog().booths, "number", number)
    return {**entry, "version": version_of(entry)}


# ---- units --------------------------------------------------------------------------------

def create_unit(actor: str, fields: dict) -> dict:
    code = fields["code"]

    def change(catalog):
        if _find(catalog.units, "code", code):
            raise Conflict(f"unit {code} exists; change it instead", code="exists")
        entry = {k: v for k, v in fields.items() if v is not None}
        if entry.get("echelon") == 1:
            entry.pop("parent", None)
        catalog.units.append(entry)
        return {"fields": sorted(entry)}
    _apply(actor, change, "unit.add", "unit", code)
    return unit_row(code)


def update_unit(actor: str, code: str, fields: dict, version: str | None = None) -> dict:
    def change(catalog):
        entry = _find(catalog.units, "code", code)
        if entry is None:
            raise NotFound(f"no unit {code}")
        _stale("unit", code, entry, version)
        for key, value in fields.items():
            if value is None and key in ("hours", "parent"):
                entry.pop(key, None)
            else:
                entry[key] = value
        if fields.get("active") is False:
            users = [s["code"] for s in catalog.services if s["unit"] == code and s.get("active", True)]
            if users:
                raise Conflict(f"'active': services {', '.join(users)} still belong to {code}; give them "
                               "another owner or deactivate them first", code="in_use")
        return {"fields": sorted(fields)}
    _apply(actor, change, "unit.change", "unit", code)
    return unit_row(code)


def _unit_out(entry: dict) -> dict:
    """A unit as the screens read it: `parent` (echelon 1) and `hours` (the office's) are null
    rather than left out as in the catalog entry; the version stays the digest of the entry."""
    return {"parent": None, "hours": None, **entry, "version": version_of(entry)}


def unit_row(code: str) -> dict:
    return _unit_out(_find(export_catalog().units, "code", code))


def catalog_rows() -> dict:
    catalog = export_catalog()
    waiting = dict(Ticket.select(Service.code, fn.COUNT(Ticket.id)).join(Service, on=(Ticket.service == Service.id))
                   .where(Ticket.status == "waiting").group_by(Service.code).tuples())
    return {
        "units": [_unit_out(u) for u in catalog.units],
        "services": [{**_service_out(s), "waiting": waiting.get(s["code"], 0)} for s in catalog.services],
        "booths": [{**b, "version": version_of(b)} for b in catalog.booths],
    }

