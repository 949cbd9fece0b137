"""The lobby and the booths on /api/v1: services, tickets, kiosks and the P0 verbs."""
from __future__ import annotations

from flask import jsonify

from db.models import Kiosk, Ticket
from intranet_server.actions import NotFound, queue
from intranet_server.actions.kiosks import kiosk_dict, report_printer
from intranet_server.api import api
from intranet_server.http import body, current_kiosk, current_staff
from intranet_server.reads import queue as queue_reads
from intranet_server.schemas import doc, parse
from intranet_server.schemas.queue import (
    BoothState, CallNext, DisplayState, IssuedTicket, IssueTicket, KioskList, KioskOut, Printed, PrinterReport,
    ReprintSent, ServiceList, TicketOut, Transfer,
)

# ---- lobby: services, tickets, kiosks -------------------------------------------------


@api.get("/services")
@doc(summary="Services with open/closed state, people waiting and wait estimate", tags=["lobby"],
     response=ServiceList, auth=None)
def services():
    return jsonify(queue_reads.services_summary())


@api.get("/display")
@doc(summary="What the display board shows: current call per booth, last 10 calls", tags=["lobby"],
     response=DisplayState, auth=None)
def display():
    return jsonify(queue_reads.display_state())


@api.post("/tickets")
@doc(summary="Issue a queue ticket (kiosk)", tags=["lobby"], body=IssueTicket, response=IssuedTicket, status=201,
     auth="kiosk", description="A repeated idempotency_key from the same kiosk answers 200 with the ticket "
                               "issued the first time instead of issuing another (a booking's too: the "
                               "retry of a redemption whose answer was lost gets its ticket, not 409).",
     extra_responses={"200": {"description": "the ticket issued earlier for this idempotency key",
                              "content": {"application/json": {"schema": {
                                  "$ref": "#/components/schemas/IssuedTicket"}}}}})
def issue_ticket():
    kiosk = current_kiosk()
    data = parse(IssueTicket, body())
    if data.booking_code is not None:   # a visit booked online, redeemed at the kiosk
        from intranet_server.actions import bookings
        ticket, created = bookings.redeem(kiosk, data.booking_code, data.language, data.idempotency_key)
        return jsonify(queue_reads.ticket_for_visitor(ticket)), (201 if created else 200)
    ticket, created = queue.issue_ticket(kiosk, data.service, data.priority, data.idempotency_key, data.language)
    return jsonify(queue_reads.ticket_for_visitor(ticket)), (201 if created else 200)


def _ticket(ticket_id: int) -> Ticket:
    ticket = Ticket.get_or_none(Ticket.id == ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    return ticket


@api.get("/tickets/<int:ticket_id>")
@doc(summary="One ticket", tags=["booth"], response=TicketOut)
def get_ticket(ticket_id: int):
    current_staff()
    return jsonify(queue_reads.ticket_dict(_ticket(ticket_id)))


@api.post("/tickets/<int:ticket_id>/printed")
@doc(summary="The kiosk reports whether the ticket came out of the printer", tags=["lobby"], body=Printed,
     response=TicketOut, auth="kiosk")
def ticket_printed(ticket_id: int):
    kiosk = current_kiosk()
    data = parse(Printed, body())
    ticket = queue.mark_printed(kiosk, ticket_id, data.printed, data.detail)
    return jsonify(queue_reads.ticket_dict(ticket))


@api.post("/tickets/<int:ticket_id>/reprint")
@doc(summary="Ask the kiosk that issued the ticket to print it again (P0)", tags=["booth"], response=ReprintSent,
     status=202)
def reprint(ticket_id: int):
    staff = current_staff("p0")
    kiosk = queue.request_reprint(staff, ticket_id)
    return jsonify({"ok": True, "kiosk": kiosk.name}), 202


@api.post("/kiosk/printer")
@doc(summary="The kiosk reports its printer's health", tags=["lobby"], body=PrinterReport, response=KioskOut,
     auth="kiosk")
def kiosk_printer():
    kiosk = current_kiosk()
    data = parse(PrinterReport, body())
    return jsonify(kiosk_dict(report_printer(kiosk, data.state, data.detail)))


@api.get("/kiosks")
@doc(summary="Kiosks and their printer health", tags=["lobby"], response=KioskList)
def kiosks():
    current_staff()
    return jsonify([kiosk_dict(k) for k in Kiosk.select().where(Kiosk.revoked_at.is_null())
                    .order_by(Kiosk.name)])


# ---- the booth ------------------------------------------------------------------------

@api.get("/booth")
@doc(summary="The signed-in P0's booth: current visitor, queue in call order, no-shows within the recall "
             "window, parked visits", tags=["booth"], response=BoothState)
def booth_state():
    staff = current_staff("p0")
    if staff.booth_id is None:
        raise NotFound("your account is not assigned to a booth")
    return jsonify(queue_reads.booth_state(staff.booth))


@api.post("/queue/call-next")
@doc(summary="Finish the current visit and call the next visitor (P0)", tags=["booth"], body=CallNext,
     body_required=False, response=TicketOut, extra_responses={"204": {"description": "nobody waits"}},
     description="Send `current` (the visit your screen shows, null for none) to make the request safe to "
                 "send again: when the booth already holds another visit, an earlier call-next called it "
                 "(its answer was lost, or the button was tapped twice) and the answer is that visitor, "
                 "not finished unseen. Without a body the booth's visit is finished, whatever it is.")
def call_next():
    staff = current_staff("p0")
    said = parse(CallNext, body(required=False))
    ticket = queue.call_next(staff, said.current if "current" in said.model_fields_set else queue.ANY_VISIT)
    if ticket is None:
        return "", 204
    return jsonify(queue_reads.ticket_dict(ticket))


def _ticket_verb(verb, summary: str):
    @doc(summary=summary, tags=["booth"], response=TicketOut)
    def handler(ticket_id: int):
        staff = current_staff("p0")
        return jsonify(queue_reads.ticket_dict(verb(staff, ticket_id)))
    return handler


for _path, _verb, _summary in (
        ("call", queue.call_ticket, "Call this ticket (waiting, parked, or a no-show back in time)"),
        ("recall", queue.recall, "Call the ticket again"),
        ("start", queue.start, "The visitor arrived at the booth: start serving"),
        ("finish", queue.finish, "Finish the visit"),
        ("no-show", queue.no_show, "The visitor did not come"),
        ("park", queue.park, "Set the visit aside"),
        ("resume", queue.resume, "Resume a parked visit")):
    api.add_url_rule(f"/tickets/<int:ticket_id>/{_path}", f"ticket_{_path}", _ticket_verb(_verb, _summary),
                     methods=["POST"])


@api.post("/tickets/<int:ticket_id>/transfer")
@doc(summary="Move the ticket to another service's queue, keeping its arrival time", tags=["booth"],
     body=Transfer, response=TicketOut)
def transfer(ticket_id: int):
    staff = current_staff("p0")
    data = parse(Transfer, body())
    return jsonify(queue_reads.ticket_dict(queue.transfer(staff, ticket_id, data.service)))


@api.post("/tickets/<int:ticket_id>/undo")
@doc(summary="Take back this booth's finish, no-show or transfer of the last few seconds", tags=["booth"],
     response=TicketOut)
def undo(ticket_id: int):
    staff = current_staff("p0")
    return jsonify(queue_reads.ticket_dict(queue.undo(staff, ticket_id)))
