"""Every Socket.IO event has a model, and `publish()` refuses a payload that breaks it (the check the
whole suite runs under PTSA_VALIDATE_EVENTS=1, set by tests/conftest.py)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import db
from intranet_server.realtime import events
from intranet_server.schemas.events import EVENTS, EventSchemaError, validate_event
from tests.tasks.helpers import new_task, receiver

ROOT = Path(__file__).resolve().parents[2] / "intranet_server"


# `publish(room, "<event>", ...)`, not the message queue's own `self._publish({...})`
CALL = re.compile(r'(?<![\w.])publish\([^,]+,\s*"([a-z_]+)"(?:\s+if\s+[\w.]+\s+else\s+"([a-z_]+)")?')
# a `(room, "<event>", payload)` message of `publish_many([...])`
MESSAGE = re.compile(r'(?<![\w)])\((?:f?"[^"]*"|[\w.]+(?:\([\w.]*\))?),\s*"([a-z_]+)",\s*(?:\{|[a-z_]+\))()')


def published_names() -> set[str]:
    """Event names in every `publish(room, "<event>", ...)` call (also `"call" if call else "booth"`)."""
    names = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text()
        for first, second in CALL.findall(text) + MESSAGE.findall(text):
            names |= {first, second} - {""}
    return names


def test_the_suite_runs_with_event_validation():
    assert os.environ.get("PTSA_VALIDATE_EVENTS") == "1"


def test_every_published_event_name_has_a_model():
    names = published_names()
    assert {"ticket", "task", "alert", "call", "booth"} <= names
    assert names <= set(EVENTS), f"events without a model: {names - set(EVENTS)}"


def test_an_unknown_event_or_a_drifted_payload_is_refused():
    with pytest.raises(EventSchemaError, match="no model"):
        validate_event("surprise", {"room": "x", "seq": 1})
    with pytest.raises(EventSchemaError, match="KioskEvent"):
        validate_event("kiosk", {"room": "staff", "seq": 1, "kiosk": {"name": "k"}})


def test_publish_refuses_a_payload_that_breaks_its_model_and_nothing_is_written(tasks_db):
    with pytest.raises(EventSchemaError):
        with db.database.atomic():
            events.publish("staff", "kiosk", {"kiosk": {"name": "lobby-1", "extra": True}})
    assert events.current_seq("staff") == 0


def test_real_events_of_a_task_chain_validate(tasks_db, frozen_clock):
    from intranet_server.actions import tasks as actions
    task = new_task()
    rina = receiver("PHIJSK")
    actions.claim(rina, task.id)
    actions.complete(rina, task.id, "Disahkan")
    sent = [(event, message) for event, message, _room in tasks_db if event == "task"]
    assert [m["change"] for _, m in sent][-1] == "complete"
    for event, message in sent:
        validate_event(event, message)
        # one payload reaches every viewer of a room: the verbs of each kind of viewer
        assert set(message["task"]["verbs"]) == {"holder", "receiver", "origin", "supervisor", "reader"}


def test_sync_answers_validate_room_by_room(app, tasks_db, frozen_clock):
    """A client that reconnects gets snapshots and replays that match their models."""
    from intranet_server.realtime.sockets import socketio
    from intranet_server.schemas.events import EventSchemaError, validate_sync
    new_task()
    client = app.test_client()
    client.post("/api/v1/auth/login", json={"username": "sup-phijsk", "password": "demo12345"})
    io = socketio.test_client(app, flask_test_client=client)
    answer = io.emit("sync", {"rooms": {"display": None, "lobby": None, "supervisor:PHIJSK": None,
                                        "staff": 0, "unit:PHIJSK": None}}, callback=True)
    assert answer["ok"] and set(answer["rooms"]) == {"display", "lobby", "supervisor:PHIJSK", "staff", "unit:PHIJSK"}
    validate_sync(answer)
    answer["rooms"]["lobby"]["snapshot"]["services"][0]["surprise"] = 1
    with pytest.raises(EventSchemaError):
        validate_sync(answer)
    io.disconnect()
