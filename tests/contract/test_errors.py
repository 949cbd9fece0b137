"""Errors in the screen's language: every stable code has both texts, and the API answers `message`
in the requester's language with the English detail beside it."""
from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import intranet_server
from intranet_server.actions import ActionError
from intranet_server.schemas.errors import CATALOG, localize
from tests.tasks.helpers import new_task, receiver

ROOT = Path(__file__).resolve().parents[2] / "intranet_server"
# werkzeug errors app.py turns into JSON answers on /api/: the ones a client can provoke
HTTP_CODES = {"bad_request", "not_found", "method_not_allowed", "request_entity_too_large",
              "unsupported_media_type", "too_many_requests", "internal_server_error"}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def raised_codes() -> set[str]:
    """Every `code="..."` in the code base and every ActionError subclass's code."""
    codes = set()
    for path in ROOT.rglob("*.py"):
        codes |= set(re.findall(r"\bcode=\"([a-z_]+)\"", path.read_text()))
    for info in pkgutil.walk_packages(intranet_server.__path__, "intranet_server."):
        if info.name.endswith(("__main__", ".cli")):
            continue
        importlib.import_module(info.name)
    codes |= {ActionError.code} | {cls.code for cls in _subclasses(ActionError)}
    return codes


def test_every_error_code_has_indonesian_and_english():
    codes = raised_codes() | HTTP_CODES
    assert {"invalid", "bad_state", "already_claimed", "unknown_unit"} <= codes
    missing = sorted(c for c in codes if set(CATALOG.get(c, {})) != {"id", "en"} or not all(CATALOG[c].values()))
    assert not missing, f"error codes without both texts: {missing}"


def login(client, username, **headers):
    r = client.post("/api/v1/auth/login", json={"username": username, "password": "demo12345"}, headers=headers)
    assert r.status_code == 200, r.get_json()


def test_an_indonesian_officer_reads_the_error_in_indonesian(client, tasks_db, frozen_clock):
    task = new_task()
    rina = receiver("PHIJSK")
    assert rina.language == "id"
    login(client, rina.username)
    r = client.post(f"/api/v1/tasks/{task.id}/complete", json={"result": "Disahkan"},
                    headers={"Accept-Language": "en"})   # the account's language wins over the browser's
    answer = r.get_json()
    assert r.status_code == 409 and answer["error"] == "bad_state"
    assert answer["message"] == "Ambil tugas ini terlebih dahulu sebelum menyelesaikannya."
    assert answer["detail"] == "claim the task before you complete it"


def test_an_english_officer_reads_english(client, tasks_db, frozen_clock):
    task = new_task()
    rina = receiver("PHIJSK")
    rina.language = "en"
    rina.save()
    login(client, rina.username)
    answer = client.post(f"/api/v1/tasks/{task.id}/complete", json={"result": "x"}).get_json()
    assert answer["message"] == "claim the task before you complete it"


def test_without_a_session_the_accept_language_decides_else_indonesian(client):
    assert client.get("/api/v1/auth/me").get_json()["message"] == "Silakan masuk terlebih dahulu."
    english = client.get("/api/v1/auth/me", headers={"Accept-Language": "en-US,en;q=0.9"}).get_json()
    assert english["message"].startswith("sign in first")
    assert client.get("/api/v1/nothing").get_json()["message"] == CATALOG["not_found"]["id"]


def test_an_input_error_in_indonesian_keeps_the_field_in_detail(client, kiosk_token):
    r = client.post("/api/v1/tickets", json={"service": "PP", "priority": "vip"},
                    headers={"Authorization": f"Bearer {kiosk_token}"})
    answer = r.get_json()
    assert r.status_code == 422 and answer["message"] == "Isian 'priority' tidak sesuai. Periksa kembali."
    assert "priority" in answer["detail"]


def test_localize_keeps_bilingual_messages_whole():
    both = "Kuota antrean hari ini sudah habis / Today's ticket quota is used up"
    assert localize("daily_cap_reached", both, "id") == both
    assert localize("unknown_code", "something", "id") == "something"


# Raised only by `ptsa` commands on the server's console, never in an API answer.
CONSOLE_ONLY = {"kiosk name: letters, digits, '.', '_' or '-', at most 64 characters",
                "a kiosk named '7' exists; revoke it or pick another name", "no kiosk named '7'"}
API_FILES = ["actions/queue.py", "actions/tasks.py", "actions/kiosks.py", "http.py", "api/*.py"]
ERRORS = {"ActionError", "Invalid", "NotFound", "Forbidden", "Unauthorized", "Conflict"}


def _sample(node):
    """The message a raise builds, with every interpolated value written as 7 ('7' for !r)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else ("'7'" if v.conversion == ord("r") else "7")
                       for v in node.values)
    return None   # str(exc): the rules' messages, sampled by the tests above


def raised_messages():
    for pattern in API_FILES:
        for path in sorted(ROOT.glob(pattern)):
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args
                        and getattr(node.exc.func, "id", None) in ERRORS):
                    message = _sample(node.exc.args[0])
                    if message is not None:
                        yield f"{path.name}:{node.lineno}", message


def test_every_message_an_api_answer_can_carry_has_its_own_indonesian_wording():
    messages = list(raised_messages())
    assert len(messages) > 60
    untranslated = [(where, message) for where, message in messages
                    if message not in CONSOLE_ONLY and " / " not in message
                    and localize("no_such_code", message, "id") == message]
    assert not untranslated, untranslated


def test_the_rules_transition_messages_read_in_indonesian():
    from intranet_server.rules import queue as queue_rules
    from intranet_server.rules import tasks as task_rules
    for verb, (statuses, _where, _held) in task_rules.VERBS.items():
        for status in set(task_rules.STATUSES) - set(statuses):
            try:
                task_rules.check_transition(verb, status, "p1", True)
            except task_rules.TransitionError as exc:
                assert localize("no_such_code", str(exc), "id") != str(exc), str(exc)
    exc = queue_rules.TransitionError("finish", "waiting")
    assert localize("bad_state", str(exc), "id") == "Tiket yang menunggu tidak dapat diselesaikan."
