"""The lobby and the booths: services, tickets, the booth screen, the display board, kiosks."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, StrictBool, model_validator

from intranet_server.schemas import Body, Out
from intranet_server.schemas.auth import BoothRef
from intranet_server.schemas.common import Code, Id, Names, ShortText, list_of

Priority = Literal["lansia", "disabilitas", "hamil", "anak"]
TicketStatus = Literal["waiting", "called", "serving", "parked", "done", "no_show", "cancelled"]
PrinterState = Literal["ok", "near_end", "paper_out", "offline", "error", "unknown"]


# ---- bodies -----------------------------------------------------------------------------

class IssueTicket(Body):
    """A walk-in's ticket (`service`), or a visit booked online redeemed by its code (`booking_code`)."""
    service: Code | None = Field(default=None, examples=["PP"])
    booking_code: str | None = Field(default=None, max_length=40, examples=["K7QM-3XPD"],
                                     description="a booking's code, or the QR payload a scanner types")
    priority: Priority | None = None
    idempotency_key: str | None = Field(default=None, min_length=8, max_length=64,
                                        description="a repeated key from the same kiosk answers the first ticket")
    language: Literal["id", "en"] = "id"

    @model_validator(mode="after")
    def _one_of(self):
        if (self.service is None) == (self.booking_code is None):
            raise ValueError("send either 'service' (a walk-in) or 'booking_code' (a visit booked online)")
        return self


class Printed(Body):
    printed: StrictBool
    detail: ShortText = ""


class PrinterReport(Body):
    state: PrinterState
    detail: ShortText = ""


class CallNext(Body):
    """Optional. With `current`, a call-next sent again after its answer was lost (or tapped twice) is
    answered with the visitor it called instead of finishing that visitor unseen and calling another."""
    current: Id | None = Field(default=None, examples=[812],
                                description="the id of the visit the officer's screen shows at the booth, "
                                            "null when it shows none")


class Transfer(Body):
    # required, but checked by the action after "may you": an officer of another booth hears 403
    service: Code | None = Field(default=None, description="required; refused after the permission check")


# ---- answers ----------------------------------------------------------------------------

class UnitRef(Out):
    code: str
    name: str
    name_en: str


class Hours(Out):
    opens_at: str
    closes_at: str
    days: list[str]


class ServiceOut(Out):
    code: str
    prefix: str
    name: Names
    unit: UnitRef
    echelon1: UnitRef | None
    sop_days: int | None
    open: bool
    closed_reason: str | None
    waiting: int
    estimated_wait_s: int
    daily_cap: int | None
    cap_left: int | None
    hours: Hours


ServiceList = list_of(ServiceOut, "ServiceList")


class TicketOut(Out):
    id: int
    number: str = Field(examples=["P002"])
    service: str
    service_name: Names
    issued_for: str
    priority: Priority | None
    status: TicketStatus
    outcome: Literal["served", "no_show", "cancelled"] | None
    business_day: dt.date
    issued_at: dt.datetime
    arrived_at: dt.datetime
    called_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    no_show_at: dt.datetime | None
    parked_at: dt.datetime | None
    booth: BoothRef | None
    recall_count: int
    print_state: Literal["pending", "printed", "failed"]
    language: Literal["id", "en"]
    booked: bool = Field(default=False, description="redeemed from a visit booked online")
    verbs: list[str] = Field(default_factory=list, description="the verbs the signed-in person may apply now")
    recall_until: dt.datetime | None = Field(default=None, description="a no-show: until when she may be called back")


class IssuedTicket(TicketOut):
    """The ticket as the kiosk prints it: people ahead, the wait estimate and where to go."""
    ahead: int
    estimated_wait_s: int
    office: str
    booths: list[str]


class ServiceRef(Out):
    code: str
    name: Names


class BoothState(Out):
    booth: BoothRef
    priority_booth: bool = Field(description="a priority booth: waiting priority visitors are called first")
    services: list[ServiceRef]
    current: list[TicketOut]
    waiting: list[TicketOut]
    no_show: list[TicketOut]
    parked: list[TicketOut]
    all_services: list[ServiceRef]
    now: dt.datetime
    undo_s: int = Field(description="how long after finish, no-show or transfer an undo is still taken")


class DisplayBooth(Out):
    booth: BoothRef
    ticket: TicketOut | None


class DisplayState(Out):
    office: str
    booths: list[DisplayBooth]
    recent: list[TicketOut]
    waiting_total: int
    services: list[ServiceOut]


class KioskOut(Out):
    name: str
    printer_status: PrinterState
    printer_detail: str | None
    printer_checked_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    revoked: bool


KioskList = list_of(KioskOut, "KioskList")


class ReprintSent(Out):
    ok: bool
    kiosk: str
