"""A printer that writes tickets to a directory: for development, demos and tests.

Every finished ticket (cut) becomes ``NNNN-<number>.bin`` (the exact ESC/POS bytes) and
``NNNN-<number>.png`` (a preview rendered from the same layout). Printer conditions are simulated
through the file ``DIR/state`` (``ok``, ``near_end``, ``paper_out``, ``offline``), so an operator or a
test can flip them from outside the process; `simulate()` writes that same file.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from escpos.constants import RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.printer import Dummy

from .errors import PaperOutError, PrinterOfflineError
from .escpos_render import render_escpos
from .image_render import render_png
from .layout import Line

log = logging.getLogger(__name__)

State = Literal["ok", "near_end", "paper_out", "offline"]
STATES: tuple[State, ...] = ("ok", "near_end", "paper_out", "offline")
STATE_FILE = "state"

# Replies a real printer gives to DLE EOT 1 / DLE EOT 4 (fixed bits 0x12 plus condition bits).
_ONLINE_REPLY = {"offline": 0x12 | 0x08}
_PAPER_REPLY = {"near_end": 0x12 | 0x0C, "paper_out": 0x12 | 0x0C | 0x60}
_SEQUENCE = re.compile(r"^(\d+)-")


class VirtualPrinter(Dummy):
    """python-escpos Dummy that saves each cut ticket as .bin + .png in `directory`."""

    def __init__(self, directory: str | os.PathLike, *, paper_mm: int = 80, profile: str | None = None):
        super().__init__(profile=profile)
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.paper_mm = paper_mm
        self.last_file: Path | None = None  # .bin of the last finished ticket
        self._layout: Sequence[Line] | None = None
        self._name = "ticket"

    # ------------------------------------------------------------------ simulated condition

    @property
    def state(self) -> State:
        """The simulated condition, read from DIR/state on every call (missing file = ok)."""
        try:
            raw = (self.directory / STATE_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return "ok"
        value = raw.strip().lower().replace("-", "_")
        if value in ("", "ok"):
            return "ok"
        if value not in STATES:
            log.warning("ignoring unknown state %r in %s (use one of %s)", raw.strip(),
                        self.directory / STATE_FILE, ", ".join(STATES))
            return "ok"
        return value  # type: ignore[return-value]

    def simulate(self, state: State) -> None:
        """Set the simulated condition (writes DIR/state, so other processes see it too)."""
        if state not in STATES:
            raise ValueError(f"state must be one of {STATES}, got {state!r}")
        _write_atomically(self.directory / STATE_FILE, f"{state}\n".encode())

    def query_status(self, mode: bytes) -> bytes:
        """Answer DLE EOT like a real printer would in the simulated condition."""
        state = self.state
        if mode == RT_STATUS_ONLINE:
            return bytes([_ONLINE_REPLY.get(state, 0x12)])
        if mode == RT_STATUS_PAPER:
            return bytes([_PAPER_REPLY.get(state, 0x12)])
        return b""

    def _check_can_print(self) -> None:
        state = self.state
        if state == "offline":
            raise PrinterOfflineError(f"virtual printer {self.directory} is offline (simulated)")
        if state == "paper_out":
            raise PaperOutError(f"virtual printer {self.directory} is out of paper (simulated)")

    # ------------------------------------------------------------------ printing

    def print_layout(self, layout: Sequence[Line], name: str = "ticket") -> Path:
        """Print one ticket layout; returns the .bin file written."""
        self._check_can_print()
        self.clear()
        self._layout, self._name = layout, name
        try:
            render_escpos(layout, self)  # ends with cut(), which writes the files
        finally:
            self._layout, self._name = None, "ticket"
        assert self.last_file is not None
        return self.last_file

    def cut(self, mode: str = "FULL", feed: bool = True) -> None:
        super().cut(mode, feed)
        self._finish_ticket()

    def _finish_ticket(self) -> None:
        try:
            self._check_can_print()  # the state may have flipped while the ticket was being sent
        except Exception:
            self.clear()
            raise
        data = self.output
        self.clear()
        safe_name = re.sub(r"[^A-Za-z0-9_-]", "_", self._name) or "ticket"
        bin_path = self._claim_file(safe_name, data)
        if self._layout is not None:
            _write_atomically(bin_path.with_suffix(".png"), render_png(self._layout, self.paper_mm))
        self.last_file = bin_path
        log.info("virtual printer wrote %s (%d bytes)", bin_path, len(data))

    def _claim_file(self, name: str, data: bytes) -> Path:
        """Write data to the next free NNNN-name.bin; exclusive so parallel writers never collide, and
        whole: the bytes go to a hidden file first, hard-linked into place (link() refuses an existing
        name), so a watcher never sees the .bin empty or half written."""
        tmp = self.directory / f".{os.getpid()}-{threading.get_ident()}-{name}.bin.tmp"
        tmp.write_bytes(data)
        try:
            while True:
                numbers = [int(m.group(1)) for p in self.directory.iterdir() if (m := _SEQUENCE.match(p.name))]
                path = self.directory / f"{max(numbers, default=0) + 1:04d}-{name}.bin"
                try:
                    os.link(tmp, path)
                    return path
                except FileExistsError:
                    continue
        finally:
            tmp.unlink()


def _write_atomically(path: Path, data: bytes) -> None:
    # Write then rename, so a watcher never sees a half-written file.
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
