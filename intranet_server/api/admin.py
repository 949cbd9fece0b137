"""Administration on /api/v1/admin: the administrator changes, a supervisor may read what
concerns their own units, every other role is refused. Handlers parse, authorise, call an action."""
from __future__ import annotations

from flask import Response, current_app, jsonify, request
from pydantic import BaseModel, Field

from db.models import Staff, Unit
from intranet_server import sla
from intranet_server.actions import Invalid
from intranet_server.actions import admin as admin_actions
from intranet_server.actions import admin_staff, catalog
from intranet_server.api import api
from intranet_server.http import body, current_staff
from intranet_server.reads import admin as admin_reads
from intranet_server.reads.scope import scope_units
from intranet_server.schemas import doc, parse
from intranet_server.schemas.admin import (
    AdminBooth, AdminCatalog, AdminService, AdminUnit, AuditPage, BoothIn, BoothPatch, ImportDone, ImportPreview,
    KioskIn, KioskOverview, KioskRegistered, NotificationStatus, Ok, OverrideIn, OverrideRemove, PasswordChange,
    PasswordReset, ServiceIn, ServiceLevels, ServiceLevelsIn, ServicePatch, Shift, StaffCreated, StaffCsv,
    StaffIn, StaffList, StaffPatch, StaffRow, TestMessage, TestResults, UnitIn, UnitPatch,
)
from intranet_server.schemas.calendar import OverrideOut

TAG = ["admin"]


class AuditQuery(BaseModel):
    actor: str | None = Field(default=None, description="who (a username, `kiosk:NAME`, `cli`, `sla`)")
    action: str | None = Field(default=None, description="an action (`staff.add`) or its family (`staff`)")
    subject_type: str | None = None
    subject_id: int | None = None
    to: str | None = Field(default=None, description="YYYY-MM-DD (the whole day) or an ISO time")
    before: int | None = Field(default=None, description="paging: the `next_before` of the previous page")
    limit: int | None = Field(default=None, ge=1, le=500)
    # `from` (YYYY-MM-DD or an ISO time) is read too; a Python keyword cannot be a field name here


def _admin() -> Staff:
    return current_staff("admin")


def _viewer() -> Staff:
    """Admins, and supervisors (who see only their own units)."""
    return current_staff("admin", "supervisor")


def _fields(model) -> dict:
    return model.model_dump(exclude_unset=True, exclude={"version"})


def _body(model):
    return parse(model, body())


# ---- catalog ------------------------------------------------------------------------------

@api.get("/admin/catalog")
@doc(summary="Units, services and booths with their versions (supervisors: their own units)", tags=TAG,
     response=AdminCatalog)
def admin_catalog():
    staff = _viewer()
    rows = catalog.catalog_rows()
    if staff.role != "admin":
        codes = {u.code for u in scope_units(staff)}
        rows["units"] = [u for u in rows["units"] if u["code"] in codes]
        rows["services"] = [s for s in rows["services"] if s["unit"] in codes]
        mine = {s["code"] for s in rows["services"]}
        rows["booths"] = [b for b in rows["booths"] if mine & set(b["services"])]
    return jsonify(rows)


@api.post("/admin/services")
@doc(summary="Add a service (code, prefix, names, owner unit, SOP days, daily cap, opening hours)", tags=TAG,
     body=ServiceIn, response=AdminService, status=201)
def admin_add_service():
    staff = _admin()
    data = _body(ServiceIn)
    return jsonify(catalog.create_service(staff.username, data.model_dump(exclude_unset=True))), 201


@api.patch("/admin/services/<code>")
@doc(summary="Change a service; `active: false` withdraws it (never deleted)", tags=TAG, body=ServicePatch,
     response=AdminService)
def admin_change_service(code: str):
    staff = _admin()
    data = _body(ServicePatch)
    return jsonify(catalog.update_service(staff.username, code, _fields(data), data.version))


@api.post("/admin/booths")
@doc(summary="Add a booth", tags=TAG, body=BoothIn, response=AdminBooth, status=201)
def admin_add_booth():
    staff = _admin()
    data = _body(BoothIn)
    return jsonify(catalog.create_booth(staff.username, data.model_dump())), 201


@api.patch("/admin/booths/<int:number>")
@doc(summary="Change a booth: its services, label, active, priority booth", tags=TAG, body=BoothPatch,
     response=AdminBooth)
def admin_change_booth(number: int):
    staff = _admin()
    data = _body(BoothPatch)
    return jsonify(catalog.update_booth(staff.username, number, _fields(data), data.version))


@api.post("/admin/units")
@doc(summary="Add an echelon-1 or echelon-2 unit", tags=TAG, body=UnitIn, response=AdminUnit,
     status=201)
def admin_add_unit():
    staff = _admin()
    data = _body(UnitIn)
    return jsonify(catalog.create_unit(staff.username, data.model_dump())), 201


@api.patch("/admin/units/<code>")
@doc(summary="Change a unit: names, parent, time zone, cuti bersama, weekly working hours, active", tags=TAG,
     body=UnitPatch, response=AdminUnit)
def admin_change_unit(code: str):
    staff = _admin()
    data = _body(UnitPatch)
    return jsonify(catalog.update_unit(staff.username, code, _fields(data), data.version))


@api.get("/admin/catalog.toml")
@doc(summary="The live catalog as TOML (what `ptsa catalog export` writes)", tags=TAG,
     media_type="application/toml")
def admin_catalog_toml():
    _admin()
    from db.catalog import dump_catalog, export_catalog
    office = {"name": current_app.config["PTSA"]["office"]["name"]}
    return Response(dump_catalog(export_catalog(office)), mimetype="application/toml",
                    headers={"Content-Disposition": "attachment; filename=catalog.toml"})


# ---- staff --------------------------------------------------------------------------------

@api.get("/admin/staff")
@doc(summary="Staff accounts; ?q= searches names, ?role= and ?unit= filter (supervisors: their units)", tags=TAG,
     response=StaffList)
def admin_staff_list():
    staff = _viewer()
    query = Staff.select().order_by(Staff.role, Staff.username)
    if staff.role != "admin":
        query = query.where(Staff.unit.in_([u.id for u in scope_units(staff)] or [0]))
    q = (request.args.get("q") or "").strip().lower()
    if q:
        query = query.where(Staff.username.contains(q) | Staff.full_name.contains(q))
    if request.args.get("role"):
        query = query.where(Staff.role == request.args["role"])
    if request.args.get("unit"):
        query = query.where(Staff.unit == Unit.get_or_none(Unit.code == request.args["unit"]))
    if request.args.get("active") in ("yes", "no"):
        query = query.where(Staff.active == (request.args["active"] == "yes"))
    return jsonify({"staff": [admin_staff.staff_row(s) for s in query.limit(1000)]})


@api.post("/admin/staff")
@doc(summary="Add a staff account; answers its one-time password (shown once)", tags=TAG, body=StaffIn,
     response=StaffCreated, status=201)
def admin_add_staff():
    staff = _admin()
    data = _body(StaffIn)
    person, password = admin_staff.add_staff(staff.username, data.model_dump(exclude_unset=True))
    return jsonify({**admin_staff.staff_row(person), "one_time_password": password}), 201


@api.patch("/admin/staff/<username>")
@doc(summary="Change placement (booth, unit, role), details, or disable/enable (`active`)", tags=TAG,
     body=StaffPatch, response=StaffRow)
def admin_change_staff(username: str):
    staff = _admin()
    data = _body(StaffPatch)
    person = admin_staff.update_staff(staff.username, username, _fields(data), data.version)
    return jsonify(admin_staff.staff_row(person))


@api.post("/admin/staff/<username>/password")
@doc(summary="Reset a password: a one-time password, shown once, changed at the next sign-in", tags=TAG,
     response=PasswordReset)
def admin_reset_password(username: str):
    staff = _admin()
    password = admin_staff.reset_password(staff.username, username)
    return jsonify({"username": username, "one_time_password": password, "must_change_password": True})


@api.post("/admin/staff/import/preview")
@doc(summary="What a CSV import would do, line by line with each line's problem; nothing is written",
     tags=TAG, body=StaffCsv, response=ImportPreview)
def admin_import_preview():
    staff = _admin()
    return jsonify(admin_staff.preview_import(staff.username, _body(StaffCsv).csv))


@api.post("/admin/staff/import")
@doc(summary="Import a staff CSV: all or nothing (as `ptsa staff import`)", tags=TAG, body=StaffCsv,
     response=ImportDone)
def admin_import():
    staff = _admin()
    return jsonify(admin_staff.apply_import(staff.username, _body(StaffCsv).csv))


@api.get("/admin/staff.csv")
@doc(summary="Every staff account as CSV (the import's columns, without passwords)", tags=TAG,
     media_type="text/csv")
def admin_staff_csv():
    _admin()
    return Response(admin_staff.export_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=staff.csv"})


@api.post("/auth/password")
@doc(summary="Change your own password (required after a one-time password)", tags=["auth"],
     body=PasswordChange, response=Ok)
def change_password():
    """A password change ends every session of the account (stolen cookies die with the old password);
    this browser gets a fresh one, so the person who just changed it stays signed in here."""
    from flask import g, request, session

    from intranet_server.actions import security
    from intranet_server.api.auth import set_csrf_cookie
    from intranet_server.http import client_address
    staff = current_staff()
    data = _body(PasswordChange)
    admin_staff.change_own_password(staff, data.current, data.new)
    _staff, raw, row = security.sign_in(staff.username, data.new, client_address(),
                                        request.headers.get("User-Agent", ""))
    session.clear()
    session["sid"] = raw
    session.permanent = True
    g.staff_session, g.staff = row, _staff
    response = jsonify({"ok": True})
    set_csrf_cookie(response, row.csrf_token)
    return response


# ---- calendar -----------------------------------------------------------------------------

@api.post("/admin/calendar/preview")
@doc(summary="How many open task deadlines an override (or removing one) would move, and by how much; "
     "nothing is written", tags=TAG, body=OverrideIn, response=Shift)
def admin_calendar_preview():
    staff = _admin()
    raw = body()
    if "remove" in raw:
        data = parse(OverrideRemove, raw)
        return jsonify(admin_actions.remove_override(staff.username, data.remove, preview=True))
    data = parse(OverrideIn, raw)
    return jsonify(admin_actions.add_override(staff.username, data.model_dump(), preview=True))


@api.post("/admin/calendar/overrides")
@doc(summary="Add a closure, an extra working day or a Ramadan period; open deadlines are recomputed",
     tags=TAG, body=OverrideIn, response=OverrideOut, status=201)
def admin_calendar_add():
    staff = _admin()
    data = _body(OverrideIn)
    from intranet_server.reads.calendars import override_dict
    return jsonify(override_dict(admin_actions.add_override(staff.username, data.model_dump()))), 201


@api.delete("/admin/calendar/overrides/<int:override_id>")
@doc(summary="Remove an override; open deadlines are recomputed", tags=TAG, status=204)
def admin_calendar_remove(override_id: int):
    staff = _admin()
    admin_actions.remove_override(staff.username, override_id)
    return "", 204


# ---- service levels -----------------------------------------------------------------------

@api.get("/admin/service-levels")
@doc(summary="Pickup targets, warning and escalation, channels, off-hours policy in force", tags=TAG,
     response=ServiceLevels)
def admin_levels():
    _viewer()
    return jsonify(admin_actions.service_levels())


@api.post("/admin/service-levels/preview")
@doc(summary="How many open deadlines saving these levels would move; nothing is written", tags=TAG,
     body=ServiceLevelsIn, response=Shift)
def admin_levels_preview():
    staff = _admin()
    data = _body(ServiceLevelsIn)
    return jsonify(admin_actions.save_service_levels(staff.username, data.model_dump(), preview=True))


@api.put("/admin/service-levels")
@doc(summary="Save the service levels (in the database); open deadlines are recomputed", tags=TAG,
     body=ServiceLevelsIn, response=ServiceLevels)
def admin_levels_save():
    staff = _admin()
    data = _body(ServiceLevelsIn)
    return jsonify(admin_actions.save_service_levels(staff.username, data.model_dump()))


# ---- kiosks, screens, notifications -------------------------------------------------------

@api.get("/admin/kiosks")
@doc(summary="Kiosks: last seen, printer state, recent print failures; display boards connected now",
     tags=TAG, response=KioskOverview)
def admin_kiosks():
    _admin()
    return jsonify({"kiosks": admin_reads.kiosks(), **admin_reads.displays()})


@api.post("/admin/kiosks")
@doc(summary="Register a kiosk: its token (shown once) and a QR code of the pairing text", tags=TAG,
     body=KioskIn, response=KioskRegistered, status=201)
def admin_add_kiosk():
    staff = _admin()
    data = _body(KioskIn)
    return jsonify(admin_actions.add_kiosk(staff.username, data.name, request.host_url)), 201


@api.post("/admin/kiosks/<name>/revoke")
@doc(summary="Revoke a kiosk's token", tags=TAG, response=Ok)
def admin_revoke_kiosk(name: str):
    staff = _admin()
    admin_actions.remove_kiosk(staff.username, name)
    return jsonify({"ok": True})


@api.get("/admin/notifications")
@doc(summary="Whether e-mail (SMTP) and SMS are configured and reachable", tags=TAG,
     response=NotificationStatus)
def admin_notifications():
    _admin()
    return jsonify(admin_reads.notifications(sla.settings()))


@api.post("/admin/notifications/test")
@doc(summary="Send a test message now (default: to your own e-mail and phone)", tags=TAG, body=TestMessage,
     response=TestResults)
def admin_notifications_test():
    staff = _admin()
    data = parse(TestMessage, body(required=False))
    email = data.email if "email" in data.model_fields_set else (staff.email or None)
    phone = data.sms if "sms" in data.model_fields_set else (staff.phone or None)
    if not email and not phone:
        raise Invalid("'email': give an e-mail address or a phone number (your account has neither)")
    from intranet_server.actions import audit
    from intranet_server.sla.notify_test import send_test
    results = send_test(email=email, sms=phone)
    audit(staff.username, "notify.test", "staff", staff.id, results=[
        {k: r[k] for k in ("channel", "to", "ok")} for r in results])
    return jsonify({"results": results})


# ---- audit --------------------------------------------------------------------------------

@api.get("/admin/audit")
@doc(summary="The audit log, newest first: ?actor=&action=&subject_type=&subject_id=&from=&to=&before=&limit=",
     tags=TAG, response=AuditPage, query=AuditQuery)
def admin_audit():
    _admin()
    return jsonify(admin_reads.audit_page(request.args.to_dict()))


@api.get("/admin/audit.csv")
@doc(summary="The audit log as CSV, same filters", tags=TAG, media_type="text/csv")
def admin_audit_csv():
    _admin()
    return Response(admin_reads.audit_csv(request.args.to_dict()), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit.csv"})

