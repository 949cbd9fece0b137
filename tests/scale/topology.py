"""The documented scale-out topology, for tests and benches: Debian's nginx with the README's
"Scaling out" configuration in front of N `ptsa serve` processes sharing PostgreSQL and Redis, and
screens that speak the real clients' `sync` protocol (catch up on connect and on a seq gap)."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests
import socketio

from tests.support.live import ROOT, LiveServer, free_port

README = ROOT / "README.md"


def readme_nginx_block() -> str:
    """The ```nginx example of the README's "Scaling out" section, as written there."""
    text = README.read_text()
    section = text[text.index("## Scaling out"):]
    section = section[:section.index("\n## ", 3)]
    match = re.search(r"```nginx\n(.*?)```", section, re.S)
    assert match, "README's Scaling out section has no ```nginx example"
    return "\n".join(line[3:] if line.startswith("   ") else line for line in match.group(1).splitlines())


def nginx_config(upstreams: list[str], port: int, workdir: Path) -> str:
    """The README's server block, its upstream pointed at `upstreams` and listening on `port`,
    inside the minimal main configuration a non-root nginx needs (every path in `workdir`)."""
    block = readme_nginx_block()
    servers = " ".join(f"server {u};" for u in upstreams)
    block, n = re.subn(r"upstream ptsa \{[^}]*\}", "upstream ptsa { " + servers + " }", block)
    assert n == 1, "the README's nginx example has no `upstream ptsa { ... }`"
    block, n = re.subn(r"listen \d+;", f"listen 127.0.0.1:{port};", block)
    assert n == 1, "the README's nginx example has no `listen PORT;`"
    temp = "\n".join(f"  {kind}_temp_path {workdir}/{kind};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"daemon off;\nworker_processes 1;\npid {workdir}/nginx.pid;\nerror_log {workdir}/error.log warn;\n"
            f"events {{ worker_connections 4096; }}\nhttp {{\n  access_log off;\n{temp}\n{block}\n}}\n")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


class Nginx:
    """Debian's nginx as an unprivileged process (under root it drops to `nobody` first)."""

    def __init__(self, upstreams: list[str]):
        self.binary = nginx_binary()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # not under pytest's tmp_path: that is private to its user, and nginx may run as nobody
        self.workdir = Path(tempfile.mkdtemp(prefix="ptsa-nginx-"))
        os.chmod(self.workdir, 0o777)
        self.conf = self.workdir / "nginx.conf"
        self.conf.write_text(nginx_config(upstreams, self.port, self.workdir))
        os.chmod(self.conf, 0o644)
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 15) -> "Nginx":
        def drop_root():
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
        self.proc = subprocess.Popen([self.binary, "-p", str(self.workdir), "-c", str(self.conf), "-e", "stderr"],
                                     stdout=subprocess.DEVNULL, stderr=open(self.workdir / "stderr.log", "wb"),
                                     preexec_fn=drop_root, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.proc.returncode}: {self.log()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"nginx did not proxy /healthz within {timeout}s: {self.log()}")

    def log(self) -> str:
        return "".join(p.read_text(errors="replace") for p in (self.workdir / "stderr.log", self.workdir / "error.log")
                       if p.exists())

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_cluster(tmp_path: Path, n: int, env: dict[str, str]) -> list[LiveServer]:
    """`n` servers on one database and message queue, the first one initialising it; started in parallel."""
    env = {"PTSA_SERVER_SECRET_KEY": "scale-out-shared-secret", **env}   # one login works on every process
    servers = [LiveServer(tmp_path / f"server{i}", env=env) for i in range(n)]
    servers[0].init()
    errors = []

    def start(server):
        try:
            server.start(timeout=60)
        except Exception as exc:   # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=start, args=(s,)) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        for s in servers:
            s.stop()
        raise errors[0]
    return servers


def kill_hard(server: LiveServer) -> None:
    """kill -9 the whole process (and anything it started): no shutdown handler runs."""
    os.killpg(server.proc.pid, signal.SIGKILL)
    server.proc.wait(10)
    server.proc = None


def socket_ports(pid: int) -> set[int]:
    """The local TCP ports of the sockets process `pid` holds (from /proc: no psutil needed)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        path = Path(f"/proc/{pid}/net/{table}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def sweeper_leader(servers: list[LiveServer], database_url: str) -> LiveServer | None:
    """The server whose connection holds the sweeper's advisory lock in PostgreSQL."""
    import psycopg2
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()")
        ports = {row[0] for row in cur.fetchall()}
    conn.close()
    for server in servers:
        if server.proc and ports & socket_ports(server.proc.pid):
            return server
    return None


class Screen:
    """A display or booth screen: records every event by (room, seq), catches up with `sync` on every
    (re)connect and when it sees a gap, as web/static/js/ptsa.js does."""

    def __init__(self, url: str, name: str, *, cookie: str | None = None, rooms: tuple[str, ...] = ()):
        self.url, self.name = url, name
        self.headers = {"Cookie": cookie} if cookie else {}
        self.candidates = rooms
        self.lock = threading.Lock()
        self.base: dict[str, int] = {}            # room -> seq of the snapshot it started from
        self.seen: dict[str, dict[int, tuple[str, dict]]] = {}
        self.duplicates = self.connects = self.disconnects = self.gap_syncs = 0
        self.sync_errors: list[str] = []
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1,
                                      randomization_factor=0.2)
        self.client.on("*", self._event)
        self.client.on("connect", self._connected)
        self.client.on("disconnect", self._disconnected)
        self._syncing = threading.Lock()
        self._again = False

    def connect(self) -> "Screen":
        self.client.connect(self.url, headers=self.headers, transports=["websocket"], wait_timeout=20)
        return self

    def _connected(self):
        with self.lock:
            self.connects += 1
        # the connect handler runs on the client's reader: the sync call must not wait there
        self.client.start_background_task(self.sync)

    def _disconnected(self, *_args):
        with self.lock:
            self.disconnects += 1

    def contiguous(self, room: str) -> int | None:
        """The last seq up to which this screen has every event of `room`."""
        if room not in self.base:
            return None
        last, seen = self.base[room], self.seen.get(room, {})
        while last + 1 in seen:
            last += 1
        return last

    def sync(self) -> None:
        self._again = True
        while self._again:               # a sync asked for while one runs is done right after it
            if not self._syncing.acquire(blocking=False):
                return
            try:
                self._again = False
                self._sync_once()
            finally:
                self._syncing.release()

    def _sync_once(self) -> None:
        with self.lock:
            rooms = {room: self.contiguous(room) for room in (self.base or dict.fromkeys(self.candidates))}
        try:
            answer = self.client.call("sync", {"rooms": rooms}, timeout=15)
        except Exception as exc:   # noqa: BLE001 - a dropped connection syncs again on reconnect
            self.sync_errors.append(repr(exc))
            return
        with self.lock:
            for room, part in answer["rooms"].items():
                if "error" in part:
                    continue
                if "snapshot" in part:
                    self.base.setdefault(room, part["seq"])
                    if part["seq"] > self.contiguous(room):   # events no longer kept: start anew
                        self.base[room] = part["seq"]
                else:
                    for offset, (event, payload) in enumerate(part["events"]):
                        self._store(room, rooms[room] + 1 + offset, event, payload)

    def _store(self, room, seq, event, payload) -> None:
        bucket = self.seen.setdefault(room, {})
        if seq in bucket:
            self.duplicates += 1
        bucket[seq] = (event, payload)

    def _event(self, event, data):
        if not isinstance(data, dict) or "room" not in data:
            return
        gap = False
        with self.lock:
            room, seq = data["room"], data["seq"]
            self._store(room, seq, event, data)
            last = self.contiguous(room)
            gap = last is not None and seq > last + 1
            if gap:
                self.gap_syncs += 1
        if gap:
            self.client.start_background_task(self.sync)

    def events(self, room: str) -> list[tuple[str, dict]]:
        with self.lock:
            base = self.base.get(room, 0)
            return [self.seen[room][s] for s in sorted(self.seen.get(room, {})) if s > base]

    def close(self) -> None:
        try:
            self.client.disconnect()
        except Exception:   # noqa: BLE001
            pass
