"""The booth as Dimas uses it, in real Chromium against the real server: buttons come from the
server's verbs, a redraw keeps his choices, the verbs that hurt can be undone."""
from __future__ import annotations

import pytest

from tests.screens.helpers import as_person, issue, signed_in
from tests.support.browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def ticket_of(server, ticket_id):
    return as_person(server, "p0-03").get(server.url + f"/api/v1/tickets/{ticket_id}", timeout=10).json()


def test_transfer_keeps_the_chosen_service_across_a_redraw(live_server, browser):  # noqa: F811
    """Issue 8 item 1: Dimas picks PKB, a visitor takes a ticket (the booth redraws), he presses
    "Pindahkan": the visitor is in PKB, not in the first service of the list."""
    token = live_server.kiosk_token("lobby-transfer")
    first = issue(live_server, token, "PP")
    page = signed_in(browser, live_server, "p0-03")
    page.wait_for_selector("#waiting li[data-ticket]")
    page.click("#call-next")
    page.wait_for_selector("#current select[data-transfer]")
    page.select_option("#current select[data-transfer]", "PKB")
    page.focus("#current select[data-transfer]")
    issue(live_server, token, "PP")                       # the booth redraws: one more waiting
    # the count is written in the same redraw as the visitor's card
    page.wait_for_function("document.getElementById('waiting-count').textContent === '1'")
    assert page.eval_on_selector("#current select[data-transfer]", "el => el.value") == "PKB"
    assert page.evaluate("document.activeElement && document.activeElement.matches('select[data-transfer]')")
    page.click("#current button[data-act='transfer']")
    page.wait_for_selector("#current .current-ticket", state="detached")
    moved = ticket_of(live_server, first["id"])
    assert moved["service"] == "PKB" and moved["status"] == "waiting"
    assert page.errors == []


def test_a_double_tap_on_call_next_calls_one_visitor(live_server, browser):  # noqa: F811
    """A touchscreen double tap sends call-next twice before the screen has heard of the first call. The
    screen says which visit it shows; the second request answers the visitor the first called instead
    of finishing her unseen and calling the next one."""
    token = live_server.kiosk_token("lobby-double-tap")
    first, second = issue(live_server, token, "PP"), issue(live_server, token, "PP")
    page = signed_in(browser, live_server, "p0-03")
    page.wait_for_selector(f"#waiting li[data-ticket='{second['id']}']")
    answers = []
    page.on("response", lambda r: answers.append(r.status) if r.url.endswith("/queue/call-next") else None)
    page.dblclick("#call-next")
    for _ in range(200):                       # both answers in, however fast this machine is
        if len(answers) == 2:
            break
        page.wait_for_timeout(50)
    assert answers == [200, 200]
    page.wait_for_selector(f"#current .current-ticket[data-ticket='{first['id']}']")
    assert ticket_of(live_server, first["id"])["status"] == "called"
    assert ticket_of(live_server, second["id"])["status"] == "waiting"
    assert page.errors == []


def test_a_task_whose_answer_was_lost_is_not_made_twice_when_sent_again(live_server, browser):  # noqa: F811
    """Dimas sends a task; the server makes it but the answer never reaches the booth (a process killed
    under it, a dropped connection). The screen says the network failed and keeps his text; he presses
    send again: the same task is answered, the unit's inbox holds one."""
    token = live_server.kiosk_token("lobby-lost-answer")
    ticket = issue(live_server, token, "PP")
    page = signed_in(browser, live_server, "p0-03")
    page.wait_for_selector(f"#waiting li[data-ticket='{ticket['id']}']")
    page.click("#call-next")
    page.wait_for_selector("#task-fields:not([disabled])")
    page.fill("#task-summary", "Cek draf PP, jawaban pertama hilang")
    sent = []

    def lose_the_first_answer(route):
        sent.append(route.request.post_data_json.get("idempotency_key"))
        if len(sent) == 1:
            route.fetch()          # the server makes the task ...
            route.abort()          # ... and its answer is lost on the way back
        else:
            route.continue_()
    page.route("**/api/v1/tasks", lose_the_first_answer)
    page.click("#task-send")
    page.wait_for_selector("#task-error:not([hidden])")
    assert page.input_value("#task-summary") == "Cek draf PP, jawaban pertama hilang"
    page.click("#task-send")
    page.wait_for_selector("#task-sent:not([hidden])")
    assert len(sent) == 2 and sent[0] == sent[1]
    tasks = as_person(live_server, "p0-03").get(live_server.url + "/api/v1/tasks", timeout=10).json()["tasks"]
    assert [t["ticket"]["id"] for t in tasks].count(ticket["id"]) == 1
    assert [e for e in page.errors if "ERR_FAILED" not in e] == []


def test_booth_buttons_are_the_servers_verbs(live_server, browser):  # noqa: F811
    """The screen shows what the payload's verbs say, and nothing else."""
    token = live_server.kiosk_token("lobby-verbs")
    issue(live_server, token, "PP")
    page = signed_in(browser, live_server, "p0-03")
    page.wait_for_selector("#waiting li[data-ticket]")
    state = as_person(live_server, "p0-03").get(live_server.url + "/api/v1/booth", timeout=10).json()
    assert state["waiting"][0]["verbs"] == ["call", "transfer"]
    page.click("#call-next")
    page.wait_for_selector("#current .current-ticket")
    state = as_person(live_server, "p0-03").get(live_server.url + "/api/v1/booth", timeout=10).json()
    shown = page.eval_on_selector_all("#current button[data-act]", "els => els.map(e => e.dataset.act)")
    assert sorted(v for v in shown if v != "reprint") == sorted(state["current"][0]["verbs"])
    page.click("#current button[data-act='start']")
    page.wait_for_selector("#current button[data-act='recall']", state="detached")
    shown = page.eval_on_selector_all("#current button[data-act]", "els => els.map(e => e.dataset.act)")
    assert sorted(shown) == ["finish", "park", "transfer"]


def test_no_show_finish_and_transfer_can_be_undone_and_the_recall_window_counts_down(live_server, browser):  # noqa: F811
    """Issue 8 item 4: no-show (and finish, transfer) have a way back for a few seconds, and the
    no-show list shows how long the recall window has left."""
    token = live_server.kiosk_token("lobby-undo")
    ticket = issue(live_server, token, "PP")
    page = signed_in(browser, live_server, "p0-03")
    page.wait_for_selector("#waiting li[data-ticket]")
    page.click("#call-next")
    page.wait_for_selector("#current button[data-act='no_show']")
    # no-show is not in the row of "Selesai"
    assert page.locator("#current .actions-aside button[data-act='no_show']").count() == 1
    assert page.locator("#current .actions:not(.actions-aside) button[data-act='no_show']").count() == 0
    page.click("#current button[data-act='no_show']")
    page.wait_for_selector("#undo-bar:not([hidden])")
    page.wait_for_selector(f"#no-shows li[data-ticket='{ticket['id']}'] .recall-left")
    left = page.inner_text(f"#no-shows li[data-ticket='{ticket['id']}'] .recall-left")
    assert "sisa waktu panggil ulang" in left and ("14:" in left or "15:" in left)
    page.click("#undo-button")
    page.wait_for_selector(f"#current .current-ticket[data-ticket='{ticket['id']}']")
    assert ticket_of(live_server, ticket["id"])["status"] == "called"

    page.click("#current button[data-act='finish']")
    page.wait_for_selector("#undo-bar:not([hidden])")
    page.wait_for_selector("#current .current-ticket", state="detached")
    page.click("#undo-button")
    page.wait_for_selector(f"#current .current-ticket[data-ticket='{ticket['id']}']")
    assert ticket_of(live_server, ticket["id"])["status"] == "called"

    page.select_option("#current select[data-transfer]", "PKB")
    page.click("#current button[data-act='transfer']")
    page.wait_for_selector("#undo-bar:not([hidden])")
    assert "PKB" in page.inner_text("#undo-text")
    page.click("#undo-button")
    page.wait_for_selector(f"#current .current-ticket[data-ticket='{ticket['id']}']")
    back = ticket_of(live_server, ticket["id"])
    assert back["service"] == "PP" and back["status"] == "called"
    assert page.errors == []


def test_a_priority_booth_says_so_and_hears_when_it_stops_being_one(live_server, browser):  # noqa: F811
    """Booth 9 of the launch plan is the priority booth: its screen says so; when the administrator
    makes it an ordinary booth, the screen drops the notice without a reload."""
    page = signed_in(browser, live_server, "p0-09")
    page.wait_for_selector("#priority-booth:not([hidden])")
    assert "Booth prioritas" in page.inner_text("#priority-booth")
    admin = as_person(live_server, "admin")
    changed = admin.patch(live_server.url + "/api/v1/admin/booths/9", json={"priority": False}, timeout=10)
    assert changed.status_code == 200 and changed.json()["priority"] is False
    page.wait_for_selector("#priority-booth", state="hidden")
    ordinary = signed_in(browser, live_server, "p0-03")
    ordinary.wait_for_function("document.getElementById('booth-services').textContent !== ''")   # drawn
    assert not ordinary.is_visible("#priority-booth")
    assert page.errors == []
