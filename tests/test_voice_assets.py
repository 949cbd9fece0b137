"""The committed voice clips, the vendored Socket.IO client, and voice.js in a real Chromium."""

import array
import functools
import itertools
import json
import math
import os
import sys
import threading
import wave
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


from intranet_server.rules.voice import ALL_CLIPS, CHIME, call_clips, call_text

ROOT = Path(__file__).resolve().parents[1]

STATIC = ROOT / "intranet_server" / "web" / "static"
VOICE = STATIC / "voice"
VENDOR = STATIC / "vendor"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


def load_manifest() -> dict:
    return json.loads((VOICE / "manifest.json").read_text())


def read_wav(path: Path):
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        frames = w.readframes(params.nframes)
    samples = array.array("h", frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return params, samples


def all_wavs() -> list[str]:
    m = load_manifest()
    return [m["chime"], *m["clips"]]


def test_manifest_matches_rules():
    m = load_manifest()
    assert m["chime"] == CHIME
    assert m["sample_rate"] == 16000 and m["channels"] == 1
    assert list(m["clips"]) == list(ALL_CLIPS)
    on_disk = {p.stem for p in VOICE.glob("*.wav")}
    assert on_disk == {CHIME, *ALL_CLIPS}, "stale or missing .wav in static/voice"


@pytest.mark.parametrize("name", all_wavs())
def test_clip_is_valid_wav(name):
    path = VOICE / f"{name}.wav"
    assert path.is_file(), f"{path} missing: run scripts/make_voice_clips.py"
    params, samples = read_wav(path)
    assert params.framerate == 16000
    assert params.nchannels == 1
    assert params.sampwidth == 2
    seconds = params.nframes / params.framerate
    assert 0.1 <= seconds <= 3.0, seconds
    peak = max(abs(s) for s in samples) / 32768
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768
    assert rms > 0.01, f"{name} nearly silent (rms {rms:.4f})"
    assert peak < 0.99, f"{name} clipped (peak {peak:.3f})"


def test_voice_folder_is_small():
    total = sum(p.stat().st_size for p in VOICE.iterdir() if p.is_file())
    assert total < 3 * 1024 * 1024, total


def test_chime_exists():
    assert (VOICE / "chime.wav").is_file()


def test_vendored_socketio_client():
    js = VENDOR / "socket.io.min.js"
    assert js.is_file()
    text = js.read_text(encoding="utf-8")
    assert len(text) > 20_000
    assert text.lstrip().startswith("/*!") and "Socket.IO v4." in text[:200]
    assert (VENDOR / "socket.io-client.LICENSE").read_text().strip()
    assert "socket.io-client" in (VENDOR / "README.md").read_text()


# --------------------------------------------------------------------------- browser

TEST_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>voice.js check</title></head>
<body>
<script src="/js/voice.js"></script>
<script>PTSAVoice.setBase(location.origin + "/voice/");</script>
</body></html>
"""

# Headless Chromium has no speech voices: record what voice.js would say instead.
FAKE_SPEECH = """
window.__spoken = [];
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  getVoices: function () { return []; },
  cancel: function () {},
  speak: function (u) {
    window.__spoken.push({text: u.text, lang: u.lang});
    setTimeout(function () { if (u.onend) u.onend({}); }, 50);
  }
}});
"""


class _Handler(SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        if self.path.split("?")[0] == "/__voice_test__.html":
            body = TEST_PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def static_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(STATIC)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _need_browser():
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Python package playwright not installed"
    if not reason:
        from tests.support.browser import problem
        reason = problem()  # e.g. a shared library the driver or Chromium lacks, in one line
    if reason:
        if os.environ.get("PTSA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"PTSA_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


@pytest.mark.browser
def test_voice_js_plays_in_chromium(static_server):
    _need_browser()
    from playwright.sync_api import sync_playwright

    first = call_clips("A007", "Booth 3")
    second = call_clips("B1", "12")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.add_init_script(FAKE_SPEECH)
            errors: list[str] = []
            bad_responses: list[str] = []
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
            page.on(
                "console",
                lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None,
            )
            page.on(
                "response", lambda r: bad_responses.append(f"{r.status} {r.url}") if r.status >= 400 else None
            )
            page.goto(f"{static_server}/__voice_test__.html")
            page.wait_for_function("window.PTSAVoice !== undefined")

            results = page.evaluate(
                """async ([a, ta, b, tb]) => {
                    const unlocked = await PTSAVoice.unlock();
                    const p1 = PTSAVoice.announce(a, ta);   // queued back to back, not awaited
                    const p2 = PTSAVoice.announce(b, tb);
                    const r1 = await p1;
                    const afterFirst = PTSAVoice.lastPlayed.slice();
                    const r2 = await p2;
                    return {unlocked, r1, r2, afterFirst, last: PTSAVoice.lastPlayed,
                            spoken: window.__spoken};
                }""",
                [first, call_text("A007", "Booth 3"), second, call_text("B1", "12")],
            )
            assert errors == [], errors
            assert bad_responses == [], bad_responses
            assert results["unlocked"] is True
            r1, r2 = results["r1"], results["r2"]
            assert r1["status"] == "played" and r2["status"] == "played"
            assert results["afterFirst"] == first
            assert results["last"] == second
            assert results["spoken"] == []  # all clips decoded: no speech fallback
            for r, clips in ((r1, first), (r2, second)):
                plan = r["schedule"]
                assert [p["name"] for p in plan] == [CHIME, *clips]
                for prev, nxt in itertools.pairwise(plan):  # gap-free: each starts as the previous ends
                    assert abs(prev["when"] + prev["duration"] - nxt["when"]) < 1e-6
                    assert prev["duration"] > 0.1
                assert r["end"] > r["start"]
            # queued: the second call was scheduled only after the first had finished
            assert r2["start"] >= r1["end"] - 0.01

            # A clip that cannot load: chime still plays, then speechSynthesis (id-ID) says the text.
            fb = page.evaluate(
                """async () => {
                    const r = await PTSAVoice.announce(["nomor_antrean", "no_such_clip"], "Tes suara");
                    return {r, last: PTSAVoice.lastPlayed, spoken: window.__spoken};
                }"""
            )
            assert fb["r"]["status"] == "fallback"
            assert fb["spoken"] == [{"text": "Tes suara", "lang": "id-ID"}]
            assert fb["last"] == second  # nothing new was scheduled as clips
            # the only error is the deliberate 404 (Chromium logs it as "Failed to load resource")
            assert [e for e in errors if "Failed to load resource" not in e] == [], errors
            assert len(bad_responses) == 1 and "no_such_clip.wav" in bad_responses[0], bad_responses
        finally:
            browser.close()
