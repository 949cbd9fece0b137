"""`ptsa backup FILE` and `ptsa restore FILE`: the whole office in one archive.

The archive is a gzip'd tar holding
- `database.sqlite` (SQLite's online backup API: a consistent copy while the server keeps
  writing, WAL included) or `database.pgdump` (`pg_dump --format=custom`, one snapshot),
- `secret_key` (the session-signing key: without it everyone signs in again after a restore),
- `manifest.json`: what it is, when, from which schema (applied migrations), row counts, and the
  SHA-256 of every file, checked before anything is restored.

A restore refuses a database that holds data unless `--force`, refuses a backup made by a newer
schema than this code knows, and runs the pending migrations afterwards (a backup from an older
version comes back up to date). The archive holds the secret key: it is written mode 0600.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlparse

FORMAT = "ptsa-backup"
VERSION = 1
MIGRATION_TABLE = "schema_migration"


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why. Nothing was changed."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _kind(url: str) -> str:
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgres", "postgresql"):
        return "postgresql"
    raise BackupError(f"database url {url!r}: only sqlite:/// and postgresql:// can be backed up")


def _sqlite_path(url: str) -> Path:
    return Path(url[len("sqlite:///"):] if url.startswith("sqlite:///") else urlparse(url).path)


def redact(url: str) -> str:
    parsed = urlparse(url)
    if not parsed.password:
        return url
    return parsed._replace(netloc=parsed.netloc.replace(f":{parsed.password}@", ":***@")).geturl()


def _pg_env(url: str) -> tuple[list[str], dict]:
    """libpq connection arguments without the password on the command line (PGPASSWORD instead)."""
    parsed = urlparse(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    args = ["--host", parsed.hostname or "localhost", "--port", str(parsed.port or 5432),
            "--dbname", (parsed.path or "/").lstrip("/")]
    if parsed.username:
        args += ["--username", parsed.username]
    return args + ["--no-password"], env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install Debian's postgresql-client (apt-get install postgresql-client)")
    return path


def _run(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        detail = " ".join(done.stderr.split())[:500]
        raise BackupError(f"{what} failed (exit {done.returncode}): {detail}")


# ---- what is in a database -------------------------------------------------------------------

def table_rows(url: str) -> dict[str, int]:
    """Rows per table (the migration history left out); {} for a missing SQLite file."""
    kind = _kind(url)
    if kind == "sqlite":
        path = _sqlite_path(url)
        if not path.exists():
            return {}
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]
                    for n in names if n != MIGRATION_TABLE}
        finally:
            conn.close()
    import psycopg2
    conn = psycopg2.connect(url, connect_timeout=10)
    try:
        with conn.cursor() as cur:
            return _count_rows(cur)
    finally:
        conn.close()


def _count_rows(cur) -> dict[str, int]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    names = [r[0] for r in cur.fetchall()]
    counts = {}
    for n in names:
        if n != MIGRATION_TABLE:
            cur.execute(f'SELECT COUNT(*) FROM "{n}"')
            counts[n] = cur.fetchone()[0]
    return counts


def applied_migrations(url: str) -> list[str]:
    import db
    db.connect(url)
    with db.database.connection_context():
        return [m.name for m in db.connection._runner().status() if m.applied]


def known_migrations() -> list[str]:
    from db.connection import MIGRATIONS_DIR
    return sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py"))


# ---- backup ----------------------------------------------------------------------------------

def backup(settings: dict, target: str | Path) -> dict:
    """Write the archive to `target`; returns its manifest."""
    url = settings["database"]["url"]
    kind = _kind(url)
    target = Path(target)
    if target.exists() and target.is_dir():
        raise BackupError(f"{target} is a directory; name the archive file, e.g. {target}/ptsa-backup.tar.gz")
    if target.parent.exists() and not target.parent.is_dir():
        raise BackupError(f"cannot write {target}: {target.parent} is not a directory")
    if kind == "sqlite" and not _sqlite_path(url).exists():
        raise BackupError(f"the SQLite database {_sqlite_path(url)} does not exist (run `ptsa init` first?)")
    try:
        migrations = applied_migrations(url)
    except Exception as exc:   # noqa: BLE001 - unreachable, wrong password: one line, no traceback
        raise BackupError(f"cannot read the database {redact(url)}: {' '.join(str(exc).split())[:300]}") from None
    try:
        return _write_backup(settings, url, kind, target, migrations)
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from None


def _write_backup(settings: dict, url: str, kind: str, target: Path, migrations: list[str]) -> dict:
    from intranet_server.config import secret_key
    with tempfile.TemporaryDirectory(prefix="ptsa-backup-") as tmp:
        if kind == "sqlite":
            name = "database.sqlite"
            copy = Path(tmp) / name
            source = sqlite3.connect(str(_sqlite_path(url)), timeout=30)
            dest = sqlite3.connect(str(copy))
            try:
                # The online backup API: pages are copied under a read transaction, so writers go on
                # (WAL) and the copy is one consistent instant, including what is still in the WAL.
                source.backup(dest)
            finally:
                dest.close()
                source.close()
        else:
            name = "database.pgdump"
            copy = Path(tmp) / name
            args, env = _pg_env(url)
            # The dump and the manifest's row counts are one instant: a REPEATABLE READ transaction
            # exports its snapshot, pg_dump reads through it, and the counts are taken in it too
            # (the server keeps writing meanwhile: without this, the counts and the dump disagree).
            import psycopg2
            holder = psycopg2.connect(url, connect_timeout=10)
            try:
                holder.set_session(isolation_level="REPEATABLE READ", readonly=True)
                with holder.cursor() as cur:
                    cur.execute("SELECT pg_export_snapshot()")
                    snapshot = cur.fetchone()[0]
                    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                          f"--snapshot={snapshot}", "--file", str(copy), *args], env, "pg_dump")
                    rows = _count_rows(cur)
            finally:
                holder.close()
        data = copy.read_bytes()
        key = secret_key(settings).encode()
        manifest = {
            "format": FORMAT, "version": VERSION,
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "database": kind, "source": redact(url), "office": settings["office"]["name"],
            "migrations": migrations,
            "rows": table_rows(f"sqlite:///{copy}") if kind == "sqlite" else rows,
            "files": {name: _sha256(data), "secret_key": _sha256(key)},
        }
        partial = target.with_name(target.name + ".partial")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)   # it holds the secret key
        with os.fdopen(fd, "wb") as fh, tarfile.open(fileobj=fh, mode="w:gz") as tar:
            for member, content in (("manifest.json", json.dumps(manifest, indent=2).encode()),
                                    (name, data), ("secret_key", key)):
                info = tarfile.TarInfo(member)
                info.size, info.mode, info.mtime = len(content), 0o600, int(dt.datetime.now().timestamp())
                tar.addfile(info, io.BytesIO(content))
        os.replace(partial, target)   # never a half-written archive under the final name
    return manifest


# ---- restore ---------------------------------------------------------------------------------

def read_archive(path: str | Path) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the files of an archive, checked (format, version, checksums)."""
    path = Path(path)
    try:
        with tarfile.open(path, mode="r:*") as tar:
            files = {}
            for member in tar.getmembers():
                if member.isfile() and member.name in ("manifest.json", "database.sqlite", "database.pgdump",
                                                       "secret_key"):
                    files[member.name] = tar.extractfile(member).read()
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist") from None
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path} is not a PTSA backup archive ({exc})") from None
    if "manifest.json" not in files:
        raise BackupError(f"{path} has no manifest.json: not a PTSA backup archive")
    try:
        manifest = json.loads(files.pop("manifest.json"))
    except ValueError as exc:
        raise BackupError(f"{path}: manifest.json is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: the manifest is not a {FORMAT} manifest")
    if manifest.get("version") != VERSION:
        raise BackupError(f"{path}: backup format version {manifest.get('version')!r}; this PTSA reads {VERSION}")
    expected = manifest.get("files") or {}
    for name, digest in expected.items():
        if name not in files:
            raise BackupError(f"{path}: {name} is missing from the archive")
        if _sha256(files[name]) != digest:
            raise BackupError(f"{path}: {name} does not match its checksum in the manifest (damaged archive)")
    if set(files) - set(expected):
        raise BackupError(f"{path}: files not named in the manifest: {', '.join(sorted(set(files) - set(expected)))}")
    return manifest, files


def restore(settings: dict, source: str | Path, force: bool = False) -> dict:
    """Restore the archive into the configured database; returns a summary. Stop the server first."""
    url = settings["database"]["url"]
    kind = _kind(url)
    manifest, files = read_archive(source)
    if manifest.get("database") != kind:
        raise BackupError(f"this is a {manifest.get('database')} backup but the configured database is {kind}; "
                          "restore it into a database of its kind, then `ptsa copy-database` to move it")
    unknown = sorted(set(manifest.get("migrations") or []) - set(known_migrations()))
    if unknown:
        raise BackupError(f"the backup's schema is newer than this PTSA ({', '.join(unknown)} unknown): "
                          "update the code first")
    try:
        present = {t: n for t, n in table_rows(url).items() if n}
    except Exception as exc:   # noqa: BLE001 - an unreachable target: say so, change nothing
        raise BackupError(f"cannot read the target database {redact(url)}: {exc}") from None
    if present and not force:
        listed = ", ".join(f"{t} ({n})" for t, n in sorted(present.items())[:6])
        raise BackupError(f"the database {redact(url)} is not empty: {listed}; "
                          "restore --force replaces everything in it")
    if kind == "sqlite":
        _restore_sqlite(url, files["database.sqlite"])
    else:
        _restore_postgres(url, files["database.pgdump"], replace=True)
    key_note = _restore_key(settings, files["secret_key"].decode().strip())
    import db
    db.connect(url)
    applied = db.migrate()
    return {"manifest": manifest, "migrations_applied": applied, "secret_key": key_note,
            "rows": {t: n for t, n in table_rows(url).items() if n}}


def _restore_sqlite(url: str, data: bytes) -> None:
    path = _sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".restoring")
    partial.write_bytes(data)
    check = sqlite3.connect(str(partial))
    try:
        verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if verdict != "ok":
        partial.unlink()
        raise BackupError(f"the database in the backup fails SQLite's integrity check: {verdict}")
    for suffix in ("-wal", "-shm"):   # the old file's log must not be replayed onto the restored one
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.replace(partial, path)


def _restore_postgres(url: str, dump: bytes, replace: bool) -> None:
    """The dump becomes a plain SQL script (pg_restore -f), run by psql in ONE transaction after
    dropping the old tables (also ones the backup does not know): a failure leaves the database
    exactly as it was."""
    args, env = _pg_env(url)
    drops = []
    if replace:
        import psycopg2
        conn = psycopg2.connect(url, connect_timeout=10)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
                drops = [f'DROP TABLE IF EXISTS "{name}" CASCADE;' for (name,) in cur.fetchall()]
        finally:
            conn.close()
    with tempfile.TemporaryDirectory(prefix="ptsa-restore-") as tmp:
        dump_path, script = Path(tmp) / "database.pgdump", Path(tmp) / "restore.sql"
        dump_path.write_bytes(dump)
        _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", str(Path(tmp) / "dump.sql"),
              str(dump_path)], env, "pg_restore")
        script.write_text("\n".join(drops) + "\n" + (Path(tmp) / "dump.sql").read_text())
        _run([_pg_tool("psql"), "--quiet", "--no-psqlrc", "--single-transaction", "--set", "ON_ERROR_STOP=1",
              "--file", str(script), *args], env, "psql (loading the dump)")


def _restore_key(settings: dict, key: str) -> str:
    configured = settings["server"]["secret_key"]
    if configured:
        return ("kept: [server] secret_key is set in the settings" if configured == key else
                "the settings' [server] secret_key differs from the backup's: sessions signed before "
                "the backup are not valid (staff sign in again)")
    path = Path(settings["server"]["data_dir"]) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return f"restored to {path}"
