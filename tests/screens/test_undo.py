"""Undo of the verbs that hurt (finish, no-show, transfer): the ticket returns to exactly how it was,
only for a few seconds, only by whoever did it, never over someone the booth called since."""
from __future__ import annotations

import datetime as dt

import pytest

from db.models import AuditEvent, Staff, Ticket
from intranet_server.actions import ActionError
from intranet_server.actions import queue as q
from intranet_server.rules.queue import UNDO_WINDOW
from tests.tasks.helpers import visitor_at_booth


def officer(username="p0-03"):
    return Staff.get(Staff.username == username)


def called_at_booth(booth=3, service="PP"):
    t = visitor_at_booth(booth, service)
    Ticket.update(status="called", started_at=None).where(Ticket.id == t.id).execute()
    return Ticket.get_by_id(t.id)


def fields(t):
    t = Ticket.get_by_id(t.id)
    return (t.status, t.outcome, t.booth_id, t.service_id, t.called_at, t.started_at, t.finished_at, t.no_show_at)


@pytest.mark.parametrize("verb", ["finish", "no_show", "transfer"])
def test_undo_restores_the_ticket_and_is_audited(database, frozen_clock, verb):
    ticket = called_at_booth()
    before = fields(ticket)
    {"finish": lambda: q.finish(officer(), ticket.id), "no_show": lambda: q.no_show(officer(), ticket.id),
     "transfer": lambda: q.transfer(officer(), ticket.id, "PKB")}[verb]()
    assert fields(ticket) != before
    frozen_clock.advance(dt.timedelta(seconds=5))
    q.undo(officer(), ticket.id)
    assert fields(ticket) == before
    last = AuditEvent.select().where(AuditEvent.subject_id == ticket.id).order_by(AuditEvent.id.desc()).first()
    assert last.action == "ticket.undo" and last.data["undid"] == verb
    with pytest.raises(ActionError):           # an undo is not undone, and nothing else is left to undo
        q.undo(officer(), ticket.id)


def test_undo_is_refused_late_by_others_and_over_a_new_visitor(database, frozen_clock):
    ticket = visitor_at_booth(3, "PP")
    q.finish(officer(), ticket.id)
    frozen_clock.advance(UNDO_WINDOW + dt.timedelta(seconds=1))
    with pytest.raises(ActionError) as late:
        q.undo(officer(), ticket.id)
    assert late.value.code == "nothing_to_undo"

    other = called_at_booth()
    q.no_show(officer(), other.id)
    with pytest.raises(ActionError) as foreign:
        q.undo(officer("p0-04"), other.id)
    assert foreign.value.status == 403
    visitor_at_booth(3, "PKB")                 # the booth has someone new meanwhile
    with pytest.raises(ActionError) as busy:
        q.undo(officer(), other.id)
    assert busy.value.code == "booth_busy"
    assert Ticket.get_by_id(other.id).status == "no_show"
