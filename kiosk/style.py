"""Look of the kiosk: high contrast, big type, big targets. Sizes scale with the screen's short side
(designed at 1080 px) so a 1366x768 panel and a 1080x1920 portrait kiosk both stay readable."""
from __future__ import annotations

from pathlib import Path

ICONS = Path(__file__).resolve().parent / "icons"
FONT_FAMILY = "DejaVu Sans, Liberation Sans, Noto Sans, Arial, sans-serif"

BG = "#F2F4F7"
INK = "#0B0B0B"
NAVY = "#0A2A5E"
NAVY_PRESSED = "#163F85"
TILE = "#FFFFFF"
TILE_PRESSED = "#D6E2F5"
PRIORITY = "#FFD400"
PRIORITY_PRESSED = "#E6BE00"
CLOSED = "#E1E1E1"
CLOSED_INK = "#333333"
DANGER = "#B00020"
GOOD = "#0B6B2E"

MIN_TARGET_PX = 72  # smallest touch target anywhere (about 12 mm on a 21" panel)
# Service names never get smaller than this, whatever the screen or the fit factor: at 1024x768 they
# would otherwise shrink to about 14 px, too small for a visitor of 64 at arm's length. When the
# catalog no longer fits at this size, the tiles scroll instead.
MIN_NAME_PX = 20
MIN_STATE_PX = 18


def scale_for(width: int, height: int) -> float:
    return max(0.7, min(1.4, min(width, height) / 1080))


def px(value: float, scale: float) -> int:
    return max(1, round(value * scale))


def stylesheet(scale: float) -> str:
    def s(value: float) -> int:
        return px(value, scale)

    target = max(MIN_TARGET_PX, s(84))
    return f"""
    QWidget#kiosk {{ background: {BG}; }}
    QWidget {{ color: {INK}; font-family: {FONT_FAMILY}; font-size: {s(24)}px; }}
    QLabel {{ background: transparent; }}
    QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
    QScrollBar:vertical {{ width: {s(28)}px; background: #DDE3EA; border-radius: {s(10)}px; }}
    QScrollBar::handle:vertical {{ background: {NAVY}; border-radius: {s(10)}px; min-height: {s(80)}px; }}
    QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}

    QWidget#topbar {{ background: {NAVY}; }}
    QWidget#topbar QLabel {{ color: #FFFFFF; }}
    QLabel#title {{ font-size: {s(36)}px; font-weight: bold; }}
    QLabel#instruction {{ font-size: {s(28)}px; font-weight: bold; color: {NAVY}; }}
    QLabel#notice {{ background: {DANGER}; color: #FFFFFF; font-size: {s(24)}px; font-weight: bold;
                     padding: {s(10)}px {s(16)}px; border-radius: {s(8)}px; }}

    QPushButton {{ min-height: {target}px; border-radius: {s(14)}px; font-size: {s(28)}px;
                   font-weight: bold; padding: {s(8)}px {s(24)}px; }}

    QPushButton[kind="priority"] {{ background: {PRIORITY}; border: {s(4)}px solid {INK}; }}
    QPushButton[kind="priority"]:pressed {{ background: {PRIORITY_PRESSED}; }}
    QPushButton[kind="priority"] QLabel#name {{ font-size: {s(32)}px; font-weight: bold; }}
    QPushButton[kind="priority"] QLabel#state {{ font-size: {s(23)}px; }}

    QPushButton[kind="group"] {{ background: {PRIORITY}; border: {s(4)}px solid {INK}; }}
    QPushButton[kind="group"]:pressed {{ background: {PRIORITY_PRESSED}; }}
    QPushButton[kind="group"] QLabel#name {{ font-size: {s(40)}px; font-weight: bold; }}
    QPushButton[kind="group"] QLabel#state {{ font-size: {s(24)}px; }}

    QPushButton[kind="primary"] {{ background: {NAVY}; color: #FFFFFF; border: {s(3)}px solid {NAVY}; }}
    QPushButton[kind="primary"]:pressed {{ background: {NAVY_PRESSED}; }}
    QPushButton[kind="secondary"] {{ background: #FFFFFF; color: {NAVY}; border: {s(3)}px solid {NAVY}; }}
    QPushButton[kind="secondary"]:pressed {{ background: {TILE_PRESSED}; }}
    QPushButton[kind="language"] {{ background: #FFFFFF; color: {NAVY}; border: {s(3)}px solid #FFFFFF;
                                    font-size: {s(28)}px; padding: {s(8)}px {s(28)}px; }}
    QPushButton[kind="language"]:pressed {{ background: {TILE_PRESSED}; }}
    QPushButton[kind="key"] {{ background: #FFFFFF; border: {s(3)}px solid {NAVY}; font-size: {s(40)}px;
                               min-width: {s(120)}px; min-height: {max(MIN_TARGET_PX, s(96))}px; }}
    QPushButton[kind="key"]:pressed {{ background: {TILE_PRESSED}; }}

    QWidget#banner {{ background: {PRIORITY}; border: {s(4)}px solid {INK}; border-radius: {s(14)}px; }}
    QWidget#banner QLabel {{ font-size: {s(28)}px; font-weight: bold; }}

    QLabel#big {{ font-size: {s(56)}px; font-weight: bold; color: {NAVY}; }}
    QLabel#hint {{ font-size: {s(30)}px; }}
    QLabel#message {{ font-size: {s(36)}px; font-weight: bold; }}
    QLabel#failed {{ background: {DANGER}; color: #FFFFFF; font-size: {s(46)}px; font-weight: bold;
                     padding: {s(18)}px {s(24)}px; border-radius: {s(12)}px; }}
    QLabel#success {{ color: {GOOD}; font-size: {s(30)}px; font-weight: bold; }}
    QLabel#numberCaption {{ font-size: {s(32)}px; }}
    QLabel#number {{ font-size: {s(200)}px; font-weight: bold; color: {INK}; }}
    QLabel#service {{ font-size: {s(32)}px; font-weight: bold; color: {NAVY}; }}
    QLabel#priorityTag {{ background: {INK}; color: {PRIORITY}; font-size: {s(30)}px; font-weight: bold;
                          padding: {s(6)}px {s(18)}px; border-radius: {s(8)}px; }}
    QLabel#factLabel {{ font-size: {s(28)}px; }}
    QLabel#factValue {{ font-size: {s(44)}px; font-weight: bold; }}
    QLabel#pleaseWait {{ font-size: {s(34)}px; font-weight: bold; color: {NAVY}; }}
    QLabel#pin {{ font-size: {s(56)}px; font-weight: bold; letter-spacing: {s(12)}px; }}
    """


def tiles_stylesheet(scale: float) -> str:
    """The service tiles and group titles on Home; applied with a fit factor so the catalog fits."""
    def s(value: float) -> int:
        return px(value, scale)

    return f"""
    QLabel#group {{ font-size: {max(17, s(22))}px; font-weight: bold; color: {NAVY};
                    border-bottom: {s(3)}px solid {NAVY}; padding-bottom: {s(4)}px; }}
    QPushButton[kind="tile"] {{ background: {TILE}; border: {s(3)}px solid {NAVY}; text-align: left; }}
    QPushButton[kind="tile"]:pressed {{ background: {TILE_PRESSED}; }}
    QPushButton[kind="tile"][closed="true"] {{ background: {CLOSED}; border: {s(3)}px dashed {CLOSED_INK}; }}
    QPushButton[kind="tile"] QLabel#name {{ font-size: {max(MIN_NAME_PX, s(25))}px; font-weight: bold; }}
    QPushButton[kind="tile"] QLabel#state {{ font-size: {max(MIN_STATE_PX, s(22))}px; color: {NAVY}; }}
    QPushButton[kind="tile"][closed="true"] QLabel#name {{ color: {CLOSED_INK}; }}
    QPushButton[kind="tile"][closed="true"] QLabel#state {{ color: {DANGER}; font-weight: bold; }}
    QLabel#badge {{ background: {NAVY}; color: #FFFFFF; font-size: {s(34)}px; font-weight: bold;
                    border-radius: {s(10)}px; }}
    QPushButton[kind="tile"][closed="true"] QLabel#badge {{ background: {CLOSED_INK}; }}
    """
