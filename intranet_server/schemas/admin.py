"""Administration (/api/v1/admin): catalog, staff, calendar, service levels, kiosks, notifications
and the audit log. Shape checks live here; cross-row checks (a prefix used twice, an unknown
owner unit) are the catalog loader's, in db/catalog.py, so the file and the screens agree."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StrictBool

from intranet_server.schemas import Body, Out
from intranet_server.schemas.queue import KioskOut

DAY = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ROLE = Literal["p0", "p1", "p2", "supervisor", "admin", "pimpinan"]
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
CODE = r"^[A-Z0-9][A-Z0-9_-]{0,31}$"
# printable text only: the catalog is written back to TOML, which refuses control characters
NAME = r"^[^\x00-\x1f\x7f]+$"
Version = Field(default=None, max_length=40, description="the `version` read with the row: a change made "
                "by someone else in between is refused with 409 `stale`")


class Hours(Body):
    opens_at: str = Field(pattern=HHMM)
    closes_at: str = Field(pattern=HHMM)
    days: list[DAY] = Field(min_length=1, max_length=7)


class ServiceIn(Body):
    code: str = Field(pattern=CODE)
    prefix: str = Field(pattern=r"^[A-Z]{1,2}$")
    name_id: str = Field(min_length=1, max_length=200, pattern=NAME)
    name_en: str = Field(min_length=1, max_length=200, pattern=NAME)
    owner: str = Field(pattern=CODE)
    sop_days: int | None = Field(ge=1, le=365, description="completion commitment in working days; null: none")
    daily_cap: int | None = Field(default=None, ge=1, le=999)
    hours: Hours | None = None
    typical_service_min: int | None = Field(default=None, ge=1, le=240)
    active: bool = True


class ServicePatch(Body):
    prefix: str | None = Field(default=None, pattern=r"^[A-Z]{1,2}$")
    name_id: str | None = Field(default=None, min_length=1, max_length=200, pattern=NAME)
    name_en: str | None = Field(default=None, min_length=1, max_length=200, pattern=NAME)
    owner: str | None = Field(default=None, pattern=CODE)
    sop_days: int | None = Field(default=None, ge=1, le=365)
    daily_cap: int | None = Field(default=None, ge=1, le=999)
    hours: Hours | None = None
    typical_service_min: int | None = Field(default=None, ge=1, le=240)
    active: bool | None = None
    version: str | None = Version


class UnitIn(Body):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=200, pattern=NAME)
    name_en: str = Field(default="", max_length=200)
    echelon: Literal[1, 2]
    parent: str | None = Field(default=None, pattern=CODE)
    timezone: str = Field(default="Asia/Jakarta", max_length=64)
    open_on_cuti_bersama: bool = False
    hours: dict[DAY, list[str]] | None = Field(default=None, description='weekly working hours, e.g. '
                                               '{"mon": ["07:30-12:00", "13:00-16:00"]}; null: the office\'s')
    active: bool = True


class UnitPatch(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200, pattern=NAME)
    name_en: str | None = Field(default=None, max_length=200)
    parent: str | None = Field(default=None, pattern=CODE)
    timezone: str | None = Field(default=None, max_length=64)
    open_on_cuti_bersama: bool | None = None
    hours: dict[DAY, list[str]] | None = None
    active: bool | None = None
    version: str | None = Version


class BoothIn(Body):
    number: int = Field(ge=1, le=999)
    label: str | None = Field(default=None, min_length=1, max_length=64, pattern=NAME)
    services: list[str] = Field(default_factory=list, max_length=50)
    active: bool = True
    priority: bool = Field(default=False, description="a priority booth calls waiting priority visitors first")


class BoothPatch(Body):
    label: str | None = Field(default=None, min_length=1, max_length=64, pattern=NAME)
    services: list[str] | None = Field(default=None, max_length=50)
    active: bool | None = None
    priority: bool | None = Field(default=None, description="a priority booth calls waiting priority visitors "
                                  "(lansia, disabilitas, ibu hamil, anak) first, whatever the office's policy")
    version: str | None = Version


class StaffIn(Body):
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")
    full_name: str = Field(min_length=1, max_length=200, pattern=NAME)
    role: ROLE
    unit: str | None = Field(default=None, max_length=32)
    booth: int | None = Field(default=None, ge=1, le=999)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    language: Literal["id", "en"] | None = None


class StaffPatch(Body):
    full_name: str | None = Field(default=None, min_length=1, max_length=200, pattern=NAME)
    role: ROLE | None = None
    unit: str | None = Field(default=None, max_length=32)
    booth: int | None = Field(default=None, ge=1, le=999)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    language: Literal["id", "en"] | None = None
    active: bool | None = None
    version: str | None = Version


class StaffRow(Out):
    username: str
    full_name: str
    role: ROLE
    unit: str | None
    booth: int | None
    email: str
    phone: str
    language: Literal["id", "en"]
    active: bool
    must_change_password: bool
    version: str = Field(description="send it back with a change: a stale one is refused (409 stale)")


class StaffList(Out):
    staff: list[StaffRow] = Field(max_length=1000)


class StaffCreated(StaffRow):
    one_time_password: str = Field(description="shown only in this answer; changed at the next sign-in")


class PasswordReset(Out):
    username: str
    one_time_password: str = Field(description="shown only in this answer; changed at the next sign-in")
    must_change_password: bool


class StaffCsv(Body):
    csv: str = Field(min_length=1, max_length=60000, description="the file's text, header "
                     "username,full_name,role,unit,booth,email,phone,language,active,password")


class ImportLine(Out):
    line: int = Field(description="the line of the file (the header is line 1)")
    username: str
    action: Literal["add", "change"]
    error: str | None = Field(description="why this line would be refused; null: it would be applied")


class ImportPreview(Out):
    lines: list[ImportLine]
    ok: bool = Field(description="no line has a problem: the import would be applied")
    errors: int
    added: int
    changed: int


class OneTimePassword(Out):
    username: str
    one_time_password: str = Field(description="shown only in this answer; changed at the next sign-in")


class ImportDone(Out):
    added: int
    changed: int
    one_time_passwords: list[OneTimePassword] = Field(description="new accounts the file gave no password")


class PasswordChange(Body):
    current: str = Field(min_length=1, max_length=256)
    new: str = Field(min_length=1, max_length=256)


class KioskIn(Body):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class KioskRegistered(Out):
    name: str
    token: str = Field(description="shown only in this answer")
    pairing: str = Field(description="what the kiosk's pair field takes (the QR code holds the same text)")
    qr_svg: str


class PrintFailure(Out):
    number: str
    issued_at: dt.datetime


class AdminKiosk(KioskOut):
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    print_failures: list[PrintFailure] = Field(max_length=5, description="the latest failed prints")


class KioskOverview(Out):
    kiosks: list[AdminKiosk]
    displays: int = Field(description="display boards connected to this server process now")
    kiosks_connected: list[str] = Field(description="kiosks connected to this server process now")
    scope: Literal["this server process"]


class OverrideIn(Body):
    kind: Literal["closed", "open", "ramadan"]
    first: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    last: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    unit: str | None = Field(default=None, max_length=32)
    note: str = Field(default="", max_length=200)


class OverrideRemove(Body):
    remove: int = Field(ge=1, le=2**31)


class ShiftExample(Out):
    task: int
    deadline: Literal["pickup", "completion"]
    from_: dt.datetime = Field(alias="from")
    to: dt.datetime


class Shift(Out):
    tasks: int = Field(description="open tasks with at least one deadline that moves")
    deadlines: int = Field(description="deadlines that move (pickup and completion)")
    earliest_s: int | None = Field(description="the largest move earlier, seconds (negative)")
    latest_s: int | None = Field(description="the largest move later, seconds")
    examples: list[ShiftExample] = Field(max_length=10, description="the first moves, by task")


class LevelChannels(Body):
    warning: list[Literal["screen", "email", "sms"]] = Field(max_length=3)
    breach: list[Literal["screen", "email", "sms"]] = Field(max_length=3)
    escalation: list[Literal["screen", "email", "sms"]] = Field(max_length=3)


EMAIL = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)]
PHONE = Annotated[str, Field(pattern=r"^\+?[0-9][0-9 -]{5,19}$", max_length=24)]


class LevelRecipients(Body):
    unit_supervisors: StrictBool = Field(description="the supervisors of the unit that must pick up")
    parent_supervisors: StrictBool = Field(description="the supervisors of its parent unit (above echelon 1: "
                                                       "the admins)")
    emails: list[EMAIL] = Field(default_factory=list, max_length=10, description="extra e-mail addresses")
    phones: list[PHONE] = Field(default_factory=list, max_length=10, description="extra phone numbers (SMS)")


class Recipients(Body):
    """Who is told at each level (by the level's channels). Nobody chosen or found: the unit's own
    supervisors, else the next unit up with one, then the admins."""
    warning: LevelRecipients
    breach: LevelRecipients
    escalation: LevelRecipients


class ServiceLevelsIn(Body):
    pickup_p0_p1: str = Field(pattern=r"^(\d+[hms])+$", description='e.g. "15m"')
    pickup_p1_p2: str = Field(pattern=r"^(\d+[hms])+$")
    warn_ratio: float = Field(gt=0, lt=1)
    escalate_ratio: float = Field(ge=0, le=20, description="0: no escalation; otherwise above 1")
    off_hours: Literal["hold", "send"]
    channels: LevelChannels
    units: dict[str, str] = Field(default_factory=dict, description='unit code -> its own pickup target, "20m"')
    recipients: Recipients | None = Field(default=None, description="the office's; left out: unchanged")
    unit_recipients: dict[str, Recipients] | None = Field(
        default=None, description="unit code -> its own recipients instead of the office's; left out: unchanged")
    version: str | None = Version


class LevelRecipientsOut(Out):
    unit_supervisors: bool
    parent_supervisors: bool
    emails: list[str]
    phones: list[str]


class RecipientsOut(Out):
    warning: LevelRecipientsOut
    breach: LevelRecipientsOut
    escalation: LevelRecipientsOut


class LevelChannelsOut(Out):
    warning: list[Literal["screen", "email", "sms"]]
    breach: list[Literal["screen", "email", "sms"]]
    escalation: list[Literal["screen", "email", "sms"]]


class ServiceLevels(Out):
    pickup_p0_p1: str
    pickup_p1_p2: str
    warn_ratio: float
    escalate_ratio: float
    off_hours: Literal["hold", "send"]
    channels: LevelChannelsOut
    units: dict[str, str] = Field(description="unit code -> its own pickup target")
    recipients: RecipientsOut = Field(description="who is told at each level (the office default)")
    unit_recipients: dict[str, RecipientsOut] = Field(description="unit code -> its own recipients")
    version: str = Field(description="send it back with a save: a stale one is refused (409 stale)")
    stored: bool = Field(description="saved in the database; false: the settings file's defaults")


class TestMessage(Body):
    email: str | None = Field(default=None, max_length=200)
    sms: str | None = Field(default=None, max_length=32)


class MailStatus(Out):
    configured: bool
    host: str
    port: int
    from_: str = Field(alias="from")
    reachable: bool | None = Field(description="null: not configured, not tried")
    detail: str | None


class SmsStatus(Out):
    configured: bool
    kind: str
    url: str
    reachable: bool | None = Field(description="null: not configured, not tried")
    detail: str | None


class NotificationStatus(Out):
    email: MailStatus
    sms: SmsStatus


class TestResult(Out):
    channel: Literal["email", "sms"]
    to: str
    ok: bool
    answer: str = Field(description="what the relay or gateway answered, or why not")


class TestResults(Out):
    results: list[TestResult]


# ---- the catalog as the screens read it ---------------------------------------------------

class AdminService(Out):
    code: str
    prefix: str
    name_id: str
    name_en: str
    unit: str
    owner: str = Field(description="the owner unit (the same as `unit`)")
    sop_days: int | None
    daily_cap: int | None
    opens_at: str
    closes_at: str
    open_days: list[DAY]
    typical_service_min: int
    active: bool
    version: str = Field(description="send it back with a change: a stale one is refused (409 stale)")


class CatalogService(AdminService):
    waiting: int = Field(description="visitors waiting in its queue now")


class AdminUnit(Out):
    code: str
    name: str
    name_en: str
    echelon: Literal[1, 2]
    parent: str | None
    timezone: str
    open_on_cuti_bersama: bool
    hours: dict[DAY, list[str]] | None = Field(description="weekly working hours; null: the office's")
    active: bool
    version: str = Field(description="send it back with a change: a stale one is refused (409 stale)")


class AdminBooth(Out):
    number: int
    label: str
    services: list[str]
    active: bool
    priority: bool = Field(description="a priority booth calls waiting priority visitors first")
    version: str = Field(description="send it back with a change: a stale one is refused (409 stale)")


class AdminCatalog(Out):
    units: list[AdminUnit]
    services: list[CatalogService]
    booths: list[AdminBooth]


class AuditEventOut(Out):
    id: int
    at: str
    actor: str
    action: str
    subject_type: str
    subject_id: int | None
    data: dict | None


class AuditPage(Out):
    events: list[AuditEventOut]
    next_before: int | None = Field(description="pass as ?before= for the next (older) page")


class Ok(Out):
    ok: bool
