"""The password policy (pure). A minimal one; the security work replaces it with the full policy."""
from __future__ import annotations


def password_problem(password: str, username: str) -> str | None:
    """What is wrong with this password for this user, or None when it is acceptable."""
    if not isinstance(password, str) or len(password) < 10:
        return "a password needs at least 10 characters / kata sandi minimal 10 karakter"
    if password.strip().lower() == (username or "").strip().lower():
        return "the password may not be the username / kata sandi tidak boleh sama dengan nama pengguna"
    if len(set(password)) == 1:
        return "the password may not be one character repeated / kata sandi tidak boleh satu karakter berulang"
    return None
