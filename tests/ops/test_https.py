"""The README's nginx example, as written, in front of a real server: TLS termination, the
HTTP->HTTPS redirect, the WebSocket upgrade, and ProxyFix trusting exactly the headers nginx sets
(`request.scheme` is https; a client's forged X-Forwarded-For is not believed)."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
import socketio as socketio_client

from tests.ops.conftest import AccessLogServer
from tests.support.live import ROOT, LiveServer, free_port
from tests.support.services import unavailable

pytestmark = pytest.mark.e2e


def readme_nginx_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Behind HTTPS (nginx)"):]
    return re.search(r"```nginx\n(.*?)```", section, re.S).group(1)


def wait_port(port: int, proc: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not listen on {port}:\n" + (log.read_text() if log.exists() else ""))


@pytest.fixture
def behind_nginx(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if nginx is None or shutil.which("openssl") is None:
        unavailable("nginx or openssl not installed (Debian packages nginx openssl)")
    root = tmp_path / "nginx"
    root.mkdir()
    cert, key = root / "fullchain.pem", root / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    server = AccessLogServer(tmp_path / "data", env={"PTSA_SERVER_TRUSTED_PROXIES": "1",
                                                "PTSA_SERVER_LOG_FORMAT": "json"})
    server.init()
    server.start()
    http_port, https_port = free_port(), free_port()
    site = (readme_nginx_example()
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
            .replace("/etc/ssl/ptsa/fullchain.pem", str(cert)).replace("/etc/ssl/ptsa/privkey.pem", str(key))
            .replace("server 127.0.0.1:8080;", f"server 127.0.0.1:{server.port};"))
    temp = "".join(f"{kind}_temp_path {root / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (root / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "") +
        f"worker_processes 1;\npid {root / 'nginx.pid'};\nerror_log {root / 'error.log'};\nevents {{}}\n"
        f"http {{\naccess_log {root / 'access.log'};\n{temp}{site}\n}}\n")
    proc = subprocess.Popen([nginx, "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(root / "error.log"),
                             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_port(https_port, proc, "nginx", root / "error.log")
        yield {"server": server, "http": f"http://127.0.0.1:{http_port}", "https": f"https://127.0.0.1:{https_port}",
               "cert": str(cert)}
    finally:
        proc.terminate()
        proc.wait(10)
        server.stop()


def access_lines(server: LiveServer) -> list[dict]:
    found = []
    for line in server.log().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("logger") == "ptsa.access":
            found.append(entry)
    return found


def test_readme_nginx_example_terminates_tls_and_trusts_only_its_own_headers(behind_nginx):
    server, https, cert = behind_nginx["server"], behind_nginx["https"], behind_nginx["cert"]
    r = requests.get(behind_nginx["http"] + "/display", allow_redirects=False, timeout=10)
    assert r.status_code == 301 and r.headers["Location"] == "https://127.0.0.1/display"

    r = requests.get(https + "/api/v1/services?via=nginx", verify=cert, timeout=10,
                     headers={"X-Forwarded-For": "10.66.66.66"})   # forged by the client
    assert r.status_code == 200 and any(s["code"] == "PP" for s in r.json())
    # /metrics is open to this machine only: the forged address was not believed
    assert requests.get(https + "/metrics", verify=cert, timeout=10,
                        headers={"X-Forwarded-For": "10.66.66.66"}).status_code == 200

    deadline = time.monotonic() + 10
    while not [e for e in access_lines(server) if e["path"] == "/api/v1/services?via=nginx"]:
        assert time.monotonic() < deadline, server.log()
        time.sleep(0.1)
    [entry] = [e for e in access_lines(server) if e["path"] == "/api/v1/services?via=nginx"]
    assert entry["scheme"] == "https"
    assert entry["host"] == https.removeprefix("https://")   # nginx's $host and $server_port
    assert entry["remote_addr"] == "127.0.0.1"         # the address nginx saw, not the forged one


SCREENS = 25


def test_screens_and_a_kiosk_keep_their_sockets_over_tls(behind_nginx, monkeypatch):
    """Screens one after another over wss:// through nginx, each syncing the moment it connects, then a
    kiosk's own feed and HTTP client, trusting the office CA from the machine's store (SSL_CERT_FILE
    stands in for update-ca-certificates). The threaded Socket.IO client reads and writes one TLS socket
    from two threads; before kiosk.tls serialized them, about one connection in 25 died right after
    opening under load ("WebSocket connection was closed") and its first answer never came."""
    from kiosk import tls
    from kiosk.client import LobbyFeed, ServerClient
    server, https, cert = behind_nginx["server"], behind_nginx["https"], behind_nginx["cert"]
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):   # not set on a kiosk; they would win over it
        monkeypatch.delenv(variable, raising=False)
    for screen in range(SCREENS):
        display = socketio_client.Client(reconnection=False, websocket_extra_options={
            "sslopt": {"context": tls.socket_context()}})
        try:
            display.connect(https, transports=["websocket"], wait_timeout=10)
            answer = display.call("sync", {"rooms": {"display": None}}, timeout=10)
            assert answer["ok"] and "snapshot" in answer["rooms"]["display"], f"screen {screen}: {answer}"
        finally:
            display.disconnect()

    token = server.kiosk_token("lobby-tls")
    assert any(s["code"] == "PP" for s in ServerClient(https, token).services())
    snapshots, connections = [], []
    feed = LobbyFeed(https, token, on_snapshot=snapshots.append, on_connection=connections.append)
    feed.start()
    try:
        deadline = time.monotonic() + 15
        while not snapshots:
            assert time.monotonic() < deadline, f"no lobby snapshot over TLS; connections {connections}"
            time.sleep(0.05)
        assert any(s["code"] == "PP" for s in snapshots[0])
        assert connections == [True]   # connected once, never dropped
    finally:
        feed.stop()
