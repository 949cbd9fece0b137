"""Every word the kiosk shows, in Bahasa Indonesia (the default) and English."""
from __future__ import annotations

LANGUAGES = ("id", "en")
PRIORITY_GROUPS = ("lansia", "disabilitas", "hamil", "anak")

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "welcome": "Selamat datang",
        "welcome_to": "Selamat datang di {office}",
        "choose_service": "Sentuh layanan yang Anda perlukan untuk mengambil nomor antrean",
        "connecting": "Menghubungkan ke server…",
        "switch_language": "English",
        "priority_button": "Prioritas: Lansia · Disabilitas · Ibu hamil · Anak",
        "priority_button_hint": "Antrean didahulukan. Tidak perlu data pribadi.",
        "priority_title": "Antrean prioritas",
        "priority_question": "Pilih yang sesuai dengan Anda. Tidak perlu KTP atau nomor telepon.",
        "lansia": "Lansia",
        "lansia_hint": "60 tahun ke atas",
        "disabilitas": "Disabilitas",
        "disabilitas_hint": "termasuk pendamping",
        "hamil": "Ibu hamil",
        "hamil_hint": "sedang mengandung",
        "anak": "Anak",
        "anak_hint": "membawa bayi atau balita",
        "priority_label": "Prioritas: {group}",
        "priority_chosen": "Prioritas: {group} — sekarang sentuh layanan yang Anda perlukan",
        "cancel_priority": "Batal",
        "back": "Kembali",
        "waiting": "{n} orang menunggu",
        "waiting_none": "Tidak ada antrean",
        "open": "Buka",
        "closed": "TUTUP",
        "printer_problem": "Printer tiket sedang bermasalah: nomor Anda akan tampil di layar.",
        "issuing": "Mencetak tiket…",
        "issuing_hint": "Mohon tunggu sebentar",
        "your_number": "Nomor antrean Anda",
        "people_ahead": "Orang di depan Anda",
        "estimated_wait": "Perkiraan waktu tunggu",
        "go_to": "Menuju",
        "please_wait": "Silakan tunggu nomor Anda dipanggil",
        "take_ticket": "Silakan ambil tiket Anda.",
        "print_failed": "Tiket tidak tercetak — tunjukkan nomor ini kepada petugas",
        "done": "Selesai",
        "unreachable": "Server tidak dapat dihubungi, mencoba lagi…",
        "unreachable_hint": "Mohon tunggu. Nomor antrean Anda akan dibuat begitu server kembali.",
        "attempt": "Percobaan ke-{n}",
        "cancel": "Batal",
        "refused_title": "Maaf, nomor antrean tidak dapat diambil",
        "unauthorized": "Kios ini tidak terdaftar di server. Mohon hubungi petugas.",
        "refused_other": "Mohon hubungi petugas.",
        "admin_title": "Petugas: masukkan PIN",
        "admin_wrong": "PIN salah",
        "admin_exit": "Tutup aplikasi kios",
        "admin_ok": "OK",
        "admin_clear": "Hapus",
        "under_minute": "< 1 menit",
        "about": "sekitar {wait}",   # the paper is ASCII: "±" would print as "+/-", so both say "sekitar"
        "minutes": "{m} menit",
        "hours": "{h} jam",
        "guidance": "Silakan tunggu nomor Anda dipanggil",
    },
    "en": {
        "welcome": "Welcome",
        "welcome_to": "Welcome to {office}",
        "choose_service": "Touch the service you need to take a queue number",
        "connecting": "Connecting to the server…",
        "switch_language": "Bahasa Indonesia",
        "priority_button": "Priority: Elderly · Disability · Pregnant · Children",
        "priority_button_hint": "Served first. No personal data needed.",
        "priority_title": "Priority queue",
        "priority_question": "Choose what applies to you. No ID card or phone number needed.",
        "lansia": "Elderly",
        "lansia_hint": "60 years or older",
        "disabilitas": "Disability",
        "disabilitas_hint": "including companion",
        "hamil": "Pregnant",
        "hamil_hint": "expecting a baby",
        "anak": "Child",
        "anak_hint": "with a baby or toddler",
        "priority_label": "Priority: {group}",
        "priority_chosen": "Priority: {group} — now touch the service you need",
        "cancel_priority": "Cancel",
        "back": "Back",
        "waiting": "{n} waiting",
        "waiting_none": "No queue",
        "open": "Open",
        "closed": "CLOSED",
        "printer_problem": "The ticket printer has a problem: your number will be shown on screen.",
        "issuing": "Printing your ticket…",
        "issuing_hint": "Please wait a moment",
        "your_number": "Your queue number",
        "people_ahead": "People ahead of you",
        "estimated_wait": "Estimated wait",
        "go_to": "Go to",
        "please_wait": "Please wait until your number is called",
        "take_ticket": "Please take your ticket.",
        "print_failed": "Ticket could not be printed — please show this number to an officer",
        "done": "Done",
        "unreachable": "Cannot reach the server, trying again…",
        "unreachable_hint": "Please wait. Your queue number will be issued as soon as the server is back.",
        "attempt": "Attempt {n}",
        "cancel": "Cancel",
        "refused_title": "Sorry, no queue number could be issued",
        "unauthorized": "This kiosk is not registered with the server. Please ask an officer.",
        "refused_other": "Please ask an officer.",
        "admin_title": "Staff: enter PIN",
        "admin_wrong": "Wrong PIN",
        "admin_exit": "Close the kiosk app",
        "admin_ok": "OK",
        "admin_clear": "Clear",
        "under_minute": "under 1 min",
        "about": "about {wait}",
        "minutes": "{m} min",
        "hours": "{h} h",
        "guidance": "Please wait until your number is called",
    },
}


def t(language: str, key: str, **values) -> str:
    text = TEXTS.get(language, TEXTS["id"]).get(key) or TEXTS["id"][key]
    return text.format(**values) if values else text


def format_wait(seconds: int | None, language: str) -> str:
    """'sekitar 15 menit', 'sekitar 1 jam 5 menit', '< 1 menit': the same words and rounding as the printed ticket."""
    if seconds is None:
        return ""
    minutes = (int(seconds) + 30) // 60
    if minutes < 1:
        return t(language, "under_minute")
    hours, minutes = divmod(minutes, 60)
    parts = ([t(language, "hours", h=hours)] if hours else []) + ([t(language, "minutes", m=minutes)]
                                                                   if minutes else [])
    return t(language, "about", wait=" ".join(parts))


def priority_name(language: str, group: str | None) -> str:
    return t(language, group) if group in PRIORITY_GROUPS else ""


def pick_language(message: str, language: str) -> str:
    """The server's bilingual messages read "ID text / EN text": show the visitor's half when that
    split is unambiguous, else the whole message."""
    parts = message.split(" / ")
    if len(parts) == 2 and all(p.strip() for p in parts):
        return parts[0 if language == "id" else 1].strip()
    return message


PRIORITY_MARK = "(Prioritas)"   # a booth whose catalog label ends so serves priority visitors only


def visitor_booths(booths: list[str], language: str, priority: str | None) -> list[str]:
    """The booths a visitor is sent to: a booth for priority visitors only where it applies to her,
    and its label in her language."""
    out = []
    for label in booths:
        if label.endswith(PRIORITY_MARK):
            if not priority:
                continue
            if language == "en":
                label = label[: -len(PRIORITY_MARK)] + "(Priority)"
        out.append(label)
    return out
