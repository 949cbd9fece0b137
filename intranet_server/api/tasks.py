"""Tasks on /api/v1: the P0 -> P1 -> P2 chain and its replies. Handlers only parse, authenticate,
call an action and shape the answer; who may do what is decided by the actions."""
from __future__ import annotations


from flask import jsonify

from db.task_models import Task
from intranet_server import clock
from intranet_server.actions import Forbidden, NotFound
from intranet_server.actions import tasks as actions
from intranet_server.http import body, current_staff
from intranet_server.clock import iso
from intranet_server.reads import scope
from intranet_server.reads import tasks as task_reads

from intranet_server.api import api

SUPERVISORS = ("supervisor", "admin")


def _now() -> str:
    return iso(clock.now())


def _answer(task: Task, status: int = 200):
    return jsonify({**task_reads.task_dict(Task.get_by_id(task.id), detail=True), "now": _now()}), status


# ---- tasks --------------------------------------------------------------------------------

@api.get("/tasks")
def list_tasks():
    """P0: the tasks my booth sent; P1/P2: my unit's inbox; supervisors/admin: open tasks in scope."""
    staff = current_staff()
    if staff.role == "p0":
        if staff.booth_id is None:
            raise NotFound("your account is not assigned to a booth")
        tasks = task_reads.booth_tasks(staff.booth)
    elif staff.role in ("p1", "p2"):
        tasks = task_reads.unit_tasks(staff.unit) if staff.unit_id else []
    else:
        tasks = task_reads.scope_tasks(scope.scope_units(staff))
    return jsonify({"now": _now(), "tasks": tasks})


@api.post("/tasks")
def create_task():
    staff = current_staff("p0")
    data = body()
    task = actions.create_task(staff, data.get("ticket_id"), data.get("summary"), data.get("contact"),
                               data.get("notes"), data.get("unit"))
    return _answer(task, 201)


@api.get("/tasks/<int:task_id>")
def get_task(task_id: int):
    staff = current_staff()
    task = Task.get_or_none(Task.id == task_id)
    if task is None:
        raise NotFound(f"no task {task_id}")
    if not actions.may_read(staff, task):
        raise Forbidden(f"you have no part in task {task_id}")
    return _answer(task)


def _verb(name, call, roles=("p1", "p2")):
    def handler(task_id: int):
        staff = current_staff(*roles)
        data = body(required=False)
        return _answer(call(staff, task_id, data))
    api.add_url_rule(f"/tasks/<int:task_id>/{name}", f"task_{name.replace('-', '_')}", handler,
                           methods=["POST"])


_verb("claim", lambda s, i, d: actions.claim(s, i))
_verb("unclaim", lambda s, i, d: actions.unclaim(s, i))
_verb("reassign", lambda s, i, d: actions.reassign(s, i, d.get("username"), d.get("note")),
      ("p1", "p2", "supervisor", "admin"))
_verb("forward", lambda s, i, d: actions.forward(s, i, d.get("unit"), d.get("note")), ("p1",))
_verb("request-document", lambda s, i, d: actions.request_document(s, i, d.get("reason")))
_verb("resume", lambda s, i, d: actions.resume(s, i, d.get("note")), ("p0", "p1", "p2"))
_verb("complete", lambda s, i, d: actions.complete(s, i, d.get("result")))
_verb("return", lambda s, i, d: actions.return_task(s, i, d.get("reason")))
_verb("comment", lambda s, i, d: actions.comment(s, i, d.get("body")), ("p0", "p1", "p2", "supervisor", "admin"))
_verb("cancel", lambda s, i, d: actions.cancel(s, i, d.get("reason")), ("p0",))
_verb("resend", lambda s, i, d: actions.resend(s, i, d.get("unit"), d.get("note")), ("p0",))
_verb("ack", lambda s, i, d: actions.acknowledge(s, i), ("p0",))


