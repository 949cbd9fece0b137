"""`ptsa backup` / `ptsa restore` on SQLite (while the server runs) and on the real PostgreSQL:
everything comes back, a database with data is not overwritten without --force, a damaged or
foreign archive is refused with the reason, pending migrations run after a restore."""
from __future__ import annotations

import io
import json
import shutil
import sqlite3
import stat
import tarfile
import threading
import uuid

import pytest
import requests

from intranet_server.config import load_settings
from intranet_server.ops.backup import BackupError, backup, read_archive, restore, table_rows
from tests.support.live import LiveServer, free_port
from tests.support.services import fresh_postgres_database, unavailable


def issue_tickets(server: LiveServer, count: int) -> list[str]:
    token = server.kiosk_token(f"kiosk-{count}")
    numbers = []
    for _ in range(count):
        r = requests.post(server.url + "/api/v1/tickets", headers={"Authorization": f"Bearer {token}"},
                          json={"service": "PP", "priority": None, "idempotency_key": uuid.uuid4().hex,
                                "language": "id"}, timeout=10)
        assert r.status_code == 201, r.text
        numbers.append(r.json()["number"])
    return numbers


def settings_for(data_dir, url: str | None = None) -> dict:
    env = {"PTSA_SERVER_DATA_DIR": str(data_dir), "PTSA_CALENDAR_MODE": "always"}
    if url:
        env["PTSA_DATABASE_URL"] = url
    return load_settings(environ=env)


def test_sqlite_backup_while_the_server_runs_and_restore_elsewhere(tmp_path):
    server = LiveServer(tmp_path / "office")
    server.init()
    server.start()
    try:
        numbers = issue_tickets(server, 3)
        # a session (server-side: its row is in the database) signed with the office's key
        session = server.login("p0-01")
        archive = tmp_path / "backups" / "ptsa.tar.gz"
        done = server.ptsa("backup", str(archive))   # the server keeps running and writing
        assert "backup written to" in done.stdout and "with the secret key" in done.stdout
        issue_tickets(server, 1)                        # after the backup: not in it
        # a backup taken while the kiosk keeps issuing is one consistent instant: a gap-free prefix
        busy = tmp_path / "busy.tar.gz"
        issuing = threading.Thread(target=issue_tickets, args=(server, 40))
        issuing.start()
        server.ptsa("backup", str(busy))
        issuing.join()
    finally:
        server.stop()
    _, busy_files = read_archive(busy)
    copy = tmp_path / "busy.db"
    copy.write_bytes(busy_files["database.sqlite"])
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    seqs = [r[0] for r in conn.execute("SELECT seq FROM ticket ORDER BY seq")]
    conn.close()
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 4
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    manifest, files = read_archive(archive)
    assert manifest["database"] == "sqlite" and manifest["rows"]["ticket"] == 3
    assert manifest["migrations"][0] == "0001_initial"
    assert files["secret_key"].decode() == (tmp_path / "office" / "secret_key").read_text().strip()

    elsewhere = LiveServer(tmp_path / "new-machine")
    done = elsewhere.ptsa("restore", str(archive))
    assert "migrations applied after the restore: none" in done.stdout
    assert f"secret key: restored to {tmp_path / 'new-machine' / 'secret_key'}" in done.stdout
    conn = sqlite3.connect(tmp_path / "new-machine" / "ptsa.db")
    assert [r[0] for r in conn.execute("SELECT number FROM ticket ORDER BY id")] == numbers
    conn.close()
    elsewhere.start()
    try:   # the same key: the officer's session cookie from before still works
        r = requests.get(elsewhere.url + "/api/v1/auth/me", cookies=session.cookies.get_dict(), timeout=10)
        assert r.status_code == 200 and r.json()["username"] == "p0-01"
    finally:
        elsewhere.stop()


def test_restore_refuses_a_database_with_data_unless_forced(tmp_path, database, settings):
    archive = tmp_path / "b.tar.gz"
    backup(settings, archive)
    with pytest.raises(BackupError, match=r"is not empty: booth \(9\), .*restore --force replaces everything"):
        restore(settings, archive)
    conn = sqlite3.connect(settings["database"]["url"][len("sqlite:///"):])
    conn.execute("DELETE FROM staff WHERE username = 'admin'")
    conn.commit()
    conn.close()
    summary = restore(settings, archive, force=True)
    assert summary["rows"]["staff"] == 98      # the demo organisation, the office head included
    assert summary["migrations_applied"] == []


def test_restore_runs_pending_migrations(tmp_path, database, settings):
    """A backup made before the last migration comes back up to date."""
    archive = tmp_path / "b.tar.gz"
    backup(settings, archive)
    manifest, files = read_archive(archive)
    older = tmp_path / "older.db"
    older.write_bytes(files["database.sqlite"])
    conn = sqlite3.connect(older)
    # as before 0016: the single-column business_day index, none of the day's call-order indexes
    conn.execute("DELETE FROM schema_migration WHERE name = '0016_today_indexes'")
    conn.execute("DROP INDEX ticket_business_day_first_called_at")
    conn.execute("DROP INDEX ticket_business_day_called_at")
    conn.execute('CREATE INDEX ticket_business_day ON ticket ("business_day")')
    conn.commit()
    conn.close()
    rewritten = tmp_path / "older.tar.gz"
    data = older.read_bytes()
    import hashlib
    manifest["files"]["database.sqlite"] = hashlib.sha256(data).hexdigest()
    manifest["migrations"] = manifest["migrations"][:-1]
    with tarfile.open(rewritten, "w:gz") as tar:
        for name, content in (("manifest.json", json.dumps(manifest).encode()), ("database.sqlite", data),
                              ("secret_key", files["secret_key"])):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    target = settings_for(tmp_path / "target")
    summary = restore(target, rewritten)
    assert summary["migrations_applied"] == ["0016_today_indexes"]
    restored = sqlite3.connect(target["database"]["url"][len("sqlite:///"):])
    indexes = {name for (name,) in restored.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    restored.close()
    assert "ticket_business_day_called_at" in indexes and "ticket_business_day" not in indexes


def test_damaged_and_foreign_archives_are_refused(tmp_path, database, settings):
    archive = tmp_path / "b.tar.gz"
    backup(settings, archive)
    target = settings_for(tmp_path / "target")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            content = src.extractfile(member).read()
            if member.name == "database.sqlite":
                content = content[:-1] + b"x"
            member.size = len(content)
            dst.addfile(member, io.BytesIO(content))
    with pytest.raises(BackupError, match="database.sqlite does not match its checksum"):
        restore(target, damaged)
    not_tar = tmp_path / "notes.txt"
    not_tar.write_text("hello")
    with pytest.raises(BackupError, match="is not a PTSA backup archive"):
        restore(target, not_tar)
    with pytest.raises(BackupError, match="does not exist"):
        restore(target, tmp_path / "nothing.tar.gz")
    manifest, files = read_archive(archive)
    manifest["migrations"].append("0099_from_the_future")
    future = tmp_path / "future.tar.gz"
    with tarfile.open(future, "w:gz") as tar:
        for name, content in (("manifest.json", json.dumps(manifest).encode()),
                              *files.items()):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    with pytest.raises(BackupError, match=r"newer than this PTSA \(0099_from_the_future unknown\)"):
        restore(target, future)
    assert not (tmp_path / "target" / "ptsa.db").exists()   # nothing was written


def test_the_commands_exit_non_zero_with_the_reason(tmp_path):
    server = LiveServer(tmp_path / "d")
    done = server.ptsa("backup", str(tmp_path / "b.tar.gz"), check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == (f"ptsa backup: the SQLite database {tmp_path / 'd' / 'ptsa.db'} does not exist "
                                   "(run `ptsa init` first?)")
    server.init()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    done = server.ptsa("backup", str(blocker / "b.tar.gz"), check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == f"ptsa backup: cannot write {blocker / 'b.tar.gz'}: {blocker} is not a directory"
    port = free_port()
    server.env["PTSA_DATABASE_URL"] = f"postgresql://ptsa:geheim@127.0.0.1:{port}/ptsa"
    done = server.ptsa("backup", str(tmp_path / "b.tar.gz"), check=False)
    assert done.returncode == 1
    assert done.stderr.startswith(f"ptsa backup: cannot read the database postgresql://ptsa:***@127.0.0.1:{port}/ptsa:")
    assert "geheim" not in done.stderr and "Traceback" not in done.stderr
    del server.env["PTSA_DATABASE_URL"]
    done = server.ptsa("restore", str(tmp_path / "none.tar.gz"), check=False)
    assert done.returncode == 1 and done.stderr.strip() == f"ptsa restore: {tmp_path / 'none.tar.gz'} does not exist"


@pytest.mark.postgres
def test_postgres_backup_and_restore(tmp_path):
    if not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql")):
        unavailable("pg_dump, pg_restore or psql not installed (Debian package postgresql-client)")
    source_url, drop_source = fresh_postgres_database()
    target_url, drop_target = fresh_postgres_database()
    try:
        office = LiveServer(tmp_path / "office", env={"PTSA_DATABASE_URL": source_url})
        office.init()
        office.start()
        try:
            numbers = issue_tickets(office, 2)
            archive = tmp_path / "pg.tar.gz"
            office.ptsa("backup", str(archive))
        finally:
            office.stop()
        manifest, files = read_archive(archive)
        assert manifest["database"] == "postgresql" and "database.pgdump" in files
        assert manifest["rows"]["ticket"] == 2

        other = LiveServer(tmp_path / "other", env={"PTSA_DATABASE_URL": target_url})
        done = other.ptsa("restore", str(archive))
        assert "migrations applied after the restore: none" in done.stdout
        assert {t: n for t, n in table_rows(target_url).items() if n} == {
            t: n for t, n in manifest["rows"].items() if n}
        other.start()
        try:   # it serves, and the next ticket continues the numbering (sequences restored)
            assert issue_tickets(other, 1)[0] != numbers[-1]
            r = requests.get(other.url + "/api/v1/services", timeout=10)
            assert next(s for s in r.json() if s["code"] == "PP")["waiting"] == 3
        finally:
            other.stop()

        again = other.ptsa("restore", str(archive), check=False)
        assert again.returncode == 1 and "is not empty" in again.stderr
        forced = other.ptsa("restore", "--force", str(archive))
        assert "rows" in forced.stdout
        assert table_rows(target_url)["ticket"] == 2

        sqlite_archive_target = LiveServer(tmp_path / "sqlite-office")
        wrong = sqlite_archive_target.ptsa("restore", str(archive), check=False)
        assert wrong.returncode == 1
        assert "this is a postgresql backup but the configured database is sqlite" in wrong.stderr
    finally:
        drop_source()
        drop_target()
