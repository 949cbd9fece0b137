"""Error texts in the screen's language: every stable `error` code has Bahasa Indonesia and English.

The API answers `message` in the requester's language (the signed-in staff's `language`, else the
request's Accept-Language, else Indonesian) and keeps the developer's English text in `detail`.
A few frequent English messages have a precise Indonesian wording (`_PRECISE`); any other message
of a code falls back to the code's general text, so an Indonesian screen never shows English.
"""
from __future__ import annotations

import re

LANGUAGES = ("id", "en")

CATALOG: dict[str, dict[str, str]] = {
    "bad_request": {"id": "Permintaan tidak dapat diproses.", "en": "The request cannot be processed."},
    "bad_json": {"id": "Data yang dikirim bukan JSON yang benar.", "en": "The data sent is not valid JSON."},
    "invalid": {"id": "Isian tidak sesuai. Periksa kembali data yang dimasukkan.",
                "en": "Some input is not valid. Check what was entered."},
    "unauthorized": {"id": "Silakan masuk terlebih dahulu.", "en": "Please sign in first."},
    "forbidden": {"id": "Anda tidak berwenang melakukan ini.", "en": "You are not allowed to do this."},
    "not_found": {"id": "Data yang dicari tidak ditemukan.", "en": "What you asked for was not found."},
    "conflict": {"id": "Tindakan ini bertabrakan dengan perubahan lain. Muat ulang layar.",
                 "en": "This clashes with another change. Reload the screen."},
    "bad_state": {"id": "Tindakan ini tidak dapat dilakukan pada keadaan saat ini. Muat ulang layar.",
                  "en": "This cannot be done in the current state. Reload the screen."},
    "already_acknowledged": {"id": "Peringatan ini sudah ditanggapi.", "en": "This alert was already acknowledged."},
    "already_claimed": {"id": "Tugas ini sudah diambil petugas lain.",
                        "en": "Another officer already claimed this task."},
    "booth_busy": {"id": "Booth ini masih melayani pengunjung. Selesaikan dulu layanan yang berjalan.",
                   "en": "This booth is still serving a visitor. Finish that visit first."},
    "calendar_closed": {"id": "Kantor tutup pada tanggal tersebut.", "en": "The office is closed on that date."},
    "daily_cap_reached": {"id": "Kuota antrean hari ini sudah habis.", "en": "Today's ticket quota is used up."},
    "no_kiosk": {"id": "Kiosk yang mencetak tiket ini sudah tidak terdaftar.",
                 "en": "The kiosk that issued this ticket is no longer registered."},
    "no_services": {"id": "Booth ini belum melayani layanan apa pun; hubungi administrator.",
                    "en": "This booth serves no service yet; ask the administrator."},
    "override_overlaps": {"id": "Pengaturan kalender ini tumpang tindih dengan yang sudah ada.",
                          "en": "This calendar override overlaps an existing one."},
    "recall_window_passed": {"id": "Batas waktu untuk memanggil kembali pengunjung ini sudah lewat.",
                             "en": "The time to call this visitor back has passed."},
    "service_closed": {"id": "Layanan ini sedang tutup.", "en": "This service is closed now."},
    "unknown_service": {"id": "Layanan tidak dikenal.", "en": "Unknown service."},
    "unknown_unit": {"id": "Unit tidak dikenal.", "en": "Unknown unit."},
    # werkzeug's HTTP errors, as app.py names them
    "method_not_allowed": {"id": "Metode ini tidak diizinkan untuk alamat ini.",
                           "en": "This method is not allowed here."},
    "request_entity_too_large": {"id": "Data yang dikirim terlalu besar.", "en": "The data sent is too large."},
    "unsupported_media_type": {"id": "Jenis data tidak didukung; kirim JSON.",
                               "en": "Unsupported media type; send JSON."},
    "internal_server_error": {"id": "Terjadi kesalahan di server. Coba lagi atau hubungi administrator.",
                              "en": "Something went wrong on the server. Try again or call the administrator."},
    "too_many_requests": {"id": "Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.",
                          "en": "Too many requests. Wait a moment and try again."},
}

_VERBS_ID = {"complete": "menyelesaikannya", "return": "mengembalikannya", "forward": "meneruskannya",
             "request document": "meminta dokumen", "unclaim": "melepasnya", "reassign": "mengalihkannya"}
_STATUS_ID = {"open": "masih terbuka", "waiting for the applicant": "menunggu pemohon",
              "completed": "sudah selesai", "returned to the front office": "dikembalikan ke front office",
              "cancelled": "dibatalkan"}

# (English message pattern, Indonesian text built from its groups)
_PRECISE: list[tuple[re.Pattern, object]] = [
    (re.compile(r"claim the task before you (.+) it"),
     lambda m: f"Ambil tugas ini terlebih dahulu sebelum {_VERBS_ID.get(m[1], m[1])}."),
    (re.compile(r"the task is already claimed"), lambda m: "Tugas ini sudah diambil."),
    (re.compile(r"cannot .+ a task that is (.+)"),
     lambda m: f"Tindakan ini tidak dapat dilakukan: tugas {_STATUS_ID.get(m[1], m[1])}."),
    (re.compile(r"'([^']{1,80})': .+", re.S), lambda m: f"Isian '{m[1]}' tidak sesuai. Periksa kembali."),
    (re.compile(r"wrong username or password"), lambda m: "Nama pengguna atau kata sandi salah."),
    (re.compile(r"sign in first.*"), lambda m: "Silakan masuk terlebih dahulu."),
    (re.compile(r"this needs the role .+; you are .+"), lambda m: "Peran Anda tidak berwenang melakukan ini."),
    (re.compile(r"your account is not assigned to a booth"), lambda m: "Akun Anda belum ditempatkan di booth."),
]


def text(code: str, language: str) -> str | None:
    entry = CATALOG.get(code)
    return entry.get(language) if entry else None


def localize(code: str, message: str, language: str) -> str:
    """The text an officer reads: English keeps the precise message, Indonesian gets its wording."""
    if language == "en" or " / " in message:
        return message   # English, or already "Indonesian / English" (the kiosk shows its own half)
    for pattern, build in _PRECISE:
        match = pattern.fullmatch(message)
        if match:
            return build(match)
    return text(code, language) or message
