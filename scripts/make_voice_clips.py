"""Generate the Bahasa Indonesia voice clips for the lobby display board.

Writes ``intranet_server/web/static/voice/``: one 16 kHz mono 16-bit WAV per clip in
``intranet_server.rules.voice.ALL_CLIPS`` (every clip ``call_clips()`` can ever return), a
two-tone ``chime.wav`` and ``manifest.json``.  The output is committed, so the server and a
fresh machine need neither espeak-ng nor sox; run this script again only to change the voice:

    .venv/bin/python scripts/make_voice_clips.py            # regenerate
    .venv/bin/python scripts/make_voice_clips.py --check    # only verify what is there

Needs ``espeak-ng`` (Indonesian voice ``-v id``) and ``sox`` (Debian packages of those names).
Each clip is spoken by espeak-ng, leading/trailing silence is trimmed, loudness is normalised
to a common RMS level (peak kept under -1 dBFS), a few ms of fade avoid clicks, and a short
fixed padding gives the natural gap between words when voice.js plays clips back to back.
The output is deterministic (no dither, no timestamps) so a rerun on the same espeak-ng gives
the same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from intranet_server.rules import voice

OUT_DIR = ROOT / "intranet_server" / "web" / "static" / "voice"

SAMPLE_RATE = 16000
DEFAULT_SPEED = 140  # espeak-ng words per minute: a little slower than its default 175, for a hall
TARGET_RMS_DB = -18.0  # dBFS
PEAK_CEILING_DB = -1.0  # dBFS
MIN_SECONDS, MAX_SECONDS = 0.1, 3.0
MAX_TOTAL_BYTES = 3 * 1024 * 1024

# What espeak-ng is given to say for each clip.  Letters use their Indonesian names, written
# out so espeak-ng does not guess ("be", "ce", ... checked with `espeak-ng -v id -x`).
# "booth" is written "but": Indonesian speakers say the English word as /but/, while espeak-ng's
# Indonesian rules would read "booth" as "bo-ot-h".
SPEECH_TEXT: dict[str, str] = {
    voice.PHRASE_NOMOR: "nomor antrean",
    voice.PHRASE_BOOTH: "silakan menuju but",
    **{f"letter_{ch.lower()}": name for ch, name in voice.LETTER_NAMES.items()},
    **{f"word_{w}": w for w in voice.NUMBER_WORDS},
}

# Silence (seconds) kept before/after the speech of a clip.  Clips are played back to back, so
# the pads are the gaps between words; the booth phrase starts after the comma of the sentence.
DEFAULT_PAD = (0.02, 0.07)
PADS: dict[str, tuple[float, float]] = {
    voice.PHRASE_NOMOR: (0.02, 0.12),
    voice.PHRASE_BOOTH: (0.35, 0.08),
}


def run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return proc.stderr  # sox prints `stat` on stderr


def sox_stat(path: Path) -> dict[str, float]:
    """sox `stat` of a file: length (s), peak, rms (linear, full scale = 1)."""
    out = run(["sox", str(path), "-n", "stat"])
    values = {}
    for key, label in (
        ("length", "Length (seconds)"),
        ("max", "Maximum amplitude"),
        ("min", "Minimum amplitude"),
        ("rms", "RMS     amplitude"),
    ):
        m = re.search(re.escape(label) + r":\s*(-?[0-9.eE+-]+)", out)
        if not m:
            raise SystemExit(f"cannot read {label!r} from sox stat of {path}:\n{out}")
        values[key] = float(m.group(1))
    values["peak"] = max(abs(values["max"]), abs(values["min"]))
    return values


def db(x: float) -> float:
    return 20 * math.log10(max(x, 1e-9))


def make_clip(name: str, text: str, out: Path, tmp: Path, speed: int, voice_name: str) -> None:
    raw, trimmed = tmp / f"{name}.raw.wav", tmp / f"{name}.trim.wav"
    run(["espeak-ng", "-v", voice_name, "-s", str(speed), "-w", str(raw), text])
    # espeak-ng writes exact digital silence around speech, so a very low threshold trims all
    # of it without eating soft onsets (h, f, s).
    run(
        [
            "sox",
            "-D",
            str(raw),
            "-r",
            str(SAMPLE_RATE),
            "-c",
            "1",
            "-b",
            "16",
            str(trimmed),
            "silence",
            "1",
            "0.002",
            "0.05%",
            "reverse",
            "silence",
            "1",
            "0.002",
            "0.05%",
            "reverse",
        ]
    )
    st = sox_stat(trimmed)
    gain = min(TARGET_RMS_DB - db(st["rms"]), PEAK_CEILING_DB - db(st["peak"]))
    pre, post = PADS.get(name, DEFAULT_PAD)
    run(
        [
            "sox",
            "-D",
            str(trimmed),
            "-b",
            "16",
            str(out),
            "gain",
            f"{gain:.2f}",
            "fade",
            "t",
            "0.004",
            "-0",
            "0.012",
            "pad",
            f"{pre}",
            f"{post}",
        ]
    )


def make_chime(out: Path, tmp: Path) -> None:
    """A soft two-tone "ding-dong" (E5 then C5, a descending major third), bell-like decay."""
    parts = []
    for i, (freq, delay) in enumerate(((659.25, 0.0), (523.25, 0.55))):
        for j, (mult, vol) in enumerate(((1, 1.0), (2, 0.25), (3, 0.08))):
            part = tmp / f"chime_{i}_{j}.wav"
            run(
                [
                    "sox",
                    "-D",
                    "-n",
                    "-r",
                    str(SAMPLE_RATE),
                    "-c",
                    "1",
                    "-b",
                    "16",
                    str(part),
                    "synth",
                    "1.4",
                    "sine",
                    f"{freq * mult:.2f}",
                    "fade",
                    "h",
                    "0.012",
                    "fade",
                    "l",
                    "0",
                    "1.4",
                    f"{1.4 - 0.1 / mult:.3f}",
                    "vol",
                    f"{vol * 0.3:.3f}",
                    "pad",
                    f"{delay}",
                    "0",
                ]
            )
            parts.append(str(part))
    mixed = tmp / "chime_mix.wav"
    run(["sox", "-D", "-m", *parts, "-b", "16", str(mixed)])
    st = sox_stat(mixed)
    # 0.3 s of silence after the chime before "Nomor antrean".
    run(
        [
            "sox",
            "-D",
            str(mixed),
            "-b",
            "16",
            str(out),
            "gain",
            f"{min(-21.0 - db(st['rms']), -3.0 - db(st['peak'])):.2f}",
            "pad",
            "0",
            "0.3",
        ]
    )


def wav_info(path: Path) -> tuple[int, int, int, float]:
    with wave.open(str(path), "rb") as w:
        return w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes() / w.getframerate()


def check(out_dir: Path) -> list[str]:
    """Measure every clip listed in the manifest; return a list of problems (empty = fine)."""
    problems = []
    manifest_path = out_dir / "manifest.json"
    if not manifest_path.is_file():
        return [f"missing {manifest_path}"]
    manifest = json.loads(manifest_path.read_text())
    names = list(manifest["clips"]) + [manifest["chime"]]
    missing = sorted(set(voice.ALL_CLIPS) - set(manifest["clips"]))
    if missing:
        problems.append(f"manifest lacks clips: {missing}")
    total = 0
    for name in names:
        path = out_dir / f"{name}.wav"
        if not path.is_file():
            problems.append(f"{name}: file missing")
            continue
        total += path.stat().st_size
        rate, channels, width, seconds = wav_info(path)
        if (rate, channels, width) != (SAMPLE_RATE, 1, 2):
            problems.append(f"{name}: {rate} Hz, {channels} ch, {8 * width} bit")
        if not MIN_SECONDS <= seconds <= MAX_SECONDS:
            problems.append(f"{name}: duration {seconds:.3f}s")
        st = sox_stat(path)
        if st["rms"] < 0.01:
            problems.append(f"{name}: nearly silent (rms {st['rms']:.4f})")
        if st["peak"] >= 0.99:
            problems.append(f"{name}: clipped (peak {st['peak']:.4f})")
    if total > MAX_TOTAL_BYTES:
        problems.append(f"total size {total} bytes > {MAX_TOTAL_BYTES}")
    return problems


def report(out_dir: Path) -> None:
    total = 0
    for path in sorted(out_dir.glob("*.wav")):
        st = sox_stat(path)
        size = path.stat().st_size
        total += size
        print(
            f"  {path.stem:22s} {st['length']:5.2f}s  peak {db(st['peak']):6.1f} dBFS"
            f"  rms {db(st['rms']):6.1f} dBFS  {size / 1024:5.1f} KiB"
        )
    print(f"  total {total / 1024:.1f} KiB in {len(list(out_dir.glob('*.wav')))} files")


def espeak_version() -> str:
    out = subprocess.run(["espeak-ng", "--version"], check=False, capture_output=True, text=True).stdout
    m = re.search(r"text-to-speech:\s*(\S+)", out)
    return m.group(1) if m else "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: %(default)s)")
    parser.add_argument("--speed", type=int, default=DEFAULT_SPEED, help="espeak-ng words per minute")
    parser.add_argument("--voice", default="id", help="espeak-ng voice (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only verify the existing clips")
    args = parser.parse_args(argv)
    out_dir: Path = args.out

    if not args.check:
        for tool in ("espeak-ng", "sox"):
            if shutil.which(tool) is None:
                raise SystemExit(f"{tool} not found: apt-get install espeak-ng sox")
        assert set(SPEECH_TEXT) == set(voice.ALL_CLIPS), "SPEECH_TEXT out of step with voice.ALL_CLIPS"
        out_dir.mkdir(parents=True, exist_ok=True)
        wanted = {*voice.ALL_CLIPS, voice.CHIME}
        for stale in out_dir.glob("*.wav"):
            if stale.stem not in wanted:
                stale.unlink()
        with tempfile.TemporaryDirectory(prefix="ptsa-voice-") as tmpname:
            tmp = Path(tmpname)
            for name in voice.ALL_CLIPS:
                make_clip(name, SPEECH_TEXT[name], out_dir / f"{name}.wav", tmp, args.speed, args.voice)
            make_chime(out_dir / f"{voice.CHIME}.wav", tmp)
        manifest = {
            "format": "wav",
            "sample_rate": SAMPLE_RATE,
            "channels": 1,
            "chime": voice.CHIME,
            "clips": list(voice.ALL_CLIPS),
            "text": {name: voice.CLIP_TEXT[name] for name in voice.ALL_CLIPS},
            "generator": f"scripts/make_voice_clips.py: espeak-ng {espeak_version()} "
            f"-v {args.voice} -s {args.speed}, sox",
        }
        (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")

    report(out_dir)
    problems = check(out_dir)
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
