"""The kiosk's "Survei" entry, offscreen under pytest-qt against a real server: a visitor types the
number on her ticket, answers the nine questions and is thanked; the idle reset abandons a survey."""
from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.kiosk.conftest import kiosk, kiosk_settings, kiosk_token, printer_dir  # noqa: F401  (fixtures)
from tests.kiosk.helpers import issue_over_http

pytestmark = pytest.mark.e2e
WAIT_MS = 15_000


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def served(live_server, token) -> dict:
    """A ticket issued at the kiosk that Dimas (p0-03) calls and finishes."""
    ticket = issue_over_http(live_server, token, "PP", uuid.uuid4().hex)
    dimas = live_server.login("p0-03")
    called = dimas.post(live_server.url + "/api/v1/queue/call-next", timeout=10).json()
    assert called["id"] == ticket["id"], called
    r = dimas.post(live_server.url + f"/api/v1/tickets/{ticket['id']}/finish", timeout=10)
    assert r.status_code == 200, r.text
    return ticket


def skm(live_server) -> dict:
    return live_server.login("admin").get(live_server.url + "/api/v1/reports/skm", timeout=10).json()


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "survey"
    folder.mkdir(parents=True, exist_ok=True)

    def save(window, name: str) -> None:
        QApplication.processEvents()
        assert window.grab().save(str(folder / f"kiosk-{name}.png"))
    return save


def type_number(qtbot, survey, number: str) -> None:
    for key in number:
        tap(qtbot, survey.keys[key])


def test_a_visitor_rates_her_visit_at_the_kiosk(qtbot, kiosk, live_server, kiosk_token, shots):  # noqa: F811
    ticket = served(live_server, kiosk_token)
    waiting = issue_over_http(live_server, kiosk_token, "PP", uuid.uuid4().hex)   # not served yet
    survey = kiosk.survey
    assert survey.entry.text() == "Survei" and survey.entry.isVisible()
    tap(qtbot, survey.entry)
    assert kiosk.current_screen() is survey and survey.current_page() is survey.number_page
    shots(kiosk, "number")

    type_number(qtbot, survey, waiting["number"])
    tap(qtbot, survey.next_button)
    qtbot.waitUntil(lambda: "belum selesai dilayani" in survey.message.text(), timeout=WAIT_MS)
    assert survey.current_page() is survey.number_page

    survey.number.clear()
    type_number(qtbot, survey, ticket["number"])
    tap(qtbot, survey.next_button)
    qtbot.waitUntil(lambda: survey.current_page() is survey.question_page, timeout=WAIT_MS)
    assert survey.element_name.text() == "Persyaratan"
    assert ticket["number"] in survey.progress.text() and "1 dari 9" in survey.progress.text()
    assert min(b.height() for b in survey.answers) >= 120   # big touch targets
    shots(kiosk, "question")
    for score in (4, 4, 3, 4, 3, 4, 4, 2, 3):
        tap(qtbot, survey.answers[score - 1])
    assert survey.current_page() is survey.finish_page
    tap(qtbot, survey.profile_buttons["sex"]["L"])
    tap(qtbot, survey.profile_buttons["education"]["s1"])
    tap(qtbot, survey.profile_buttons["education"]["sma"])    # one choice per question
    survey.comment.setText("Kotak saran tidak terlihat")
    shots(kiosk, "finish")
    tap(qtbot, survey.send_button)
    qtbot.waitUntil(lambda: survey.current_page() is survey.thanks_page, timeout=WAIT_MS)
    shots(kiosk, "thanks")
    report = skm(live_server)
    # by hand: one respondent, scores 4,4,3,4,3,4,4,2,3 -> sum 31 -> 31/9 x 25 = 86.11 (B)
    assert report["respondents"] == 1 and report["ikm"] == 86.11 and report["grade"] == "B"
    pengaduan = next(e for e in report["elements"] if e["key"] == "pengaduan")
    assert pengaduan["comments"] == ["Kotak saran tidak terlihat"]
    tap(qtbot, survey.done_button)
    assert kiosk.current_screen() is kiosk.home

    # the same ticket a second time is politely refused
    tap(qtbot, survey.entry)
    type_number(qtbot, survey, ticket["number"])
    tap(qtbot, survey.next_button)
    qtbot.waitUntil(lambda: "sudah mengisi survei" in survey.message.text(), timeout=WAIT_MS)


def test_the_idle_reset_abandons_an_unfinished_survey(qtbot, kiosk, live_server, kiosk_token, shots):  # noqa: F811
    ticket = served(live_server, kiosk_token)
    survey = kiosk.survey
    tap(qtbot, kiosk.home.language_button)                     # she reads English
    assert survey.entry.text() == "Survey"
    tap(qtbot, survey.entry)
    type_number(qtbot, survey, ticket["number"])
    tap(qtbot, survey.next_button)
    qtbot.waitUntil(lambda: survey.current_page() is survey.question_page, timeout=WAIT_MS)
    assert survey.element_name.text() == "Requirements"
    tap(qtbot, survey.answers[3])
    tap(qtbot, survey.answers[2])
    assert kiosk.idle_timer.isActive() and kiosk.idle_timer.interval() == 45_000   # each tap restarts it
    kiosk.idle_timer.timeout.emit()                             # 45 s without a touch, without waiting them
    assert kiosk.current_screen() is kiosk.home and kiosk.language == "id"
    assert survey.scores == [] and survey.ticket is None and survey.number.text() == ""
    assert skm(live_server)["respondents"] == 0                 # nothing was sent
    # the visitor can still start again: the ticket was not used up
    tap(qtbot, survey.entry)
    type_number(qtbot, survey, ticket["number"])
    tap(qtbot, survey.next_button)
    qtbot.waitUntil(lambda: survey.current_page() is survey.question_page, timeout=WAIT_MS)
