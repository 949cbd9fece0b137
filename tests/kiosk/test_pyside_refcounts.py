"""The installed PySide6 must not release references it does not own.

PySide6 6.12.0 on Python 3.11 drops a reference to None (or True) on every Qt call returning
nothing and every signal emitted; a kiosk then aborts with "Fatal Python error: none_dealloc"
within minutes (pyproject.toml pins below 6.12 for this). Runs in a child process because the
failure is the interpreter aborting."""
from __future__ import annotations

import os
import subprocess
import sys

CHURN = """
import sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
class Emitter(QObject):
    fired = Signal(object)
label, emitter = QLabel(), Emitter()
emitter.fired.connect(lambda value: None)
before = sys.getrefcount(None), sys.getrefcount(True)
for _ in range(100_000):   # more Qt calls than a busy kiosk makes in a day
    label.setText("x")
    label.update()
for _ in range(20_000):
    emitter.fired.emit(1)
after = sys.getrefcount(None), sys.getrefcount(True)
print("delta", after[0] - before[0], after[1] - before[1], flush=True)
"""


def test_qt_calls_and_signals_keep_reference_counts():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", CHURN], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"PySide6 aborted the interpreter: {result.stderr[-1500:]}"
    none_delta, true_delta = map(int, result.stdout.split()[1:3])
    assert abs(none_delta) < 100 and abs(true_delta) < 100, result.stdout
