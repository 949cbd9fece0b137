"""The lobby and the booths on /api/v1: services, tickets, kiosks and the P0 verbs."""
from __future__ import annotations

from flask import jsonify

from db.models import Kiosk, Ticket
from intranet_server.reads import queue as queue_reads
from intranet_server.actions import Invalid, NotFound, queue
from intranet_server.actions.kiosks import kiosk_dict, report_printer
from intranet_server.http import body, current_kiosk, current_staff
from intranet_server.schemas import doc

from intranet_server.api import api

# ---- lobby: services, tickets, kiosks -------------------------------------------------

@api.get("/services")
def services():
    return jsonify(queue_reads.services_summary())


@api.get("/display")
def display():
    return jsonify(queue_reads.display_state())


@api.post("/tickets")
def issue_ticket():
    kiosk = current_kiosk()
    data = body()
    ticket, created = queue.issue_ticket(kiosk, data.get("service"), data.get("priority"),
                                         data.get("idempotency_key"), data.get("language", "id"))
    return jsonify(queue_reads.ticket_for_visitor(ticket)), (201 if created else 200)


def _ticket(ticket_id: int) -> Ticket:
    ticket = Ticket.get_or_none(Ticket.id == ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    return ticket


@api.get("/tickets/<int:ticket_id>")
def get_ticket(ticket_id: int):
    current_staff()
    return jsonify(queue_reads.ticket_dict(_ticket(ticket_id)))


@api.post("/tickets/<int:ticket_id>/printed")
def ticket_printed(ticket_id: int):
    kiosk = current_kiosk()
    data = body()
    printed = data.get("printed")
    if not isinstance(printed, bool):
        raise Invalid("'printed' must be true or false")
    ticket = queue.mark_printed(kiosk, ticket_id, printed, str(data.get("detail", "")))
    return jsonify(queue_reads.ticket_dict(ticket))


@api.post("/tickets/<int:ticket_id>/reprint")
def reprint(ticket_id: int):
    staff = current_staff("p0")
    kiosk = queue.request_reprint(staff, ticket_id)
    return jsonify({"ok": True, "kiosk": kiosk.name}), 202


@api.post("/kiosk/printer")
def kiosk_printer():
    kiosk = current_kiosk()
    data = body()
    return jsonify(kiosk_dict(report_printer(kiosk, data.get("state"), data.get("detail", ""))))


@api.get("/kiosks")
def kiosks():
    current_staff()
    return jsonify([kiosk_dict(k) for k in Kiosk.select().where(Kiosk.revoked_at.is_null())
                    .order_by(Kiosk.name)])


# ---- the booth ------------------------------------------------------------------------

@api.get("/booth")
def booth_state():
    staff = current_staff("p0")
    if staff.booth_id is None:
        raise NotFound("your account is not assigned to a booth")
    return jsonify(queue_reads.booth_state(staff.booth))


@api.post("/queue/call-next")
def call_next():
    staff = current_staff("p0")
    ticket = queue.call_next(staff)
    if ticket is None:
        return "", 204
    return jsonify(queue_reads.ticket_dict(ticket))


def _ticket_verb(verb):
    def handler(ticket_id: int):
        staff = current_staff("p0")
        return jsonify(queue_reads.ticket_dict(verb(staff, ticket_id)))
    return handler


for _path, _verb in (("call", queue.call_ticket), ("recall", queue.recall), ("start", queue.start),
                     ("finish", queue.finish), ("no-show", queue.no_show), ("park", queue.park),
                     ("resume", queue.resume)):
    api.add_url_rule(f"/tickets/<int:ticket_id>/{_path}", f"ticket_{_path}", _ticket_verb(_verb),
                     methods=["POST"])


@api.post("/tickets/<int:ticket_id>/transfer")
def transfer(ticket_id: int):
    staff = current_staff("p0")
    data = body()
    return jsonify(queue_reads.ticket_dict(queue.transfer(staff, ticket_id, data.get("service"))))


@api.post("/tickets/<int:ticket_id>/undo")
@doc(summary="Take back this booth's finish, no-show or transfer of the last few seconds", tags=["queue"],
     response={"type": "object", "description": "the ticket as it is again"})
def undo(ticket_id: int):
    staff = current_staff("p0")
    return jsonify(queue_reads.ticket_dict(queue.undo(staff, ticket_id)))
