"""A real `ptsa serve` process on a free loopback port, for end-to-end tests."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo12345"   # every demo account's, as `ptsa init --demo` is given it here


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """Start, stop and restart the server; `env` holds its settings (PTSA_* variables)."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, async_mode: str = "eventlet"):
        self.data_dir = Path(data_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ)
        self.env.pop("PTSA_CONFIG", None)
        self.env.update({
            "PTSA_SERVER_DATA_DIR": str(self.data_dir),
            "PTSA_ASYNC_MODE": async_mode,
            "PTSA_CALENDAR_MODE": "always",
            "PYTHONUNBUFFERED": "1",
            "PTSA_VALIDATE_EVENTS": "1",   # the contract checks (events, answers) run in the server too
        })
        self.env.update(env or {})
        self.proc: subprocess.Popen | None = None
        self.log_path = self.data_dir / "server.log"

    def ptsa(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a `ptsa` command with this server's settings."""
        result = subprocess.run([sys.executable, "-m", "intranet_server.cli", *args], env=self.env,
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"ptsa {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def init(self, *extra: str) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.ptsa("init", "--demo", "--demo-password", DEMO_PASSWORD, *extra)

    def kiosk_token(self, name: str) -> str:
        return self.ptsa("kiosk-token", name).stdout.strip().splitlines()[-1]

    def start(self, timeout: float = 30) -> "LiveServer":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "intranet_server.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
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

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.proc = None

    def restart(self) -> "LiveServer":
        self.stop()
        return self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def login(self, username: str, password: str = DEMO_PASSWORD) -> requests.Session:
        session = requests.Session()
        r = session.post(self.url + "/api/v1/auth/login", json={"username": username, "password": password},
                         timeout=10)
        r.raise_for_status()
        # what the pages' script does: the session's CSRF token from its cookie, sent as a header
        session.headers["X-CSRF-Token"] = session.cookies.get("ptsa_csrf", "")
        return session

    def task_for_a_visitor(self, kiosk_token: str, summary: str, booth: int = 3) -> tuple[dict, dict]:
        """A PP visitor takes a ticket, booth `booth` calls her and sends her task on: (ticket, task)."""
        ticket = requests.post(self.url + "/api/v1/tickets", json={"service": "PP"}, timeout=10,
                               headers={"Authorization": f"Bearer {kiosk_token}"}).json()
        officer = self.login(f"p0-{booth:02d}")
        officer.post(self.url + "/api/v1/queue/call-next", timeout=10)
        task = officer.post(self.url + "/api/v1/tasks", json={"ticket_id": ticket["id"], "summary": summary},
                            timeout=10)
        assert task.status_code == 201, task.text
        return ticket, task.json()

