"""Pak Hendra's supervisor screen in real Chromium against a real server whose pickup target is a few
seconds (time really passes here; every wait has a deadline)."""
from __future__ import annotations

import pytest

from tests.screens.helpers import as_person, issue, signed_in
from tests.support.browser import browser  # noqa: F401  (fixture)
from tests.support.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PICKUP_S = 4


@pytest.fixture
def server(tmp_path):
    # no escalation level: a later escalation would rightly bring the banner back after the ack
    live = LiveServer(tmp_path / "live", env={"PTSA_SLA_PICKUP_P0_P1": f"{PICKUP_S}s", "PTSA_SLA_ESCALATE_RATIO": "0"})
    live.init()
    live.start()
    yield live
    live.stop()


def task_from_booth(server, summary="Pengesahan peraturan perusahaan PT Maju Bersama, cek kelengkapan draf"):
    token = server.kiosk_token("lobby-sup")
    ticket = issue(server, token, "PP")
    dimas = as_person(server, "p0-03")
    assert dimas.post(server.url + f"/api/v1/tickets/{ticket['id']}/call", timeout=10).status_code == 200
    r = dimas.post(server.url + "/api/v1/tasks", json={"ticket_id": ticket["id"], "summary": summary}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def lines(page, selector):
    """How many text lines the element takes (its height over its line height)."""
    return page.eval_on_selector(selector, """el => {
        const lh = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.2;
        return Math.round(el.getBoundingClientRect().height / lh);
    }""")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_acknowledged_alerts_keep_their_shape_and_tell_the_truth(server, browser, artifacts, lang):  # noqa: F811
    """Issue 8 item 2: after acknowledging, the cards do not collapse to one word per line (also
    after a reload), the breach banner goes, and once the task is completed the alert no longer
    says it was not picked up."""
    hendra = signed_in(browser, server, "sup-phijsk", "/supervisor", lang=lang)
    task = task_from_booth(server)
    hendra.wait_for_selector("#alerts .alert-card.breach", timeout=(PICKUP_S + 15) * 1000)
    hendra.wait_for_selector("#new-banner:not([hidden])")
    hendra.click("#alerts .alert-card.breach button[data-ack]")
    hendra.wait_for_selector("#alerts .alert-card.breach.acked")
    hendra.wait_for_selector("#alerts .alert-card.warning.acked")
    hendra.screenshot(path=str(artifacts / f"supervisor-acked-{lang}.png"), full_page=True)
    for card in ("#alerts .alert-card.breach", "#alerts .alert-card.warning"):
        assert lines(hendra, card + " .title") <= 2, card
        assert lines(hendra, card + " .meta") <= 3, card
    assert hendra.locator("#new-banner").is_hidden()
    hendra.reload()
    hendra.wait_for_selector("#alerts .alert-card.breach.acked")
    assert lines(hendra, "#alerts .alert-card.breach .title") <= 2

    rina = as_person(server, "p1-09")
    assert rina.post(server.url + f"/api/v1/tasks/{task['id']}/claim", timeout=10).status_code == 200
    assert rina.post(server.url + f"/api/v1/tasks/{task['id']}/complete", json={"result": "Disahkan"},
                     timeout=10).status_code == 200
    done = "Selesai" if lang == "id" else "Completed"
    holder = "#alerts .alert-card.breach .holder"
    hendra.wait_for_function(f"document.querySelector({holder!r}).textContent.includes({done!r})")
    not_picked = "belum diambil" if lang == "id" else "not picked up"
    assert not_picked not in hendra.inner_text("#alerts").lower()
    assert hendra.errors == []
