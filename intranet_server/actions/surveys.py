"""Survey verbs: register a booth tablet, offer the survey when a visit ends, record a response.

Who may answer for a ticket (the rule, written once):
- only a ticket that was served (status done, outcome served): a no-show, a cancelled ticket or a
  visitor still waiting had no service to judge, so they are refused (409 `not_served`);
- only on the ticket's own business day (the visitor is in the office; a ticket number is reused the
  next day), 409 `survey_closed` afterwards;
- a booth tablet and a signed-in P0 only for visits served at their booth (403); the kiosk for any
  served ticket of the day (the visitor types her number);
- once per ticket (409 `already_answered`; a unique index makes it hold under concurrency too).
"""
from __future__ import annotations

import re

from peewee import IntegrityError

from db import locked
from db.models import Booth, Kiosk, Staff, Ticket, database
from db.passwords import hash_token, new_token
from db.survey_models import SurveyResponse, SurveyTablet
from intranet_server import actions, clock
from intranet_server.actions import Conflict, Forbidden, Invalid, NotFound, Unauthorized, audit
from intranet_server.realtime.events import publish
from intranet_server.reads.queue import service_row
from intranet_server.rules.queue import business_day
from intranet_server.schemas.surveys import SurveyIn

Respondent = Kiosk | SurveyTablet | Staff


def survey_room(booth_number: int) -> str:
    return f"survey:{booth_number}"


# ---- tablets --------------------------------------------------------------------------

def register_tablet(name: str, booth_number: int, actor: str = "cli") -> tuple[SurveyTablet, str]:
    """A new booth tablet and its token (shown once; only the hash is kept)."""
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):
        raise Invalid("tablet name: letters, digits, '.', '_' or '-', at most 64 characters")
    token = new_token()
    with database.atomic():
        booth = Booth.get_or_none(Booth.number == booth_number)
        if booth is None:
            raise NotFound(f"no booth {booth_number}")
        if SurveyTablet.get_or_none(SurveyTablet.name == name):
            raise Conflict(f"a survey tablet named {name!r} exists; revoke it or pick another name")
        tablet = SurveyTablet.create(name=name, booth=booth, token_hash=hash_token(token), created_at=clock.now())
        audit(actor, "survey_tablet.register", "survey_tablet", tablet.id, name=name, booth=booth.number)
    return tablet, token


def revoke_tablet(name: str, actor: str = "cli") -> SurveyTablet:
    with database.atomic():
        tablet = SurveyTablet.get_or_none(SurveyTablet.name == name)
        if tablet is None:
            raise NotFound(f"no survey tablet named {name!r}")
        tablet.revoked_at = clock.now()
        tablet.save()
        audit(actor, "survey_tablet.revoke", "survey_tablet", tablet.id)
    return tablet


def authenticate_tablet(token) -> SurveyTablet:
    if not isinstance(token, str) or not token:
        raise Unauthorized("this needs 'Authorization: Bearer <survey tablet token>'")
    tablet = SurveyTablet.get_or_none(SurveyTablet.token_hash == hash_token(token))
    if tablet is None:
        raise Unauthorized("unknown survey tablet token")
    if tablet.revoked_at is not None:
        raise Unauthorized("this survey tablet token has been revoked")
    return tablet


# ---- offering -------------------------------------------------------------------------

def offer_dict(ticket: Ticket) -> dict:
    """What the tablet needs to open the survey: nothing about the visitor but her ticket."""
    service = service_row(ticket.service_id)
    return {"ticket_id": ticket.id, "number": ticket.number, "service": service.code,
            "service_name": {"id": service.name_id, "en": service.name_en},
            "language": ticket.language, "finished_at": clock.iso(ticket.finished_at)}


def offer_message(ticket: Ticket, booth: Booth) -> list[tuple[str, str, dict]]:
    """What the queue publishes (with its other messages) in the transaction that finishes a served
    visit: the booth's tablet opens the survey for that ticket once the finish is committed."""
    if ticket.status == "done" and ticket.outcome == "served":
        return [(survey_room(booth.number), "offer", {"offer": offer_dict(ticket)})]
    return []


# ---- answering ------------------------------------------------------------------------

def _actor(by: Respondent) -> tuple[str, str]:
    if isinstance(by, Kiosk):
        return f"kiosk:{by.name}", "kiosk"
    if isinstance(by, SurveyTablet):
        return f"tablet:{by.name}", "tablet"
    return by.username, "booth"


def answer(by: Respondent, data: SurveyIn) -> SurveyResponse:
    actor, channel = _actor(by)
    if isinstance(by, Staff) and (by.role != "p0" or not by.booth_id):
        raise Forbidden("only a booth officer (P0) or the booth's tablet records a survey from a session")
    with database.atomic():
        ticket = locked(Ticket, data.ticket_id)
        if ticket is None:
            raise NotFound(f"no ticket {data.ticket_id}", code="unknown_ticket")
        booth_id = by.booth_id if isinstance(by, (SurveyTablet, Staff)) else None
        if booth_id is not None and ticket.booth_id != booth_id:
            raise Forbidden(f"ticket {ticket.number} was not served at this booth")
        if ticket.status != "done" or ticket.outcome != "served":
            raise Conflict(f"ticket {ticket.number} was not served ({ticket.status}); only a served visit "
                           "can be surveyed", code="not_served")
        if ticket.business_day != business_day(clock.now(), actions.office.timezone):
            raise Conflict(f"ticket {ticket.number} was served on {ticket.business_day.isoformat()}; "
                           "a survey is answered on the day of the visit", code="survey_closed")
        if SurveyResponse.select().where(SurveyResponse.ticket == ticket).exists():
            raise Conflict(f"ticket {ticket.number} has already been surveyed", code="already_answered")
        service = ticket.service
        s = data.scores
        try:
            with database.atomic():   # a savepoint: a concurrent duplicate becomes a clean 409
                response = SurveyResponse.create(
                    ticket=ticket, service=service, unit=service.unit_id, business_day=ticket.business_day,
                    answered_at=clock.now(), channel=channel,
                    s1=s[0], s2=s[1], s3=s[2], s4=s[3], s5=s[4], s6=s[5], s7=s[6], s8=s[7], s9=s[8],
                    comment=data.comment or "", age_band=data.age_band, sex=data.sex,
                    education=data.education, occupation=data.occupation)
        except IntegrityError:
            raise Conflict(f"ticket {ticket.number} has already been surveyed", code="already_answered") from None
        audit(actor, "survey.answer", "survey", response.id, channel=channel)   # no scores: anonymous
        if ticket.booth_id:
            publish(survey_room(ticket.booth.number), "answered", {"ticket_id": ticket.id})
        return response


def response_dict(response: SurveyResponse) -> dict:
    return {"id": response.id, "ticket_id": response.ticket_id, "channel": response.channel,
            "answered_at": clock.iso(response.answered_at)}
