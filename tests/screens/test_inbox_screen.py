"""Rina's and Andi's inbox in real Chromium against the real server: details that say what they
mean (issue 8 item 8), errors in the screen's words (item 7), verbs from the payload."""
from __future__ import annotations

import pytest

from tests.screens.helpers import as_person, issue, signed_in
from tests.support.browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def task_from_booth(server, summary="Pengesahan PP PT Maju Bersama"):
    token = server.kiosk_token("lobby-inbox")
    ticket = issue(server, token, "PP")
    dimas = as_person(server, "p0-03")
    assert dimas.post(server.url + f"/api/v1/tickets/{ticket['id']}/call", timeout=10).status_code == 200
    r = dimas.post(server.url + "/api/v1/tasks", json={"ticket_id": ticket["id"], "summary": summary}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def post(session, server, path, **body):
    r = session.post(server.url + path, json=body, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_details_of_a_completed_task_read_right(live_server, browser):  # noqa: F811
    task = task_from_booth(live_server)
    rina, andi = as_person(live_server, "p1-09"), as_person(live_server, "p2-21")
    tid = task["id"]
    post(rina, live_server, f"/api/v1/tasks/{tid}/claim")
    post(rina, live_server, f"/api/v1/tasks/{tid}/forward", unit="PHIJSK-PK")
    post(andi, live_server, f"/api/v1/tasks/{tid}/claim")
    post(andi, live_server, f"/api/v1/tasks/{tid}/request-document", reason="Lampiran struktur upah belum ada")
    post(andi, live_server, f"/api/v1/tasks/{tid}/resume")          # the document came, no remark
    post(andi, live_server, f"/api/v1/tasks/{tid}/complete", result="Disahkan, SK besok")

    page = signed_in(browser, live_server, "p2-21", "/inbox")
    page.click("summary")                                           # the closed tasks
    page.click(f"#list-closed [data-task='{tid}']")
    page.wait_for_selector(f"#detail [data-key='task-detail-{tid}']")
    text_of = "els => els.map(e => e.textContent.trim())"
    facts = dict(zip(page.eval_on_selector_all("#detail dl.facts dt", text_of),
                     page.eval_on_selector_all("#detail dl.facts dd", text_of), strict=True))
    assert "Selesai" not in facts["Unit"] and "Penerima" not in facts["Unit"]
    assert facts["Status"].startswith("Selesai")
    texts = page.eval_on_selector_all("#detail .thread .text", "els => els.map(e => e.textContent.trim())")
    assert "-" not in texts
    thread = page.inner_text("#detail .thread")
    assert "dokumen diterima" in thread.lower() or "document received" in thread.lower()
    assert "0 mnt" not in thread
    assert page.errors == []


def test_refusals_show_the_servers_message_and_offline_says_so(live_server, browser):  # noqa: F811
    task = task_from_booth(live_server)
    page = signed_in(browser, live_server, "p1-10", "/inbox")
    page.wait_for_selector(f"#list-pickup [data-task='{task['id']}'] button[data-act='claim']")
    # a colleague claims it first; this screen's button is pressed before the update arrives
    page.context.set_offline(True)
    page.click(f"#list-pickup [data-task='{task['id']}'] button[data-act='claim']")
    page.wait_for_selector("#action-error:not([hidden])")
    assert page.inner_text("#action-error") == "Tidak tersambung ke server. Periksa jaringan, lalu coba lagi."
    page.context.set_offline(False)
    rina = as_person(live_server, "p1-09")
    post(rina, live_server, f"/api/v1/tasks/{task['id']}/claim")
    refused = as_person(live_server, "p1-10").post(live_server.url + f"/api/v1/tasks/{task['id']}/claim", timeout=10)
    assert refused.status_code == 409
    page.evaluate(f"""window.PTSA.api('POST', '/api/v1/tasks/{task['id']}/claim').catch((e) => {{
        const el = document.getElementById('action-error'); el.textContent = e.message; el.hidden = false; }})""")
    page.wait_for_function(f"document.getElementById('action-error').textContent === {refused.json()['message']!r}")
    # the update arrives: the claim button is gone, the task is with a colleague
    page.wait_for_selector(f"#list-colleagues [data-task='{task['id']}']")
    assert page.locator(f"[data-task='{task['id']}'] button[data-act='claim']").count() == 0


def test_a_task_opens_from_the_keyboard(live_server, browser):  # noqa: F811
    task = task_from_booth(live_server)
    page = signed_in(browser, live_server, "p1-09", "/inbox")
    card = f"#list-pickup [data-task='{task['id']}']"
    page.wait_for_selector(card)
    page.focus(card)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#detail [data-key='task-detail-{task['id']}']")
    page.keyboard.press("Tab")          # the focus moves on within the page, into the card's claim button
    assert page.evaluate("document.activeElement.dataset.act") == "claim"
