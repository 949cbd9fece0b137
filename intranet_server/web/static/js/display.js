/* The lobby display board: the current call per booth, the last calls, a chime and a voice call. */
(function () {
  "use strict";
  const { t, esc, connect } = window.PTSA;
  const lang = window.PTSA_LANG;
  const booths = new Map();      // booth number -> {booth, ticket}
  let recent = [];
  const voice = window.PTSAVoice;
  if (voice && voice.setBase) voice.setBase(window.PTSA_VOICE_BASE);

  function serviceName(ticket) { return ticket ? (ticket.service_name[lang] || ticket.service_name.id) : ""; }

  function renderBooths() {
    const grid = document.getElementById("booth-grid");
    grid.innerHTML = [...booths.values()].sort((a, b) => a.booth.number - b.booth.number).map((entry) => `
      <div class="booth-cell ${entry.ticket ? "busy" : ""}" data-booth="${entry.booth.number}">
        <div class="booth-name">${esc(entry.booth.label)}</div>
        <div class="booth-number">${entry.ticket ? esc(entry.ticket.number) : "—"}</div>
      </div>`).join("");
  }

  function renderRecent() {
    document.getElementById("recent").innerHTML = recent.slice(0, 10).map((tk) => `
      <li><span class="number">${esc(tk.number)}</span> → <span>${esc(tk.booth ? tk.booth.label : "")}</span></li>`).join("");
  }

  function showNow(ticket) {
    if (!ticket) return;
    document.getElementById("now-number").textContent = ticket.number;
    document.getElementById("now-booth").textContent = `${t("go_to")} ${ticket.booth ? ticket.booth.label : ""}`;
    document.getElementById("now-service").textContent = serviceName(ticket);
    const now = document.querySelector(".now");
    now.classList.remove("flash");
    void now.offsetWidth;   // restart the animation
    now.classList.add("flash");
  }

  const services = new Map();   // code -> summary from the lobby room

  function waitText(seconds) {
    const minutes = Math.max(1, Math.round(seconds / 60));
    return `± ${minutes} ${t("minutes")}`;
  }

  function renderServices() {
    const rows = [...services.values()].filter((s) => s.waiting > 0 || !s.open);
    document.getElementById("services").innerHTML = rows.map((s) => `
      <tr data-service="${esc(s.code)}"><td class="prefix">${esc(s.prefix)}</td>
        <td>${esc(s.name[lang] || s.name.id)}</td>
        <td class="num">${s.open ? `${s.waiting} ${esc(t("waiting_short"))}` : esc(t("closed"))}</td>
        <td class="num">${s.open && s.waiting ? waitText(s.estimated_wait_s) : ""}</td></tr>`).join("");
    const total = [...services.values()].reduce((sum, s) => sum + s.waiting, 0);
    document.getElementById("waiting-total").textContent = total;
  }

  function applySnapshot(snap) {
    booths.clear();
    snap.booths.forEach((entry) => booths.set(entry.booth.number, entry));
    recent = snap.recent;
    document.getElementById("waiting-total").textContent = snap.waiting_total;
    renderBooths();
    renderRecent();
    if (recent.length) showNow(recent[0]);
  }

  function onCall(msg, replayed) {
    booths.set(msg.booth.number, { booth: msg.booth, ticket: msg.ticket });
    renderBooths();
    if (!msg.call) return;
    recent = [msg.call, ...recent.filter((tk) => tk.id !== msg.call.id)].slice(0, 10);
    renderRecent();
    showNow(msg.call);
    const age = Date.now() - Date.parse(msg.call.called_at);
    // A call missed while offline is still announced if it is recent; older ones are only shown.
    if (voice && (!replayed || age < 60000)) voice.announce(msg.clips || [], msg.text || "");
  }

  connect({
    rooms: ["display", "lobby"],
    onSnapshot(room, snap) {
      if (room === "display" && snap) applySnapshot(snap);
      if (room === "lobby" && snap) {
        services.clear();
        snap.services.forEach((s) => services.set(s.code, s));
        renderServices();
      }
    },
    onEvent(event, msg, replayed) {
      if (event === "call" || event === "booth") onCall(msg, replayed);
      if (event === "catalog") {   // booths added, renamed or withdrawn in /admin
        window.PTSA.api("GET", "/api/v1/display").then(applySnapshot).catch(() => {});
      }
      if (event === "service") {
        services.set(msg.service.code, msg.service);
        renderServices();
      }
    },
  });

  const soundButton = document.getElementById("enable-sound");
  soundButton.addEventListener("click", () => {
    if (voice) voice.unlock();
    soundButton.hidden = true;
  });

  function tick() {
    document.getElementById("clock").textContent = new Date().toLocaleString(lang === "en" ? "en-GB" : "id-ID",
      { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit",
        timeZone: window.PTSA_TIMEZONE });
  }
  tick();
  setInterval(tick, 10000);
})();
