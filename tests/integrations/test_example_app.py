"""The example integration in examples/ runs against a real server: it hears a task arrive (by
webhook and by the event feed) and completes it through the API alone."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.support.live import ROOT, free_port

pytestmark = pytest.mark.e2e


def _send_a_task_to_persyaratan_kerja(live) -> int:
    kiosk = live.kiosk_token("lobby-1")
    import requests
    ticket = requests.post(live.url + "/api/v1/tickets", json={"service": "PP"},
                           headers={"Authorization": f"Bearer {kiosk}"}, timeout=10).json()
    booth = live.login("p0-03")
    assert booth.post(live.url + "/api/v1/queue/call-next", timeout=10).status_code == 200
    assert booth.post(live.url + f"/api/v1/tickets/{ticket['id']}/start", timeout=10).status_code == 200
    task = booth.post(live.url + "/api/v1/tasks", json={"ticket_id": ticket["id"], "summary": "Pengesahan PP"},
                      timeout=10).json()
    p1 = live.login("p1-09")
    p1.post(live.url + f"/api/v1/tasks/{task['id']}/claim", timeout=10).raise_for_status()
    p1.post(live.url + f"/api/v1/tasks/{task['id']}/forward", json={"unit": "PHIJSK-PK"}, timeout=10).raise_for_status()
    return task["id"]


def _client_secret(live) -> str:
    admin = live.login("admin")
    answer = admin.post(live.url + "/api/v1/admin/clients", timeout=10,
                        json={"name": "persyaratan-app", "unit": "PHIJSK-PK", "scopes": ["tasks:read", "tasks:work"]})
    assert answer.status_code == 201, answer.text
    return answer.json()["secret"]


def _wait_done(live, task_id: int, timeout: float = 30) -> dict:
    admin = live.login("admin")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        task = admin.get(live.url + f"/api/v1/tasks/{task_id}", timeout=10).json()
        if task["status"] == "done":
            return task
        time.sleep(0.3)
    hooks = admin.get(live.url + "/api/v1/webhooks", timeout=10).json()["webhooks"]
    log = [admin.get(live.url + f"/api/v1/webhooks/{h['id']}/deliveries", timeout=10).json() for h in hooks]
    raise AssertionError(f"task {task_id} not completed by the example app:\n{log}\n{live.log()[-3000:]}")


@pytest.mark.parametrize("mode", ["webhook", "feed"])
def test_the_example_unit_app_completes_a_task_it_hears_of(live_server, mode):
    secret = _client_secret(live_server)
    port = free_port()
    args = ["--feed"] if mode == "feed" else ["--listen", str(port), "--public-url", f"http://127.0.0.1:{port}/hook"]
    app = subprocess.Popen([sys.executable, str(ROOT / "examples" / "unit_sop_app.py"), "--server", live_server.url,
                            "--secret", secret, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        if mode == "webhook":
            assert "subscribed as webhook" in app.stdout.readline()
        task_id = _send_a_task_to_persyaratan_kerja(live_server)
        try:
            task = _wait_done(live_server, task_id)
        except AssertionError as exc:
            app.terminate()
            raise AssertionError(f"{exc}\nexample app said:\n{app.communicate(timeout=10)[0]}") from None
        assert "aplikasi SOP unit" in task["result"]
    finally:
        app.terminate()
        out = app.communicate(timeout=10)[0] if app.stdout and not app.stdout.closed else ""
    assert f"task {task_id} completed" in out
