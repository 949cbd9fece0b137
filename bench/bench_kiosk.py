"""Kiosk figures against a real `ptsa serve` subprocess on this machine, printed as JSON.

- tap -> bytes at the printer: a tap on a service tile (offscreen Qt, in this process) until the
  virtual printer's .bin file is written, over --taps taps (target p95 <= 300 ms); also tap -> the
  ticket screen shown.
- cold start: a fresh `python` process until Home shows the server's services (offscreen), --starts
  times; the parent's clock from before the process is spawned to the child's READY line.

    python bench/bench_kiosk.py [--taps 50] [--starts 5] [--async-mode eventlet]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SERVICES = ("PP", "DATA", "K3", "WLKP", "PKB")

CHILD = """
import sys, time
from PySide6.QtWidgets import QApplication
from types import SimpleNamespace
from kiosk.app import build_window, settings_from_args
app = QApplication(sys.argv[:1])
settings = settings_from_args(SimpleNamespace(server=sys.argv[1], token=sys.argv[2], printer=sys.argv[3],
                                              windowed=True))
window = build_window(settings)
window.resize(1920, 1080)
def ready():
    print("READY", flush=True)
    window.locked = False
    window.close()
window.homeReady.connect(ready)
window.show()
window.start()
sys.exit(app.exec())
"""


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)
    return {"p50": pick(0.50), "p95": pick(0.95), "max": round(ordered[-1], 1), "n": len(ordered)}


def wait_for(app, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        app.processEvents()
        time.sleep(0.0005)  # the UI thread idles like a real event loop would


def measure_taps(server, printer_dir: Path, taps: int) -> dict:
    from PySide6.QtWidgets import QApplication

    from kiosk.app import KioskWindow
    from kiosk.config import KioskSettings
    from printer import TicketPrinter

    app = QApplication.instance() or QApplication([])
    settings = KioskSettings(server=server.url, token=server.kiosk_token("bench-kiosk"),
                             printer=f"virtual:{printer_dir}", fullscreen=False)
    window = KioskWindow(settings, TicketPrinter(settings.printer))
    window.resize(1920, 1080)
    window.show()
    window.start()
    wait_for(app, lambda: len(window.home.tiles) >= len(SERVICES) and window.feed.connected)

    to_printer, to_screen = [], []
    for i in range(taps + 3):  # the first 3 warm up connections and caches
        before = len(list(printer_dir.glob("*.bin")))
        tapped_ns = time.time_ns()
        window.home.tiles[SERVICES[i % len(SERVICES)]].click()
        wait_for(app, lambda: window.current_screen() is window.ticket)
        screen_ms = (time.time_ns() - tapped_ns) / 1e6
        files = sorted(printer_dir.glob("*.bin"))
        assert len(files) == before + 1, "every tap prints exactly one ticket"
        printer_ms = (files[-1].stat().st_mtime_ns - tapped_ns) / 1e6
        if i >= 3:
            to_printer.append(printer_ms)
            to_screen.append(screen_ms)
        window.reset()
    window.locked = False
    window.shutdown()
    window.close()
    return {"tap_to_printer_bytes_ms": percentiles(to_printer), "tap_to_ticket_screen_ms": percentiles(to_screen),
            "target_p95_ms": 300, "meets_target": percentiles(to_printer)["p95"] <= 300}


def measure_cold_start(server, printer_dir: Path, starts: int) -> dict:
    token = server.kiosk_token("bench-cold")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("PTSA_CONFIG", None)
    runs = []
    for _ in range(starts):
        started = time.monotonic()
        child = subprocess.Popen([sys.executable, "-c", CHILD, server.url, token, f"virtual:{printer_dir}"],
                                 cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = child.stdout.readline()
        elapsed = (time.monotonic() - started) * 1000
        child.wait(30)
        if line.strip() != "READY":
            raise RuntimeError(f"kiosk did not start (exit {child.returncode})")
        runs.append(round(elapsed, 1))
    return {"cold_start_to_home_ms": {"median": round(statistics.median(runs), 1), "runs": runs}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--taps", type=int, default=50)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--async-mode", default="eventlet")
    args = parser.parse_args()

    from tests.support.live import LiveServer
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "live", async_mode=args.async_mode)
        server.init()
        server.start()
        try:
            figures = {"server": f"ptsa serve ({args.async_mode}, SQLite) on 127.0.0.1",
                       "cpus": os.cpu_count(), "printer": "virtual (writes .bin + .png per ticket)"}
            figures.update(measure_taps(server, Path(tmp) / "printer", args.taps))
            figures.update(measure_cold_start(server, Path(tmp) / "printer-cold", args.starts))
        finally:
            server.stop()
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
