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
    # signing in, the screens, the survey
    "csrf": {"id": "Permintaan ditolak demi keamanan. Muat ulang halaman lalu coba lagi.",
             "en": "Refused for security. Reload the page and try again."},
    "throttled": {"id": "Terlalu banyak percobaan masuk yang gagal. Tunggu sebentar lalu coba lagi.",
                  "en": "Too many failed sign-ins. Wait a while and try again."},
    "nothing_to_undo": {"id": "Tidak ada yang dapat dibatalkan lagi.", "en": "There is nothing to undo any more."},
    "already_answered": {"id": "Survei untuk tiket ini sudah diisi. Terima kasih.",
                         "en": "This ticket's survey was already answered. Thank you."},
    "not_served": {"id": "Survei hanya untuk kunjungan yang sudah dilayani.",
                   "en": "The survey is only for a visit that was served."},
    "survey_closed": {"id": "Survei untuk kunjungan ini sudah ditutup.", "en": "This visit's survey is closed."},
    "unknown_ticket": {"id": "Nomor tiket tidak ditemukan untuk hari ini.", "en": "No such ticket number today."},
    "ambiguous_ticket": {"id": "Nomor tiket ini ada lebih dari satu; tanyakan petugas.",
                         "en": "More than one ticket has this number; ask an officer."},
    # administration
    "password_change_required": {"id": "Ganti dulu kata sandi sekali pakai Anda sebelum melanjutkan.",
                                 "en": "Change your one-time password before you continue."},
    "exists": {"id": "Kode atau nomor ini sudah ada; ubah data yang ada.",
               "en": "This code or number exists; change that one instead."},
    "stale": {"id": "Data ini baru diubah orang lain. Muat ulang lalu ulangi perubahan Anda.",
              "en": "Someone else changed this meanwhile. Reload, then make your change again."},
    "last_service": {"id": "Ini layanan terakhir booth sementara pengunjung masih menunggu; "
                            "berikan ke booth lain dulu.",
                     "en": "This is the booth's last service while visitors wait; give it to another booth first."},
    "in_use": {"id": "Unit ini masih memiliki layanan aktif; pindahkan atau nonaktifkan dulu.",
               "en": "This unit still owns active services; move or deactivate them first."},
    "last_admin": {"id": "Ini administrator aktif terakhir; jadikan orang lain administrator dulu.",
                   "en": "This is the last active administrator; make someone else an administrator first."},
    "wrong_password": {"id": "Kata sandi saat ini salah.", "en": "The current password is wrong."},
    # the units' systems and bookings made online
    "bad_client_secret": {"id": "Kunci API klien tidak dikenal atau sudah dicabut.",
                          "en": "Unknown or revoked API client secret."},
    "client_revoked": {"id": "Klien API ini sudah dicabut.", "en": "This API client is revoked."},
    "client_not_allowed": {"id": "Alamat ini tidak terbuka untuk klien API.",
                           "en": "This endpoint is not open to API clients."},
    "missing_scope": {"id": "Klien API ini tidak memiliki izin (scope) untuk ini.",
                      "en": "This API client lacks the scope for this."},
    "client_only": {"id": "Pemesanan dibuat oleh sistem pemesanan dengan kunci API klien.",
                    "en": "Bookings are made by a booking system with its API client secret."},
    "idempotency_mismatch": {"id": "Idempotency-Key ini sudah dipakai untuk permintaan lain.",
                             "en": "This Idempotency-Key was used for another request."},
    "task_key_reused": {"id": "Tugas ini sudah dikirim untuk pengunjung lain. Muat ulang halaman, lalu kirim lagi.",
                        "en": "This task was already sent for another visitor. Reload the page, then send again."},
    "idempotency_in_flight": {"id": "Permintaan pertama dengan Idempotency-Key ini masih berjalan.",
                              "en": "The first request with this Idempotency-Key is still running."},
    "booking_unknown": {"id": "Kode pendaftaran tidak dikenal. Periksa kodenya atau tanyakan petugas.",
                        "en": "Unknown booking code. Check the code or ask an officer."},
    "applicant_phone_invalid": {"id": "Nomor ponsel pemohon tidak sesuai. Tulis seperti +6281234567890.",
                                "en": "The applicant's mobile number is not valid. Write it like +6281234567890."},
    "sms_consent_missing": {"id": "Pemohon belum menyetujui SMS. Centang persetujuannya atau kosongkan nomornya.",
                            "en": "The applicant has not agreed to an SMS. Tick her consent or leave the number out."},
    "booking_used": {"id": "Kode pendaftaran ini sudah dipakai.", "en": "This booking code was already used."},
    "booking_cancelled": {"id": "Pendaftaran ini sudah dibatalkan.", "en": "This booking was cancelled."},
    "booking_other_day": {"id": "Pendaftaran ini untuk hari lain.", "en": "This booking is for another day."},
    "booking_too_early": {"id": "Pendaftaran ini belum dapat dipakai.", "en": "This booking cannot be used yet."},
    "booking_expired": {"id": "Waktu pendaftaran ini sudah lewat.", "en": "This booking's time has passed."},
    "booking_bad_day": {"id": "Tanggal atau jam pendaftaran tidak dapat dipilih.",
                        "en": "That booking date or time cannot be chosen."},
    "booking_closed_day": {"id": "Kantor tutup pada tanggal itu.", "en": "The office is closed on that date."},
    "booking_day_full": {"id": "Kuota tanggal itu sudah penuh.", "en": "That day is fully booked."},
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
_TASK_STATUS_ID = {"open": "masih terbuka", "waiting for the applicant": "menunggu pemohon",
                   "completed": "sudah selesai", "returned to the front office": "dikembalikan ke front office",
                   "cancelled": "dibatalkan"}
_TICKET_STATUS_ID = {"waiting": "menunggu", "called": "dipanggil", "serving": "sedang dilayani",
                     "parked": "ditunda", "done": "selesai", "no_show": "tidak hadir", "cancelled": "dibatalkan"}
_TICKET_VERB_ID = {"call": "dipanggil", "recall": "dipanggil ulang", "start": "mulai dilayani",
                   "finish": "diselesaikan", "no-show": "ditandai tidak hadir", "park": "ditunda",
                   "resume": "dilanjutkan", "transfer": "dipindahkan", "reprint": "dicetak ulang"}


def _ticket_state(m) -> str:
    status = _TICKET_STATUS_ID.get(m["status"], m["status"])
    return f"Tiket yang {status} tidak dapat {_TICKET_VERB_ID.get(m['verb'], m['verb'])}."


# The messages an officer meets on the screens, worded in Indonesian: (English pattern, Indonesian
# template with the pattern's named groups, or a function of the match). Anything else of a code gets
# the code's general text.
_PRECISE_TEXTS: list[tuple[str, object]] = [
    # the task chain
    (r"claim the task before you (?P<verb>.+) it",
     lambda m: f"Ambil tugas ini terlebih dahulu sebelum {_VERBS_ID.get(m['verb'], m['verb'])}."),
    (r"the task is already claimed", "Tugas ini sudah diambil."),
    (r"idempotency_key '.+' was used for the task of another visitor",
     "Tugas ini sudah dikirim untuk pengunjung lain. Muat ulang halaman, lalu kirim lagi."),
    (r"cannot .+ a task that is (?P<status>.+)",
     lambda m: f"Tindakan ini tidak dapat dilakukan: tugas {_TASK_STATUS_ID.get(m['status'], m['status'])}."),
    (r"cannot .+: the task is not at a unit", "Tindakan ini tidak dapat dilakukan: tugas tidak sedang di unit."),
    (r"only an echelon-1 receiver \(P1\) forwards a task", "Hanya penerima eselon I (P1) yang meneruskan tugas."),
    (r"no task (?P<id>\d+)", "Tugas {id} tidak ditemukan."),
    (r"only the front officer at the booth that sent task (?P<id>\d+) may do this",
     "Hanya petugas front office di booth pengirim tugas {id} yang dapat melakukan ini."),
    (r"task (?P<id>\d+) is at (?P<unit>.+); only its receivers may do this",
     "Tugas {id} sedang di {unit}; hanya penerimanya yang dapat melakukan ini."),
    (r"task (?P<id>\d+) is held by (?P<who>.+)", "Tugas {id} sedang dipegang oleh {who}."),
    (r"you have no part in task (?P<id>\d+)", "Anda tidak terlibat dalam tugas {id}."),
    (r"only a front officer \(P0\) at a booth creates tasks",
     "Hanya petugas front office (P0) di booth yang dapat membuat tugas."),
    (r"ticket (?P<n>\S+) was not served at your booth", "Tiket {n} tidak dilayani di booth Anda."),
    (r"(?P<unit>\S+) is an echelon-2 unit: a task goes to an echelon-1 unit first",
     "{unit} adalah unit eselon II: tugas dikirim ke unit eselon I terlebih dahulu."),
    (r"the calendar of (?P<unit>\S+) has no working time: .*", "Kalender {unit} tidak memiliki jam kerja."),
    (r"task (?P<id>\d+) is already claimed by (?P<who>.+)", "Tugas {id} sudah diambil oleh {who}."),
    (r"'username' must name a colleague", "Pilih rekan kerja yang dituju."),
    (r"(?P<who>\S+) is not a (?P<pos>\S+) receiver of (?P<unit>.+)",
     "{who} bukan penerima {pos} di {unit}."),
    (r"(?P<who>\S+) already holds task (?P<id>\d+)", "{who} sudah memegang tugas {id}."),
    (r"(?P<unit>\S+) is not an echelon-2 unit of (?P<parent>\S+)", "{unit} bukan unit eselon II di bawah {parent}."),
    (r"task (?P<id>\d+)'s answer was already acknowledged", "Jawaban tugas {id} sudah dikonfirmasi."),
    (r"no alert (?P<id>\d+)", "Peringatan {id} tidak ditemukan."),
    (r"alert (?P<id>\d+) is outside your units", "Peringatan {id} berada di luar unit Anda."),
    (r"alert (?P<id>\d+) was acknowledged by (?P<who>.+)", "Peringatan {id} sudah ditanggapi oleh {who}."),
    (r"unknown unit '(?P<unit>.*)'", "Unit {unit} tidak dikenal."),
    (r"Change your one-time password before you continue \(POST /api/v1/auth/password\)\.",
     "Ganti dulu kata sandi sekali pakai Anda sebelum melanjutkan."),
    # the calendar
    (r"'last' is before 'first'", "Tanggal akhir lebih awal dari tanggal mulai."),
    (r"an override spans at most a year", "Satu pengaturan kalender paling lama satu tahun."),
    (r"Ramadan hours apply to the whole office; leave out 'unit'",
     "Jam kerja Ramadan berlaku untuk seluruh kantor; kosongkan 'unit'."),
    (r"(?P<kind>\w+) override (?P<first>\S+)\.\.(?P<last>\S+) already covers some of these dates; remove it first",
     "Pengaturan {kind} {first}..{last} sudah mencakup sebagian tanggal ini; hapus dulu."),
    (r"no calendar override (?P<id>\d+)", "Pengaturan kalender {id} tidak ditemukan."),
    # the queue
    (r"cannot (?P<verb>[a-z-]+) a ticket that is (?P<status>[a-z_]+) \(only when .+\)", _ticket_state),
    (r"only a front officer \(P0\) at a booth may do this",
     "Hanya petugas front office (P0) di booth yang dapat melakukan ini."),
    (r"your account is not assigned to a booth.*", "Akun Anda belum ditempatkan di booth; hubungi administrator."),
    (r"no ticket (?P<id>\d+)", "Tiket {id} tidak ditemukan."),
    (r"ticket (?P<n>\S+) is not at your booth", "Tiket {n} tidak berada di booth Anda."),
    (r"(?P<booth>.+) does not serve (?P<svc>\S+); transfer the ticket first",
     "{booth} tidak melayani {svc}; pindahkan tiketnya terlebih dahulu."),
    (r"ticket (?P<n>\S+) is parked at another booth", "Tiket {n} ditunda di booth lain."),
    (r"ticket (?P<n>\S+) missed its call more than (?P<min>\d+) minutes ago; the visitor needs a new ticket",
     "Panggilan tiket {n} sudah lewat lebih dari {min} menit; pengunjung perlu mengambil tiket baru."),
    (r"finish or park (?P<n>\S+) before resuming another visit",
     "Selesaikan atau tunda {n} sebelum melanjutkan layanan lain."),
    (r"ticket (?P<n>\S+) is at another booth", "Tiket {n} berada di booth lain."),
    (r"ticket (?P<n>\S+) is already in (?P<svc>\S+)", "Tiket {n} sudah berada di layanan {svc}."),
    (r"this ticket was issued by another kiosk", "Tiket ini dicetak oleh kiosk lain."),
    (r"(?P<booth>.+) does not serve ticket (?P<n>\S+)", "{booth} tidak melayani tiket {n}."),
    (r"ticket (?P<n>\S+) is (?P<status>\S+); there is nothing to reprint",
     lambda m: f"Tiket {m['n']} {_TICKET_STATUS_ID.get(m['status'], m['status'])}; "
               "tidak ada yang perlu dicetak ulang."),
    (r"the kiosk that issued (?P<n>\S+) is no longer registered", "Kiosk yang mencetak {n} sudah tidak terdaftar."),
    (r"(?P<booth>.+) serves no service; ask the administrator",
     "{booth} belum melayani layanan apa pun; hubungi administrator."),
    (r"unknown service '(?P<svc>.*)'", "Layanan {svc} tidak dikenal."),
    (r"no more than (?P<max>\d+) tickets per service per day", "Paling banyak {max} tiket per layanan per hari."),
    # bookings made online (the kiosk shows these to the visitor)
    (r"booking (?P<code>\S+) is for (?P<day>\S+), not today",
     "Pendaftaran {code} untuk tanggal {day}, bukan hari ini. Silakan datang pada tanggal tersebut."),
    (r"booking (?P<code>\S+) can be used from (?P<at>\S+)", "Pendaftaran {code} dapat dipakai mulai pukul {at}."),
    (r"booking (?P<code>\S+) ended at (?P<at>\S+)",
     "Waktu pendaftaran {code} berakhir pukul {at}. Silakan ambil tiket biasa."),
    (r"booking (?P<code>\S+) was already used for ticket (?P<n>\S+)",
     "Pendaftaran {code} sudah dipakai untuk tiket {n}."),
    (r"booking (?P<code>\S+) was already used", "Pendaftaran {code} sudah dipakai."),
    (r"booking (?P<code>\S+) was cancelled", "Pendaftaran {code} sudah dibatalkan."),
    (r"no booking (?P<code>.+)", "Pendaftaran {code} tidak ditemukan."),
    (r"(?P<day>\S+) is not a working day of (?P<unit>\S+)", "Tanggal {day} bukan hari kerja {unit}."),
    (r"a booking is for today or one of the next (?P<n>\d+) days",
     "Pendaftaran untuk hari ini atau {n} hari ke depan."),
    (r"that window has already passed", "Jam tersebut sudah lewat."),
    # undo, the survey, formats
    (r"nothing to undo on ticket (?P<n>\S+) .*", "Tidak ada yang dapat dibatalkan pada tiket {n}."),
    (r"ticket (?P<n>\S+) was changed by (?P<who>\S+); only they may undo it",
     "Tiket {n} diubah oleh {who}; hanya dia yang dapat membatalkannya."),
    (r"(?P<n>\S+) is being served at your booth now; finish or park it first",
     "{n} sedang dilayani di booth Anda; selesaikan atau tunda dulu."),
    (r"the body is nested too deeply", "Data yang dikirim bersarang terlalu dalam."),
    (r"no such format '(?P<f>.*)': (?P<ok>.+)", "Format '{f}' tidak tersedia: {ok}."),
    (r"this needs 'Authorization: Bearer <survey tablet token>'", "Permintaan ini memerlukan token tablet survei."),
    (r"only a booth officer \(P0\) or the booth's tablet records a survey from a session",
     "Hanya petugas booth (P0) atau tablet booth yang dapat mencatat survei."),
    # the units' systems (API clients)
    (r"bookings are made by a booking system .+",
     "Pendaftaran dibuat oleh sistem pemesanan dengan kunci API klien (scope bookings:write)."),
    (r"(?P<method>\S+) (?P<path>\S+) is not open to API clients", "{method} {path} tidak terbuka untuk klien API."),
    (r"'unit' names the unit whose events the webhook hears", "Isi 'unit' dengan unit yang peristiwanya didengar."),
    (r"this needs the scope (?P<scope>\S+); client (?P<name>\S+) has .*",
     "Ini memerlukan scope {scope}; klien {name} tidak memilikinya."),
    (r"Idempotency-Key (?P<key>.+) was used for (?P<what>.+)", "Idempotency-Key {key} sudah dipakai untuk {what}."),
    (r"the first request with this Idempotency-Key is still running",
     "Permintaan pertama dengan Idempotency-Key ini masih berjalan."),
    (r"client (?P<name>\S+) hears (?P<unit>\S+) only", "Klien {name} hanya menerima peristiwa {unit}."),
    (r"client (?P<name>\S+) acts for (?P<own>\S+), not (?P<unit>\S+)",
     "Klien {name} bertindak untuk {own}, bukan {unit}."),
    (r"a client named (?P<name>.+) exists; rotate its secret or pick another name",
     "Klien bernama {name} sudah ada; ganti kuncinya atau pilih nama lain."),
    (r"no API client (?P<id>\d+)", "Klien API {id} tidak ditemukan."),
    (r"client (?P<name>\S+) is revoked", "Klien {name} sudah dicabut."),
    (r"no webhook (?P<id>\d+)", "Webhook {id} tidak ditemukan."),
    (r"unknown or revoked API client secret", "Kunci API klien tidak dikenal atau sudah dicabut."),
    # signing in, kiosks, the transport
    (r"wrong username or password", "Nama pengguna atau kata sandi salah."),
    (r"sign in first.*", "Silakan masuk terlebih dahulu."),
    (r"this needs the role .+; you are .+", "Peran Anda tidak berwenang melakukan ini."),
    (r"this endpoint needs 'Authorization: Bearer <kiosk token>'", "Permintaan ini memerlukan token kiosk."),
    (r"unknown kiosk token", "Token kiosk tidak dikenal."),
    (r"this kiosk token has been revoked", "Token kiosk ini sudah dicabut."),
    (r"send the body as JSON.*", "Kirim data sebagai JSON (Content-Type: application/json)."),
    (r"the body must be a JSON object", "Data harus berupa objek JSON."),
    (r"request body larger than (?P<kib>\d+) KiB", "Data yang dikirim lebih besar dari {kib} KiB."),
    (r"ticket id must be a whole number", "Nomor tiket harus bilangan bulat."),
    # a field the models refused: "'<field>': <pydantic's reason>", or an action's own field check
    (r"'(?P<field>[^']{1,80})': .+", "Isian '{field}' tidak sesuai. Periksa kembali."),
    (r"'(?P<field>[^']{1,80})' (?:must|is) .+", "Isian '{field}' tidak sesuai. Periksa kembali."),
]
_PRECISE = [(re.compile(pattern, re.S), build) for pattern, build in _PRECISE_TEXTS]


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
            return build(match) if callable(build) else build.format(**match.groupdict())
    return text(code, language) or message
