"""The kiosk's TLS socket against a real TLS peer: a reader waiting for data never holds up a writer
(the lock is taken only around the TLS call itself), reads time out as the socket's timeout says, and
the trust comes from the machine's store."""
from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest

from kiosk import tls
from tests.support.services import unavailable


@pytest.fixture
def tls_peer(tmp_path, monkeypatch):
    """A TLS server on 127.0.0.1 that answers every line with `ok <line>` once told to; its
    self-signed certificate is the machine's trust store for the test."""
    if shutil.which("openssl") is None:
        unavailable("openssl not installed (Debian package openssl)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve():
        conn, _ = listener.accept()
        try:
            peer = server_context.wrap_socket(conn, server_side=True)
        except ssl.SSLError:   # the client did not trust us: the conversation ends there
            conn.close()
            return
        with peer:
            buffer = b""
            while True:
                chunk = peer.recv(4096)
                if not chunk:
                    return
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    received.append(line)
                    if line.startswith(b"echo "):
                        peer.sendall(b"ok " + line + b"\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], received
    listener.close()


def connect(port: int, timeout: float) -> tls.SerializedSSLSocket:
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return tls.socket_context().wrap_socket(raw, server_hostname="127.0.0.1")


def test_a_waiting_reader_does_not_hold_up_the_writer(tls_peer):
    port, received = tls_peer
    sock = connect(port, timeout=10)
    assert isinstance(sock, tls.SerializedSSLSocket)
    answers = []
    reader = threading.Thread(target=lambda: answers.append(sock.recv(4096)), daemon=True)
    reader.start()
    time.sleep(0.2)   # the reader is now waiting for the peer, which says nothing yet
    sent_at = time.monotonic()
    sock.sendall(b"quiet\n")   # the writer gets through while the reader waits
    deadline = time.monotonic() + 5
    while b"quiet" not in received:
        assert time.monotonic() < deadline, "the write never reached the peer"
        time.sleep(0.01)
    assert time.monotonic() - sent_at < 5 and reader.is_alive()
    sock.sendall(b"echo 1\n")
    reader.join(5)
    assert answers == [b"ok echo 1\n"]
    sock.close()


def test_a_read_times_out_as_the_socket_says(tls_peer):
    port, _ = tls_peer
    sock = connect(port, timeout=0.3)
    with pytest.raises(TimeoutError):
        sock.recv(4096)
    sock.sendall(b"echo after the timeout\n")   # the socket is still usable, its timeout unchanged
    assert sock.recv(4096) == b"ok echo after the timeout\n"
    assert sock.gettimeout() == 0.3
    sock.close()


def test_requests_and_sockets_trust_the_machines_store(tls_peer, monkeypatch):
    port, _ = tls_peer
    assert tls.system_ca_file() == ssl.get_default_verify_paths().cafile   # SSL_CERT_FILE here
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/ca.pem")   # a store without the office CA
    with pytest.raises(ssl.SSLCertVerificationError):
        connect(port, timeout=5)
