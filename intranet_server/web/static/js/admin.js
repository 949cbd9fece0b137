/* /admin: catalog, staff, calendar, service levels, kiosks, notifications, audit log.
   A refused save shows the server's message next to the field it names ("'prefix': ..."); a 409
   `stale` shows the reload prompt. Plain JavaScript over the JSON API. */
(function () {
  "use strict";
  const root = document.getElementById("admin");
  const ID = root.dataset.lang === "id";
  const isAdmin = root.dataset.role === "admin";
  const L = (id, en) => (ID ? id : en);
  const $ = (sel, el) => (el || document).querySelector(sel);
  const $$ = (sel, el) => Array.from((el || document).querySelectorAll(sel));
  const esc = (v) => String(v == null ? "" : v).replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  let data = { units: [], services: [], booths: [] };
  let editing = { service: null, unit: null, booth: null, staff: null };
  if (!isAdmin) document.body.dataset.readonly = "yes";
  $$("[data-admin-only]").forEach((el) => { if (!isAdmin) el.hidden = true; });

  function flash(text) { const p = $("#admin-flash"); p.textContent = text; p.hidden = false; p.scrollIntoView({ block: "nearest" }); }

  function clearErrors(form) {
    $$(".field-error", form).forEach((p) => { p.hidden = true; p.textContent = ""; });
    $$(".invalid", form).forEach((el) => el.classList.remove("invalid"));
  }

  /* The server's messages are English (the API's); in Bahasa Indonesia the screen says them in its own words. */
  const ID_TEXTS = [
    [/prefix '?(\w+)'? is already used/, (m) => `Huruf ${m[1]} sudah dipakai layanan lain.`],
    [/prefix must be one or two capital letters|should match pattern '\^\[A-Z\]\{1,2\}\$'/, () => "Huruf tiket: satu atau dua huruf kapital."],
    [/unknown unit '?([\w-]*)'?/, (m) => `Unit ${m[1]} tidak dikenal.`],
    [/unknown service '?([\w-]*)'?/, (m) => `Layanan ${m[1]} tidak dikenal.`],
    [/must be HH:MM|should match pattern '\^\(\[01\]/, () => "Tulis jam sebagai JJ:MM, mis. 07:30."],
    [/opens_at must be before closes_at/, () => "Jam buka harus sebelum jam tutup."],
    [/daily_cap is at most 999|less than or equal to 999/, () => "Kuota harian paling banyak 999."],
    [/greater than or equal to 1|at least 1/, () => "Isi dengan angka 1 atau lebih."],
    [/String should have at least 1 character|Field required|missing/, () => "Wajib diisi."],
    [/needs an echelon-1 'parent'/, () => "Unit eselon 2 memerlukan induk eselon 1."],
    [/unknown time zone/, () => "Zona waktu tidak dikenal (mis. Asia/Jakarta, Asia/Makassar, Asia/Jayapura)."],
    [/is not HH:MM-HH:MM|is empty or overlaps|a week with no working hours|weekdays are/, () => "Jam kerja: satu hari per baris, mis. \"mon 07:30-12:00 13:00-16:00\", berurutan dan tidak tumpang tindih."],
    [/exists; change it instead/, () => "Sudah ada; ubah yang ada."],
    [/was changed by someone else/, () => "Data ini diubah orang lain sejak Anda membukanya. Muat ulang lalu coba lagi."],
    [/last booth serving (\S+) and (\d+) visitor/, (m) => `Booth ini satu-satunya yang melayani ${m[1]} dan ${m[2]} pengunjung sedang menunggu; berikan ${m[1]} ke booth lain dulu.`],
    [/is the last active administrator/, () => "Ini administrator aktif terakhir; jadikan orang lain administrator dulu."],
    [/still belong to/, () => "Masih ada layanan aktif milik unit ini; pindahkan atau nonaktifkan dulu."],
    [/a front officer \(p0\) needs a booth/, () => "Petugas depan (P0) memerlukan booth."],
    [/a P1 receiver needs an echelon-1 unit/, () => "Penerima P1 memerlukan unit eselon 1."],
    [/a P2 receiver needs an echelon-2 unit/, () => "Penerima P2 memerlukan unit eselon 2."],
    [/a supervisor needs a unit/, () => "Supervisor memerlukan unit."],
    [/write it internationally/, () => "Tulis nomor telepon dalam format internasional, mis. +6281234567890."],
    [/does not look right/, () => "Alamat e-mail tidak benar."],
    [/username: 2 to 64|should match pattern '\^\[a-z0-9\]/, () => "Username: 2–64 huruf kecil, angka, '.', '_' atau '-'."],
    [/must be a date written YYYY-MM-DD|should match pattern '\^\\d\{4\}/, () => "Tulis tanggal sebagai TTTT-BB-HH."],
    [/already covers some of these dates/, () => "Sebagian tanggal ini sudah diatur koreksi lain; hapus dulu yang itu."],
    [/a kiosk named .* exists/, () => "Nama kios ini sudah dipakai."],
    [/kiosk name|should match pattern '\^\[A-Za-z0-9\]/, () => "Nama kios: huruf, angka, '.', '_' atau '-'."],
  ];
  function inScreenLanguage(text) {
    if (!ID) return text;
    for (const [re, say] of ID_TEXTS) { const m = re.exec(text); if (m) return say(m); }
    return text;
  }

  function showError(form, e) {
    if (e.code === "stale") { $("#admin-stale").hidden = false; }
    // the precise English reason (detail) names the field; the screen says it in its own language
    const m = /^'([\w.]+)': (.*)$/.exec(e.detail || e.message || "");
    const field = m ? m[1].split(".")[0] : "_";
    // English screen: the precise reason; Indonesian: its own wording, else the server's Indonesian text
    const worded = m ? inScreenLanguage(m[2]) : e.message;
    const text = ID && m && worded === m[2] ? e.message : worded;
    const box = $$(".field-error", form).find((p) => p.dataset.errorFor.split(" ").includes(field))
      || $$(".field-error", form).find((p) => p.dataset.errorFor.split(" ").includes("_"))
      || $$(".field-error", form)[0];
    if (box) { box.textContent = text; box.hidden = false; }
    const input = $(`[name="${field}"]`, form);
    if (input) input.classList.add("invalid");
  }

  async function save(form, method, url, body) {
    clearErrors(form);
    try { return await PTSA.api(method, url, body); } catch (e) { showError(form, e); e.shown = true; throw e; }
  }
  // a refused save stops its handler: its message is already next to the field; anything else is flashed
  window.addEventListener("unhandledrejection", (ev) => {
    ev.preventDefault();
    const e = ev.reason || {};
    if (!e.shown) flash(e.message || String(e));
  });
  // times as the office reads them: its own zone, its own language
  const when = (iso) => (iso ? new Date(iso).toLocaleString(ID ? "id-ID" : "en-GB", {
    timeZone: window.PTSA_TIMEZONE || "Asia/Jakarta", dateStyle: "medium", timeStyle: "medium" }) : "—");
  const num = (v) => (v === "" || v == null ? null : Number(v));

  /* ---- tabs ---- */
  function openTab(name) {
    $("#admin-flash").hidden = true;
    $$(".tab").forEach((s) => { s.hidden = s.id !== "tab-" + name; });
    $$("#admin-tabs a").forEach((a) => a.classList.toggle("active", a.dataset.tab === name));
    ({ catalog: loadCatalog, staff: loadStaff, calendar: loadCalendar, levels: loadLevels, kiosks: loadKiosks,
       notify: loadNotify, audit: () => loadAudit(false) })[name]();
  }
  window.addEventListener("hashchange", () => openTab(location.hash.slice(1) || "catalog"));
  $("#admin-reload").addEventListener("click", () => location.reload());

  /* ---- catalog ---- */
  function unitOptions() {
    $$("select[data-units]").forEach((sel) => {
      const kind = sel.dataset.units;
      const keep = sel.value;
      const units = data.units.filter((u) => kind === "all" || String(u.echelon) === kind || kind === "2");
      sel.innerHTML = (sel.dataset.office !== undefined ? `<option value="">${L("seluruh kantor", "whole office")}</option>` : "")
        + (sel.id === "st-unit" || sel.id === "unit-parent" ? '<option value="">—</option>' : "")
        + units.map((u) => `<option value="${esc(u.code)}">${esc(u.code)} — ${esc(u.name)}</option>`).join("");
      if (keep) sel.value = keep;
    });
  }

  async function loadCatalog() {
    data = await PTSA.api("GET", "/api/v1/admin/catalog");
    unitOptions();
    $("#services-table tbody").innerHTML = data.services.map((s) => `<tr class="${s.active ? "" : "inactive"}" data-code="${esc(s.code)}">
      <td>${esc(s.code)}</td><td>${esc(s.prefix)}</td><td>${esc(ID ? s.name_id : s.name_en)}</td><td>${esc(s.owner)}</td>
      <td>${esc(s.opens_at)}–${esc(s.closes_at)} ${esc((s.open_days || []).join(","))}</td><td>${esc(s.daily_cap || "—")}</td>
      <td>${s.active ? "✓" : "—"}</td><td>${isAdmin ? `<button class="link" data-edit-service="${esc(s.code)}">${L("ubah", "edit")}</button>` : ""}</td></tr>`).join("");
    $("#booths-table tbody").innerHTML = data.booths.map((b) => `<tr class="${b.active ? "" : "inactive"}"><td>${b.number}</td>
      <td>${esc(b.label)}</td><td>${esc(b.services.join(", "))}</td><td class="booth-priority">${b.priority ? "✓" : "—"}</td><td>${b.active ? "✓" : "—"}</td>
      <td>${isAdmin ? `<button class="link" data-edit-booth="${b.number}">${L("ubah", "edit")}</button>` : ""}</td></tr>`).join("");
    $("#units-table tbody").innerHTML = data.units.map((u) => `<tr class="${u.active ? "" : "inactive"}"><td>${esc(u.code)}</td>
      <td>${esc(u.name)}</td><td>${u.echelon}</td><td>${esc(u.parent || "")}</td><td>${esc(u.timezone)}</td>
      <td>${u.hours ? esc(Object.entries(u.hours).map(([d, s]) => d + " " + s.join(" ")).join("; ")) : L("jam kantor", "office hours")}</td>
      <td>${isAdmin ? `<button class="link" data-edit-unit="${esc(u.code)}">${L("ubah", "edit")}</button>` : ""}</td></tr>`).join("");
  }

  document.addEventListener("click", (ev) => {
    const t = ev.target;
    if (t.dataset.editService) editService(data.services.find((s) => s.code === t.dataset.editService));
    if (t.dataset.editBooth) editBooth(data.booths.find((b) => String(b.number) === t.dataset.editBooth));
    if (t.dataset.editUnit) editUnit(data.units.find((u) => u.code === t.dataset.editUnit));
  });

  function editService(s) {
    if (s) $("#service-form").scrollIntoView({ block: "start" });
    editing.service = s;
    $("#service-form-title").textContent = s ? L("Ubah layanan ", "Change service ") + s.code : L("Tambah layanan", "Add a service");
    $("#svc-code").value = s ? s.code : ""; $("#svc-code").disabled = !!s;
    $("#svc-prefix").value = s ? s.prefix : ""; $("#svc-name-id").value = s ? s.name_id : "";
    $("#svc-name-en").value = s ? s.name_en : ""; $("#svc-owner").value = s ? s.owner : "";
    $("#svc-sop").value = s && s.sop_days ? s.sop_days : ""; $("#svc-cap").value = s && s.daily_cap ? s.daily_cap : "";
    $("#svc-opens").value = s ? s.opens_at : "07:30"; $("#svc-closes").value = s ? s.closes_at : "15:30";
    $$("#svc-days input").forEach((c) => { c.checked = s ? s.open_days.includes(c.value) : !["sat", "sun"].includes(c.value); });
    $("#svc-active").checked = s ? s.active : true;
    clearErrors($("#service-form"));
  }
  $("#svc-new").addEventListener("click", () => editService(null));
  $("#service-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const body = { prefix: $("#svc-prefix").value.trim(), name_id: $("#svc-name-id").value.trim(),
      name_en: $("#svc-name-en").value.trim(), owner: $("#svc-owner").value, sop_days: num($("#svc-sop").value),
      daily_cap: num($("#svc-cap").value), active: $("#svc-active").checked,
      hours: { opens_at: $("#svc-opens").value.trim(), closes_at: $("#svc-closes").value.trim(),
               days: $$("#svc-days input:checked").map((c) => c.value) } };
    const s = editing.service;
    if (s) { body.version = s.version; await save(form, "PATCH", `/api/v1/admin/services/${encodeURIComponent(s.code)}`, body); }
    else { body.code = $("#svc-code").value.trim(); await save(form, "POST", "/api/v1/admin/services", body); }
    flash(L("Layanan disimpan: kios dan booth sudah diperbarui.", "Service saved: kiosks and booths are updated."));
    editService(null);
    loadCatalog();
  });

  function editBooth(b) {
    editing.booth = b;
    const form = $("#booth-form"); form.hidden = false; form.scrollIntoView({ block: "start" });
    $("#booth-number").textContent = b.number; $("#booth-label").value = b.label;
    $("#booth-priority").checked = !!b.priority;
    $("#booth-services").innerHTML = `<legend>${L("Layanan yang dilayani", "Services served")}</legend>` + data.services.filter((s) => s.active)
      .map((s) => `<label class="inline"><input type="checkbox" value="${esc(s.code)}" ${b.services.includes(s.code) ? "checked" : ""}> ${esc(s.code)}</label>`).join("");
    clearErrors(form);
  }
  $("#booth-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const b = editing.booth;
    await save(ev.target, "PATCH", `/api/v1/admin/booths/${b.number}`, { label: $("#booth-label").value.trim(),
      services: $$("#booth-services input:checked").map((c) => c.value), priority: $("#booth-priority").checked,
      version: b.version });
    flash(L("Booth disimpan.", "Booth saved.")); ev.target.hidden = true; loadCatalog();
  });

  function hoursText(h) { return h ? Object.entries(h).map(([d, s]) => `${d} ${s.join(" ")}`).join("\n") : ""; }
  function parseHours(text) {
    const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
    if (!lines.length) return null;
    const out = {};
    lines.forEach((l) => { const [d, ...spans] = l.split(/\s+/); out[d] = spans; });
    return out;
  }
  function editUnit(u) {
    if (u) $("#unit-form").scrollIntoView({ block: "start" });
    editing.unit = u;
    $("#unit-form-title").textContent = u ? L("Ubah unit ", "Change unit ") + u.code : L("Tambah unit", "Add a unit");
    $("#unit-code").value = u ? u.code : ""; $("#unit-code").disabled = !!u;
    $("#unit-name").value = u ? u.name : ""; $("#unit-name-en").value = u ? u.name_en || "" : "";
    $("#unit-echelon").value = u ? u.echelon : 2; $("#unit-echelon").disabled = !!u;
    $("#unit-parent").value = u ? u.parent || "" : ""; $("#unit-tz").value = u ? u.timezone : "Asia/Jakarta";
    $("#unit-cuti").checked = u ? !!u.open_on_cuti_bersama : false; $("#unit-hours").value = u ? hoursText(u.hours) : "";
    clearErrors($("#unit-form"));
  }
  $("#unit-new").addEventListener("click", () => editUnit(null));
  $("#unit-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const u = editing.unit;
    const body = { name: $("#unit-name").value.trim(), name_en: $("#unit-name-en").value.trim(),
      parent: $("#unit-parent").value || null, timezone: $("#unit-tz").value,
      open_on_cuti_bersama: $("#unit-cuti").checked, hours: parseHours($("#unit-hours").value) };
    if (u) { body.version = u.version; await save(ev.target, "PATCH", `/api/v1/admin/units/${encodeURIComponent(u.code)}`, body); }
    else { body.code = $("#unit-code").value.trim(); body.echelon = Number($("#unit-echelon").value);
           await save(ev.target, "POST", "/api/v1/admin/units", body); }
    flash(L("Unit disimpan.", "Unit saved.")); editUnit(null); loadCatalog();
  });

  /* ---- staff ---- */
  let staffRows = [];
  async function loadStaff() {
    if (!data.units.length) { data = await PTSA.api("GET", "/api/v1/admin/catalog"); unitOptions(); }
    const q = new URLSearchParams({ q: $("#staff-q").value.trim(), role: $("#staff-role").value });
    staffRows = (await PTSA.api("GET", "/api/v1/admin/staff?" + q)).staff;
    $("#staff-table tbody").innerHTML = staffRows.map((s) => `<tr class="${s.active ? "" : "inactive"}" data-user="${esc(s.username)}">
      <td>${esc(s.username)}</td><td>${esc(s.full_name)}</td><td>${esc(s.role)}</td><td>${esc(s.unit || "")}</td><td>${esc(s.booth || "")}</td>
      <td>${s.active ? L("aktif", "active") : L("nonaktif", "disabled")}${s.must_change_password ? " · " + L("wajib ganti sandi", "must change password") : ""}</td>
      <td>${isAdmin ? `<button class="link" data-staff-edit="${esc(s.username)}">${L("ubah", "edit")}</button>
        <button class="link" data-staff-toggle="${esc(s.username)}">${s.active ? L("nonaktifkan", "disable") : L("aktifkan", "enable")}</button>
        <button class="link" data-staff-reset="${esc(s.username)}">${L("reset sandi", "reset password")}</button>` : ""}</td></tr>`).join("");
  }
  $("#staff-search").addEventListener("click", loadStaff);
  function showOtp(username, otp) {
    const box = $("#otp-box");
    box.innerHTML = `${L("Kata sandi sekali pakai untuk", "One-time password for")} <b>${esc(username)}</b> (${L("hanya ditampilkan sekarang", "shown only now")}): <code id="otp-value">${esc(otp)}</code>`;
    box.hidden = false;
    box.scrollIntoView({ block: "center" });
  }
  function editStaff(s) {
    if (s) $("#staff-form").scrollIntoView({ block: "start" });
    editing.staff = s;
    $("#staff-form-title").textContent = s ? L("Ubah ", "Change ") + s.username : L("Tambah pegawai", "Add a staff member");
    $("#st-username").value = s ? s.username : ""; $("#st-username").disabled = !!s;
    $("#st-name").value = s ? s.full_name : ""; $("#st-role").value = s ? s.role : "p0";
    $("#st-unit").value = s ? s.unit || "" : ""; $("#st-booth").value = s && s.booth ? s.booth : "";
    $("#st-email").value = s ? s.email : ""; $("#st-phone").value = s ? s.phone : "";
    clearErrors($("#staff-form"));
  }
  $("#st-new").addEventListener("click", () => editStaff(null));
  document.addEventListener("click", async (ev) => {
    const t = ev.target;
    const find = (u) => staffRows.find((s) => s.username === u);
    try {
      if (t.dataset.staffEdit) editStaff(find(t.dataset.staffEdit));
      if (t.dataset.staffToggle) {
        const s = find(t.dataset.staffToggle);
        await PTSA.api("PATCH", `/api/v1/admin/staff/${encodeURIComponent(s.username)}`, { active: !s.active, version: s.version });
        loadStaff();
      }
      if (t.dataset.staffReset) {
        const r = await PTSA.api("POST", `/api/v1/admin/staff/${encodeURIComponent(t.dataset.staffReset)}/password`);
        showOtp(r.username, r.one_time_password); loadStaff();
      }
    } catch (e) { if (e.code === "stale") $("#admin-stale").hidden = false; flash(e.message); }
  });
  $("#staff-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const s = editing.staff;
    const body = { full_name: $("#st-name").value.trim(), role: $("#st-role").value, unit: $("#st-unit").value || null,
      booth: num($("#st-booth").value), email: $("#st-email").value.trim() || null, phone: $("#st-phone").value.trim() || null };
    if (s) {
      body.version = s.version;
      await save(ev.target, "PATCH", `/api/v1/admin/staff/${encodeURIComponent(s.username)}`, body);
      flash(L("Pegawai disimpan.", "Staff member saved."));
    } else {
      body.username = $("#st-username").value.trim();
      Object.keys(body).forEach((k) => { if (body[k] === null) delete body[k]; });
      const r = await save(ev.target, "POST", "/api/v1/admin/staff", body);
      showOtp(r.username, r.one_time_password);
    }
    editStaff(null); loadStaff();
  });
  $("#import-file").addEventListener("change", async (ev) => {
    const file = ev.target.files[0]; if (file) $("#import-text").value = await file.text();
  });
  $("#import-preview").addEventListener("click", async () => {
    const form = $("#import-form");
    const r = await save(form, "POST", "/api/v1/admin/staff/import/preview", { csv: $("#import-text").value });
    $("#import-lines tbody").innerHTML = r.lines.map((l) => `<tr class="${l.error ? "inactive" : ""}"><td>${l.line}</td>
      <td>${esc(l.username)}</td><td>${l.action === "add" ? L("tambah", "add") : L("ubah", "change")}</td>
      <td class="field-error">${esc(l.error || "")}</td></tr>`).join("");
    $("#import-apply").disabled = !r.ok;
  });
  $("#import-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await save(ev.target, "POST", "/api/v1/admin/staff/import", { csv: $("#import-text").value });
    flash(L(`${r.added} ditambah, ${r.changed} diubah.`, `${r.added} added, ${r.changed} changed.`));
    if (r.one_time_passwords.length) {
      const box = $("#otp-box");
      box.innerHTML = L("Kata sandi sekali pakai (hanya ditampilkan sekarang):", "One-time passwords (shown only now):")
        + "<ul>" + r.one_time_passwords.map((o) => `<li><b>${esc(o.username)}</b>: <code>${esc(o.one_time_password)}</code></li>`).join("") + "</ul>";
      box.hidden = false;
    }
    $("#import-apply").disabled = true; loadStaff();
  });

  /* ---- calendar ---- */
  async function loadCalendar() {
    if (!data.units.length) { data = await PTSA.api("GET", "/api/v1/admin/catalog"); unitOptions(); }
    if (!$("#cal-year").value) $("#cal-year").value = new Date().getFullYear();
    const year = Number($("#cal-year").value);
    const unit = $("#cal-unit").value;
    const first = `${year}-01-01`;
    const days = (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 366 : 365;
    const cal = await PTSA.api("GET", `/api/v1/calendar?from=${first}&days=${days}` + (unit ? `&unit=${encodeURIComponent(unit)}` : ""));
    const months = {};
    cal.days.forEach((d) => { (months[d.date.slice(0, 7)] = months[d.date.slice(0, 7)] || []).push(d); });
    $("#cal-year-view").innerHTML = Object.entries(months).map(([m, list]) => {
      const pad = (new Date(list[0].date + "T00:00:00Z").getUTCDay() + 6) % 7;
      return `<div class="month"><h4>${m}</h4><div class="days">${"<span></span>".repeat(pad)}${list.map((d) => {
        const cls = ["day", d.working ? "work" : "off", d.holiday ? (d.holiday.kind === "cuti_bersama" || /cuti/i.test(d.holiday.name) ? "cuti" : "holiday") : "",
          d.extra_closed || d.extra_open ? "override" : "", d.ramadan ? "ramadan" : ""].join(" ");
        const title = [d.date, d.hours.join(", "), d.holiday ? d.holiday.name : "", d.ramadan ? "Ramadan" : ""].filter(Boolean).join(" · ");
        return `<span class="${cls}" title="${esc(title)}" data-date="${d.date}">${Number(d.date.slice(8))}</span>`;
      }).join("")}</div></div>`;
    }).join("");
    const overrides = await PTSA.api("GET", "/api/v1/calendar/overrides");
    $("#overrides-table tbody").innerHTML = overrides.map((o) => `<tr><td>#${o.id}</td><td>${esc(o.kind)}</td>
      <td>${esc(o.first)}${o.last !== o.first ? "–" + esc(o.last) : ""}</td><td>${esc(o.unit || L("kantor", "office"))}</td><td>${esc(o.note)}</td>
      <td><button class="link" data-remove-override="${o.id}">${L("hapus", "remove")}</button></td></tr>`).join("");
  }
  $("#cal-show").addEventListener("click", loadCalendar);
  function overrideBody() {
    const b = { kind: $("#ov-kind").value, first: $("#ov-first").value, note: $("#ov-note").value.trim() };
    if ($("#ov-last").value) b.last = $("#ov-last").value;
    if ($("#ov-unit").value) b.unit = $("#ov-unit").value;
    return b;
  }
  function describe(effect) {
    const h = (s) => {   // wall-clock time: closing a Friday moves a deadline over the weekend
      const a = Math.abs(s), d = Math.floor(a / 86400), hr = Math.floor((a % 86400) / 3600), mi = Math.round((a % 3600) / 60);
      return [d && `${d} ${L("hari", d === 1 ? "day" : "days")}`, hr && `${hr} ${L("jam", "h")}`, mi && `${mi} ${L("menit", "min")}`]
        .filter(Boolean).join(" ") || L("kurang dari 1 menit", "under a minute");
    };
    if (!effect.deadlines) return L("Tidak ada tenggat tugas terbuka yang bergeser.", "No open task deadline moves.");
    const parts = [];
    if (effect.latest_s) parts.push(L(`paling jauh ${h(effect.latest_s)} lebih lambat`, `up to ${h(effect.latest_s)} later`));
    if (effect.earliest_s) parts.push(L(`paling jauh ${h(effect.earliest_s)} lebih awal`, `up to ${h(effect.earliest_s)} earlier`));
    return L(`${effect.deadlines} tenggat dari ${effect.tasks} tugas terbuka bergeser: `, `${effect.deadlines} deadlines of ${effect.tasks} open tasks move: `) + parts.join(", ") + ".";
  }
  $("#ov-preview").addEventListener("click", async () => {
    const effect = await save($("#override-form"), "POST", "/api/v1/admin/calendar/preview", overrideBody());
    $("#ov-effect").textContent = describe(effect); $("#ov-effect").hidden = false; $("#ov-save").disabled = false;
  });
  $("#override-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    await save(ev.target, "POST", "/api/v1/admin/calendar/overrides", overrideBody());
    flash(L("Kalender disimpan; tenggat dihitung ulang.", "Calendar saved; deadlines recomputed."));
    $("#ov-save").disabled = true; loadCalendar();
  });
  document.addEventListener("click", async (ev) => {
    const id = ev.target.dataset.removeOverride;
    if (!id) return;
    const effect = await PTSA.api("POST", "/api/v1/admin/calendar/preview", { remove: Number(id) });
    if (!window.confirm(describe(effect) + "\n" + L("Hapus koreksi ini?", "Remove this override?"))) return;
    await PTSA.api("DELETE", `/api/v1/admin/calendar/overrides/${id}`);
    loadCalendar();
  });

  /* ---- service levels ---- */
  let levels = null;
  // recipients: the office's and each unit's own; the form shows one scope at a time (#lv-rscope)
  let recips = { office: null, units: {} }, rscope = "";
  const rsets = () => $$("#levels-form fieldset[data-recipients]");
  function readRecipients() {
    const out = {};
    rsets().forEach((f) => {
      const list = (k) => $(`[data-r=${k}]`, f).value.split(",").map((s) => s.trim()).filter(Boolean);
      out[f.dataset.recipients] = { unit_supervisors: $("[data-r=unit_supervisors]", f).checked,
        parent_supervisors: $("[data-r=parent_supervisors]", f).checked, emails: list("emails"), phones: list("phones") };
    });
    return out;
  }
  function keepScope() {
    if (rscope === "") recips.office = readRecipients();
    else if ($("#lv-rown").checked) recips.units[rscope] = readRecipients();
    else delete recips.units[rscope];
  }
  function showScope() {
    rscope = $("#lv-rscope").value;
    const own = rscope !== "" ? recips.units[rscope] : null;
    $("#lv-rown-label").hidden = rscope === "";
    $("#lv-rown").checked = !!own;
    rsets().forEach((f) => {
      const r = (own || recips.office)[f.dataset.recipients];
      $("[data-r=unit_supervisors]", f).checked = r.unit_supervisors; $("[data-r=parent_supervisors]", f).checked = r.parent_supervisors;
      $("[data-r=emails]", f).value = r.emails.join(", "); $("[data-r=phones]", f).value = r.phones.join(", ");
      $$("input", f).forEach((i) => { i.disabled = rscope !== "" && !own; });   // a unit without its own: the office's
    });
  }
  $("#lv-rscope").addEventListener("change", () => { keepScope(); showScope(); });
  $("#lv-rown").addEventListener("change", () => rsets().forEach((f) => $$("input", f).forEach((i) => { i.disabled = !$("#lv-rown").checked; })));
  async function loadLevels() {
    if (!data.units.length) { data = await PTSA.api("GET", "/api/v1/admin/catalog"); unitOptions(); }
    levels = await PTSA.api("GET", "/api/v1/admin/service-levels");
    $("#lv-p1").value = levels.pickup_p0_p1; $("#lv-p2").value = levels.pickup_p1_p2;
    $("#lv-warn").value = levels.warn_ratio; $("#lv-esc").value = levels.escalate_ratio; $("#lv-off").value = levels.off_hours;
    $$("#levels-form fieldset[data-level]").forEach((f) => $$("input", f).forEach((c) => { c.checked = levels.channels[f.dataset.level].includes(c.value); }));
    $("#lv-units").value = Object.entries(levels.units).map(([u, t]) => `${u} ${t}`).join("\n");
    recips = { office: levels.recipients, units: Object.assign({}, levels.unit_recipients) };
    const keep = $("#lv-rscope").value;
    $("#lv-rscope").innerHTML = `<option value="">${L("seluruh kantor (bawaan)", "the whole office (default)")}</option>` + data.units
      .filter((u) => u.active).map((u) => `<option value="${esc(u.code)}">${esc(u.code)}${recips.units[u.code] ? " ✓" : ""}</option>`).join("");
    $("#lv-rscope").value = keep;
    showScope();
  }
  function levelsBody() {
    const units = {};
    $("#lv-units").value.split("\n").map((l) => l.trim()).filter(Boolean).forEach((l) => { const [u, t] = l.split(/\s+/); units[u] = t || ""; });
    const channels = {};
    $$("#levels-form fieldset[data-level]").forEach((f) => { channels[f.dataset.level] = $$("input:checked", f).map((c) => c.value); });
    keepScope();
    return { pickup_p0_p1: $("#lv-p1").value.trim(), pickup_p1_p2: $("#lv-p2").value.trim(), warn_ratio: Number($("#lv-warn").value),
      escalate_ratio: Number($("#lv-esc").value), off_hours: $("#lv-off").value, channels, units,
      recipients: recips.office, unit_recipients: recips.units, version: levels.version };
  }
  $("#lv-preview").addEventListener("click", async () => {
    const effect = await save($("#levels-form"), "POST", "/api/v1/admin/service-levels/preview", levelsBody());
    $("#lv-effect").textContent = describe(effect); $("#lv-effect").hidden = false;
  });
  $("#levels-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    await save(ev.target, "PUT", "/api/v1/admin/service-levels", levelsBody());
    flash(L("Tingkat layanan disimpan; tenggat dihitung ulang.", "Service levels saved; deadlines recomputed.")); loadLevels();
  });

  /* ---- kiosks ---- */
  async function loadKiosks() {
    const r = await PTSA.api("GET", "/api/v1/admin/kiosks");
    $("#kiosks-table tbody").innerHTML = r.kiosks.map((k) => `<tr class="${k.revoked ? "inactive" : ""}"><td>${esc(k.name)}</td>
      <td>${esc(when(k.last_seen_at))}</td><td>${esc(k.printer_status)} ${esc(k.printer_detail)}</td>
      <td>${esc(k.print_failures.map((f) => f.number).join(", ") || "—")}</td>
      <td>${k.revoked ? L("dicabut", "revoked") : (r.kiosks_connected.includes(k.name) ? L("terhubung", "connected") : L("aktif", "active"))}</td>
      <td>${k.revoked ? "" : `<button class="link" data-revoke="${esc(k.name)}">${L("cabut", "revoke")}</button>`}</td></tr>`).join("");
    $("#displays-now").textContent = L(`Layar display terhubung sekarang: ${r.displays}`, `Display boards connected now: ${r.displays}`);
  }
  $("#kiosk-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await save(ev.target, "POST", "/api/v1/admin/kiosks", { name: $("#kiosk-name").value.trim() });
    $("#kiosk-qr").src = r.qr_svg; $("#kiosk-token-text").textContent = r.token; $("#kiosk-token").hidden = false;
    $("#kiosk-token").dataset.pairing = r.pairing;
    loadKiosks();
  });
  document.addEventListener("click", async (ev) => {
    const name = ev.target.dataset.revoke;
    if (!name || !window.confirm(L(`Cabut kios ${name}?`, `Revoke kiosk ${name}?`))) return;
    await PTSA.api("POST", `/api/v1/admin/kiosks/${encodeURIComponent(name)}/revoke`);
    loadKiosks();
  });

  /* ---- notifications ---- */
  async function loadNotify() {
    const s = await PTSA.api("GET", "/api/v1/admin/notifications");
    const line = (label, c) => `<p>${label}: ${c.configured ? L("dikonfigurasi", "configured") : L("belum dikonfigurasi", "not configured")}`
      + (c.configured ? ` · ${c.reachable ? L("terjangkau", "reachable") : L("tidak terjangkau", "unreachable")} (${esc(c.detail)})` : "") + "</p>";
    $("#notify-status").innerHTML = line("E-mail (SMTP)", s.email) + line("SMS", s.sms);
  }
  $("#notify-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {};
    if ($("#notify-email").value.trim()) body.email = $("#notify-email").value.trim();
    if ($("#notify-sms").value.trim()) body.sms = $("#notify-sms").value.trim();
    const r = await save(ev.target, "POST", "/api/v1/admin/notifications/test", body);
    $("#notify-results").innerHTML = r.results.map((x) => `<li class="${x.ok ? "" : "field-error"}">${esc(x.channel)} → ${esc(x.to)}: ${x.ok ? L("terkirim", "sent") : L("gagal", "failed")} (${esc(x.answer)})</li>`).join("");
  });

  /* ---- audit ---- */
  let before = null;
  function auditQuery() {
    const q = new URLSearchParams();
    [["actor", "#au-actor"], ["action", "#au-action"], ["subject_type", "#au-subject"], ["from", "#au-from"], ["to", "#au-to"]]
      .forEach(([k, sel]) => { if ($(sel).value.trim()) q.set(k, $(sel).value.trim()); });
    return q;
  }
  async function loadAudit(more) {
    const q = auditQuery();
    $("#au-csv").href = "/api/v1/admin/audit.csv?" + q;
    if (more && before) q.set("before", before);
    $("#au-error").hidden = true;
    let r;
    try { r = await PTSA.api("GET", "/api/v1/admin/audit?" + q); } catch (e) { $("#au-error").textContent = e.message; $("#au-error").hidden = false; return; }
    const rows = r.events.map((e) => `<tr><td title="${esc(e.at)}">${esc(when(e.at))}</td><td>${esc(e.actor)}</td><td>${esc(e.action)}</td>
      <td>${esc(e.subject_type)} ${esc(e.subject_id == null ? "" : e.subject_id)}</td><td><code>${esc(e.data ? JSON.stringify(e.data) : "")}</code></td></tr>`).join("");
    if (more) $("#audit-table tbody").insertAdjacentHTML("beforeend", rows); else $("#audit-table tbody").innerHTML = rows;
    before = r.next_before; $("#au-more").hidden = !before;
  }
  $("#audit-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadAudit(false); });
  $("#au-more").addEventListener("click", () => loadAudit(true));

  /* live: another admin's change reloads the catalog view */
  if (PTSA.connect) PTSA.connect({ rooms: [], onEvent(event) { if (event === "catalog" && !$("#tab-catalog").hidden) loadCatalog(); } });
  openTab(location.hash.slice(1) || "catalog");
})();
