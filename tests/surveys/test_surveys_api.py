"""POST /api/v1/surveys and GET /api/v1/reports/skm through the Flask test client, on SQLite and
PostgreSQL, with twenty hand-made responses whose index is worked out by hand below."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from db.models import AuditEvent, Staff
from db.survey_models import SurveyResponse
from intranet_server.actions.surveys import register_tablet
from tests.surveys.conftest import kiosk, login, visit

# Twenty responses in four groups (scores in questionnaire order):
#             pers pros wakt biay prod komp peri peng sara
GROUP_A = [4, 3, 3, 4, 3, 4, 4, 3, 3]   # respondents 1-8
GROUP_B = [3, 3, 2, 4, 3, 3, 4, 2, 3]   # respondents 9-14
GROUP_C = [3, 2, 2, 4, 3, 3, 3, 2, 3]   # respondents 15-18
GROUP_D = [2, 2, 1, 3, 2, 2, 3, 1, 2]   # respondents 19-20
SCORES = [GROUP_A] * 8 + [GROUP_B] * 6 + [GROUP_C] * 4 + [GROUP_D] * 2
COMMENTS = {1: "Petugas ramah", 9: "Persyaratan jelas", 15: "Menunggu lama di antrean",
            19: "Terlalu lama, pengaduan tidak ditanggapi", 20: "Tidak ada kotak saran"}
# Services: respondents 1-12 PP, 13-17 PKB (both Direktorat Persyaratan Kerja, booth 3), 18-20 DATA (booth 1).
SERVICE = {**{i: "PP" for i in range(1, 13)}, **{i: "PKB" for i in range(13, 18)},
           **{i: "DATA" for i in range(18, 21)}}

# By hand, element sums over 8 A + 6 B + 4 C + 2 D, divided by 20:
#   persyaratan 8*4+6*3+4*3+2*2 = 66 -> 3.30      prosedur 8*3+6*3+4*2+2*2 = 54 -> 2.70
#   waktu       8*3+6*2+4*2+2*1 = 46 -> 2.30      biaya    8*4+6*4+4*4+2*3 = 78 -> 3.90
#   produk      8*3+6*3+4*3+2*2 = 58 -> 2.90      kompetensi 66 -> 3.30   perilaku 8*4+6*4+4*3+2*3 = 74 -> 3.70
#   pengaduan   46 -> 2.30                         sarana   58 -> 2.90
# Sum of NRRs = 27.30; IKM = 27.30 x 1/9 x 25 = 75.8333... -> 75.83 -> C (kurang baik: 65.00-76.60).
# (With the printed weight 0.11 it would be 27.30 x 0.11 x 25 = 75.08.)
NRR = {"persyaratan": 3.3, "prosedur": 2.7, "waktu": 2.3, "biaya": 3.9, "produk": 2.9, "kompetensi": 3.3,
       "perilaku": 3.7, "pengaduan": 2.3, "sarana": 2.9}
# Population: 20 answered + 5 served without an answer = 25 served (a no-show and a waiting ticket do not
# count); Krejcie-Morgan asks 24 respondents for 25, so 20 is below the sample.


def post(client, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/surveys", json=body, headers=headers)


def officer(service: str) -> str:
    return "p0-01" if service == "DATA" else "p0-03"


def build_month(client, token):
    for i, scores in enumerate(SCORES, start=1):
        ticket = visit(SERVICE[i], officer(SERVICE[i]))
        body = {"ticket_id": ticket.id, "scores": scores}
        if i in COMMENTS:
            body["comment"] = COMMENTS[i]
        if i == 2:
            body.update(age_band="60+", sex="P", education="sma", occupation="wirausaha")
        r = post(client, body, token)
        assert r.status_code == 201, r.get_json()
    for _ in range(3):
        visit("PP", "p0-03")
    for _ in range(2):
        visit("DATA", "p0-01")
    visit("PP", "p0-03", "no_show")
    visit("PKB", "p0-03", "waiting")


def test_twenty_responses_give_the_index_worked_out_by_hand(backend):
    client, _ = backend
    token = kiosk_token()
    build_month(client, token)
    login(client, "admin")
    r = client.get("/api/v1/reports/skm?from=2026-11-01&to=2026-11-30")
    assert r.status_code == 200, r.get_json()
    report = r.get_json()
    assert report["respondents"] == 20
    assert [e["key"] for e in report["elements"]] == list(NRR)
    assert {e["key"]: e["nrr"] for e in report["elements"]} == NRR
    assert report["ikm"] == 75.83 and report["grade"] == "C" and report["grade_id"] == "Kurang baik"
    assert report["population"] == 25 and report["required_sample"] == 24 and report["sample_ok"] is False
    # weakest first, ties in questionnaire order; the comments behind waktu are those who scored it 1-2
    assert report["lowest_first"][:3] == ["waktu", "pengaduan", "prosedur"]
    waktu = next(e for e in report["elements"] if e["key"] == "waktu")
    assert waktu["low"] == 12   # B, C and D scored it 2 or 1
    assert waktu["comments"] == [COMMENTS[9], COMMENTS[15], COMMENTS[19], COMMENTS[20]]
    persyaratan = next(e for e in report["elements"] if e["key"] == "persyaratan")
    assert persyaratan["comments"] == [COMMENTS[19], COMMENTS[20]]   # only D scored it 2
    assert report["comments"][0] == COMMENTS[20] and len(report["comments"]) == 5

    units = {u["code"]: u for u in report["per_unit"]}
    assert units["PHIJSK-PK"]["respondents"] == 17 and units["PHIJSK-PK"]["population"] == 20
    assert units["BARENBANG-PUSDATIN"]["respondents"] == 3 and units["BARENBANG-PUSDATIN"]["population"] == 5
    services = {s["code"]: s for s in report["per_service"]}
    assert {c: s["respondents"] for c, s in services.items()} == {"PP": 12, "PKB": 5, "DATA": 3}
    # DATA by hand: respondent 18 is C, 19-20 are D. Sums: 7,6,4,10,7,7,9,4,7 = 61 -> NRRs are sums/3;
    # IKM = 61/3 / 9 x 25 = 1525/27 = 56.481... -> 56.48 -> D; 5 served asks 5 respondents (all of them).
    data = services["DATA"]
    assert data["ikm"] == 56.48 and data["grade"] == "D"
    assert data["population"] == 5 and data["required_sample"] == 5 and data["sample_ok"] is False
    # PKB: the waiting ticket is not in its population, the five answered are
    assert services["PKB"]["population"] == 5 and services["PKB"]["sample_ok"] is True

    only_data = client.get("/api/v1/reports/skm?from=2026-11-01&to=2026-11-30&service=DATA").get_json()
    assert only_data["respondents"] == 3 and only_data["ikm"] == 56.48
    empty = client.get("/api/v1/reports/skm?from=2026-10-01&to=2026-10-31").get_json()
    assert empty["respondents"] == 0 and empty["ikm"] is None and empty["grade"] is None


def kiosk_token() -> str:
    from intranet_server.actions.kiosks import register_kiosk
    return register_kiosk("survey-kiosk")[1]


def test_one_response_per_ticket_and_bad_scores_are_refused(sqlite_backend):
    client, _ = sqlite_backend
    token = kiosk_token()
    ticket = visit("PP", "p0-03")
    for bad in ([4] * 8, [4] * 10, [4] * 8 + [5], [4] * 8 + [0], [4] * 8 + ["3"], [4] * 8 + [True], [4] * 8 + [3.5],
                None, "4444"):
        r = post(client, {"ticket_id": ticket.id, "scores": bad}, token)
        assert r.status_code == 422, (bad, r.get_json())
        assert r.get_json()["error"] == "invalid" and "scores" in r.get_json()["message"]
    for body in ({"ticket_id": ticket.id, "scores": [4] * 9, "name": "Sari"},
                 {"ticket_id": ticket.id, "scores": [4] * 9, "sex": "X"},
                 {"ticket_id": ticket.id, "scores": [4] * 9, "comment": "x" * 1001},
                 {"ticket_id": 2**63, "scores": [4] * 9},
                 {"ticket_id": str(ticket.id), "scores": [4] * 9}):
        assert post(client, body, token).status_code == 422, body
    assert SurveyResponse.select().count() == 0
    assert post(client, {"ticket_id": ticket.id, "scores": [4] * 9, "comment": "  "}, token).status_code == 201
    again = post(client, {"ticket_id": ticket.id, "scores": [1] * 9}, token)
    assert again.status_code == 409 and again.get_json()["error"] == "already_answered"
    assert SurveyResponse.get().scores == (4,) * 9 and SurveyResponse.get().comment == ""
    assert post(client, {"ticket_id": 99999, "scores": [4] * 9}, token).status_code == 404
    assert post(client, {"ticket_id": ticket.id, "scores": [4] * 9}).status_code == 401
    assert post(client, {"ticket_id": ticket.id, "scores": [4] * 9}, "not-a-token").status_code == 401


def test_only_a_served_visit_on_its_day_can_be_surveyed(sqlite_backend):
    import datetime as dt

    from intranet_server import clock
    client, _ = sqlite_backend
    token = kiosk_token()
    for outcome in ("no_show", "waiting"):
        ticket = visit("PP", "p0-03", outcome)
        r = post(client, {"ticket_id": ticket.id, "scores": [3] * 9}, token)
        assert r.status_code == 409 and r.get_json()["error"] == "not_served", outcome
    served = visit("PP", "p0-03")
    clock.freeze(clock.now() + dt.timedelta(days=1))
    late = post(client, {"ticket_id": served.id, "scores": [3] * 9}, token)
    assert late.status_code == 409 and late.get_json()["error"] == "survey_closed"
    assert SurveyResponse.select().count() == 0


def test_a_tablet_and_an_officer_answer_only_for_their_booth(sqlite_backend):
    client, _ = sqlite_backend
    _, booth3 = register_tablet("tablet-3", 3)
    _, booth1 = register_tablet("tablet-1", 1)
    at3, other = visit("PP", "p0-03"), visit("PKB", "p0-03")
    r = post(client, {"ticket_id": at3.id, "scores": [4] * 9}, booth1)
    assert r.status_code == 403
    r = post(client, {"ticket_id": at3.id, "scores": [4] * 9}, booth3)
    assert r.status_code == 201 and r.get_json()["channel"] == "tablet"
    login(client, "p0-01")
    assert post(client, {"ticket_id": other.id, "scores": [4] * 9}).status_code == 403
    login(client, "p1-01")
    assert post(client, {"ticket_id": other.id, "scores": [4] * 9}).status_code == 403
    login(client, "p0-03")
    r = post(client, {"ticket_id": other.id, "scores": [4] * 9})
    assert r.status_code == 201 and r.get_json()["channel"] == "booth"
    # a revoked tablet is refused
    from intranet_server.actions.surveys import revoke_tablet
    revoke_tablet("tablet-3")
    third = visit("PP", "p0-03")
    client.post("/api/v1/auth/logout")
    assert post(client, {"ticket_id": third.id, "scores": [4] * 9}, booth3).status_code == 401


def test_a_response_stores_no_person_and_the_audit_no_scores(sqlite_backend):
    client, _ = sqlite_backend
    token = kiosk_token()
    ticket = visit("PP", "p0-03")
    r = post(client, {"ticket_id": ticket.id, "scores": [1, 2, 3, 4, 1, 2, 3, 4, 1], "sex": "L"}, token)
    assert r.status_code == 201
    columns = set(SurveyResponse._meta.fields)
    assert columns == {"id", "ticket", "service", "unit", "business_day", "answered_at", "channel",
                       *[f"s{i}" for i in range(1, 10)], "comment", "age_band", "sex", "education", "occupation"}
    row = AuditEvent.get(AuditEvent.action == "survey.answer")
    assert row.data == {"channel": "kiosk"} and row.actor == "kiosk:survey-kiosk"


def test_the_booth_tablet_room_hears_a_finished_visit_and_nothing_else(sqlite_backend):
    client, sent = sqlite_backend
    _, token = register_tablet("tablet-3", 3)
    sent.clear()
    ticket = visit("PP", "p0-03")
    offers = [(e, m) for e, m, room in sent if room == "survey:3"]
    assert [e for e, _ in offers] == ["offer"]
    offer = offers[0][1]["offer"]
    assert offer["ticket_id"] == ticket.id and offer["number"] == ticket.number and offer["service"] == "PP"
    assert set(offer) == {"ticket_id", "number", "service", "service_name", "language", "finished_at"}
    visit("PP", "p0-03", "no_show")
    assert len([1 for _, _, room in sent if room == "survey:3"]) == 1   # a no-show is not offered
    state = client.get("/api/v1/surveys/tablet", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert state["booth"]["number"] == 3 and state["offer"]["ticket_id"] == ticket.id
    post(client, {"ticket_id": ticket.id, "scores": [4] * 9}, token)
    assert sent[-1][0] == "answered" and sent[-1][2] == "survey:3"
    state = client.get("/api/v1/surveys/tablet", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert state["offer"] is None


def test_kiosk_looks_up_todays_served_ticket_by_number(sqlite_backend):
    client, _ = sqlite_backend
    token = kiosk_token()
    auth = {"Authorization": f"Bearer {token}"}
    served = visit("PP", "p0-03")
    waiting = visit("PP", "p0-03", "waiting")
    r = client.get(f"/api/v1/surveys/ticket?number={served.number.lower()}", headers=auth)
    assert r.status_code == 200 and r.get_json()["ticket_id"] == served.id
    assert r.get_json()["service_name_id"] == "Pengesahan Peraturan Perusahaan"
    r = client.get(f"/api/v1/surveys/ticket?number={waiting.number}", headers=auth)
    assert r.status_code == 409 and r.get_json()["error"] == "not_served"
    assert client.get("/api/v1/surveys/ticket?number=Z999", headers=auth).status_code == 404
    assert client.get(f"/api/v1/surveys/ticket?number={served.number}").status_code == 401
    post(client, {"ticket_id": served.id, "scores": [4] * 9}, token)
    r = client.get(f"/api/v1/surveys/ticket?number={served.number}", headers=auth)
    assert r.status_code == 409 and r.get_json()["error"] == "already_answered"


def test_report_scope_roles_and_exports(sqlite_backend):
    client, _ = sqlite_backend
    token = kiosk_token()
    for service, scores in (("PP", [4] * 9), ("DATA", [1] * 9)):
        ticket = visit(service, officer(service))
        post(client, {"ticket_id": ticket.id, "scores": scores, "comment": f"komentar {service}"}, token)
    login(client, "p0-03")
    assert client.get("/api/v1/reports/skm").status_code == 403
    login(client, "sup-phijsk-pk")
    mine = client.get("/api/v1/reports/skm").get_json()
    assert mine["respondents"] == 1 and mine["ikm"] == 100.0 and mine["grade"] == "A"
    assert [s["code"] for s in mine["per_service"]] == ["PP"]
    assert client.get("/api/v1/reports/skm?service=DATA").status_code == 403
    assert client.get("/api/v1/reports/skm?service=NOPE").status_code == 404
    for bad in ("from=2026-13-01", "from=2026-11-30&to=2026-11-01", "colour=red"):
        r = client.get(f"/api/v1/reports/skm?{bad}")
        assert r.status_code == 422, bad
    login(client, "sup-phijsk")      # echelon 1: its echelon-2 units too
    assert client.get("/api/v1/reports/skm").get_json()["respondents"] == 1
    login(client, "admin")
    everything = client.get("/api/v1/reports/skm?from=2026-11-01&to=2026-11-30").get_json()
    assert everything["respondents"] == 2 and everything["ikm"] == 62.5 and everything["grade"] == "D"
    # pimpinan, the read-only role another branch adds: accepted where the report checks roles
    Staff.update(role="pimpinan").where(Staff.username == "sup-phijsk-pk").execute()
    login(client, "sup-phijsk-pk")
    assert client.get("/api/v1/reports/skm").get_json()["respondents"] == 2

    csv_r = client.get("/api/v1/reports/skm.csv?from=2026-11-01&to=2026-11-30")
    assert csv_r.status_code == 200 and csv_r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_r.get_data(as_text=True))))
    assert rows[0][:4] == ["level", "code", "name", "respondents"]
    assert rows[1][0] == "total" and rows[1][3] == "2" and rows[1][7] == "62.5"
    assert {r[1] for r in rows if r[0] == "service"} == {"PP", "DATA"}
    xlsx = client.get("/api/v1/reports/skm.xlsx?from=2026-11-01&to=2026-11-30")
    assert xlsx.status_code == 200 and "skm-all-2026-11-01-2026-11-30.xlsx" in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.data))
    sheet = book["IKM"]
    assert [c.value for c in sheet[1]][:4] == ["level", "code", "name", "respondents"]
    assert sheet["H2"].value == 62.5 and sheet["I2"].value == "D"
    notes = [[c.value for c in row] for row in book["Komentar"].iter_rows(min_row=2)]
    assert ["persyaratan", 2.5, "komentar DATA"] in notes


@pytest.mark.parametrize("count", [0])
def test_kiosk_helper_is_idempotent(sqlite_backend, count):
    assert kiosk().id == kiosk().id


def test_garbage_is_a_4xx_and_writes_nothing(sqlite_backend):
    client, _ = sqlite_backend
    token = kiosk_token()
    ticket = visit("PP", "p0-03")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for raw in ('{"ticket_id": %d, "scores": [4,4,4,4,4,4,4,4,4], "comment": "\\ud800"}' % ticket.id,
                "not json", "[1, 2]", '{"ticket_id": %d}' % ticket.id, "[" * 5000):
        r = client.post("/api/v1/surveys", data=raw, headers=headers)
        assert 400 <= r.status_code < 500, (raw[:40], r.status_code)
        assert r.get_json()["error"]
    r = client.post("/api/v1/surveys", data="ticket_id=1", headers={"Authorization": f"Bearer {token}",
                                                                     "Content-Type": "text/plain"})
    assert r.status_code == 400      # a cross-site form cannot post a survey
    assert SurveyResponse.select().count() == 0


def test_openapi_describes_the_survey_routes(sqlite_backend):
    client, _ = sqlite_backend
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    post = paths["/surveys"]["post"]
    assert post["responses"]["201"] and {"kiosk", "session"} == {next(iter(s)) for s in post["security"]}
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert "$ref" in body
    names = {p["name"] for p in paths["/reports/skm"]["get"]["parameters"]}
    assert names == {"from", "to", "service", "unit"}
    for path in ("/surveys/ticket", "/surveys/form", "/surveys/tablet", "/reports/skm.csv", "/reports/skm.xlsx"):
        assert path in paths


def test_the_report_page_in_both_languages_and_only_for_report_roles(sqlite_backend):
    client, _ = sqlite_backend
    token = kiosk_token()
    ticket = visit("PP", "p0-03")
    post(client, {"ticket_id": ticket.id, "scores": [3, 3, 2, 3, 3, 3, 3, 2, 3], "comment": "Lama <b>sekali</b>"},
         token)
    assert client.get("/reports/skm").status_code == 302          # not signed in: to the login page
    login(client, "p0-03")
    assert client.get("/reports/skm").status_code == 302          # an officer: back to the booth
    login(client, "admin")
    page = client.get("/reports/skm").get_data(as_text=True)
    assert "Indeks Kepuasan Masyarakat" in page and "69.44" in page and "Kurang baik" in page
    assert "Lama &lt;b&gt;sekali&lt;/b&gt;" in page and "<b>sekali" not in page   # comments are escaped
    english = client.get("/reports/skm?lang=en&service=PP").get_data(as_text=True)
    assert "Community satisfaction index" in english and "Poor" in english and "Completion time" in english
    assert "<script>" not in english.split("</head>")[1]            # no inline script in the body (CSP)
    bad = client.get("/reports/skm?from=2026-02-30").get_data(as_text=True)
    assert 'role="alert"' in bad


def test_the_tablet_page_has_no_inline_script_and_asks_for_nothing_personal(sqlite_backend):
    import re
    client, _ = sqlite_backend
    page = client.get("/survey").get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert re.findall(r"\son[a-z]+=", page) == []
    assert page.count('class="sv-element"') == 9 and "data-idle-s=\"60\"" in page
    inputs = re.findall(r"<(?:input|textarea)[^>]*id=\"([^\"]+)\"", page)
    assert sorted(inputs) == ["sv-comment", "sv-token"]            # no name, no phone, no ID number
