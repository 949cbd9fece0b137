"""The monthly e-mail: on the first working day of a month every supervisor gets last month's report of
their unit through the outbox, exactly once, delivered to a real SMTP server (aiosmtpd)."""
from __future__ import annotations

import copy
import datetime as dt

from db.models import Staff
from db.report_models import ReportDelivery
from db.task_models import Outbox
from intranet_server import clock, sla
from intranet_server.reads import reports
from intranet_server.reports import monthly
from intranet_server.sla import outbox
from tests.sla.sinks import Mailbox

WIB = dt.timezone(dt.timedelta(hours=7))


def test_first_working_day_exactly_once_to_every_supervisor(sqlite_office_db):
    box = Mailbox().start()
    try:
        settings = copy.deepcopy(sqlite_office_db)
        settings["smtp"].update(host="127.0.0.1", port=box.port, timeout="5s")
        settings["sla"]["public_url"] = "http://ptsa.local:8080"
        sla.configure(settings)
        reports.configure({"monthly_email": True})
        Staff.update(email="").where(Staff.username != "sup-phijsk-pk").where(Staff.role == "supervisor").execute()
        # Sunday 1 November 2026 is not a working day: nothing yet
        clock.freeze(dt.datetime(2026, 11, 1, 10, 0, tzinfo=WIB))
        assert monthly.send_monthly() == []
        assert monthly.next_run(clock.now()) == dt.datetime(2026, 11, 2, 7, 30, tzinfo=WIB)
        # Monday 2 November, the first working day: October's report, once
        clock.freeze(dt.datetime(2026, 11, 2, 7, 30, tzinfo=WIB))
        rows = monthly.send_monthly()
        assert [(r.address, r.subject) for r in rows] == [
            ("sup-phijsk-pk@ptsa.example", "[PTSA] Laporan bulanan 2026-10 PHIJSK-PK")]
        assert monthly.send_monthly() == [] and monthly.send_monthly(clock.now() + dt.timedelta(days=3)) == []
        assert ReportDelivery.select().count() == 1 and Outbox.select().count() == 1
        outbox.deliver_due(clock.now())
        [message] = box.wait_for(1, "2026-10")
        body = message.get_content()
        assert "Tugas diterima / Tasks received: 0" in body
        assert "http://ptsa.local:8080/api/v1/reports/monthly.pdf?month=2026-10&unit=PHIJSK-PK" in body
        # December: November's report
        clock.freeze(dt.datetime(2026, 12, 1, 8, 0, tzinfo=WIB))
        assert [r.subject for r in monthly.send_monthly()] == ["[PTSA] Laporan bulanan 2026-11 PHIJSK-PK"]
    finally:
        box.stop()
        reports.configure(None)


def test_off_by_default(sqlite_office_db):
    reports.configure(None)
    clock.freeze(dt.datetime(2026, 11, 2, 8, 0, tzinfo=WIB))
    assert monthly.send_monthly() == [] and Outbox.select().count() == 0
