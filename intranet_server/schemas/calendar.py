"""Units and the working calendar: calendar days, the office's overrides, cuti bersama per unit."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, StrictBool

from intranet_server.schemas import Body, Out
from intranet_server.schemas.common import Code, LongText, SaneDate, list_of


class CalendarSettings(Body):
    open_on_cuti_bersama: StrictBool


class AddOverride(Body):
    kind: Literal["closed", "open", "ramadan"]
    first: SaneDate
    last: SaneDate | None = None
    unit: Code | None = None
    note: LongText | None = None


class CalendarQuery(Body):
    unit: Code | None = None
    from_: SaneDate | None = Field(default=None, alias="from", description="YYYY-MM-DD; today by default")
    days: int = Field(default=14, ge=1, le=366)


class UnitListed(Out):
    code: str
    name: str
    name_en: str
    echelon: int
    parent: str | None
    timezone: str
    open_on_cuti_bersama: StrictBool


UnitList = list_of(UnitListed, "UnitList")


class UnitCalendar(Out):
    code: str
    name: str
    name_en: str
    echelon: int
    open_on_cuti_bersama: StrictBool


class Holiday(Out):
    name: str
    kind: str


class CalendarDay(Out):
    date: dt.date
    weekday: str
    working: bool
    intervals: list[list[dt.datetime]]
    hours: list[str]
    holiday: Holiday | None
    extra_closed: bool
    extra_open: bool
    ramadan: bool = Field(description="inside a Ramadan period: Ramadan working hours")


class CalendarDays(Out):
    unit: str | None
    timezone: str
    always_open: bool
    days: list[CalendarDay]


class OverrideOut(Out):
    id: int
    kind: Literal["closed", "open", "ramadan"]
    first: dt.date
    last: dt.date
    unit: str | None
    note: str | None
    created_by: str
    created_at: dt.datetime


OverrideList = list_of(OverrideOut, "OverrideList")
