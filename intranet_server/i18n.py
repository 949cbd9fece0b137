"""Screen texts, Bahasa Indonesia first, English too."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "app_title": "Sistem Antrean dan Tugas PTSA",
        "login": "Masuk", "logout": "Keluar", "username": "Nama pengguna", "password": "Kata sandi",
        "login_failed": "Nama pengguna atau kata sandi salah",
        "booth": "Booth", "queue": "Antrean", "waiting": "Menunggu", "current": "Sedang dilayani",
        "call_next": "Panggil berikutnya", "recall": "Panggil ulang", "start": "Mulai layani",
        "finish": "Selesai", "no_show": "Tidak hadir", "park": "Tunda", "resume": "Lanjutkan",
        "transfer": "Pindahkan", "call": "Panggil", "nobody_waiting": "Tidak ada pengunjung menunggu",
        "priority": "Prioritas", "waited": "menunggu", "minutes": "menit", "no_show_list": "Tidak hadir (bisa dipanggil lagi)",
        "parked_list": "Ditunda", "connection_lost": "Koneksi ke server terputus — mencoba lagi…",
        "now_calling": "Nomor antrean", "go_to": "Silakan menuju", "last_calls": "Panggilan terakhir",
        "enable_sound": "Ketuk untuk menyalakan suara", "people_waiting": "orang menunggu",
        "transfer_to": "Pindahkan ke layanan", "cancel": "Batal", "served_services": "Layanan",
        "kiosk_problem": "Masalah printer kiosk", "reprint": "Cetak ulang", "print_failed": "Tiket tidak tercetak", "language": "English",
        "lansia": "Lansia", "disabilitas": "Disabilitas", "hamil": "Ibu hamil", "anak": "Anak",
        "display_title": "Layar Antrean", "inbox": "Kotak tugas", "supervisor": "Supervisor",
        "welcome": "Selamat datang", "status_waiting": "menunggu", "status_called": "dipanggil",
        "status_serving": "sedang dilayani", "status_parked": "ditunda", "status_done": "selesai",
        "status_no_show": "tidak hadir", "status_cancelled": "dibatalkan", "open_screens": "Layar", "recalled": "panggilan ulang",
    },
    "en": {
        "app_title": "PTSA Queue and Task System",
        "login": "Sign in", "logout": "Sign out", "username": "Username", "password": "Password",
        "login_failed": "Wrong username or password",
        "booth": "Booth", "queue": "Queue", "waiting": "Waiting", "current": "Now serving",
        "call_next": "Call next", "recall": "Recall", "start": "Start service",
        "finish": "Finish", "no_show": "No-show", "park": "Park", "resume": "Resume",
        "transfer": "Transfer", "call": "Call", "nobody_waiting": "Nobody is waiting",
        "priority": "Priority", "waited": "waiting", "minutes": "min", "no_show_list": "No-shows (can be called again)",
        "parked_list": "Parked", "connection_lost": "Connection to the server lost — retrying…",
        "now_calling": "Queue number", "go_to": "Please go to", "last_calls": "Last calls",
        "enable_sound": "Tap to turn the sound on", "people_waiting": "people waiting",
        "transfer_to": "Transfer to service", "cancel": "Cancel", "served_services": "Services",
        "kiosk_problem": "Kiosk printer problem", "reprint": "Reprint", "print_failed": "Ticket was not printed", "language": "Bahasa Indonesia",
        "lansia": "Elderly", "disabilitas": "Disability", "hamil": "Pregnant", "anak": "Child",
        "display_title": "Queue Display", "inbox": "Task inbox", "supervisor": "Supervisor",
        "welcome": "Welcome", "status_waiting": "waiting", "status_called": "called",
        "status_serving": "being served", "status_parked": "parked", "status_done": "done",
        "status_no_show": "no-show", "status_cancelled": "cancelled", "open_screens": "Screens", "recalled": "recall",
    },
}


def texts(lang: str) -> dict[str, str]:
    return TEXTS.get(lang, TEXTS["id"])
