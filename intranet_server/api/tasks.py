"""Tasks on /api/v1: the P0 -> P1 -> P2 chain and its replies. Handlers only parse, authenticate,
call an action and shape the answer; who may do what is decided by the actions."""
from __future__ import annotations

from flask import jsonify

from db.task_models import Task
from intranet_server import clock
from intranet_server.actions import Forbidden, NotFound
from intranet_server.actions import tasks as actions
from intranet_server.api import api
from intranet_server.clock import iso
from intranet_server.http import body, current_staff
from intranet_server.reads import scope
from intranet_server.reads import tasks as task_reads
from intranet_server.schemas import doc, parse
from intranet_server.schemas.tasks import (
    Comment, Complete, CreateTask, Forward, NoBody, Note, Reason, Reassign, Resend, TaskDetail, TaskList,
)

SUPERVISORS = ("supervisor", "admin")


def _now() -> str:
    return iso(clock.now())


def _answer(task: Task, status: int = 200):
    return jsonify({**task_reads.task_dict(Task.get_by_id(task.id), detail=True), "now": _now()}), status


# ---- tasks --------------------------------------------------------------------------------

@api.get("/tasks")
@doc(summary="Tasks: a P0 sees its booth's, a P1/P2 its unit's inbox, a supervisor the open tasks of the "
             "units it oversees", tags=["tasks"], response=TaskList)
def list_tasks():
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
@doc(summary="Turn the visitor's request into a task (P0)", tags=["tasks"], body=CreateTask, response=TaskDetail,
     status=201, description="Goes to the echelon-1 unit that owns the ticket's service unless `unit` names "
                             "another echelon-1 unit. The ticket must have been served at your booth. The same "
                             "`idempotency_key` again answers the task made the first time (201, with "
                             "`Idempotent-Replayed: true`); with another ticket it is a 409.")
def create_task():
    staff = current_staff("p0")
    data = parse(CreateTask, body())
    task, created = actions.create_task(
        staff, data.ticket_id, data.summary, data.contact, data.notes, data.unit,
        data.sms.phone if data.sms else None, data.sms.consent if data.sms else False, data.idempotency_key)
    return (*_answer(task, 201), {} if created else {"Idempotent-Replayed": "true"})


@api.get("/tasks/<int:task_id>")
@doc(summary="One task with its hops, thread and alerts", tags=["tasks"], response=TaskDetail)
def get_task(task_id: int):
    staff = current_staff()
    task = Task.get_or_none(Task.id == task_id)
    if task is None:
        raise NotFound(f"no task {task_id}")
    if not actions.may_read(staff, task):
        raise Forbidden(f"you have no part in task {task_id}")
    return _answer(task)


def _verb(name, model, call, summary: str, who: str, roles=("p1", "p2")):
    @doc(summary=f"{summary} ({who})", tags=["tasks"], body=model, response=TaskDetail,
         body_required=model is not NoBody)
    def handler(task_id: int):
        staff = current_staff(*roles)
        # an empty body is `{}`: the model then says which field is missing
        data = parse(model, body(required=False))
        return _answer(call(staff, task_id, data))
    api.add_url_rule(f"/tasks/<int:task_id>/{name}", f"task_{name.replace('-', '_')}", handler, methods=["POST"])


EVERYONE = ("p0", "p1", "p2", "supervisor", "admin")
_verb("claim", NoBody, lambda s, i, d: actions.claim(s, i), "Take the task", "P1/P2 of the unit that has it")
_verb("unclaim", NoBody, lambda s, i, d: actions.unclaim(s, i),
      "Put the task back in the unit's inbox; its pickup clock restarts", "its holder")
_verb("reassign", Reassign, lambda s, i, d: actions.reassign(s, i, d.username, d.note),
      "Hand the task to a colleague of the same unit", "its holder, or the unit's supervisor",
      ("p1", "p2", "supervisor", "admin"))
_verb("forward", Forward, lambda s, i, d: actions.forward(s, i, d.unit, d.note),
      "Send the task on to one of our echelon-2 units", "P1 holder", ("p1",))
_verb("request-document", Reason, lambda s, i, d: actions.request_document(s, i, d.reason),
      "Ask the applicant for a missing document; the completion clock pauses", "holder")
_verb("resume", Note, lambda s, i, d: actions.resume(s, i, d.note),
      "The document arrived; the completion clock runs again", "holder, or the P0 of the booth", ("p0", "p1", "p2"))
_verb("complete", Complete, lambda s, i, d: actions.complete(s, i, d.result),
      "Answer the task; the result goes back to the booth", "P1/P2 holder")
_verb("return", Reason, lambda s, i, d: actions.return_task(s, i, d.reason),
      "Return to the sender with a reason (P2 -> P1, P1 -> P0)", "the unit that has it")
_verb("comment", Comment, lambda s, i, d: actions.comment(s, i, d.body), "Add to the task's thread",
      "anyone taking part", EVERYONE)
_verb("cancel", Reason, lambda s, i, d: actions.cancel(s, i, d.reason), "The visitor withdrew the request",
      "P0 of the booth", ("p0",))
_verb("resend", Resend, lambda s, i, d: actions.resend(s, i, d.unit, d.note), "Send a returned task again",
      "P0 of the booth", ("p0",))
_verb("ack", NoBody, lambda s, i, d: actions.acknowledge(s, i),
      "The answer (or return) was read and passed on to the visitor", "P0 of the booth", ("p0",))
