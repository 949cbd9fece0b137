"""The kiosk's screens. They only show things and emit signals; KioskWindow (app.py) decides.

Every screen has `retranslate(language)`; texts come from texts.py.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from . import style
from .texts import PRIORITY_GROUPS, format_wait, pick_language, priority_name, t, visitor_booths


def label(object_name: str, text: str = "", *, wrap: bool = True, align=Qt.AlignmentFlag.AlignLeft) -> QLabel:
    widget = QLabel(text)
    widget.setObjectName(object_name)
    widget.setWordWrap(wrap)
    widget.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    return widget


def button(kind: str, text: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setProperty("kind", kind)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no focus rings on a touchscreen
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    return widget


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property changed."""
    for w in [widget, *widget.findChildren(QWidget)]:
        w.style().unpolish(w)
        w.style().polish(w)


class TextButton(QPushButton):
    """A big button whose title and subtitle wrap over several lines (QPushButton text never wraps),
    with an optional letter badge or pictograms on the left."""

    def __init__(self, kind: str, *, badge: str | None = None, icons: tuple[str, ...] = (),
                 icon_px: int = 64, vertical: bool = False):
        super().__init__()
        self.setProperty("kind", kind)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        outer = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        outer.setSpacing(14)
        if vertical:
            outer.addStretch(1)
        self.badge: QLabel | None = None
        if badge is not None:
            self.badge = label("badge", badge, wrap=False, align=Qt.AlignmentFlag.AlignCenter)
            outer.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        self.icons: list[QSvgWidget] = []
        if icons:
            row = QHBoxLayout()
            row.setSpacing(4)
            for name in icons:
                icon = QSvgWidget(str(style.ICONS / f"{name}.svg"))
                icon.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                icon.setStyleSheet("background: transparent;")
                self.icons.append(icon)
                row.addWidget(icon)
            outer.addLayout(row)
            if vertical:
                outer.setAlignment(row, Qt.AlignmentFlag.AlignHCenter)
        column = QVBoxLayout()
        column.setSpacing(4)
        center = Qt.AlignmentFlag.AlignHCenter if vertical else Qt.AlignmentFlag.AlignLeft
        self.name = label("name", align=center)
        self.state = label("state", align=center)
        column.addStretch(1)  # keep name and state together when the row is taller than the text
        column.addWidget(self.name)
        column.addWidget(self.state)
        column.addStretch(1)
        outer.addLayout(column, 0 if vertical else 1)
        if vertical:
            outer.addStretch(1)
        for child in (self.name, self.state, self.badge):
            if child is not None:
                child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.set_scale(1.0, icon_px)

    def set_scale(self, scale: float, icon_px: int = 64) -> None:
        margins = self.layout().contentsMargins()
        if margins.left():  # tiles and big buttons: padding grows and shrinks with the type
            self.layout().setContentsMargins(*(style.px(v, scale) for v in (12, 8, 12, 8)))
        if self.badge is not None:
            self.badge.setFixedSize(style.px(64, scale), style.px(64, scale))
        for icon in self.icons:
            icon.setFixedSize(style.px(icon_px, scale), style.px(icon_px, scale))

    def set_texts(self, name: str, state: str = "") -> None:
        self.name.setText(name)
        self.state.setText(state)
        self.state.setVisible(bool(state))
        self.updateGeometry()

    # QPushButton sizes itself from its (empty) text: size from the labels instead.
    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(style.MIN_TARGET_PX, self.layout().totalHeightForWidth(width))

    def sizeHint(self) -> QSize:
        hint = self.layout().totalSizeHint()
        return QSize(hint.width(), max(style.MIN_TARGET_PX, hint.height()))

    def minimumSizeHint(self) -> QSize:
        hint = self.layout().totalMinimumSize()
        return QSize(hint.width(), max(style.MIN_TARGET_PX, hint.height()))


class ServiceTile(TextButton):
    """One service on Home: prefix letter, name, people waiting and estimated wait, or why it is closed."""

    def __init__(self, summary: dict, language: str):
        super().__init__("tile", badge=summary.get("prefix", "?"))
        self.code = summary["code"]
        self.summary = summary
        self.update_summary(summary, language)

    def update_summary(self, summary: dict, language: str) -> None:
        self.summary = summary
        if self.badge is not None:
            self.badge.setText(summary.get("prefix", "?"))
        names = summary.get("name") or {}
        name = names.get(language) or names.get("id") or self.code
        if summary.get("open", True):
            waiting = int(summary.get("waiting") or 0)
            if waiting:
                parts = [t(language, "waiting", n=waiting), format_wait(summary.get("estimated_wait_s"), language)]
                # Break lines only between the two phrases, never inside "sekitar 10 menit".
                state = " · ".join(p.replace(" ", "\u00a0") for p in parts if p)
            else:
                state = t(language, "waiting_none")
            closed = False
        else:
            reason = pick_language(summary.get("closed_reason") or "", language)
            state = t(language, "closed") + (f" — {reason}" if reason else "")
            closed = True
        if self.property("closed") != ("true" if closed else "false"):
            self.setProperty("closed", "true" if closed else "false")
            repolish(self)
        self.set_texts(name, state)


def group_key(summary: dict) -> tuple[str, dict]:
    owner = summary.get("echelon1") or summary.get("unit") or {"code": "-", "name": "", "name_en": ""}
    return owner.get("code", "-"), owner


class HomeScreen(QWidget):
    serviceChosen = Signal(str)
    priorityRequested = Signal()
    priorityCancelled = Signal()
    languageToggled = Signal()

    def __init__(self):
        super().__init__()
        self.language = "id"
        self.priority: str | None = None
        self.services: list[dict] = []
        self.tiles: dict[str, ServiceTile] = {}
        self.group_labels: list[tuple[QLabel, dict]] = []
        self.mode = "columns"
        self.scale = 1.0
        self.fit = 1.0  # < 1 when the tiles' type is shrunk so that every service fits on screen
        self.office_name = ""

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        topbar = QWidget(objectName="topbar")
        bar = self.bar_layout = QHBoxLayout(topbar)
        bar.setContentsMargins(32, 12, 24, 12)
        self.title = label("title")
        bar.addWidget(self.title, 1)
        self.language_button = button("language")
        self.language_button.clicked.connect(self.languageToggled)
        bar.addWidget(self.language_button, 0, Qt.AlignmentFlag.AlignVCenter)
        root.addWidget(topbar)

        body = self.body_layout = QVBoxLayout()
        body.setContentsMargins(28, 14, 28, 8)
        body.setSpacing(10)
        self.priority_button = TextButton("priority", icons=PRIORITY_GROUPS, icon_px=70)
        self.priority_button.clicked.connect(self.priorityRequested)
        body.addWidget(self.priority_button)

        self.banner = QWidget(objectName="banner")
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(20, 8, 12, 8)
        self.banner_icon = QSvgWidget()
        self.banner_icon.setStyleSheet("background: transparent;")
        self.banner_text = label("bannerText")
        self.banner_cancel = button("secondary")
        self.banner_cancel.clicked.connect(self.priorityCancelled)
        banner_row.addWidget(self.banner_icon)
        banner_row.addWidget(self.banner_text, 1)
        banner_row.addWidget(self.banner_cancel)
        self.banner.hide()
        body.addWidget(self.banner)

        self.notice = label("notice")
        self.notice.hide()
        body.addWidget(self.notice)
        self.instruction = label("instruction")
        body.addWidget(self.instruction)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.viewport().installEventFilter(self)  # re-fit when the room for the tiles changes
        body.addWidget(self.scroll, 1)
        root.addLayout(body, 1)
        self.retranslate("id")

    # ------------------------------------------------------------------ content

    def retranslate(self, language: str) -> None:
        self.language = language
        self.title.setText(t(language, "welcome_to", office=self.office_name) if self.office_name
                           else t(language, "welcome"))
        self.language_button.setText(t(language, "switch_language"))
        self.priority_button.set_texts(t(language, "priority_button"), t(language, "priority_button_hint"))
        self.instruction.setText(t(language, "choose_service" if self.services else "connecting"))
        self.banner_cancel.setText(t(language, "cancel_priority"))
        self._update_banner()
        for tile in self.tiles.values():
            tile.update_summary(tile.summary, language)
        for widget, owner in self.group_labels:
            widget.setText(self._group_name(owner))
        self.notice.setText(t(language, "printer_problem"))

    def set_office(self, name: str) -> None:
        self.office_name = name
        self.retranslate(self.language)

    def set_priority(self, group: str | None) -> None:
        self.priority = group
        self.priority_button.setVisible(group is None)
        self.banner.setVisible(group is not None)
        self.instruction.setVisible(group is None)  # the banner says it already
        self._update_banner()

    def _update_banner(self) -> None:
        if self.priority:
            self.banner_text.setText(t(self.language, "priority_chosen",
                                       group=priority_name(self.language, self.priority)))
            self.banner_icon.load(str(style.ICONS / f"{self.priority}.svg"))

    def set_printer_problem(self, problem: bool) -> None:
        self.notice.setVisible(problem)

    def _group_name(self, owner: dict) -> str:
        if self.language == "en":
            return owner.get("name_en") or owner.get("name", "")
        return owner.get("name", "")

    def set_services(self, services: list[dict]) -> None:
        """Show this list; rebuilds only when the set or order of services changed."""
        same = [s["code"] for s in services] == [s["code"] for s in self.services] and self.tiles
        self.services = list(services)
        self.instruction.setText(t(self.language, "choose_service" if services else "connecting"))
        if same:
            for summary in services:
                self.tiles[summary["code"]].update_summary(summary, self.language)
        else:
            self._rebuild()

    def update_service(self, summary: dict) -> None:
        """One service changed (a live event)."""
        for i, known in enumerate(self.services):
            if known["code"] == summary["code"]:
                self.services[i] = summary
                break
        else:
            self.services.append(summary)
            self._rebuild()
            return
        self.tiles[summary["code"]].update_summary(summary, self.language)

    def _rebuild(self) -> None:
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.tiles, self.group_labels = {}, []
        groups: dict[str, tuple[dict, list[dict]]] = {}
        for summary in self.services:
            key, owner = group_key(summary)
            groups.setdefault(key, (owner, []))[1].append(summary)

        # Groups go, in catalog order, into the shortest of 2 columns (landscape) or 1 (portrait),
        # each group with 2 tile columns: all 13 services fit on one 1080p screen without scrolling.
        host = QWidget()
        outer = QHBoxLayout(host)
        outer.setSpacing(style.px(28, self.scale))
        columns = [QVBoxLayout() for _ in range(1 if self.mode == "rows" else 2)]
        # On a narrow landscape screen (1024x768) two tiles side by side would cut long service
        # names at their minimum size: one tile per row there, and the list scrolls.
        per_row = 1 if self.mode == "narrow" else 2
        heights = [0.0] * len(columns)
        for owner, members in groups.values():
            index = heights.index(min(heights))
            heights[index] += (len(members) + per_row - 1) // per_row + 0.5
            column = columns[index]
            column.addWidget(self._group_label(owner))
            grid = QGridLayout()
            grid.setSpacing(style.px(12, self.scale))
            for i, summary in enumerate(members):
                grid.addWidget(self._tile(summary), i // per_row, i % per_row)
            for c in range(per_row):
                grid.setColumnStretch(c, 1)
            column.addLayout(grid)
            column.addSpacing(style.px(6, self.scale))
        for column in columns:
            column.setSpacing(style.px(8, self.scale))
            column.addStretch(1)
            outer.addLayout(column, 1)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll.setWidget(host)
        QTimer.singleShot(0, self._check_fit)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize and obj is self.scroll.viewport():
            QTimer.singleShot(0, self._check_fit)
        return False

    def _apply_tile_scale(self) -> None:
        scale = self.scale * self.fit
        self.scroll.setStyleSheet(style.tiles_stylesheet(scale))
        for tile in self.tiles.values():
            tile.set_scale(scale)

    def _check_fit(self) -> None:
        """Shrink the tiles' type a little (never below 85%) rather than make a first-time visitor
        scroll; a wide scroll bar remains the last resort on very small screens."""
        if self.scroll.widget() is None or self.scroll.viewport().height() < 100 or self.fit <= 0.85:
            return
        if self.scroll.verticalScrollBar().maximum() > 0:  # the laid-out truth, wrapping included
            self.fit = max(0.85, self.fit - 0.05)
            self._apply_tile_scale()
            QTimer.singleShot(0, self._check_fit)

    def _group_label(self, owner: dict) -> QLabel:
        widget = label("group", self._group_name(owner))
        self.group_labels.append((widget, owner))
        return widget

    def _tile(self, summary: dict) -> ServiceTile:
        tile = ServiceTile(summary, self.language)
        tile.set_scale(self.scale * self.fit)
        tile.clicked.connect(lambda _=False, code=summary["code"]: self.serviceChosen.emit(code))
        self.tiles[summary["code"]] = tile
        return tile

    def set_scale(self, scale: float, landscape: bool) -> None:
        mode = ("narrow" if self.width() < 1280 else "columns") if landscape else "rows"
        changed = mode != self.mode or abs(scale - self.scale) > 0.01
        self.mode, self.scale = mode, scale
        self.priority_button.set_scale(scale, 70)
        self.banner_icon.setFixedSize(style.px(64, scale), style.px(64, scale))
        self.bar_layout.setContentsMargins(*(style.px(v, scale) for v in (32, 12, 24, 12)))
        self.body_layout.setContentsMargins(*(style.px(v, scale) for v in (28, 14, 28, 8)))
        self.fit = 1.0
        self._apply_tile_scale()
        if changed and self.services:
            self._rebuild()
        else:
            QTimer.singleShot(0, self._check_fit)


class PriorityScreen(QWidget):
    groupChosen = Signal(str)
    back = Signal()

    def __init__(self):
        super().__init__()
        root = QVBoxLayout(self)
        root.setContentsMargins(48, 32, 48, 32)
        root.setSpacing(20)
        self.title = label("big", align=Qt.AlignmentFlag.AlignHCenter)
        self.question = label("hint", align=Qt.AlignmentFlag.AlignHCenter)
        root.addWidget(self.title)
        root.addWidget(self.question)
        self.grid = QGridLayout()
        self.grid.setSpacing(24)
        self.buttons: dict[str, TextButton] = {}
        for i, group in enumerate(PRIORITY_GROUPS):
            widget = TextButton("group", icons=(group,), icon_px=190, vertical=True)
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            widget.clicked.connect(lambda _=False, g=group: self.groupChosen.emit(g))
            self.buttons[group] = widget
            self.grid.addWidget(widget, i // 2, i % 2)
        root.addLayout(self.grid, 1)
        self.back_button = button("secondary")
        self.back_button.setMinimumWidth(320)
        self.back_button.clicked.connect(self.back)
        root.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.retranslate("id")

    def retranslate(self, language: str) -> None:
        self.title.setText(t(language, "priority_title"))
        self.question.setText(t(language, "priority_question"))
        for group, widget in self.buttons.items():
            widget.set_texts(t(language, group), t(language, f"{group}_hint"))
        self.back_button.setText("‹  " + t(language, "back"))

    def set_scale(self, scale: float, landscape: bool) -> None:
        for widget in self.buttons.values():
            widget.set_scale(scale, 190 if landscape else 220)
        for i, group in enumerate(PRIORITY_GROUPS):  # 2x2 on landscape, 1 column on tall portrait
            self.grid.addWidget(self.buttons[group], *((i // 2, i % 2) if landscape else (i, 0)))


class Spinner(QWidget):
    """A turning arc; animates only while visible."""

    def __init__(self, size: int = 140):
        super().__init__()
        self.setFixedSize(size, size)
        self.angle = 0
        self.timer = QTimer(self)
        self.timer.setInterval(50)  # 20 fps: smooth enough, and every Qt call from Python has a cost
        self.timer.timeout.connect(self._turn)

    def _turn(self) -> None:
        self.angle = (self.angle + 18) % 360
        self.update()

    def showEvent(self, event) -> None:
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = max(8, self.width() // 10)
        rect = QRectF(width, width, self.width() - 2 * width, self.height() - 2 * width)
        painter.setPen(QPen(QColor("#C9D3E3"), width))
        painter.drawEllipse(rect)
        pen = QPen(QColor(style.NAVY), width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawArc(rect, -self.angle * 16, 100 * 16)


class IssuingScreen(QWidget):
    def __init__(self):
        super().__init__()
        root = QVBoxLayout(self)
        root.addStretch(2)
        self.spinner = Spinner(160)
        root.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignHCenter)
        root.addSpacing(40)
        self.message = label("big", align=Qt.AlignmentFlag.AlignHCenter)
        self.hint = label("hint", align=Qt.AlignmentFlag.AlignHCenter)
        root.addWidget(self.message)
        root.addWidget(self.hint)
        root.addStretch(3)
        self.retranslate("id")

    def retranslate(self, language: str) -> None:
        self.message.setText(t(language, "issuing"))
        self.hint.setText(t(language, "issuing_hint"))


class TicketImage(QWidget):
    """The printed ticket's PNG, scaled to fit whatever room the layout gives it."""

    def __init__(self):
        super().__init__()
        self.setObjectName("ticketImage")
        self.pixmap = QPixmap()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumWidth(200)

    def set_png(self, data: bytes) -> None:
        self.pixmap = QPixmap()
        self.pixmap.loadFromData(data, "PNG")
        self.update()

    def paintEvent(self, _event) -> None:
        if self.pixmap.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        room = self.rect().adjusted(4, 4, -4, -4)
        size = self.pixmap.size().scaled(room.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = room.x() + (room.width() - size.width()) // 2
        y = room.y() + (room.height() - size.height()) // 2
        painter.fillRect(x - 3, y - 3, size.width() + 6, size.height() + 6, QColor("#9AA3AE"))
        painter.drawPixmap(x, y, size.width(), size.height(), self.pixmap)


class TicketScreen(QWidget):
    """The issued ticket: the printed image, the number in large print, people ahead and wait."""

    done = Signal()

    def __init__(self):
        super().__init__()
        self.outcome = None
        self.language = "id"
        root = QVBoxLayout(self)
        root.setContentsMargins(40, 24, 40, 24)
        root.setSpacing(16)
        self.failed = label("failed", align=Qt.AlignmentFlag.AlignHCenter)
        root.addWidget(self.failed)

        self.body = QHBoxLayout()
        self.body.setSpacing(40)
        info = QVBoxLayout()
        info.setSpacing(8)
        self.caption = label("numberCaption", align=Qt.AlignmentFlag.AlignHCenter)
        self.number = label("number", wrap=False, align=Qt.AlignmentFlag.AlignHCenter)
        self.service = label("service", align=Qt.AlignmentFlag.AlignHCenter)
        self.priority_tag = label("priorityTag", wrap=False, align=Qt.AlignmentFlag.AlignHCenter)
        tag_row = QHBoxLayout()
        tag_row.addStretch(1)
        tag_row.addWidget(self.priority_tag)
        tag_row.addStretch(1)
        facts = QGridLayout()
        facts.setHorizontalSpacing(40)
        self.ahead_label = label("factLabel", align=Qt.AlignmentFlag.AlignHCenter)
        self.ahead_value = label("factValue", align=Qt.AlignmentFlag.AlignHCenter)
        self.wait_label = label("factLabel", align=Qt.AlignmentFlag.AlignHCenter)
        self.wait_value = label("factValue", align=Qt.AlignmentFlag.AlignHCenter)
        facts.addWidget(self.ahead_label, 0, 0)
        facts.addWidget(self.ahead_value, 1, 0)
        facts.addWidget(self.wait_label, 0, 1)
        facts.addWidget(self.wait_value, 1, 1)
        self.booths = label("hint", align=Qt.AlignmentFlag.AlignHCenter)
        self.please_wait = label("pleaseWait", align=Qt.AlignmentFlag.AlignHCenter)
        self.take = label("success", align=Qt.AlignmentFlag.AlignHCenter)
        info.addStretch(1)
        for widget in (self.caption, self.number, self.service):
            info.addWidget(widget)
        info.addLayout(tag_row)
        info.addSpacing(12)
        info.addLayout(facts)
        info.addSpacing(8)
        info.addWidget(self.booths)
        info.addSpacing(12)
        info.addWidget(self.please_wait)
        info.addWidget(self.take)
        info.addStretch(1)
        self.body.addLayout(info, 3)
        self.image = TicketImage()
        self.body.addWidget(self.image, 2)
        root.addLayout(self.body, 1)
        self.done_button = button("primary")
        self.done_button.setMinimumWidth(360)
        self.done_button.clicked.connect(self.done)
        root.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignHCenter)

    def show_outcome(self, outcome, language: str) -> None:
        self.outcome = outcome
        self.image.set_png(outcome.preview_png)
        self.retranslate(language)

    def retranslate(self, language: str) -> None:
        self.language = language
        self.done_button.setText(t(language, "done"))
        if self.outcome is None:
            return
        ticket, printed = self.outcome.ticket, self.outcome.printed
        self.failed.setText(t(language, "print_failed"))
        self.failed.setVisible(not printed)
        # no paper came out: no picture of a ticket to look for, only the number, large
        self.image.setVisible(printed)
        self.take.setText(t(language, "take_ticket"))
        self.take.setVisible(printed)
        self.caption.setText(t(language, "your_number"))
        self.number.setText(ticket["number"])
        names = ticket.get("service_name") or {}
        self.service.setText(names.get(language) or names.get("id") or ticket.get("service", ""))
        group = priority_name(language, ticket.get("priority"))
        self.priority_tag.setText(t(language, "priority_label", group=group))
        self.priority_tag.setVisible(bool(group))
        self.ahead_label.setText(t(language, "people_ahead"))
        self.ahead_value.setText(str(ticket.get("ahead", 0)))
        wait = format_wait(ticket.get("estimated_wait_s"), language)
        self.wait_label.setText(t(language, "estimated_wait"))
        self.wait_value.setText(wait or "—")
        booths = visitor_booths(ticket.get("booths") or [], language, ticket.get("priority"))
        self.booths.setText(f"{t(language, 'go_to')}: {', '.join(booths)}" if booths else "")
        self.booths.setVisible(bool(booths))
        self.please_wait.setText(t(language, "please_wait"))

    def set_scale(self, scale: float, landscape: bool) -> None:
        self.body.setDirection(QHBoxLayout.Direction.LeftToRight if landscape
                               else QHBoxLayout.Direction.TopToBottom)


class ErrorScreen(QWidget):
    """Server unreachable (with automatic retry and a cancel button), or a refusal with its reason."""

    cancel = Signal()

    def __init__(self):
        super().__init__()
        self.state: tuple = ("unreachable", 1)
        root = QVBoxLayout(self)
        root.setContentsMargins(80, 40, 80, 40)
        root.addStretch(2)
        self.spinner = Spinner(140)
        root.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignHCenter)
        root.addSpacing(30)
        self.title = label("big", align=Qt.AlignmentFlag.AlignHCenter)
        self.message = label("message", align=Qt.AlignmentFlag.AlignHCenter)
        self.hint = label("hint", align=Qt.AlignmentFlag.AlignHCenter)
        root.addWidget(self.title)
        root.addSpacing(10)
        root.addWidget(self.message)
        root.addWidget(self.hint)
        root.addStretch(2)
        self.button = button("primary")
        self.button.setMinimumWidth(360)
        self.button.clicked.connect(self.cancel)
        root.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        root.addStretch(1)

    def show_unreachable(self, attempt: int, language: str) -> None:
        self.state = ("unreachable", attempt)
        self.retranslate(language)

    def show_refused(self, status: int, message: str, language: str) -> None:
        self.state = ("refused", status, message)
        self.retranslate(language)

    @property
    def kind(self) -> str:
        return self.state[0]

    def retranslate(self, language: str) -> None:
        if self.state[0] == "unreachable":
            self.spinner.show()
            self.title.setText(t(language, "unreachable"))
            self.message.setText(t(language, "unreachable_hint"))
            self.hint.setText(t(language, "attempt", n=self.state[1]))
            self.button.setText(t(language, "cancel"))
        else:
            _, status, message = self.state
            self.spinner.hide()
            self.title.setText(t(language, "refused_title"))
            if status == 401:
                self.message.setText(t(language, "unauthorized"))
            else:
                self.message.setText(pick_language(message, language) if message else "")
            self.hint.setText(t(language, "refused_other") if status not in (401, 409) else "")
            self.button.setText("‹  " + t(language, "back"))


class AdminScreen(QWidget):
    """PIN pad shown after the administrator gesture; the right PIN offers to close the kiosk."""

    exitRequested = Signal()
    back = Signal()

    def __init__(self, pin: str):
        super().__init__()
        self._pin = pin
        self.entered = ""
        self.language = "id"
        root = QVBoxLayout(self)
        root.setContentsMargins(40, 30, 40, 30)
        root.addStretch(1)
        self.title = label("big", align=Qt.AlignmentFlag.AlignHCenter)
        self.display = label("pin", wrap=False, align=Qt.AlignmentFlag.AlignHCenter)
        self.status = label("hint", align=Qt.AlignmentFlag.AlignHCenter)
        for widget in (self.title, self.display, self.status):
            root.addWidget(widget)
        pad = QGridLayout()
        pad.setSpacing(14)
        self.keys: dict[str, QPushButton] = {}
        for i, key in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok"]):
            widget = button("key")
            widget.clicked.connect(lambda _=False, k=key: self.press(k))
            self.keys[key] = widget
            pad.addWidget(widget, i // 3, i % 3)
        pad_host = QWidget()
        pad_host.setLayout(pad)
        root.addWidget(pad_host, 0, Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        self.exit_button = button("primary")
        self.exit_button.clicked.connect(self.exitRequested)
        self.back_button = button("secondary")
        self.back_button.clicked.connect(self.back)
        row.addStretch(1)
        row.addWidget(self.back_button)
        row.addWidget(self.exit_button)
        row.addStretch(1)
        root.addSpacing(20)
        root.addLayout(row)
        root.addStretch(1)
        self.reset()

    def reset(self) -> None:
        self.entered = ""
        self.unlocked = False
        self.status.setText("")
        self.exit_button.hide()
        self._show_entered()

    def press(self, key: str) -> None:
        if key == "clear":
            self.entered = ""
        elif key == "ok":
            if self._pin and self.entered == self._pin:
                self.unlocked = True
                self.status.setText("")
                self.exit_button.show()
            else:
                self.entered = ""
                self.status.setText(t(self.language, "admin_wrong"))
        elif len(self.entered) < 12:
            self.status.setText("")  # a new attempt: the old "wrong PIN" would mislead
            self.entered += key
        self._show_entered()

    def _show_entered(self) -> None:
        self.display.setText("●" * len(self.entered) or " ")

    def retranslate(self, language: str) -> None:
        self.language = language
        self.title.setText(t(language, "admin_title"))
        self.keys["clear"].setText(t(language, "admin_clear"))
        self.keys["ok"].setText(t(language, "admin_ok"))
        for digit in "0123456789":
            self.keys[digit].setText(digit)
        self.exit_button.setText(t(language, "admin_exit"))
        self.back_button.setText("‹  " + t(language, "back"))
