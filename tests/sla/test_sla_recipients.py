"""Who is told at each alert level, edited at /admin "Service levels": the office's choice and a unit's
own, with extra e-mail addresses and phone numbers. The alerts are delivered to a real SMTP server
(aiosmtpd) and a real HTTP SMS gateway; time is moved, not waited."""
from __future__ import annotations

import datetime as dt

import pytest

from db.admin_models import ServiceLevel
from db.models import AuditEvent
from intranet_server import sla
from intranet_server.actions import tasks as actions
from intranet_server.sla import alerts, engine, outbox
from tests.tasks.helpers import new_task, receiver, staff

M = dt.timedelta(minutes=1)
DEFAULT = {"warning": {"unit_supervisors": True, "parent_supervisors": False, "emails": [], "phones": []},
           "breach": {"unit_supervisors": True, "parent_supervisors": False, "emails": [], "phones": []},
           "escalation": {"unit_supervisors": False, "parent_supervisors": True, "emails": [], "phones": []}}
# the office: a breach goes to the parent unit's supervisors (above echelon 1: the admins) and the
# head of office, by e-mail and SMS, not to the unit's own supervisors
OFFICE = {**DEFAULT, "breach": {"unit_supervisors": False, "parent_supervisors": True,
                                "emails": ["kepala.kantor@ptsa.example"], "phones": ["+6281299990000"]}}
# Direktorat Persyaratan Kerja: its own supervisors and its shared mailbox
PK = {**DEFAULT, "breach": {"unit_supervisors": True, "parent_supervisors": False,
                            "emails": ["dit-pk@ptsa.example"], "phones": []}}


@pytest.fixture
def delivering(mail_settings, database, frozen_clock, mailbox, gateway):
    mail_settings["smtp"].update(port=mailbox.port)
    mail_settings["sms"].update(url=gateway.url)
    sla.configure(mail_settings)
    yield mail_settings
    sla.configure(mail_settings)


@pytest.fixture
def admin(client, delivering):
    assert client.post("/api/v1/auth/login", json={"username": "admin", "password": "demo12345"}).status_code == 200
    return client


def levels_body(current: dict, **change) -> dict:
    body = {k: current[k] for k in ("pickup_p0_p1", "pickup_p1_p2", "warn_ratio", "escalate_ratio", "off_hours",
                                    "channels", "units", "version")}
    return {**body, **change}


def test_the_defaults_are_the_organisation(admin):
    levels = admin.get("/api/v1/admin/service-levels").get_json()
    assert levels["recipients"] == DEFAULT and levels["unit_recipients"] == {}


def test_a_breach_goes_to_the_recipients_edited_at_admin(admin, mailbox, gateway, frozen_clock):
    current = admin.get("/api/v1/admin/service-levels").get_json()
    saved = admin.put("/api/v1/admin/service-levels",
                      json=levels_body(current, recipients=OFFICE, unit_recipients={"PHIJSK-PK": PK}))
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["recipients"] == OFFICE and saved.get_json()["unit_recipients"] == {"PHIJSK-PK": PK}
    audit = AuditEvent.select().where(AuditEvent.action == "sla.levels").order_by(AuditEvent.id.desc()).first()
    assert audit.actor == "admin" and audit.data["recipients"] == OFFICE and \
        audit.data["unit_recipients"] == {"PHIJSK-PK": PK}

    # a task to PHIJSK (echelon 1) left untouched past its pickup deadline: the admins (above
    # echelon 1) and the head of office are told; PHIJSK's own supervisor is not
    first = new_task()
    # a second one, claimed by PHIJSK and forwarded to PHIJSK-PK, breaches there: PK's own choice
    second = new_task()
    actions.claim(receiver("PHIJSK"), second.id)
    actions.forward(receiver("PHIJSK"), second.id, "PHIJSK-PK")
    frozen_clock.advance(16 * M)
    engine.sweep()
    outbox.deliver_due()
    told = {m["To"] for m in mailbox.received(f"#{first.id} ")}
    assert told == {"admin@ptsa.example", "kepala.kantor@ptsa.example"}
    assert [p["to"] for p in gateway.received(f"#{first.id} ")] == ["+6281299990000"]
    frozen_clock.advance(15 * M)
    engine.sweep()
    outbox.deliver_due()
    breach = [m for m in mailbox.received(f"#{second.id} ") if "Pelanggaran SLA" in m["Subject"]]
    assert {m["To"] for m in breach} == {"sup-phijsk-pk@ptsa.example", "dit-pk@ptsa.example"}
    assert {p["to"] for p in gateway.received(f"#{second.id} ")} == {staff("sup-phijsk-pk").phone}


def test_recipients_left_out_of_a_save_stay_and_nobody_chosen_still_tells_someone(admin):
    current = admin.get("/api/v1/admin/service-levels").get_json()
    nobody = {**DEFAULT, "warning": {"unit_supervisors": False, "parent_supervisors": False,
                                     "emails": [], "phones": []}}
    assert admin.put("/api/v1/admin/service-levels", json=levels_body(current, recipients=nobody)).status_code == 200
    current = admin.get("/api/v1/admin/service-levels").get_json()
    assert admin.put("/api/v1/admin/service-levels", json=levels_body(current, warn_ratio=0.7)).status_code == 200
    assert admin.get("/api/v1/admin/service-levels").get_json()["recipients"] == nobody
    from db.models import Unit
    pk = Unit.get(Unit.code == "PHIJSK-PK")
    assert alerts.recipients("warning", pk) == (pk, [staff("sup-phijsk-pk")])   # never told to nobody
    from db.models import Staff
    Staff.update(active=False).where(Staff.username == "sup-phijsk-pk").execute()
    assert alerts.recipients("warning", pk) == (pk, [staff("sup-phijsk")])      # nobody there: up


@pytest.mark.parametrize("change, field", [
    ({"recipients": {**OFFICE, "breach": {**OFFICE["breach"], "emails": ["bukan-email"]}}}, "recipients"),
    ({"recipients": {**OFFICE, "breach": {**OFFICE["breach"], "phones": ["halo"]}}}, "recipients"),
    ({"recipients": {"breach": OFFICE["breach"]}}, "recipients"),
    ({"unit_recipients": {"NOPE": PK}}, "unit_recipients"),
    ({"unit_recipients": {"PHIJSK-PK": {**PK, "warning": {**PK["warning"], "unit_supervisors": "ya"}}}},
     "unit_recipients"),
])
def test_bad_recipients_are_refused_naming_the_field_and_write_nothing(admin, change, field):
    current = admin.get("/api/v1/admin/service-levels").get_json()
    before = ServiceLevel.select().count(), AuditEvent.select().count()
    r = admin.put("/api/v1/admin/service-levels", json=levels_body(current, **change))
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["detail"].startswith(f"'{field}")
    assert (ServiceLevel.select().count(), AuditEvent.select().count()) == before
