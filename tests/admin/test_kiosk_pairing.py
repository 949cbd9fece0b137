"""The pairing text of /admin's kiosk QR code, as the kiosk reads it (`ptsa kiosk --pair TEXT`)."""
from __future__ import annotations

import pytest

from intranet_server.actions.admin import pairing_text
from kiosk.config import KioskConfigError, load_settings, parse_pairing


def test_the_kiosk_takes_what_the_server_encodes():
    text = pairing_text("http://10.0.0.2:8080/", "tok-en_123")
    assert parse_pairing(text) == ("http://10.0.0.2:8080", "tok-en_123")
    settings = load_settings(environ={}, overrides={"pair": text, "fullscreen": False})
    assert (settings.server, settings.token) == ("http://10.0.0.2:8080", "tok-en_123")


@pytest.mark.parametrize("text", ["tok-en_123", "PTSA-KIOSK:{not json", 'PTSA-KIOSK:{"server": "http://x"}'])
def test_a_damaged_pairing_text_is_refused_with_a_reason(text):
    with pytest.raises(KioskConfigError, match="pair"):
        load_settings(environ={}, overrides={"pair": text, "fullscreen": False})
