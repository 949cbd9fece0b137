"""The satisfaction survey on /api/v1: answering (kiosk, booth tablet, booth session) and the SKM report."""
from __future__ import annotations

import csv
import io

from flask import jsonify, request

from db.models import Staff
from intranet_server.actions import Forbidden, Unauthorized
from intranet_server.actions import surveys as survey_actions
from intranet_server.actions.kiosks import authenticate_kiosk
from intranet_server.api import api
from intranet_server.http import body, current_staff
from intranet_server.reads import surveys as survey_reads
from intranet_server.reads.queue import booth_dict
from intranet_server.schemas import doc, parse
from intranet_server.schemas.surveys import (
    SurveyForm, TabletState,
    SkmQuery, SkmReportOut, SurveyIn, SurveyOut, SurveyTicketOut, TicketLookupQuery,
)

BEARER_NOTE = ("Authorization: Bearer with a kiosk token (`ptsa kiosk-token`) or a booth tablet token "
               "(`ptsa survey-tablet NAME --booth N`), or a signed-in P0 session.")


def _bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _respondent():
    """The kiosk or booth tablet named by the bearer token, else the signed-in officer."""
    token = _bearer()
    if token is None:
        return current_staff()
    try:
        return authenticate_kiosk(token)
    except Unauthorized:
        return survey_actions.authenticate_tablet(token)


def _tablet():
    token = _bearer()
    if token is None:
        raise Unauthorized("this needs 'Authorization: Bearer <survey tablet token>'")
    return survey_actions.authenticate_tablet(token)


@api.post("/surveys")
@doc(summary="Record a visitor's satisfaction survey (SKM) for a served ticket", tags=["surveys"], body=SurveyIn,
     response=SurveyOut, status=201, auth=["kiosk", "session"],
     description=BEARER_NOTE + " 409 `already_answered` for a second response, `not_served` for a ticket that "
                               "was not served, `survey_closed` after the visit's day; 422 for bad scores.")
def answer_survey():
    by = _respondent()
    if isinstance(by, Staff) and (by.role != "p0" or not by.booth_id):   # may you, before what you sent
        raise Forbidden("only a booth officer (P0) or the booth's tablet records a survey from a session")
    data = parse(SurveyIn, body())
    response = survey_actions.answer(by, data)
    return jsonify(survey_actions.response_dict(response)), 201


@api.get("/surveys/ticket")
@doc(summary="Today's served, not yet surveyed ticket with this number (the kiosk's Survei entry)",
     tags=["surveys"], query=TicketLookupQuery, response=SurveyTicketOut, auth="kiosk")
def survey_ticket():
    authenticate_kiosk(_bearer() or "")
    query = parse(TicketLookupQuery, request.args.to_dict())
    ticket = survey_reads.ticket_for_survey(query.number)
    return jsonify({"ticket_id": ticket.id, "number": ticket.number, "service": ticket.service.code,
                    "service_name_id": ticket.service.name_id, "service_name_en": ticket.service.name_en})


@api.get("/surveys/tablet")
@doc(summary="The booth tablet: its booth and the visit it should survey now, if any", tags=["surveys"],
     response=TabletState, auth="kiosk", description="Bearer: the survey tablet token.")
def survey_tablet():
    tablet = _tablet()
    return jsonify({"name": tablet.name, "booth": booth_dict(tablet.booth),
                    "room": survey_actions.survey_room(tablet.booth.number),
                    "offer": survey_reads.current_offer(tablet.booth.number)})


def _report():
    staff = current_staff(*survey_reads.REPORT_ROLES)
    query = parse(SkmQuery, request.args.to_dict())
    return survey_reads.skm_report(staff, query.from_, query.to, query.service, query.unit)


@api.get("/reports/skm")
@doc(summary="The satisfaction index (IKM) with its NRRs, grade, respondents and sample check", tags=["reports"],
     query=SkmQuery, response=SkmReportOut, auth="session",
     description="Supervisors see their units' services; admin and pimpinan see all. Elements are listed in "
                 "questionnaire order, `lowest_first` names them weakest first; `comments` of an element are "
                 "those of respondents who scored it 1 or 2.")
def skm_report():
    return jsonify(_report())


def _filename(report: dict, ext: str) -> str:
    scope = report["service"] or report["unit"] or "all"
    return f"skm-{scope}-{report['from']}-{report['to']}.{ext}"


@api.get("/reports/skm.csv")
@doc(summary="The SKM report as CSV (the whole, per unit, per service)", tags=["reports"], query=SkmQuery,
     media_type="text/csv", auth="session")
def skm_report_csv():
    report = _report()
    header, rows = survey_reads.report_rows(report)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue(), 200, {"Content-Type": "text/csv; charset=utf-8",
                                 "Content-Disposition": f'attachment; filename="{_filename(report, "csv")}"'}


@api.get("/reports/skm.xlsx")
@doc(summary="The SKM report as an XLSX workbook (index sheet and comments sheet)", tags=["reports"],
     query=SkmQuery, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     auth="session")
def skm_report_xlsx():
    from intranet_server.reports.exports import to_xlsx
    report = _report()
    header, rows = survey_reads.report_rows(report)
    comments = [[element["key"], element["nrr"], comment]
                for element in sorted(report["elements"], key=lambda e: e["nrr"]) for comment in element["comments"]]
    data = to_xlsx([("IKM", header, rows), ("Komentar", ["element", "nrr", "comment"], comments)])
    return data, 200, {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f'attachment; filename="{_filename(report, "xlsx")}"'}


@api.get("/surveys/form")
@doc(summary="The nine SKM elements with their questions and answers, and the optional profile's choices "
             "(Bahasa Indonesia and English), for clients that draw the form themselves (the kiosk)",
     tags=["surveys"], response=SurveyForm, auth=None)
def survey_form():
    from intranet_server.rules.skm import ELEMENTS, PROFILE
    return jsonify({"elements": [dict(e, a_id=list(e["a_id"]), a_en=list(e["a_en"])) for e in ELEMENTS],
                    "profile": {name: [{"code": c, "id": i, "en": e} for c, i, e in options]
                                for name, options in PROFILE.items()}})
