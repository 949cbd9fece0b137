import time
from typing import ClassVar

import pytest
from escpos.printer import Dummy, File

from printer import connection
from printer.connection import PrinterSpec, open_printer, parse_spec
from printer.errors import PrinterOfflineError, PrinterSpecError
from printer.virtual import VirtualPrinter


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("usb:04b8:0202", PrinterSpec("usb", vendor_id=0x04B8, product_id=0x0202)),
        ("USB:0x0416:0x5011", PrinterSpec("usb", vendor_id=0x0416, product_id=0x5011)),
        ("usb:0416:5011:81:03",
         PrinterSpec("usb", vendor_id=0x0416, product_id=0x5011, in_ep=0x81, out_ep=0x03)),
        ("network:192.168.1.50", PrinterSpec("network", host="192.168.1.50", port=9100)),
        ("network:printer-1.local:9101", PrinterSpec("network", host="printer-1.local", port=9101)),
        ("  network:10.0.0.5:9100  ", PrinterSpec("network", host="10.0.0.5", port=9100)),
        ("serial:/dev/ttyUSB0", PrinterSpec("serial", path="/dev/ttyUSB0", baudrate=9600)),
        ("serial:/dev/ttyUSB0:19200", PrinterSpec("serial", path="/dev/ttyUSB0", baudrate=19200)),
        ("serial:COM3", PrinterSpec("serial", path="COM3", baudrate=9600)),
        ("file:/dev/usb/lp0", PrinterSpec("file", path="/dev/usb/lp0")),
        ("file:/tmp/with:colon.bin", PrinterSpec("file", path="/tmp/with:colon.bin")),
        ("virtual:/var/tmp/tickets", PrinterSpec("virtual", path="/var/tmp/tickets")),
        ("dummy", PrinterSpec("dummy")),
    ],
)
def test_parse_spec(spec, expected):
    assert parse_spec(spec) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "   ",
        "usb",
        "usb:04b8",
        "usb:04b8:0202:81",
        "usb:xyz:0202",
        "usb:12345:0202",
        "usb:0000:0202",
        "network:",
        "network::9100",
        "network:host:port",
        "network:host:0",
        "network:host:70000",
        "network:[::1]:9100",
        "network:bad host",
        "serial:",
        "serial::9600",
        "file:",
        "virtual:",
        "dummy:extra",
        "lp0",
        "bluetooth:00:11:22",
    ],
)
def test_bad_specs_are_rejected_with_accepted_forms(spec):
    with pytest.raises(PrinterSpecError) as info:
        parse_spec(spec)
    message = str(info.value)
    assert "Accepted forms" in message and "usb:VID:PID" in message and "network:HOST" in message
    assert isinstance(info.value, ValueError)


def test_open_dummy_and_virtual(tmp_path):
    assert isinstance(open_printer("dummy"), Dummy)
    virtual = open_printer(f"virtual:{tmp_path / 'v'}", paper_mm=58)
    assert isinstance(virtual, VirtualPrinter) and virtual.paper_mm == 58
    assert (tmp_path / "v").is_dir()


def test_open_file_appends(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    printer = open_printer(f"file:{target}")
    assert isinstance(printer, File)
    printer.text("new")
    printer.close()
    data = target.read_bytes()
    assert data.startswith(b"old") and data.endswith(b"new")  # escpos adds ESC t before the text


def test_open_rejects_zero_timeout_bad_paper_and_profile():
    with pytest.raises(PrinterSpecError):
        open_printer("dummy", timeout=0)
    with pytest.raises(PrinterSpecError):
        open_printer("dummy", paper_mm=76)
    with pytest.raises(PrinterSpecError, match="profile"):
        open_printer("dummy", profile="NoSuchPrinter")


def test_open_with_profile():
    assert open_printer("dummy", profile="TM-T20II").profile.get_columns("a") == 48


class _Recorder:
    """Stands in for an escpos printer class and records its constructor arguments."""

    calls: ClassVar[list] = []

    def __init__(self, *args, **kwargs):
        _Recorder.calls.append((args, kwargs))
        self.device = object()

    def open(self):
        pass


@pytest.mark.parametrize(
    ("spec", "timeout", "attribute", "expected"),
    [
        ("usb:04b8:0202", 5.0, "Usb", ((0x04B8, 0x0202), {"timeout": 5000, "profile": None})),
        ("usb:04b8:0202", 0.0001, "Usb", ((0x04B8, 0x0202), {"timeout": 1, "profile": None})),
        ("usb:04b8:0202:81:03", 2, "Usb",
         ((0x04B8, 0x0202), {"timeout": 2000, "profile": None, "in_ep": 0x81, "out_ep": 0x03})),
        ("network:10.0.0.5", 3.0, "Network", (("10.0.0.5", 9100), {"timeout": 3.0, "profile": None})),
        ("serial:/dev/ttyS1:19200", 4.0, "_Serial",
         (("/dev/ttyS1",), {"baudrate": 19200, "timeout": 4.0, "profile": None})),
    ],
)
def test_every_real_connection_gets_a_timeout(monkeypatch, spec, timeout, attribute, expected):
    _Recorder.calls = []
    monkeypatch.setattr(connection, attribute, _Recorder)
    open_printer(spec, timeout=timeout)
    assert _Recorder.calls == [expected]


def test_network_not_listening_fails_fast_and_clearly(closed_port):
    started = time.monotonic()
    with pytest.raises(PrinterOfflineError) as info:
        open_printer(f"network:127.0.0.1:{closed_port}", timeout=2.0)
    assert time.monotonic() - started < 2.5
    assert f"127.0.0.1:{closed_port}" in str(info.value) and "refused" in str(info.value).lower()


def test_missing_serial_device_is_offline():
    with pytest.raises(PrinterOfflineError, match="/dev/ttyDOESNOTEXIST"):
        open_printer("serial:/dev/ttyDOESNOTEXIST", timeout=1.0)


def test_unwritable_file_is_offline(tmp_path):
    with pytest.raises(PrinterOfflineError, match="write access"):
        open_printer(f"file:{tmp_path / 'missing-dir' / 'lp0'}")
