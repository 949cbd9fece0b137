"""The kiosk's "Survei / Survey" entry: a visitor types the number on her ticket and rates the visit.

Flow: Number -> the nine questions, one at a time -> optional profile and comment -> Thanks. The form's
words come from the server (GET /api/v1/surveys/form), the ticket from GET /api/v1/surveys/ticket, the
answer goes to POST /api/v1/surveys, all with the kiosk's bearer token on worker threads. The kiosk's
idle reset (KioskWindow.reset) abandons an unfinished survey: nothing is sent.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from .client import ServerRefused, ServerUnreachable
from .screens import button, label

TEXTS = {
    "id": {
        "entry": "Survei", "title": "Survei Kepuasan Masyarakat",
        "number": "Ketik nomor pada tiket Anda (contoh: P001)", "next": "Lanjut", "back": "Kembali",
        "cancel": "Batal", "anonymous": "Anonim: tidak ada nama yang disimpan.",
        "finish": "Hampir selesai — boleh dilewati", "comment": "Saran atau komentar (boleh kosong)",
        "send": "Kirim penilaian", "thanks": "Terima kasih! Penilaian Anda membantu kami memperbaiki pelayanan.",
        "done": "Selesai", "checking": "Memeriksa tiket…", "sending": "Mengirim…",
        "unreachable": "Server tidak dapat dihubungi. Coba lagi sebentar lagi.",
        "unknown_ticket": "Tiket itu tidak ditemukan hari ini. Periksa nomornya.",
        "not_served": "Tiket itu belum selesai dilayani. Survei dibuka setelah layanan.",
        "already_answered": "Tiket itu sudah mengisi survei. Terima kasih!",
        "survey_closed": "Survei untuk tiket itu sudah ditutup.",
        "age_band": "Usia", "sex": "Jenis kelamin", "education": "Pendidikan", "occupation": "Pekerjaan",
        "progress": "Pertanyaan {i} dari {n}",
    },
    "en": {
        "entry": "Survey", "title": "Satisfaction survey",
        "number": "Type the number on your ticket (for example P001)", "next": "Next", "back": "Back",
        "cancel": "Cancel", "anonymous": "Anonymous: no name is stored.",
        "finish": "Almost done — you may skip this", "comment": "Suggestions or comments (optional)",
        "send": "Send", "thanks": "Thank you! Your rating helps us improve the service.",
        "done": "Done", "checking": "Checking the ticket…", "sending": "Sending…",
        "unreachable": "The server cannot be reached. Please try again shortly.",
        "unknown_ticket": "No such ticket today. Please check the number.",
        "not_served": "That ticket has not been served yet. The survey opens after the service.",
        "already_answered": "That ticket has already been surveyed. Thank you!",
        "survey_closed": "The survey for that ticket is closed.",
        "age_band": "Age", "sex": "Sex", "education": "Education", "occupation": "Occupation",
        "progress": "Question {i} of {n}",
    },
}
KEYS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"   # ticket letters avoid I and O


def st(language: str, key: str, **values) -> str:
    text = TEXTS.get(language, TEXTS["id"]).get(key) or TEXTS["id"][key]
    return text.format(**values) if values else text


class SurveyBridge(QObject):
    found = Signal(int, object, object)   # job, ticket, form
    sent = Signal(int)
    failed = Signal(int, str)             # job, text key (unreachable / the server's error code)


class SurveyScreen(QWidget):
    """All of the survey's pages; `finished` sends the kiosk back to Home."""
    finished = Signal()

    def __init__(self, window):
        super().__init__()
        self.window = window
        self.language = "id"
        self.bridge = SurveyBridge(self)
        self.bridge.found.connect(self._found)
        self.bridge.sent.connect(self._sent)
        self.bridge.failed.connect(self._failed)
        self.job = 0
        self.ticket: dict | None = None
        self.form: dict | None = None
        self.scores: list[int] = []
        self.step = 0
        self.profile: dict[str, str] = {}
        self.profile_buttons: dict[str, dict[str, object]] = {}
        self.entry = button("language")   # goes on Home's top bar (attach)
        self.entry.setObjectName("surveyEntry")

        root = QVBoxLayout(self)
        root.setContentsMargins(48, 28, 48, 28)
        root.setSpacing(16)
        self.title = label("big", align=Qt.AlignmentFlag.AlignHCenter)
        root.addWidget(self.title)
        self.pages = QStackedWidget()
        root.addWidget(self.pages, 1)

        # number entry, with an on-screen keypad (no keyboard on a kiosk)
        self.number_page = QWidget()
        col = QVBoxLayout(self.number_page)
        self.number_hint = label("hint", align=Qt.AlignmentFlag.AlignHCenter)
        self.number = QLineEdit()
        self.number.setObjectName("surveyNumber")
        self.number.setMaxLength(6)
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setStyleSheet("font-size: 56px; font-weight: bold; min-height: 96px;")
        self.message = label("hint", align=Qt.AlignmentFlag.AlignHCenter)
        col.addWidget(self.number_hint)
        col.addWidget(self.number)
        col.addWidget(self.message)
        keys = QGridLayout()
        keys.setSpacing(8)
        self.keys: dict[str, object] = {}
        for i, key in enumerate(KEYS):
            widget = button("key", key)
            widget.clicked.connect(lambda _=False, k=key: self.number.insert(k))
            self.keys[key] = widget
            keys.addWidget(widget, i // 10, i % 10)
        col.addLayout(keys)
        row = QHBoxLayout()
        self.cancel_button = button("secondary")
        self.cancel_button.clicked.connect(self.finished)
        self.erase_button = button("secondary", "⌫")
        self.erase_button.clicked.connect(self.number.backspace)
        self.next_button = button("primary")
        self.next_button.clicked.connect(self.look_up)
        row.addWidget(self.cancel_button)
        row.addWidget(self.erase_button)
        row.addWidget(self.next_button, 1)
        col.addLayout(row)
        self.pages.addWidget(self.number_page)

        # one question at a time
        self.question_page = QWidget()
        col = QVBoxLayout(self.question_page)
        self.progress = label("hint")
        self.element_name = label("big")
        self.question = label("hint")
        col.addWidget(self.progress)
        col.addWidget(self.element_name)
        col.addWidget(self.question)
        answers = QHBoxLayout()
        answers.setSpacing(16)
        self.answers = []
        for score in range(1, 5):
            widget = button("secondary")
            widget.setStyleSheet("min-height: 200px; font-size: 30px;")   # the kiosk's biggest targets
            widget.clicked.connect(lambda _=False, s=score: self.choose(s))
            self.answers.append(widget)
            answers.addWidget(widget, 1)
        col.addSpacing(24)
        col.addLayout(answers)
        col.addSpacing(24)
        self.question_back = button("secondary")
        self.question_back.clicked.connect(self.back)
        col.addWidget(self.question_back, 0, Qt.AlignmentFlag.AlignLeft)
        col.addStretch(1)
        self.pages.addWidget(self.question_page)

        # optional profile and comment
        self.finish_page = QWidget()
        # a chosen answer must show as chosen (the kiosk's stylesheet has no checked state)
        self.finish_page.setStyleSheet("QPushButton:checked { background: #0A2A5E; color: #FFFFFF; }"
                                       "QLineEdit { min-height: 64px; font-size: 26px; }")
        self.finish_layout = QVBoxLayout(self.finish_page)
        self.finish_hint = label("hint")
        self.finish_layout.addWidget(self.finish_hint)
        self.profile_rows = QVBoxLayout()
        self.finish_layout.addLayout(self.profile_rows)
        self.comment_hint = label("hint")
        self.comment = QLineEdit()
        self.comment.setMaxLength(1000)
        self.finish_layout.addWidget(self.comment_hint)
        self.finish_layout.addWidget(self.comment)
        row = QHBoxLayout()
        self.finish_back = button("secondary")
        self.finish_back.clicked.connect(self.back)
        self.send_button = button("primary")
        self.send_button.clicked.connect(self.send)
        row.addWidget(self.finish_back)
        row.addWidget(self.send_button, 1)
        self.finish_layout.addLayout(row)
        self.finish_message = label("hint")
        self.finish_layout.addWidget(self.finish_message)
        self.finish_layout.addStretch(1)
        self.pages.addWidget(self.finish_page)

        # thanks
        self.thanks_page = QWidget()
        col = QVBoxLayout(self.thanks_page)
        self.thanks = label("big", align=Qt.AlignmentFlag.AlignCenter)
        self.done_button = button("primary")
        self.done_button.clicked.connect(self.finished)
        col.addStretch(1)
        col.addWidget(self.thanks)
        col.addWidget(self.done_button)
        col.addStretch(1)
        self.pages.addWidget(self.thanks_page)
        self.retranslate("id")

    # ------------------------------------------------------------------ texts and state

    def retranslate(self, language: str) -> None:
        self.language = language
        self.entry.setText(st(language, "entry"))
        self.title.setText(st(language, "title"))
        self.number_hint.setText(st(language, "number") + "\n" + st(language, "anonymous"))
        self.cancel_button.setText(st(language, "cancel"))
        self.next_button.setText(st(language, "next"))
        self.question_back.setText(st(language, "back"))
        self.finish_hint.setText(st(language, "finish"))
        self.comment_hint.setText(st(language, "comment"))
        self.finish_back.setText(st(language, "back"))
        self.send_button.setText(st(language, "send"))
        self.thanks.setText(st(language, "thanks"))
        self.done_button.setText(st(language, "done"))
        if self.form and self.pages.currentWidget() is self.question_page:
            self._show_step()

    def reset(self) -> None:
        """Forget everything (a new visitor, or the idle reset abandoned this one)."""
        self.job += 1   # answers of work still in flight are ignored
        self.ticket, self.scores, self.step, self.profile = None, [], 0, {}
        self.number.clear()
        self.comment.clear()
        self.message.setText("")
        self.finish_message.setText("")
        self.next_button.setEnabled(True)
        self.send_button.setEnabled(True)
        for buttons in self.profile_buttons.values():
            for widget in buttons.values():
                widget.setChecked(False)
        self.pages.setCurrentWidget(self.number_page)

    def current_page(self) -> QWidget:
        return self.pages.currentWidget()

    # ------------------------------------------------------------------ steps

    def look_up(self) -> None:
        number = self.number.text().strip().upper()
        if len(number) < 2:
            self.message.setText(st(self.language, "unknown_ticket"))
            return
        self.job += 1
        job = self.job
        self.message.setText(st(self.language, "checking"))
        self.next_button.setEnabled(False)
        client = self.window.client

        def work() -> None:
            try:
                ticket = client._request("GET", "/api/v1/surveys/ticket", params={"number": number})
                form = self.form or client._request("GET", "/api/v1/surveys/form")
                self.bridge.found.emit(job, ticket, form)
            except ServerRefused as exc:
                self.bridge.failed.emit(job, exc.code)
            except ServerUnreachable:
                self.bridge.failed.emit(job, "unreachable")
        self.window.pool.start(work)

    def _found(self, job: int, ticket: dict, form: dict) -> None:
        if job != self.job:
            return
        self.ticket, self.form = ticket, form
        self._build_profile()
        self.step, self.scores = 0, []
        self.next_button.setEnabled(True)
        self.message.setText("")
        self._show_step()
        self.pages.setCurrentWidget(self.question_page)

    def _failed(self, job: int, code: str) -> None:
        if job != self.job:
            return
        key = code if code in TEXTS["id"] else "unreachable"
        self.next_button.setEnabled(True)
        self.send_button.setEnabled(True)
        if self.pages.currentWidget() is self.finish_page:
            if code == "already_answered":
                self.pages.setCurrentWidget(self.thanks_page)
                return
            self.finish_message.setText(st(self.language, key))
        else:
            self.message.setText(st(self.language, key))

    def _show_step(self) -> None:
        element = self.form["elements"][self.step]
        en = self.language == "en"
        n = len(self.form["elements"])
        self.progress.setText(f"{self.ticket['number']} · " + st(self.language, "progress", i=self.step + 1, n=n))
        self.element_name.setText(element["en"] if en else element["id"])
        self.question.setText(element["q_en"] if en else element["q_id"])
        words = element["a_en"] if en else element["a_id"]
        for score, widget in enumerate(self.answers, start=1):
            widget.setText(f"{score}\n{words[score - 1]}")
        self.question_back.setVisible(True)

    def choose(self, score: int) -> None:
        self.scores = self.scores[:self.step] + [score]
        if self.step + 1 < len(self.form["elements"]):
            self.step += 1
            self._show_step()
        else:
            self.pages.setCurrentWidget(self.finish_page)

    def back(self) -> None:
        if self.pages.currentWidget() is self.finish_page:
            self.pages.setCurrentWidget(self.question_page)
            self._show_step()
        elif self.step > 0:
            self.step -= 1
            self._show_step()
        else:
            self.reset()

    def _build_profile(self) -> None:
        if self.profile_buttons:
            return
        for name, options in self.form["profile"].items():
            row = QHBoxLayout()
            title = label("hint", st(self.language, name))
            title.setMinimumWidth(220)
            row.addWidget(title)
            self.profile_buttons[name] = {}
            for option in options:
                widget = button("secondary", option["en"] if self.language == "en" else option["id"])
                widget.setCheckable(True)
                widget.clicked.connect(lambda checked, f=name, c=option["code"]: self._pick(f, c, checked))
                self.profile_buttons[name][option["code"]] = widget
                row.addWidget(widget)
            row.addStretch(1)
            self.profile_rows.addLayout(row)

    def _pick(self, field: str, code: str, checked: bool) -> None:
        for other, widget in self.profile_buttons[field].items():
            if other != code:
                widget.setChecked(False)
        if checked:
            self.profile[field] = code
        else:
            self.profile.pop(field, None)

    def send(self) -> None:
        body = {"ticket_id": self.ticket["ticket_id"], "scores": list(self.scores), **self.profile}
        if self.comment.text().strip():
            body["comment"] = self.comment.text().strip()
        self.job += 1
        job = self.job
        self.send_button.setEnabled(False)
        self.finish_message.setText(st(self.language, "sending"))
        client = self.window.client

        def work() -> None:
            try:
                client._request("POST", "/api/v1/surveys", json=body)
                self.bridge.sent.emit(job)
            except ServerRefused as exc:
                self.bridge.failed.emit(job, exc.code)
            except ServerUnreachable:
                self.bridge.failed.emit(job, "unreachable")
        self.window.pool.start(work)

    def _sent(self, job: int) -> None:
        if job != self.job:
            return
        self.send_button.setEnabled(True)
        self.pages.setCurrentWidget(self.thanks_page)


def attach(window) -> SurveyScreen:
    """Add the survey to a KioskWindow: its screen in the stack and a "Survei / Survey" button on Home's bar."""
    screen = SurveyScreen(window)
    window.stack.addWidget(screen)

    def open_survey() -> None:
        screen.reset()
        window.show_screen(screen)
    screen.entry.clicked.connect(open_survey)
    screen.finished.connect(window.reset)
    window.home.bar_layout.insertWidget(1, screen.entry, 0, Qt.AlignmentFlag.AlignVCenter)
    screen.retranslate(window.language)
    return screen
