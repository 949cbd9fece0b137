"""Queries whose SQL peewee builds once: the statements of the hot verbs.

Building SQL is most of what peewee costs on a hot path (half of a ticket issue's time, by
`bench/profile_issue.py`; SQLite executing the statements is 7%), and those statements have the same
shape every time. A `Prepared` query is written with peewee as usual, with a `Param` wherever a value
goes; its SQL text and parameter order are built on first use for each kind of database, and every
call after that only fills in the values, converted by the field they belong to as peewee would.

    next_number = Prepared(lambda: TicketCounter.insert(service=Param("service", TicketCounter.service), ...))
    next_number.execute(service=service.id, ...)
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peewee import Field, Node, Query

from db.models import database


class Param(Node):
    """A named value of a prepared query; `field` converts it (its db_value) as peewee would."""

    def __init__(self, name: str, field: Field | None = None):
        super().__init__()
        self.name, self.field = name, field

    def __sql__(self, ctx):
        return ctx.value(_Slot(self), converter=False)   # a placeholder; the value comes per call

    def bind(self, values: dict[str, Any]) -> Any:
        try:
            value = values[self.name]
        except KeyError:
            raise TypeError(f"prepared query needs a value for {self.name!r}") from None
        return value if self.field is None or value is None else self.field.db_value(value)


class _Slot:
    """What stands in peewee's parameter list for a Param until a call binds it."""
    __slots__ = ("param",)

    def __init__(self, param: Param):
        self.param = param


class Prepared:
    """A query built once per database kind (and per `shape`, e.g. a row count) and run with values.

    `build(*shape)` returns the peewee query; `execute(*shape, **values)` runs it and returns the
    cursor. Keyed by the database's class: SQLite and PostgreSQL differ in quoting, placeholders and
    RETURNING, two databases of one kind do not."""

    def __init__(self, build: Callable[..., Query]):
        self._build = build
        self._compiled: dict[tuple, tuple[str, list, list]] = {}

    def _compile(self, shape: tuple) -> tuple[str, list, list]:
        key = (type(database.obj), shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            query = self._build(*shape)
            sql, params = query.sql()
            # a SELECT's columns read back through their fields (text to datetime on SQLite, ...)
            converters = [c.python_value if isinstance(c, Field) else None
                          for c in (getattr(query, "_returning", None) or ())]
            compiled = self._compiled[key] = (sql, params, converters)
        return compiled

    def sql(self, *shape) -> tuple[str, list]:
        sql, params, _ = self._compile(shape)
        return sql, params

    def execute(self, *shape, **values):
        sql, params, _ = self._compile(shape)
        return database.execute_sql(sql, [p.param.bind(values) if type(p) is _Slot else p for p in params])

    def tuples(self, *shape, **values) -> list[tuple]:
        """The rows of a prepared SELECT, each column converted by its field as peewee would."""
        converters = self._compile(shape)[2]
        rows = self.execute(*shape, **values).fetchall()
        if not any(converters):
            return rows
        return [tuple(v if f is None or v is None else f(v) for f, v in zip(converters, row, strict=True))
                for row in rows]


def insert(model, fields: list[Field]) -> Prepared:
    """INSERT of one row of `model` with these fields, RETURNING its id: `.execute(**row)`; the
    row's keys are the fields' names."""
    return Prepared(lambda: model.insert({f: Param(f.name, f) for f in fields}).returning(model._meta.primary_key))


def insert_many(model, fields: list[Field]) -> Prepared:
    """INSERT of `n` rows: `.execute(n, **values)` with the values of row i named `<field>_<i>`."""
    return Prepared(lambda n: model.insert_many(
        [{f: Param(f"{f.name}_{i}", f) for f in fields} for i in range(n)]))


class Inserter:
    """`Model.create(**data)` with its SQL built once per set of columns: the same defaults, the
    same columns written (those with a value or a default), the row's `keep_derived()` hook run as
    its save() would, and the new row returned with its id."""

    def __init__(self, model):
        self.model = model
        self._pk = model._meta.primary_key
        self._query = Prepared(lambda names: model.insert(
            {model._meta.fields[n]: Param(n, model._meta.fields[n]) for n in names}).returning(self._pk))

    def create(self, **data):
        row = self.model(**data)   # peewee's defaults, as Model.create gives them
        keep_derived = getattr(row, "keep_derived", None)
        if keep_derived is not None:
            keep_derived()
        values = {n: v for n, v in row.__data__.items() if n != self._pk.name}
        cursor = self._query.execute(tuple(values), **values)
        setattr(row, self._pk.name, cursor.fetchone()[0])
        row._dirty.clear()
        return row
