"""The catalog file (units, services, booths) and the demo organisation.

The catalog is TOML (see `default_catalog.toml` for every field). Loading validates the
whole file first and then upserts it in one transaction: a bad file changes nothing.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from db.admin_models import UnitHours
from db.models import Booth, BoothService, Service, Staff, Unit, database
from db.passwords import hash_password

DEFAULT_CATALOG = Path(__file__).with_name("default_catalog.toml")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class CatalogError(ValueError):
    """A catalog file that cannot be loaded; the message says where and why, `field` which key."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class Catalog:
    office: dict
    units: list[dict]
    services: list[dict]
    booths: list[dict]


def read_catalog(path: str | Path = DEFAULT_CATALOG) -> Catalog:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"catalog file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"catalog file {path} is not valid TOML: {exc}") from None
    catalog = Catalog(raw.get("office", {}), raw.get("units", []), raw.get("services", []),
                      raw.get("booths", []))
    validate(catalog)
    return catalog


def _require(entry: dict, where: str, *keys: str) -> None:
    for key in keys:
        if key not in entry or entry[key] in ("", None):
            raise CatalogError(f"{where}: missing '{key}'", key)


_SPAN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


def _check_zone(name, where: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise CatalogError(f"{where}: unknown time zone {name!r} (e.g. Asia/Jakarta, Asia/Makassar)",
                           "timezone") from None


def check_week(hours, where: str = "hours") -> None:
    """Weekly working hours: {"mon": ["07:30-12:00", "13:00-16:00"], ...}; a day left out is closed.
    Spans are HH:MM-HH:MM, in order and not overlapping."""
    if not isinstance(hours, dict):
        raise CatalogError(f"{where}: a table of weekdays, e.g. mon = [\"07:30-12:00\", \"13:00-16:00\"]", "hours")
    for day, spans in hours.items():
        if day not in DAYS:
            raise CatalogError(f"{where}: weekdays are {', '.join(DAYS)}, not {day!r}", "hours")
        if not isinstance(spans, list):
            raise CatalogError(f"{where}.{day}: a list of \"HH:MM-HH:MM\" spans", "hours")
        last_end = ""
        for span in spans:
            if not isinstance(span, str) or not _SPAN.match(span):
                raise CatalogError(f"{where}.{day}: {span!r} is not HH:MM-HH:MM", "hours")
            start, end = span.split("-")
            if start >= end or start < last_end:
                raise CatalogError(f"{where}.{day}: {span} is empty or overlaps the span before it", "hours")
            last_end = end
    if not any(hours.values()):
        raise CatalogError(f"{where}: a week with no working hours at all", "hours")


def validate(catalog: Catalog) -> None:
    units: dict[str, dict] = {}
    for i, unit in enumerate(catalog.units):
        where = f"units[{i}]"
        _require(unit, where, "code", "name", "echelon")
        if unit["code"] in units:
            raise CatalogError(f"{where}: unit code {unit['code']!r} appears twice")
        if unit["echelon"] not in (1, 2):
            raise CatalogError(f"{where}: echelon must be 1 or 2", "echelon")
        _check_zone(unit.get("timezone", "Asia/Jakarta"), where)
        if "hours" in unit:
            check_week(unit["hours"], f"{where}.hours")
        units[unit["code"]] = unit
    for code, unit in units.items():
        parent = unit.get("parent")
        if unit["echelon"] == 2:
            if parent not in units or units[parent]["echelon"] != 1:
                raise CatalogError(f"unit {code}: an echelon-2 unit needs an echelon-1 'parent'", "parent")
        elif parent:
            raise CatalogError(f"unit {code}: an echelon-1 unit has no parent", "parent")
    services: set[str] = set()
    prefixes: set[str] = set()
    for i, svc in enumerate(catalog.services):
        where = f"services[{i}]"
        _require(svc, where, "code", "prefix", "name_id", "name_en", "unit")
        if svc["code"] in services:
            raise CatalogError(f"{where}: service code {svc['code']!r} appears twice", "code")
        if not re.fullmatch(r"[A-Z]{1,2}", svc["prefix"]):
            raise CatalogError(f"{where}: prefix must be one or two capital letters", "prefix")
        if svc["prefix"] in prefixes:
            raise CatalogError(f"{where}: prefix {svc['prefix']!r} is already used by another service", "prefix")
        if svc["unit"] not in units:
            raise CatalogError(f"{where}: unknown unit {svc['unit']!r}", "unit")
        for key in ("opens_at", "closes_at"):
            if key in svc and not _HHMM.match(str(svc[key])):
                raise CatalogError(f"{where}: {key} must be HH:MM", key)
        if svc.get("opens_at", "07:30") >= svc.get("closes_at", "15:30"):
            raise CatalogError(f"{where}: opens_at must be before closes_at", "closes_at")
        for day in svc.get("open_days", []):
            if day not in DAYS:
                raise CatalogError(f"{where}: open_days entries are {', '.join(DAYS)}", "open_days")
        for key in ("sop_days", "daily_cap", "typical_service_min"):
            if key in svc and (not isinstance(svc[key], int) or isinstance(svc[key], bool) or svc[key] < 1):
                raise CatalogError(f"{where}: {key} must be a whole number of at least 1", key)
        if svc.get("daily_cap") is not None and svc["daily_cap"] > 999:
            raise CatalogError(f"{where}: daily_cap is at most 999 (three-digit ticket numbers)", "daily_cap")
        services.add(svc["code"])
        prefixes.add(svc["prefix"])
    numbers: set[int] = set()
    for i, booth in enumerate(catalog.booths):
        where = f"booths[{i}]"
        _require(booth, where, "number")
        if not isinstance(booth["number"], int) or booth["number"] < 1:
            raise CatalogError(f"{where}: number must be a positive whole number", "number")
        if booth["number"] in numbers:
            raise CatalogError(f"{where}: booth {booth['number']} appears twice", "number")
        numbers.add(booth["number"])
        if not isinstance(booth.get("priority", False), bool):
            raise CatalogError(f"{where}: priority is true or false", "priority")
        for code in booth.get("services", []):
            if code not in services:
                raise CatalogError(f"{where}: unknown service {code!r}", "services")


def load_catalog(catalog: Catalog) -> dict:
    """Upsert the catalog's rows; returns counts."""
    with database.atomic():
        units: dict[str, Unit] = {}
        for entry in sorted(catalog.units, key=lambda u: u["echelon"]):
            unit = Unit.get_or_none(Unit.code == entry["code"]) or Unit(code=entry["code"])
            unit.name = entry["name"]
            unit.name_en = entry.get("name_en", "")
            unit.echelon = entry["echelon"]
            unit.parent = units.get(entry.get("parent"))
            unit.timezone = entry.get("timezone", "Asia/Jakarta")
            unit.open_on_cuti_bersama = bool(entry.get("open_on_cuti_bersama", False))
            unit.active = bool(entry.get("active", True))
            unit.save()
            units[unit.code] = unit
            if "hours" in entry:
                (UnitHours.insert(unit=unit, hours=entry["hours"])
                 .on_conflict(conflict_target=[UnitHours.unit], update={UnitHours.hours: entry["hours"]})
                 .execute())
            else:
                UnitHours.delete().where(UnitHours.unit == unit).execute()
        services: dict[str, Service] = {}
        for order, entry in enumerate(catalog.services):
            svc = Service.get_or_none(Service.code == entry["code"]) or Service(code=entry["code"])
            svc.prefix = entry["prefix"]
            svc.name_id = entry["name_id"]
            svc.name_en = entry["name_en"]
            svc.unit = units[entry["unit"]]
            svc.sop_days = entry.get("sop_days")
            svc.daily_cap = entry.get("daily_cap")
            svc.opens_at = entry.get("opens_at", "07:30")
            svc.closes_at = entry.get("closes_at", "15:30")
            svc.open_days = ",".join(entry.get("open_days", DAYS[:5]))
            svc.typical_service_s = 60 * entry.get("typical_service_min", 10)
            svc.sort_order = order
            svc.active = bool(entry.get("active", True))
            svc.save()
            services[svc.code] = svc
        for entry in catalog.booths:
            booth = Booth.get_or_none(Booth.number == entry["number"]) or Booth(number=entry["number"])
            booth.label = entry.get("label", f"Booth {entry['number']}")
            booth.active = bool(entry.get("active", True))
            booth.priority = bool(entry.get("priority", False))
            booth.save()
            BoothService.delete().where(BoothService.booth == booth).execute()
            for code in entry.get("services", []):
                BoothService.create(booth=booth, service=services[code])
    return {"units": len(units), "services": len(services), "booths": len(catalog.booths)}


def export_catalog(office: dict | None = None) -> Catalog:
    """The live catalog as `read_catalog` gives it: `ptsa catalog export` writes it back as TOML, and
    the administration screens check a change by validating the whole catalog with it applied."""
    hours = {row.unit_id: row.hours for row in UnitHours.select()}
    rows = list(Unit.select().order_by(Unit.echelon, Unit.id))
    codes = {u.id: u.code for u in rows}     # one query each, not one per row: this runs on every edit
    units = []
    for unit in rows:
        entry = {"code": unit.code, "name": unit.name, "name_en": unit.name_en, "echelon": unit.echelon}
        if unit.parent_id:
            entry["parent"] = codes[unit.parent_id]
        entry.update(timezone=unit.timezone, open_on_cuti_bersama=unit.open_on_cuti_bersama, active=unit.active)
        if unit.id in hours:
            entry["hours"] = hours[unit.id]
        units.append(entry)
    services, service_codes = [], {}
    for svc in Service.select().order_by(Service.sort_order, Service.id):
        service_codes[svc.id] = svc.code
        entry = {"code": svc.code, "prefix": svc.prefix, "name_id": svc.name_id, "name_en": svc.name_en,
                 "unit": codes[svc.unit_id]}
        for key in ("sop_days", "daily_cap"):
            if getattr(svc, key) is not None:
                entry[key] = getattr(svc, key)
        entry.update(opens_at=svc.opens_at, closes_at=svc.closes_at,
                     open_days=[d for d in svc.open_days.split(",") if d],
                     typical_service_min=max(1, round(svc.typical_service_s / 60)), active=svc.active)
        services.append(entry)
    order = {code: i for i, code in enumerate(service_codes.values())}
    links: dict[int, list[str]] = {}
    for booth_id, service_id in BoothService.select(BoothService.booth, BoothService.service).tuples():
        links.setdefault(booth_id, []).append(service_codes[service_id])
    booths = [{"number": booth.number, "label": booth.label,
               "services": sorted(links.get(booth.id, []), key=order.get), "active": booth.active,
               "priority": booth.priority}
              for booth in Booth.select().order_by(Booth.number)]
    return Catalog(dict(office or {}), units, services, booths)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to the catalog")


def dump_catalog(catalog: Catalog) -> str:
    """The catalog as TOML in the format `read_catalog` reads (tomllib has no writer)."""
    lines = ["# PTSA catalog exported from the live database (ptsa catalog export);",
             "# load it into an office with `ptsa init --catalog FILE`.", ""]
    if catalog.office:
        lines.append("[office]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in catalog.office.items()]
        lines.append("")
    for table, rows in (("units", catalog.units), ("services", catalog.services), ("booths", catalog.booths)):
        for row in rows:
            lines.append(f"[[{table}]]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in row.items()]
            lines.append("")
    return "\n".join(lines)


def load_demo_staff(password: str) -> list[tuple[str, str]]:
    """The launch plan's organisation: 9 P0 at the booths, 2 P1 per echelon-1 unit,
    1 P2 per echelon-2 unit, a supervisor per unit, and an admin. Returns (username, role)."""
    created: list[tuple[str, str]] = []
    hashed = hash_password(password)

    def person(username, full_name, role, unit=None, booth=None, email="", phone=""):
        staff = Staff.get_or_none(Staff.username == username) or Staff(username=username)
        staff.full_name, staff.role, staff.unit, staff.booth = full_name, role, unit, booth
        staff.email, staff.phone, staff.password_hash, staff.active = email, phone, hashed, True
        staff.save()
        created.append((username, role))

    with database.atomic():
        for booth in Booth.select().order_by(Booth.number):
            person(f"p0-{booth.number:02d}", f"Petugas {booth.label}", "p0", booth=booth)
        echelon1 = list(Unit.select().where(Unit.echelon == 1).order_by(Unit.id))
        echelon2 = list(Unit.select().where(Unit.echelon == 2).order_by(Unit.id))
        for i, unit in enumerate(u for u in echelon1 for _ in range(2)):
            person(f"p1-{i + 1:02d}", f"Penerima Tugas {unit.code} {i % 2 + 1}", "p1", unit=unit)
        for i, unit in enumerate(echelon2):
            person(f"p2-{i + 1:02d}", f"Penerima Tugas {unit.code}", "p2", unit=unit)
        for n, unit in enumerate(echelon1 + echelon2, start=1):
            slug = unit.code.lower()
            person(f"sup-{slug}", f"Supervisor {unit.name}", "supervisor", unit=unit,
                   email=f"sup-{slug}@ptsa.example", phone=f"+628120000{n:04d}")
        person("admin", "Administrator PTSA", "admin", email="admin@ptsa.example")
        person("pimpinan", "Kepala Kantor PTSA", "pimpinan", email="pimpinan@ptsa.example")
    return created
