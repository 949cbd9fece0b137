"""The kiosk's "Saya sudah mendaftar online / I booked online" entry: a visitor types the booking code
she got from the ministry's portal (or holds its QR to a USB scanner, which types it like a keyboard
and presses Enter) and gets her ticket, printed as any other.

The code goes to POST /api/v1/tickets {"booking_code"} on a worker thread; a ticket comes back through
the kiosk's usual issued/printed path, a refusal (used, another day's, too early, unknown) through its
error screen with the server's words, which say what to do. An unreachable server is retried with
the same idempotency key behind the "trying again" screen, as a walk-in's tap is.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from .screens import button, label

TEXTS = {
    "id": {"entry": "Sudah daftar online?", "title": "Saya sudah mendaftar online",
           "hint": "Ketik kode pendaftaran Anda (contoh: K7QM-3XPD) atau pindai kode QR-nya.",
           "ok": "Ambil tiket", "back": "Kembali", "erase": "Hapus", "empty": "Ketik kodenya dulu."},
    "en": {"entry": "Booked online?", "title": "I booked online",
           "hint": "Type your booking code (for example K7QM-3XPD) or scan its QR code.",
           "ok": "Get my ticket", "back": "Back", "erase": "Erase", "empty": "Type the code first."},
}
KEYS = "ACDEFGHJKMNPQRTUVWXY34679"   # the booking codes' alphabet: no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B)


def bt(language: str, key: str) -> str:
    return TEXTS.get(language, TEXTS["id"])[key]


class BookingScreen(QWidget):
    back = Signal()
    submitted = Signal(str)

    def __init__(self):
        super().__init__()
        self.language = "id"
        root = QVBoxLayout(self)
        root.setContentsMargins(60, 40, 60, 40)
        self.title = label("big")
        self.hint = label("hint")
        self.code = QLineEdit()
        self.code.setObjectName("code")
        self.code.setMaxLength(40)               # a scanner types the whole QR payload
        self.code.setMinimumHeight(96)
        self.code.setStyleSheet("font-size: 44px; letter-spacing: 4px;")
        self.code.returnPressed.connect(self.submit)
        self.message = label("message")
        for widget in (self.title, self.hint, self.code, self.message):
            root.addWidget(widget)
        grid = QGridLayout()
        self.keys = {}
        for i, key in enumerate(KEYS):
            widget = button("secondary", key)
            widget.setMinimumSize(96, 84)
            widget.clicked.connect(lambda _checked=False, k=key: self._type(k))
            self.keys[key] = widget
            grid.addWidget(widget, i // 9, i % 9)
        root.addLayout(grid)
        row = QHBoxLayout()
        self.back_button = button("secondary")
        self.back_button.clicked.connect(self.back)
        self.erase_button = button("secondary")
        self.erase_button.clicked.connect(lambda: self.code.backspace())
        self.ok_button = button("primary")
        self.ok_button.setMinimumHeight(110)
        self.ok_button.clicked.connect(self.submit)
        row.addWidget(self.back_button)
        row.addWidget(self.erase_button)
        row.addWidget(self.ok_button, 1)
        root.addLayout(row)
        self.entry = button("secondary")          # on Home's bar
        self.retranslate("id")

    def _type(self, key: str) -> None:
        self.code.insert(key)
        self.code.setFocus()

    def submit(self) -> None:
        code = self.code.text().strip()
        if not code:
            self.message.setText(bt(self.language, "empty"))
            return
        self.message.setText("")
        self.submitted.emit(code)

    def reset(self) -> None:
        self.code.clear()
        self.message.setText("")

    def retranslate(self, language: str) -> None:
        self.language = language
        self.title.setText(bt(language, "title"))
        self.hint.setText(bt(language, "hint"))
        self.back_button.setText(bt(language, "back"))
        self.erase_button.setText(bt(language, "erase"))
        self.ok_button.setText(bt(language, "ok"))
        self.entry.setText(bt(language, "entry"))


def attach(window) -> BookingScreen:
    """Add the booking entry to a KioskWindow: its screen in the stack, a button on Home's bar."""
    screen = BookingScreen()
    window.stack.addWidget(screen)

    def open_booking() -> None:
        screen.reset()
        window.show_screen(screen)
        screen.code.setFocus()                    # the scanner's keystrokes land in the field
    screen.entry.clicked.connect(open_booking)
    screen.back.connect(window.reset)
    screen.submitted.connect(window.redeem_booking)
    window.home.bar_layout.insertWidget(1, screen.entry, 0, Qt.AlignmentFlag.AlignVCenter)
    screen.retranslate(window.language)
    return screen
