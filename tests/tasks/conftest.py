"""Fixtures of the task-chain tests: the SLA engine configured from the test settings (24/7 calendar)."""
from __future__ import annotations

import pytest

from intranet_server import sla


@pytest.fixture
def tasks_db(settings, database):
    """The demo database with the task chain configured (calendar mode "always", default targets)."""
    sla.configure(settings)
    yield database
    sla.configure(settings)
