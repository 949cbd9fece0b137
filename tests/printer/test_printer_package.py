import subprocess
import sys
from pathlib import Path

import printer

ROOT = Path(__file__).resolve().parents[2]


def test_public_api():
    for name in ("TicketData", "open_printer", "PrinterStatus", "PrinterError", "PrinterSpecError",
                 "TicketPrinter", "PrintResult"):
        assert name in printer.__all__ and hasattr(printer, name)


def test_importing_does_not_configure_root_logging():
    code = "import logging, printer; print(len(logging.root.handlers))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"


def test_imports_only_allowed_packages():
    allowed = {"escpos", "PIL", "qrcode", "printer"}
    for path in (ROOT / "printer").glob("*.py"):
        for line in path.read_text().splitlines():
            words = line.split()
            if words[:1] in (["import"], ["from"]) and not words[1].startswith("."):
                top = words[1].split(".")[0]
                assert top in allowed or top in sys.stdlib_module_names, f"{path.name}: {line}"
