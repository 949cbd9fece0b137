"""Fixtures of the SLA tests: the demo database with the real office calendar (Perpres hours,
national holidays and cuti bersama from the `holidays` package) or the 24/7 one."""
from __future__ import annotations

import copy

import pytest

from intranet_server import sla


@pytest.fixture
def tasks_db(settings, database):
    sla.configure(settings)
    yield database
    sla.configure(settings)


@pytest.fixture
def office_settings(settings):
    office = copy.deepcopy(settings)
    office["calendar"]["mode"] = "office"
    return office


@pytest.fixture
def office_db(office_settings, database, frozen_clock):
    """The office calendar: deadlines in working time."""
    sla.configure(office_settings)
    yield database
    sla.configure(office_settings)


@pytest.fixture
def mail_settings(settings):
    """E-mail and SMS switched on (addresses that are never reached unless a test starts them)."""
    configured = copy.deepcopy(settings)
    configured["smtp"].update(host="127.0.0.1", port=9, timeout="2s", data_timeout="2s")
    configured["sms"].update(url="http://127.0.0.1:9/sms", timeout="2s")
    configured["outbox"].update(retry_base="10s", retry_max="1m", max_attempts=3)
    return configured


