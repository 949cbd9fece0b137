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

import functools
from collections.abc import Callable
from typing import Any

from peewee import (
    AutoField, BigAutoField, BigIntegerField, CharField, Field, ForeignKeyField, IntegerField, Model, Node,
    PostgresqlDatabase, Query, SmallIntegerField, TextField,
)

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


# columns both engines already give as the Python type peewee's field would make (int, str): read as is
_AS_IS = (AutoField, BigAutoField, IntegerField, BigIntegerField, SmallIntegerField, CharField, TextField)


def _converter(column) -> Callable | None:
    """How a selected column is read back: by its field (text to datetime on SQLite, 0/1 to bool, JSON
    text to objects), or not at all for plain integers and text (a long list reads faster)."""
    if not isinstance(column, Field):
        return None
    field = column.rel_field if isinstance(column, ForeignKeyField) else column
    return None if type(field) in _AS_IS else column.python_value


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
        self._compiled: dict[tuple, tuple[str, list, list, list]] = {}

    def _compile(self, shape: tuple) -> tuple[str, list, list, list]:
        key = (type(database.obj), shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            query = self._build(*shape)
            sql, params = query.sql()
            # a SELECT's columns read back through their fields (text to datetime on SQLite, ...)
            columns = getattr(query, "_returning", None) or ()
            converters = [_converter(c) for c in columns]
            names = [c.name if isinstance(c, Field) else None for c in columns]
            compiled = self._compiled[key] = (sql, params, converters, names)
        return compiled

    def sql(self, *shape) -> tuple[str, list]:
        sql, params, _, _ = self._compile(shape)
        return sql, params

    def execute(self, *shape, **values):
        sql, params, _, _ = self._compile(shape)
        return database.execute_sql(sql, [p.param.bind(values) if type(p) is _Slot else p for p in params])

    def hold(self, *shape, **values) -> None:
        """Run this write, whose result nobody reads, with the transaction's next statement on
        PostgreSQL (one round trip fewer: db/postgres.py); at once on SQLite, where there is no trip."""
        sql, params, _, _ = self._compile(shape)
        bound = [p.param.bind(values) if type(p) is _Slot else p for p in params]
        getattr(database.obj, "hold", database.execute_sql)(sql, bound)

    def tuples(self, *shape, **values) -> list[tuple]:
        """The rows of a prepared SELECT, each column converted by its field as peewee would."""
        converters = self._compile(shape)[2]
        rows = self.execute(*shape, **values).fetchall()
        if not any(converters):
            return rows
        return [tuple(v if f is None or v is None else f(v) for f, v in zip(converters, row, strict=True))
                for row in rows]

    def rows(self, model: type[Model], *shape, **values) -> list[Model]:
        """The rows of a prepared SELECT of `model`'s fields as model instances, built as peewee's own
        select builds them (no defaults applied, nothing dirty)."""
        names = self._compile(shape)[3]
        made = []
        for row in self.tuples(*shape, **values):
            instance = model(__no_default__=1, **dict(zip(names, row, strict=True)))
            instance._dirty.clear()
            made.append(instance)
        return made


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
    its save() would, and the new row returned with its id.

    `also` builds more RETURNING expressions, e.g. subqueries correlated to the new row (`model.id`
    in them names it): `create_returning` gives their values with the row, read by the INSERT itself
    (no statement more, and on PostgreSQL no round trip more)."""

    def __init__(self, model, also: Callable[[], tuple] | None = None):
        self.model = model
        self._pk = model._meta.primary_key

        def build(names, returning):
            return model.insert({model._meta.fields[n]: Param(n, model._meta.fields[n]) for n in names}
                                ).returning(self._pk, *returning)
        self._query = Prepared(lambda names: build(names, ()))
        self._query_also = Prepared(lambda names: build(names, also())) if also is not None else self._query

    def create(self, **data):
        return self.create_returning(**data)[0]

    def create_returning(self, **data) -> tuple[Model, tuple]:
        """`create`, with the values of the `also` expressions."""
        row, values = self._row(data)
        new_id, *more = self._query_also.execute(tuple(values), **values).fetchone()
        setattr(row, self._pk.name, new_id)
        row._dirty.clear()
        return row, tuple(more)

    def add(self, **data) -> None:
        """`create` for a row nobody reads back (no id wanted): held for the transaction's next
        statement on PostgreSQL (`Prepared.hold`)."""
        _, values = self._row(data)
        self._query.hold(tuple(values), **values)

    def _row(self, data: dict):
        row = self.model(**data)   # peewee's defaults, as Model.create gives them
        keep_derived = getattr(row, "keep_derived", None)
        if keep_derived is not None:
            keep_derived()
        return row, {n: v for n, v in row.__data__.items() if n != self._pk.name}


class Updater:
    """`row.save()` of a stored row with its SQL built once per set of changed fields: an UPDATE, by
    id, of the fields assigned since the row was read (peewee's dirty fields) — the columns nobody
    changed are not written back, so a save never undoes another transaction's change to them."""

    def __init__(self, model):
        self.model = model
        pk = self._pk = model._meta.primary_key
        self._query = Prepared(lambda names: model.update(
            {model._meta.fields[n]: Param(n, model._meta.fields[n]) for n in names}).where(pk == Param("_pk_", pk)))

    def save(self, row) -> int:
        names = tuple(sorted(row._dirty - {self._pk.name}))
        if not names:
            return 0
        cursor = self._query.execute(names, _pk_=row.get_id(), **{n: row.__data__.get(n) for n in names})
        row._dirty.clear()
        return cursor.rowcount


@functools.cache
def updater(model) -> Updater:
    return Updater(model)


@functools.cache
def by_id(model, *, lock: bool = False) -> Prepared:
    """SELECT of the row with id `id` (`.rows(model, id=...)`); with `lock`, FOR UPDATE on PostgreSQL
    (SQLite's IMMEDIATE write transaction already keeps every other writer out)."""
    pk = model._meta.primary_key

    def build():
        query = model.select().where(pk == Param("id", pk))
        return query.for_update() if lock and isinstance(database.obj, PostgresqlDatabase) else query
    return Prepared(build)
