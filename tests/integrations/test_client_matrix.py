"""The authorization matrix for the units' systems, generated from the app's route table like
tests/security/test_authz_matrix.py (so a new route is covered without a new row): a client of ANOTHER
unit (BARENBANG; the matrix's resources are PHIJSK's) with every scope is refused every route not open
to clients (403 client_not_allowed) and every task of PHIJSK (403/404); on the routes open to it, a
client lacking the route's scope is refused (403 missing_scope)."""
from __future__ import annotations

from intranet_server.api.integrations import CLIENT_ROUTES
from tests.integrations.conftest import bearer
from tests.security.test_authz_matrix import BODIES, _url, http_operations, world  # noqa: F401  (fixture)

ALL_SCOPES = ("tasks:read", "tasks:work", "bookings:write", "reports:read")
# Routes under an open prefix that still need a person's role: the satisfaction survey's report and
# today's tiles (supervisors, the office head), and "deliver again" (the admin).
REFUSED_BY_ROLE = {"GET /api/v1/reports/skm", "GET /api/v1/reports/skm.csv", "GET /api/v1/reports/skm.xlsx",
                   "GET /api/v1/reports/today", "POST /api/v1/webhooks/<int:webhook_id>/redeliver"}


def _scope_of(method: str, rule: str):
    """What client_scope_gate applies: False = not open to clients, None = no scope needed."""
    return next((scope for m, prefix, scope in CLIENT_ROUTES
                 if m == method and (rule == prefix.rstrip("/") or rule.startswith(prefix))), False)


def _register(name: str, scopes) -> str:
    from intranet_server.actions.integrations import register_client
    return register_client("admin", name, "BARENBANG", list(scopes))[1]


def test_a_client_is_refused_outside_its_routes_its_unit_and_its_scopes(world):  # noqa: F811
    app, params = world["app"], world["params"]
    full = _register("barenbang-app", ALL_SCOPES)
    lacking = {scope: _register(f"no-{scope.replace(':', '-')}", [s for s in ALL_SCOPES if s != scope])
               for scope in ALL_SCOPES}
    wrong, opened = [], 0
    for op in http_operations(app):
        method, rule = op.split(" ", 1)
        scope = _scope_of(method, rule)
        body = BODIES[op](params) if op in BODIES else {}
        kwargs = {"json": body} if method in ("POST", "PUT", "PATCH") else {}

        def call(secret, rule=rule, method=method, kwargs=kwargs):
            headers = bearer(secret) if secret else {}
            answer = app.test_client().open(_url(rule, params), method=method, headers=headers, **kwargs)
            data = answer.get_json(silent=True)
            return answer.status_code, data.get("error", "") if isinstance(data, dict) else ""
        status, error = call(full)
        if not rule.startswith("/api/v1/"):                       # pages: the secret is no session
            if status != call(None)[0]:
                wrong.append(f"{op}: answered {status} with a client's secret, unlike anonymous")
            continue
        if op in REFUSED_BY_ROLE:
            if status != 403:
                wrong.append(f"{op}: expected 403, got {status} {error}")
            continue
        if scope is False:
            if (status, error) != (403, "client_not_allowed"):
                wrong.append(f"{op}: expected 403 client_not_allowed, got {status} {error}")
            continue
        opened += 1
        if "<int:task_id>" in rule:                               # PHIJSK's task: another unit's
            if status not in (403, 404):
                wrong.append(f"{op}: another unit's task answered {status} {error}")
        elif status in (401, 403) or status >= 500:
            wrong.append(f"{op}: its own unit's route answered {status} {error}")
        if scope is not None:
            status, error = call(lacking[scope])
            if (status, error) != (403, "missing_scope"):
                wrong.append(f"{op} without {scope}: expected 403 missing_scope, got {status} {error}")
    assert opened >= len(CLIENT_ROUTES) and not wrong, "\n".join(wrong)
