"""The report routes in the generated OpenAPI document, the pages, and the ways a request is refused."""
from __future__ import annotations


def _login(client, username):
    assert client.post("/api/v1/auth/login", json={"username": username, "password": "demo12345"}).status_code == 200


def test_openapi_describes_the_report_routes(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/reports/tasks"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"from", "to", "unit", "service", "officer", "month"}
    schema = doc["components"]["schemas"]["TaskReport"]
    assert {"from", "to", "units"} <= set(schema["properties"])
    assert "/reports/drill" in doc["paths"] and "/reports/monthly.{fmt}" in doc["paths"]


def test_signed_out_and_unknown_format(client):
    assert client.get("/api/v1/reports/tasks").status_code == 401
    _login(client, "admin")
    assert client.get("/api/v1/reports/tasks.pdf").status_code == 404
    assert client.get("/api/v1/reports/monthly.doc?month=2026-11&unit=PHIJSK").status_code == 422
    assert client.get("/api/v1/reports/monthly.pdf?month=2026-11").status_code == 422


def test_pages_render_in_both_languages(client):
    _login(client, "sup-phijsk")
    page = client.get("/reports?month=2026-11&unit=PHIJSK&lang=en").get_data(as_text=True)
    assert "Task performance per unit" in page and "<svg" in page and "/reports/skm" in page
    assert "<script>" not in page.split("</head>")[1]     # no inline script in the page body (CSP)
    page = client.get("/reports?month=2026-11&lang=id").get_data(as_text=True)
    assert "Kinerja tugas per unit" in page
    drill = client.get("/reports/drill?month=2026-11&figure=received&unit=PHIJSK").get_data(as_text=True)
    assert 'id="drill-count">0<' in drill
    refused = client.get("/reports/drill?month=2026-11&figure=colour&unit=PHIJSK").get_data(as_text=True)
    assert "unknown figure" in refused and 'href="/reports?month=2026-11&amp;unit=PHIJSK"' in refused
    bad = client.get("/reports?from=2026-11-10&to=2026-11-01").get_data(as_text=True)
    assert "&#39;to&#39; is before &#39;from&#39;" in bad or "'to' is before 'from'" in bad
    assert "live-tiles" in client.get("/supervisor").get_data(as_text=True)
    year = client.get("/reports?from=2025-12-01&to=2026-11-30")     # a year: no trend, the 12-month line
    assert year.status_code == 200 and "<svg" in year.get_data(as_text=True)
    assert client.get("/api/v1/reports/tasks?from=2025-12-01&to=2026-11-30").get_json()["previous"] is None
