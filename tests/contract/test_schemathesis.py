"""schemathesis against the generated OpenAPI document of a real server, as every kind of caller:
anonymous, a kiosk, P0, P1, P2, a supervisor and the administrator. A few valid and invalid examples
per operation (the whole file stays within a few minutes on two cores); checks: no 5xx, and status
codes, content types and bodies as documented. The server checks its own answers and events too
(PTSA_VALIDATE_EVENTS=1), so a drifted answer shows up here as a 500."""
from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from tests.support.live import LiveServer

ROLES = {"anonymous": None, "kiosk": None, "p0": "p0-03", "p1": "p1-01", "p2": "p2-21",
         "supervisor": "sup-phijsk", "admin": "admin"}
MAX_EXAMPLES = 6          # per operation and caller: half valid, half invalid input
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CONFIG = {"generation": {"with-security-parameters": False, "allow-x00": False}}


@pytest.fixture(scope="module")
def st_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("schemathesis"))
    server.init()
    token = server.kiosk_token("fuzz-kiosk")
    server.start()
    server.callers = {}
    for role, username in ROLES.items():
        session = server.login(username) if username else requests.Session()
        if role == "kiosk":
            session.headers["Authorization"] = f"Bearer {token}"
        server.callers[role] = session
    yield server
    server.stop()


@pytest.fixture(scope="module")
def operations(st_server):
    schema = schemathesis.openapi.from_url(st_server.url + "/api/v1/openapi.json",
                                           config=schemathesis.Config.from_dict(CONFIG))
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 37
    return found


@pytest.mark.parametrize("role", list(ROLES))
def test_api_keeps_its_contract(role, st_server, operations):
    session = st_server.callers[role]
    if role not in ("anonymous", "kiosk"):   # the fuzzing may sign out: sign in again per operation
        username = ROLES[role]
    problems: list[str] = []
    for operation in operations:
        strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                             operation.as_strategy(GenerationMode.NEGATIVE))

        @given(case=strategy)
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(base_url=st_server.url + "/api/v1", session=session, checks=CHECKS,
                                   timeout=30)

        try:
            run()
        except BaseException as exc:   # schemathesis raises a BaseExceptionGroup: collect, then fail once
            if isinstance(exc, KeyboardInterrupt):
                raise
            problems.append(f"{operation.label}: {str(exc)[:1500]}")
        if role not in ("anonymous", "kiosk") and operation.path == "/auth/logout":
            session.cookies.clear()
            session.post(st_server.url + "/api/v1/auth/login",
                         json={"username": username, "password": "demo12345"}, timeout=10).raise_for_status()
    assert not problems, "\n\n".join(problems) + "\n\nserver log:\n" + st_server.log()[-4000:]
