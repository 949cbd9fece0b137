"""Copying every row from one database to another: how an office moves from the SQLite file to
PostgreSQL when it outgrows one process (`ptsa copy-database --to postgresql://...`)."""
from __future__ import annotations

from peewee import AutoField, PostgresqlDatabase, sort_models

from db.models import QUEUE_MODELS
from db.task_models import TASK_MODELS
from db.admin_models import ADMIN_MODELS
from db.report_models import REPORT_MODELS
from db.survey_models import SURVEY_MODELS
from db.integration_models import INTEGRATION_MODELS
from db.security_models import SECURITY_MODELS

BATCH = 500


class TransferError(RuntimeError):
    """The copy cannot start (the target holds data); nothing was written."""


def all_models():
    # parents before the tables that point at them (live connections are not copied: they are this moment's)
    return sort_models(QUEUE_MODELS + TASK_MODELS + ADMIN_MODELS + REPORT_MODELS + SURVEY_MODELS
                       + INTEGRATION_MODELS + SECURITY_MODELS)


def copy_database(source, target) -> dict[str, int]:
    """Copy all rows from `source` into `target` (both connected peewee databases, the target
    migrated and empty), keeping primary keys, in one transaction on the target."""
    models = all_models()
    with target.bind_ctx(models):
        busy = [m._meta.table_name for m in models if m.select().exists()]
    if busy:
        raise TransferError(f"the target database already holds data ({', '.join(busy[:5])}); "
                            "copy only into a new, empty database after `ptsa init`")
    counts: dict[str, int] = {}
    with target.atomic():
        for model in models:
            with source.bind_ctx([model]):
                # id order keeps self-references (a unit's parent) inserted before they are used
                rows = list(model.select().order_by(model._meta.primary_key).dicts())
            with target.bind_ctx([model]):
                for start in range(0, len(rows), BATCH):
                    model.insert_many(rows[start:start + BATCH]).execute()
            counts[model._meta.table_name] = len(rows)
        if isinstance(target, PostgresqlDatabase):
            for model in models:
                pk = model._meta.primary_key
                if isinstance(pk, AutoField):
                    table = model._meta.table_name
                    # the next id continues after the copied ones
                    target.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk.column_name}'), "
                                       f"COALESCE((SELECT MAX(\"{pk.column_name}\") FROM \"{table}\"), 0) + 1, false)")
    return counts
