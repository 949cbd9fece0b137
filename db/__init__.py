"""Persistence for the PTSA queue and task system: peewee models on SQLite or PostgreSQL.

`connect(url)` binds the models to a database chosen at run time; `migrate()` brings
the schema up to date with the versioned scripts in `db/migrations/`.
"""
from db.connection import checkpoint, connect, database, is_postgres, locked, migrate, pending_migrations

__all__ = ["checkpoint", "connect", "database", "is_postgres", "locked", "migrate", "pending_migrations"]
