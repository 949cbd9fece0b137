"""Parse the printer setting string and open the matching python-escpos printer.

Accepted forms (see ACCEPTED_FORMS): usb:VID:PID[:IN_EP:OUT_EP], network:HOST[:PORT],
serial:DEVICE[:BAUD], file:PATH, virtual:DIR, dummy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from escpos.capabilities import get_profile
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy, File, Network, Serial, Usb

from .errors import PrinterError, PrinterOfflineError, PrinterSpecError

ACCEPTED_FORMS = (
    "usb:VID:PID[:IN_EP:OUT_EP] (hex, e.g. usb:04b8:0202 or usb:0416:5011:81:03), "
    "network:HOST[:PORT] (port 9100 if omitted, e.g. network:192.168.1.50), "
    "serial:DEVICE[:BAUD] (e.g. serial:/dev/ttyUSB0:19200), "
    "file:PATH (e.g. file:/dev/usb/lp0), "
    "virtual:DIR (writes .bin and .png files), "
    "dummy (keeps the bytes in memory)"
)
DEFAULT_NETWORK_PORT = 9100
DEFAULT_BAUDRATE = 9600
SUPPORTED_PAPER_MM = (58, 80)

Kind = Literal["usb", "network", "serial", "file", "virtual", "dummy"]

_HEX = re.compile(r"^(0x)?[0-9a-fA-F]{1,4}$")
_HOST = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class PrinterSpec:
    """A parsed printer setting."""

    kind: Kind
    vendor_id: int | None = None
    product_id: int | None = None
    in_ep: int | None = None
    out_ep: int | None = None
    host: str | None = None
    port: int | None = None
    path: str | None = None  # serial device, file path or virtual directory
    baudrate: int | None = None


def _bad(spec: str, why: str) -> PrinterSpecError:
    return PrinterSpecError(f"invalid printer setting {spec!r}: {why}. Accepted forms: {ACCEPTED_FORMS}")


def _hex(spec: str, value: str, what: str) -> int:
    if not _HEX.match(value):
        raise _bad(spec, f"{what} must be hexadecimal (1-4 digits), got {value!r}")
    number = int(value, 16)
    if number == 0:  # escpos treats 0 as "not given" and would grab any USB device
        raise _bad(spec, f"{what} must not be 0")
    return number


def parse_spec(spec: str) -> PrinterSpec:
    """Parse a setting string such as ``usb:04b8:0202`` or ``network:10.0.0.5``."""
    if not isinstance(spec, str) or not spec.strip():
        raise _bad(str(spec), "empty setting")
    text = spec.strip()
    kind, _, rest = text.partition(":")
    kind = kind.lower()

    if kind == "dummy":
        if rest:
            raise _bad(spec, "'dummy' takes no arguments")
        return PrinterSpec("dummy")
    if kind == "usb":
        parts = rest.split(":")
        if len(parts) not in (2, 4):
            raise _bad(spec, "usb needs VID:PID or VID:PID:IN_EP:OUT_EP")
        names = ("vendor id", "product id", "IN endpoint", "OUT endpoint")[: len(parts)]
        ids = [_hex(spec, part, name) for part, name in zip(parts, names, strict=True)]
        in_ep, out_ep = (ids[2], ids[3]) if len(ids) == 4 else (None, None)
        return PrinterSpec("usb", vendor_id=ids[0], product_id=ids[1], in_ep=in_ep, out_ep=out_ep)
    if kind == "network":
        if rest.startswith("["):
            raise _bad(spec, "IPv6 addresses are not supported (python-escpos Network is IPv4 only)")
        host, sep, port_text = rest.partition(":")
        if not host or not _HOST.match(host):
            raise _bad(spec, f"missing or invalid host {host!r}")
        port = DEFAULT_NETWORK_PORT
        if sep:
            if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
                raise _bad(spec, f"port must be a number 1-65535, got {port_text!r}")
            port = int(port_text)
        return PrinterSpec("network", host=host, port=port)
    if kind == "serial":
        device, baudrate = rest, DEFAULT_BAUDRATE
        head, sep, tail = rest.rpartition(":")
        if sep and tail.isdigit():
            device, baudrate = head, int(tail)
        if not device:
            raise _bad(spec, "missing serial device, e.g. serial:/dev/ttyUSB0")
        if baudrate <= 0:
            raise _bad(spec, "baud rate must be positive")
        return PrinterSpec("serial", path=device, baudrate=baudrate)
    if kind in ("file", "virtual"):
        if not rest:
            raise _bad(spec, f"missing path after '{kind}:'")
        return PrinterSpec(kind, path=rest)  # type: ignore[arg-type]
    raise _bad(spec, f"unknown printer type {kind!r}")


class _Serial(Serial):
    """escpos' Serial sets only a read timeout: a printer holding flow control blocks writes forever."""

    def open(self, raise_not_found: bool = True) -> None:
        super().open(raise_not_found)
        if self._device:
            self._device.write_timeout = self.timeout


class _AppendingFile(File):
    """escpos' File opens with "wb", which truncates a regular file on every reconnect."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = open(self.devfile, "ab")  # noqa: SIM115 - stays open until close()
        except OSError as exc:
            self.device = None
            raise DeviceNotFoundError(f"Could not open the specified file {self.devfile}:\n{exc}") from exc


def _where(spec: PrinterSpec) -> str:
    match spec.kind:
        case "usb":
            return f"USB printer {spec.vendor_id:04x}:{spec.product_id:04x}"
        case "network":
            return f"network printer {spec.host}:{spec.port}"
        case "serial":
            return f"serial printer {spec.path}"
        case _:
            return f"{spec.kind} printer {spec.path or ''}".strip()


_HINTS = {
    "usb": "check the cable and power, the udev rule giving the kiosk user access, "
           "and that the usblp kernel driver does not hold the device",
    "network": "check that the printer is switched on, its IP address and port, and the network",
    "serial": "check the device name, the cable and the kiosk user's access (dialout group)",
    "file": "check the path and the kiosk user's write access",
}


def open_printer(spec: str, *, timeout: float = 5.0, profile: str | None = None,
                 paper_mm: int = 80) -> Escpos:
    """Open the printer named by `spec` and return a connected python-escpos printer object.

    Raises PrinterSpecError for a malformed setting and PrinterOfflineError when the printer
    cannot be reached. `timeout` (seconds) bounds every connect/write of real connections.
    """
    parsed = parse_spec(spec)
    if timeout is None or timeout <= 0:
        # escpos' Usb treats timeout=0 as "wait forever"; a hung printer would freeze the kiosk.
        raise PrinterSpecError(f"timeout must be > 0 seconds, got {timeout!r}")
    if paper_mm not in SUPPORTED_PAPER_MM:
        raise PrinterSpecError(f"paper_mm must be one of {SUPPORTED_PAPER_MM}, got {paper_mm!r}")
    if profile is not None:
        try:
            get_profile(profile)
        except KeyError:
            raise PrinterSpecError(f"unknown python-escpos printer profile {profile!r}") from None

    printer: Escpos
    match parsed.kind:
        case "dummy":
            return Dummy(profile=profile)
        case "virtual":
            from .virtual import VirtualPrinter  # late import: virtual imports the renderers

            return VirtualPrinter(parsed.path, paper_mm=paper_mm, profile=profile)
        case "usb":
            endpoints = {}
            if parsed.in_ep is not None:
                endpoints = {"in_ep": parsed.in_ep, "out_ep": parsed.out_ep}
            printer = Usb(parsed.vendor_id, parsed.product_id, timeout=max(1, round(timeout * 1000)),
                          profile=profile, **endpoints)  # Usb's timeout is in milliseconds
        case "network":
            printer = Network(parsed.host, parsed.port, timeout=timeout, profile=profile)
        case "serial":
            printer = _Serial(parsed.path, baudrate=parsed.baudrate, timeout=timeout, profile=profile)
        case "file":
            printer = _AppendingFile(parsed.path, profile=profile)

    try:
        printer.open()
    except DeviceNotFoundError as exc:
        reason = exc.__context__ or exc  # escpos wraps the OS error without chaining it
        raise PrinterOfflineError(f"cannot open {_where(parsed)}: {reason}; {_HINTS[parsed.kind]}") from exc
    except RuntimeError as exc:  # escpos: optional dependency (pyusb / pyserial) missing
        raise PrinterError(f"cannot open {_where(parsed)}: {exc}") from exc
    # Usb.open() checks the device with `assert`, which python -O strips: check it ourselves.
    if not printer.device:
        raise PrinterOfflineError(f"cannot open {_where(parsed)}; {_HINTS[parsed.kind]}")
    return printer
