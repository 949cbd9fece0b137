"""The booth's task form in real headless Chromium against a real server with a real local SMS gateway:
Dimas records the visitor's number and consent; when Rina completes the task the visitor gets one SMS.
A number without the consent ticked is refused on the screen, in Bahasa Indonesia, and nothing is sent."""
from __future__ import annotations

import pytest
import requests

from tests.support.browser import browser  # noqa: F401  (fixture)
from tests.support.live import LiveServer
from tests.tasks.test_tasks_browser import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
def server(tmp_path, gateway):
    live = LiveServer(tmp_path / "live", env={"PTSA_SMS_URL": gateway.url, "PTSA_SMS_TIMEOUT": "3s",
                                              "PTSA_OUTBOX_RETRY_BASE": "1s", "PTSA_OUTBOX_RETRY_MAX": "2s"})
    live.init()
    live.start()
    yield live
    live.stop()


def visitor(server, token):
    r = requests.post(server.url + "/api/v1/tickets", json={"service": "PP"},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201, r.text


def test_the_booth_records_consent_and_the_visitor_gets_one_sms_on_completion(server, gateway, browser, artifacts):  # noqa: F811
    token = server.kiosk_token("lobby")
    visitor(server, token)
    visitor(server, token)
    dimas = signed_in(browser, server, "p0-03", "/booth")
    dimas.click("#call-next")
    dimas.wait_for_function("!document.getElementById('task-fields').disabled")

    # a number without consent: refused on the screen, nothing created
    dimas.fill("#task-summary", "Pengesahan PP PT Sinar Jaya")
    dimas.fill("#task-sms-phone", "0812 3456 7890")
    dimas.click("#task-send")
    dimas.wait_for_selector("#task-error:not([hidden])")
    assert "setuju" in dimas.inner_text("#task-error")

    dimas.check("#task-sms-consent")
    (artifacts / "sms").mkdir(exist_ok=True)
    dimas.screenshot(path=str(artifacts / "sms" / "booth-sms-consent.png"))
    dimas.click("#task-send")
    dimas.wait_for_selector("#task-sent:not([hidden])")
    assert dimas.input_value("#task-sms-phone") == "" and not dimas.is_checked("#task-sms-consent")
    assert dimas.errors == []

    rina = server.login("p1-09")                                   # PHIJSK answers it herself
    [task] = [t for t in rina.get(server.url + "/api/v1/tasks", timeout=10).json()["tasks"]]
    assert "34567890" not in str(task)                             # her number is not Rina's to see
    assert rina.post(server.url + f"/api/v1/tasks/{task['id']}/claim", timeout=10).status_code == 200
    assert rina.post(server.url + f"/api/v1/tasks/{task['id']}/complete", json={"result": "PP disahkan"},
                     timeout=10).status_code == 200
    [sms] = gateway.wait_for(1, "selesai")
    assert sms["to"] == "+6281234567890" and f"#{task['id']}" in sms["message"]
