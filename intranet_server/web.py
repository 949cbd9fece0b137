"""The browser screens: server-rendered pages with a little plain JavaScript over Socket.IO."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, make_response, redirect, render_template, request, url_for

from intranet_server import actions
from intranet_server.http import current_session
from intranet_server.i18n import texts

web = Blueprint("web", __name__)

# Where each role lands after signing in; other capabilities add their screens here.
HOME_BY_ROLE = {"p0": "web.booth", "p1": "web.inbox", "p2": "web.inbox",
                "supervisor": "web.supervisor", "admin": "web.admin", "pimpinan": "web.reports"}


def _lang() -> str:
    lang = request.args.get("lang") or request.cookies.get("ptsa_lang") or "id"
    return lang if lang in ("id", "en") else "id"


def _staff():
    row = current_session()     # the server-side session: ended, idle or expired means signed out
    return row.staff if row is not None else None


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path on this site. `/\\evil.host/`, `//evil.host`,
    `https://evil.host` and anything with a backslash or control character become "/"."""
    if not target or not isinstance(target, str) or len(target) > 512:
        return "/"
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def page(template: str, **context):
    lang = _lang()
    response = make_response(render_template(template, t=texts(lang), lang=lang,
                                             office=actions.office.name,
                                             timezone=actions.office.timezone, **context))
    if request.args.get("lang") in ("id", "en"):
        response.set_cookie("ptsa_lang", lang, max_age=365 * 86400, samesite="Lax")
    return response


def staff_page(template: str, *roles: str, **context):
    staff = _staff()
    if staff is None:
        return redirect(url_for("web.login", next=request.path))
    if staff.must_change_password and template != "password.html":
        return redirect(url_for("web.password", next=request.path))   # after a one-time password
    if roles and staff.role not in roles:
        return redirect(url_for(HOME_BY_ROLE.get(staff.role, "web.display")))
    return page(template, staff=staff, **context)


@web.get("/")
def index():
    staff = _staff()
    if staff is not None and staff.must_change_password:
        return redirect(url_for("web.password"))
    if staff is not None:
        return redirect(url_for(HOME_BY_ROLE.get(staff.role, "web.display")))
    return page("index.html")


@web.get("/login")
def login():
    return page("login.html", next=safe_next(request.args.get("next")))


@web.get("/booth")
def booth():
    from intranet_server import sla
    return staff_page("booth.html", "p0", tz=actions.office.timezone, sms_enabled=sla.channel_enabled("sms"))


@web.get("/display")
def display():
    return page("display.html")


@web.get("/inbox")
def inbox():
    return staff_page("inbox.html", "p1", "p2", tz=actions.office.timezone)


@web.get("/supervisor")
def supervisor():
    return staff_page("supervisor.html", "supervisor", "admin", tz=actions.office.timezone)


# ---- the satisfaction survey (SKM) ----------------------------------------------------------

@web.get("/survey")
def survey():
    """The booth tablet's page. It signs in with its own tablet token (kept in the browser), not a session."""
    from intranet_server.reads.surveys import TABLET_IDLE_S, THANKS_S
    from intranet_server.rules.skm import ELEMENTS, PROFILE
    return page("survey.html", elements=ELEMENTS, profile=PROFILE, idle_s=TABLET_IDLE_S, thanks_s=THANKS_S)


@web.get("/reports/skm")
def reports_skm():
    from intranet_server.actions import ActionError
    from intranet_server.reads import surveys as survey_reads
    from intranet_server.schemas import parse
    from intranet_server.schemas.surveys import SkmQuery
    staff = _staff()
    if staff is None or staff.role not in survey_reads.REPORT_ROLES:
        return staff_page("reports_skm.html", *survey_reads.REPORT_ROLES)
    args = {k: v for k, v in request.args.items() if k != "lang" and v != ""}
    report, error = None, None
    try:
        query = parse(SkmQuery, args)
        report = survey_reads.skm_report(staff, query.from_, query.to, query.service, query.unit)
    except ActionError as exc:
        error = exc.message
    return staff_page("reports_skm.html", *survey_reads.REPORT_ROLES, report=report, error=error, args=args,
                      services=survey_reads.visible_services(staff), chart=survey_reads.nrr_chart(report))


@web.get("/admin")
def admin():
    """Administration: the administrator edits; a supervisor may view their own units' parts."""
    return staff_page("admin.html", "admin", "supervisor", tz=actions.office.timezone)


@web.get("/password")
def password():
    return staff_page("password.html", next=request.args.get("next", ""))


from intranet_server.reports import pages as _report_pages  # noqa: E402,F401  (adds /reports to `web`)
