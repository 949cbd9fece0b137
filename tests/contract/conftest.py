"""Fixtures of the contract tests: the task chain configured like tests/tasks."""
from __future__ import annotations

import pytest

from intranet_server import sla


@pytest.fixture
def tasks_db(settings, database):
    sla.configure(settings)
    yield database
    sla.configure(settings)
