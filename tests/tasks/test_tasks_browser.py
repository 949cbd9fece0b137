"""The task screens in real headless Chromium against a real server: Dimas sends a task from the booth,
Rina's inbox lights up with a countdown and she claims it, asks Dimas a question and gets his reply in
place, forwards it; Andi claims and completes it; the answer comes back to Dimas's booth. Pak Hendra's
supervisor screen gets the warning and breach of an untouched task live and acknowledges them.
Screenshots go to test-artifacts/."""
from __future__ import annotations

import re
import time

import pytest
import requests

from tests.support.browser import browser, sign_in, watched  # noqa: F401  (browser: fixture)
from tests.support.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PICKUP_S = 12


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path / "live", env={"PTSA_SLA_PICKUP_P0_P1": f"{PICKUP_S}s"})
    live.init()
    live.start()
    yield live
    live.stop()


def signed_in(browser, server, username, path, viewport=(1366, 900)):  # noqa: F811
    page = watched(browser.new_page(viewport={"width": viewport[0], "height": viewport[1]}))
    sign_in(page, server.url, username, path)
    page.wait_for_selector("body[data-synced=yes]")
    return page


def issue(server, token, service="PP"):
    r = requests.post(server.url + "/api/v1/tickets", json={"service": service},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def countdown_seconds(text: str) -> int:
    minutes, seconds = re.match(r"(\d+):(\d\d)", text).groups()
    return int(minutes) * 60 + int(seconds)


def test_booth_to_inbox_live_with_countdown_claim_and_supervisor_alert(server, browser, artifacts):  # noqa: F811
    token = server.kiosk_token("lobby")
    issue(server, token)
    rina = signed_in(browser, server, "p1-09", "/inbox")            # p1-09: PHIJSK (5th echelon-1 unit)
    assert "PHIJSK" in rina.inner_text(".page-head")
    hendra = signed_in(browser, server, "sup-phijsk", "/supervisor")
    dimas = signed_in(browser, server, "p0-03", "/booth")

    # Dimas calls the visitor and turns her request into a task for the owning echelon-1 unit
    dimas.click("#call-next")
    dimas.wait_for_selector("#current .current-ticket .number")
    dimas.wait_for_function("!document.getElementById('task-fields').disabled")
    assert dimas.input_value("#task-unit") == "PHIJSK"               # default: the owner of PP
    dimas.fill("#task-summary", "Pengesahan PP PT Sinar Jaya: draf lengkap, mohon diperiksa")
    dimas.fill("#task-contact", "0812 3456 7890")
    dimas.fill("#task-notes", "Pemohon Ibu Sari, lansia, menunggu di lobi")
    dimas.click("#task-send")
    dimas.wait_for_selector("#task-sent:not([hidden])")
    dimas.wait_for_selector("#my-tasks .task-card")

    # Rina's inbox lights up without a reload, with a running countdown
    card = rina.wait_for_selector("#list-pickup .task-card", timeout=5000)
    assert "PT Sinar Jaya" in card.inner_text()
    assert "new" in card.get_attribute("class")
    rina.wait_for_selector("#new-banner:not([hidden])")
    first = countdown_seconds(rina.inner_text("#list-pickup .countdown"))
    assert 0 < first <= PICKUP_S
    time.sleep(2.2)                           # the display ticks once a second
    assert countdown_seconds(rina.inner_text("#list-pickup .countdown")) < first
    rina.screenshot(path=str(artifacts / "inbox-new-task.png"), full_page=True)

    # she claims it: it moves to her own work, Dimas sees who took it
    rina.click("#list-pickup .task-card button[data-act='claim']")
    rina.wait_for_selector("#list-mine .task-card")
    assert rina.locator("#list-pickup .task-card").count() == 0
    dimas.wait_for_function("document.querySelector('#my-tasks').innerText.includes('Penerima Tugas PHIJSK')")
    rina.click("#list-mine .task-card")
    rina.click("#detail button[data-open='forward']")
    rina.wait_for_selector("#detail [data-form='forward']")
    assert rina.input_value("#detail [data-form='forward'] select") == "PHIJSK-PK"   # the owner of PP
    assert "Pemohon Ibu Sari" in rina.inner_text("#detail")
    rina.fill("#detail [data-form='comment'] textarea", "Apakah lampiran struktur upah sudah ada?")
    rina.click("#detail button[data-act='comment']")
    rina.wait_for_function("document.querySelector('#detail .thread').innerText.includes('struktur upah')")
    rina.screenshot(path=str(artifacts / "inbox.png"), full_page=True)

    # a second visitor's task nobody picks up (its clock runs while the first one travels on)
    issue(server, token)
    booth = server.login("p0-03")
    second = booth.post(server.url + "/api/v1/queue/call-next", timeout=10).json()
    booth.post(server.url + "/api/v1/tasks", timeout=10,
               json={"ticket_id": second["id"], "summary": "Pendaftaran PKB: tanya syarat"})

    # Dimas sees Rina's question as a new message and answers it in place
    dimas.wait_for_selector("#my-tasks .chip.news")
    dimas.click("#my-tasks .task-card:has-text('PT Sinar Jaya') .title")
    dimas.fill("#my-tasks .booth-task-detail [data-form='comment'] textarea", "Ya, akta dan struktur upah ada di map")
    dimas.click("#my-tasks .booth-task-detail button[data-task-act='comment']")
    rina.wait_for_function("document.querySelector('#detail .thread').innerText.includes('akta dan struktur upah')")

    # Rina forwards it to the directorate; Andi claims it and completes it
    rina.click("#detail button[data-open='forward']")
    rina.click("#detail [data-form='forward'] button[data-act='forward']")
    rina.wait_for_selector("#list-passed .task-card")
    andi_name = booth.get(server.url + "/api/v1/units/PHIJSK-PK/staff", timeout=10).json()[0]["username"]
    andi = signed_in(browser, server, andi_name, "/inbox")
    andi.click("#list-pickup .task-card button[data-act='claim']")
    andi.click("#list-mine .task-card")
    andi.click("#detail button[data-open='complete']")
    andi.fill("#detail [data-form='complete'] textarea", "PP disahkan; SK dapat diambil besok pukul 10.00")
    andi.click("#detail [data-form='complete'] button[data-act='complete']")
    andi.wait_for_selector("#list-closed .task-card", state="attached")
    andi.screenshot(path=str(artifacts / "inbox-p2-completed.png"), full_page=True)
    rina.wait_for_function("document.querySelector('#count-closed').textContent === '1'")

    # the answer comes back to the booth; Dimas tells the visitor and marks it
    dimas.wait_for_selector("#my-tasks button[data-task-act='ack']")
    assert "SK dapat diambil besok" in dimas.inner_text("#my-tasks")
    dimas.screenshot(path=str(artifacts / "booth-answer.png"), full_page=True)
    dimas.click("#my-tasks .task-card:has-text('PT Sinar Jaya') button[data-task-act='ack']")
    dimas.wait_for_function("!document.querySelector('#my-tasks').innerText.includes('Jawaban sudah ada')")

    # Pak Hendra's screen warns about the untouched task, then shows its breach
    hendra.wait_for_selector("#alerts .alert-card.warning", timeout=(PICKUP_S + 5) * 1000)
    hendra.wait_for_selector("#alerts .alert-card.breach", timeout=(PICKUP_S + 5) * 1000)
    hendra.wait_for_selector("#new-banner:not([hidden])")
    assert "Pendaftaran PKB" in hendra.inner_text("#alerts")
    hendra.wait_for_selector("#tasks .task-card.late")              # the untouched task, overdue
    assert hendra.locator("#tasks .task-card.late").count() == 1
    hendra.screenshot(path=str(artifacts / "supervisor.png"), full_page=True)
    hendra.click("#alerts .alert-card.breach button[data-ack]")
    hendra.wait_for_selector("#alerts .alert-card.breach.acked")
    hendra.wait_for_selector("#alerts .alert-card.warning.acked")    # one click per late task

    dimas.screenshot(path=str(artifacts / "booth-tasks.png"), full_page=True)
    for page in (rina, hendra, dimas, andi):
        assert page.errors == []
