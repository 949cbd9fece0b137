"""Printer status (DLE EOT real-time queries), with "no reply" reported as unknown.

escpos' is_online()/paper_status() cannot tell "no reply" from an answer: an empty reply gives
is_online() == False and paper_status() == 2 ("plenty of paper"). So we call query_status() ourselves,
check that a well-formed status byte came back, and decode it with escpos' own masks.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from typing import Literal

from escpos.constants import (
    RT_MASK_LOWPAPER,
    RT_MASK_NOPAPER,
    RT_MASK_ONLINE,
    RT_STATUS_ONLINE,
    RT_STATUS_PAPER,
)
from escpos.escpos import Escpos

log = logging.getLogger(__name__)

Paper = Literal["ok", "near_end", "out", "unknown"]

# Printers answer DLE EOT within milliseconds; do not wait the full connection timeout for a
# printer that does not implement it.
STATUS_REPLY_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class PrinterStatus:
    online: bool | None  # None = unknown
    paper: Paper
    detail: str = ""

    @property
    def can_print(self) -> bool:
        """False only when the printer is known to be offline or out of paper."""
        return self.online is not False and self.paper != "out"

    def __str__(self) -> str:
        online = {True: "online", False: "offline", None: "online status unknown"}[self.online]
        paper = {"ok": "paper ok", "near_end": "paper near end", "out": "paper OUT",
                 "unknown": "paper status unknown"}[self.paper]
        return f"{online}, {paper}" + (f" ({self.detail})" if self.detail else "")


def unknown_status(detail: str) -> PrinterStatus:
    return PrinterStatus(online=None, paper="unknown", detail=detail)


def can_answer_status(printer: Escpos) -> bool:
    """Whether the connection can read replies (Dummy and File cannot: their _read is not implemented)."""
    cls = type(printer)
    return cls._read is not Escpos._read or cls.query_status is not Escpos.query_status


def _is_status_byte(value: int) -> bool:
    # Every DLE EOT reply has the fixed bit pattern 0xx1xx10; anything else is noise or stale data.
    return value & 0x93 == 0x12


class _ShortReadTimeout:
    """Temporarily shorten the read timeout of a network or serial connection."""

    def __init__(self, printer: Escpos, seconds: float):
        self.device = getattr(printer, "_device", None)
        self.seconds = seconds
        self.restore = None

    def __enter__(self):
        if isinstance(self.device, socket.socket):
            self.restore = self.device.gettimeout()
            self.device.settimeout(min(self.seconds, self.restore or self.seconds))
        elif self.device is not None and hasattr(self.device, "timeout") and hasattr(self.device, "read"):
            self.restore = self.device.timeout  # pyserial
            self.device.timeout = min(self.seconds, self.restore or self.seconds)
        return self

    def __exit__(self, *exc):
        if self.restore is None:
            return
        if isinstance(self.device, socket.socket):
            self.device.settimeout(self.restore)
        else:
            self.device.timeout = self.restore


def _is_timeout(exc: BaseException) -> bool:
    # socket/serial raise TimeoutError; pyusb raises usb.core.USBTimeoutError (not importable here).
    return isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower()


def _query(printer: Escpos, command: bytes) -> int | None:
    """One status byte, or None when the printer did not answer."""
    with _ShortReadTimeout(printer, STATUS_REPLY_TIMEOUT_S):
        try:
            reply = bytes(printer.query_status(command))
        except Exception as exc:
            if _is_timeout(exc):
                return None
            raise
    if not reply:
        return None
    return reply[-1]  # the newest byte: an older one may be a stale reply


def read_status(printer: Escpos) -> PrinterStatus:
    """Ask `printer` whether it is online and has paper. Never raises for a missing reply."""
    if not can_answer_status(printer):
        return unknown_status("this connection cannot report printer status")
    try:
        online_byte = _query(printer, RT_STATUS_ONLINE)
        if online_byte is None:
            return unknown_status("printer did not answer the status query")
        paper_byte = _query(printer, RT_STATUS_PAPER)
    except NotImplementedError:
        return unknown_status("this connection cannot report printer status")
    except OSError as exc:  # socket, pyserial and pyusb errors all derive from OSError
        log.info("status query failed: %r", exc)
        return PrinterStatus(online=False, paper="unknown", detail=f"status query failed: {exc}")

    if not _is_status_byte(online_byte):
        return unknown_status(f"unexpected status reply 0x{online_byte:02x}")
    online = not (online_byte & RT_MASK_ONLINE)
    paper: Paper
    if paper_byte is None or not _is_status_byte(paper_byte):
        paper = "unknown"
    elif paper_byte & RT_MASK_NOPAPER == RT_MASK_NOPAPER:
        paper = "out"
    elif paper_byte & RT_MASK_LOWPAPER == RT_MASK_LOWPAPER:
        paper = "near_end"
    else:
        paper = "ok"
    return PrinterStatus(online=online, paper=paper, detail="" if online else "printer reports offline")
