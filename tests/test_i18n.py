"""Every screen text exists in Bahasa Indonesia and in English, and every key the screens use exists."""
from __future__ import annotations

import re
from pathlib import Path

from intranet_server.i18n import TEXTS

WEB = Path(__file__).resolve().parents[1] / "intranet_server" / "web"


def test_both_languages_have_the_same_texts():
    assert set(TEXTS["id"]) == set(TEXTS["en"])
    assert all(TEXTS["id"][k] and TEXTS["en"][k] for k in TEXTS["id"])


def test_every_key_used_by_templates_and_scripts_exists():
    used = set()
    for path in list(WEB.glob("templates/*.html")):
        used |= set(re.findall(r"\bt\.([a-z_0-9]+)", path.read_text()))
    for path in WEB.glob("static/js/*.js"):
        used |= set(re.findall(r"\bt\(\s*\"([a-z_0-9]+)\"\s*\)", path.read_text()))
    missing = sorted(k for k in used if k not in TEXTS["id"])
    assert missing == []
