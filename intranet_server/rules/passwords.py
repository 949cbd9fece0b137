"""The password policy for new passwords (pure: no Flask, no database).

Long rather than complicated: shared booth PCs are shoulder-surfed and typed on by many people, so
the rule is a length, not symbols, plus a refusal of the obvious (the username, one repeated
character, the demo password and the well-known leaked ones)."""
from __future__ import annotations

MIN_LENGTH = 10
MAX_LENGTH = 256

# The most common passwords in leaked lists, and the local favourites.
COMMON = frozenset("""
123456 1234567 12345678 123456789 1234567890 12345678910 0123456789 password password1 password123
qwerty qwerty123 qwertyuiop 1q2w3e4r5t 1qaz2wsx3edc abc123456 abcdefghij iloveyou1 admin12345
administrator letmein123 welcome123 passw0rd123 demo12345 kemnaker123 kemnaker2026 indonesia
indonesia1 indonesia123 jakarta123 bismillah bismillah123 merdeka45 sayangku123
""".split())


def password_problem(password: str, username: str) -> str | None:
    """Why `password` may not be used by `username`, in Bahasa Indonesia and English; None if it is fine."""
    if not isinstance(password, str):
        return "Kata sandi harus berupa teks / The password must be text"
    if len(password) < MIN_LENGTH:
        return (f"Kata sandi minimal {MIN_LENGTH} karakter / "
                f"A password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        return f"Kata sandi maksimal {MAX_LENGTH} karakter / At most {MAX_LENGTH} characters"
    if any(0xD800 <= ord(c) <= 0xDFFF for c in password):
        return "Kata sandi berisi karakter yang tidak sah / The password contains invalid characters"
    lowered = password.lower()
    name = (username or "").lower()
    if name and (name in lowered or lowered in name):
        return "Kata sandi tidak boleh memuat nama pengguna / The password must not contain the username"
    if len(set(password)) < 4:
        return "Kata sandi terlalu mudah ditebak / The password is too easy to guess"
    if lowered in COMMON:
        return "Kata sandi ini terlalu umum / This password is too common"
    return None
