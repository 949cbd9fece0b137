"""Fixtures for the printer package tests: sample tickets and a fake ESC/POS network printer."""

import dataclasses
import socket
import threading
from datetime import datetime, timedelta, timezone

import pytest

from printer.layout import TicketData

WIB = timezone(timedelta(hours=7), "WIB")


@pytest.fixture
def ticket() -> TicketData:
    return TicketData(
        office_name="PTSA Kementerian Ketenagakerjaan",
        number="A007",
        service_name="Pengesahan Peraturan Perusahaan",
        service_code="PP",
        booth_area="Booth 1-3",
        issued_at=datetime(2026, 11, 5, 8, 15, tzinfo=WIB),
        ahead=3,
        estimated_wait_s=15 * 60,
        reference="T-20261105-A007-9f3c",
        priority_label="Prioritas: Lansia",
        guidance="Silakan tunggu nomor Anda dipanggil",
    )


@pytest.fixture
def make_ticket(ticket):
    def make(**changes) -> TicketData:
        return dataclasses.replace(ticket, **changes)

    return make


class FakeNetworkPrinter:
    """A TCP server on 127.0.0.1 that records bytes and answers DLE EOT like an ESC/POS printer.

    online_reply / paper_reply: the status byte sent back, or None to stay silent.
    """

    def __init__(self, online_reply: int | None = 0x12, paper_reply: int | None = 0x12):
        self.online_reply, self.paper_reply = online_reply, paper_reply
        self.received = bytearray()
        self.connections = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def spec(self) -> str:
        return f"network:127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            conn.settimeout(0.2)
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                with self._lock:
                    self.received += chunk
                buffer += chunk
                # Answer every complete DLE EOT n in arrival order, keep a partial one for later.
                while (i := buffer.find(b"\x10\x04")) != -1 and len(buffer) >= i + 3:
                    reply = {1: self.online_reply, 4: self.paper_reply}.get(buffer[i + 2])
                    if reply is not None:
                        conn.sendall(bytes([reply]))
                    buffer = buffer[i + 3:]
                buffer = buffer[-2:]  # may hold the start of a DLE EOT split across packets

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self._thread.join(timeout=2)


@pytest.fixture
def fake_printer():
    servers = []

    def start(**kwargs) -> FakeNetworkPrinter:
        server = FakeNetworkPrinter(**kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def closed_port() -> int:
    """A local TCP port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
