"""Real peers for the operator commands: SMTP servers (aiosmtpd, one that demands a login), a TCP
server that never answers (timeouts), the HTTP SMS sink, and a real gammu-smsd with its files
backend and the dummy phone driver."""
from __future__ import annotations

import copy
import sys
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from intranet_server import sla
from tests.sla.sinks import Mailbox
from tests.support.live import ROOT, LiveServer, free_port
from tests.support.services import unavailable


class AuthMailbox(Mailbox):
    """An SMTP server that accepts mail only after AUTH with ptsa / rahasia (no TLS: a test)."""

    USER, PASSWORD = b"ptsa", b"rahasia"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            self.USER, self.PASSWORD)
        return AuthResult(success=ok, handled=False)   # handled=False: aiosmtpd answers 535 itself

    def start(self) -> "AuthMailbox":
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, authenticator=self._authenticate,
                                     auth_required=True, auth_require_tls=False)
        self.controller.start()
        return self


class SilentServer:
    """Accepts TCP connections and never says a word: an SMTP relay or gateway that hangs."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def stop(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def ops_settings(settings, database):
    """The demo database with e-mail and SMS pointing at nothing yet (tests fill in the peers)."""
    configured = copy.deepcopy(settings)
    configured["smtp"].update(host="127.0.0.1", port=free_port(), timeout="2s")
    configured["sms"].update(url=f"http://127.0.0.1:{free_port()}/sms", timeout="2s")
    sla.configure(configured)
    yield configured
    sla.configure(settings)


@pytest.fixture
def auth_mailbox():
    box = AuthMailbox().start()
    yield box
    box.stop()


@pytest.fixture
def silent():
    server = SilentServer()
    yield server
    server.stop()


class Gammu:
    """gammu-smsd with `service = files` and the dummy phone driver: a message handed to it really
    goes through the daemon and lands, "sent", in its sent folder."""

    def __init__(self, root: Path):
        self.root = root
        self.folders = {name: root / name for name in ("phone", "inbox", "outbox", "sent", "error")}
        for folder in self.folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        self.config = root / "smsdrc"
        self.log = root / "smsd.log"
        self.config.write_text(
            "[gammu]\nmodel = dummy\nconnection = none\n"
            f"device = {self.folders['phone']}\n\n"
            "[smsd]\nservice = files\n"
            f"inboxpath = {self.folders['inbox']}/\noutboxpath = {self.folders['outbox']}/\n"
            f"sentsmspath = {self.folders['sent']}/\nerrorsmspath = {self.folders['error']}/\n"
            f"logfile = {self.log}\ndebuglevel = 0\nloopsleep = 1\ncommtimeout = 1\n")
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Gammu":
        self.proc = subprocess.Popen(["gammu-smsd", "-c", str(self.config), "--pid", ""],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def files(self, folder: str) -> list[Path]:
        return sorted(p for p in self.folders[folder].iterdir() if p.is_file())

    def wait_sent(self, count: int, timeout: float = 30.0) -> list[Path]:
        """The daemon polls its outbox every `loopsleep`; wait for it to move the files to sent."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sent = self.files("sent")
            if len(sent) >= count:
                return sent
            if self.proc is not None and self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"gammu-smsd sent {len(self.files('sent'))} of {count} messages; its log:\n"
                             + (self.log.read_text(errors="replace") if self.log.exists() else "(none)"))


def gammu_installed() -> None:
    missing = [p for p in ("gammu-smsd", "gammu-smsd-inject") if shutil.which(p) is None]
    if missing:
        unavailable(f"{', '.join(missing)} not installed (Debian packages gammu gammu-smsd)")


@pytest.fixture
def gammu(tmp_path):
    gammu_installed()
    daemon = Gammu(tmp_path / "gammu").start()
    yield daemon
    daemon.stop()


@pytest.fixture
def gammu_stopped(tmp_path):
    """The daemon's folders and config, the daemon not running (messages wait in its outbox)."""
    gammu_installed()
    return Gammu(tmp_path / "gammu")


def sms_env(gammu: Gammu) -> dict:
    return {"PTSA_SMS_KIND": "gammu", "PTSA_SMS_GAMMU_CONFIG": str(gammu.config)}



class AccessLogServer(LiveServer):
    """`ptsa serve --access-log`: the same real server, logging one line per request."""

    def start(self, timeout: float = 30) -> "AccessLogServer":
        import requests
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "intranet_server.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--access-log"], env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer /healthz within {timeout}s:\n{self.log()}")
