"""The catalog file (units, services, booths) and the demo organisation.

The catalog is TOML (see `default_catalog.toml` for every field). Loading validates the
whole file first and then upserts it in one transaction: a bad file changes nothing.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from db.models import Booth, BoothService, Service, Staff, Unit, database
from db.passwords import hash_password

DEFAULT_CATALOG = Path(__file__).with_name("default_catalog.toml")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class CatalogError(ValueError):
    """A catalog file that cannot be loaded; the message says where and why."""


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
            raise CatalogError(f"{where}: missing '{key}'")


def validate(catalog: Catalog) -> None:
    units: dict[str, dict] = {}
    for i, unit in enumerate(catalog.units):
        where = f"units[{i}]"
        _require(unit, where, "code", "name", "echelon")
        if unit["code"] in units:
            raise CatalogError(f"{where}: unit code {unit['code']!r} appears twice")
        if unit["echelon"] not in (1, 2):
            raise CatalogError(f"{where}: echelon must be 1 or 2")
        units[unit["code"]] = unit
    for code, unit in units.items():
        parent = unit.get("parent")
        if unit["echelon"] == 2:
            if parent not in units or units[parent]["echelon"] != 1:
                raise CatalogError(f"unit {code}: an echelon-2 unit needs an echelon-1 'parent'")
        elif parent:
            raise CatalogError(f"unit {code}: an echelon-1 unit has no parent")
    services: set[str] = set()
    prefixes: set[str] = set()
    for i, svc in enumerate(catalog.services):
        where = f"services[{i}]"
        _require(svc, where, "code", "prefix", "name_id", "name_en", "unit")
        if svc["code"] in services:
            raise CatalogError(f"{where}: service code {svc['code']!r} appears twice")
        if not re.fullmatch(r"[A-Z]{1,2}", svc["prefix"]):
            raise CatalogError(f"{where}: prefix must be one or two capital letters")
        if svc["prefix"] in prefixes:
            raise CatalogError(f"{where}: prefix {svc['prefix']!r} is already used by another service")
        if svc["unit"] not in units:
            raise CatalogError(f"{where}: unknown unit {svc['unit']!r}")
        for key in ("opens_at", "closes_at"):
            if key in svc and not _HHMM.match(str(svc[key])):
                raise CatalogError(f"{where}: {key} must be HH:MM")
        if svc.get("opens_at", "07:30") >= svc.get("closes_at", "15:30"):
            raise CatalogError(f"{where}: opens_at must be before closes_at")
        for day in svc.get("open_days", []):
            if day not in DAYS:
                raise CatalogError(f"{where}: open_days entries are {', '.join(DAYS)}")
        for key in ("sop_days", "daily_cap", "typical_service_min"):
            if key in svc and (not isinstance(svc[key], int) or svc[key] < 1):
                raise CatalogError(f"{where}: {key} must be a whole number of at least 1")
        services.add(svc["code"])
        prefixes.add(svc["prefix"])
    numbers: set[int] = set()
    for i, booth in enumerate(catalog.booths):
        where = f"booths[{i}]"
        _require(booth, where, "number")
        if not isinstance(booth["number"], int) or booth["number"] < 1:
            raise CatalogError(f"{where}: number must be a positive whole number")
        if booth["number"] in numbers:
            raise CatalogError(f"{where}: booth {booth['number']} appears twice")
        numbers.add(booth["number"])
        for code in booth.get("services", []):
            if code not in services:
                raise CatalogError(f"{where}: unknown service {code!r}")


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
            unit.save()
            units[unit.code] = unit
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
            booth.save()
            BoothService.delete().where(BoothService.booth == booth).execute()
            for code in entry.get("services", []):
                BoothService.create(booth=booth, service=services[code])
    return {"units": len(units), "services": len(services), "booths": len(catalog.booths)}


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
