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
    window.PTSA.patch(grid, [...booths.values()].sort((a, b) => a.booth.number - b.booth.number).map((entry) => `
      <div class="booth-cell ${entry.ticket ? "busy" : ""}" data-booth="${entry.booth.number}">
        <div class="booth-name">${esc(entry.booth.label)}</div>
        <div class="booth-number">${entry.ticket ? esc(entry.ticket.number) : "—"}</div>
      </div>`).join(""));
  }

  // one column, newest first: the reading order is the order of the calls
  function renderRecent() {
    window.PTSA.patch(document.getElementById("recent"), recent.slice(0, 6).map((tk) => `
      <li data-key="recent-${tk.id}"><span class="number">${esc(tk.number)}</span> → <span>${esc(tk.booth ? tk.booth.label : "")}</span></li>`).join(""));
  }

  let shown = null;               // the call in the big "now calling" panel

  /* The call in the panel ends when its visit ends at the booth: the panel then shows the latest
     call that is still at a booth, or nothing. */
  function activeAt(ticket) {
    const entry = ticket && ticket.booth ? booths.get(ticket.booth.number) : null;
    return !!(entry && entry.ticket && entry.ticket.id === ticket.id);
  }

  function clearNowIfOver() {
    if (shown && activeAt(shown)) return;
    const still = recent.find(activeAt);
    if (still) { if (!shown || still.id !== shown.id) showNow(still, false); return; }
    shown = null;
    document.getElementById("now-number").textContent = "—";
    document.getElementById("now-booth").textContent = "";
    document.getElementById("now-service").textContent = "";
  }

  function showNow(ticket, flash = true) {
    if (!ticket) return;
    shown = ticket;
    document.getElementById("now-number").textContent = ticket.number;
    document.getElementById("now-booth").textContent = `${t("go_to")} ${ticket.booth ? ticket.booth.label : ""}`;
    document.getElementById("now-service").textContent = serviceName(ticket);
    const now = document.querySelector(".now");
    if (!flash) return;
    now.classList.remove("flash");
    void now.offsetWidth;   // restart the animation
    now.classList.add("flash");
  }

  const services = new Map();   // code -> service summary (open, waiting, wait estimate)

  function waitText(seconds) {
    const minutes = Math.max(1, Math.round(seconds / 60));
    return `${t("about")} ${minutes} ${t("minutes")}`;   // the same words as the kiosk and the ticket
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

  function applyServices(list) {
    (list || []).forEach((s) => services.set(s.code, s));
    renderServices();
  }

  function applySnapshot(snap) {
    services.clear();
    applyServices(snap.services);
    booths.clear();
    snap.booths.forEach((entry) => booths.set(entry.booth.number, entry));
    recent = snap.recent;
    renderBooths();
    renderRecent();
    shown = null;
    clearNowIfOver();
  }

  /* Calls are spoken one after another in the order they were made, and the panel shows the call
     being spoken, so screen and voice agree. A call that is over before its turn (the booth has
     called someone else, or the visit ended) is not spoken: the lobby hears only live calls. */
  const pending = [];
  let speaking = false;
  const spoken = [];              // ticket numbers announced, in order (read by the tests)

  function stale(msg) {
    return !activeAt(msg.call) || pending.some((m) => m !== msg && m.call.id === msg.call.id
      && Date.parse(m.call.called_at) > Date.parse(msg.call.called_at));
  }

  async function speakNext() {
    if (speaking) return;
    speaking = true;
    while (pending.length) {
      const msg = pending.shift();
      if (stale(msg)) continue;
      showNow(msg.call);
      spoken.push(msg.call.number);
      if (voice) {   // locked sound: voice.js tries the speech engine, never piles calls up
        try { await voice.announce(msg.clips || [], msg.text || ""); } catch (e) { /* shown anyway */ }
      }
    }
    speaking = false;
    clearNowIfOver();
  }

  /* One message per action: the booth's state, the call if it is one, and the summaries of the
     services the action changed. */
  function onCall(msg, replayed) {
    applyServices(msg.services);
    booths.set(msg.booth.number, { booth: msg.booth, ticket: msg.ticket });
    renderBooths();
    if (!msg.call) { if (!speaking) clearNowIfOver(); return; }
    recent = [msg.call, ...recent.filter((tk) => tk.id !== msg.call.id)].slice(0, 10);
    renderRecent();
    const age = Date.now() - Date.parse(msg.call.called_at);
    // A call missed while offline is still announced if it is recent; older ones are only shown.
    if (replayed && age >= 60000) { if (!speaking) clearNowIfOver(); return; }
    pending.push(msg);
    speakNext();
  }

  window.PTSADisplay = { spoken };

  // the board needs the `display` room only: its events carry the service summaries it shows
  connect({
    rooms: ["display"],
    auth: { rooms: ["display"] },
    onSnapshot(room, snap) {
      if (room === "display" && snap) applySnapshot(snap);
    },
    onEvent(event, msg, replayed) {
      if (event === "call" || event === "booth") onCall(msg, replayed);
      if (event === "catalog") {   // booths added, renamed or withdrawn in /admin
        window.PTSA.api("GET", "/api/v1/display").then(applySnapshot).catch(() => {});
      }
      if (event === "service") applyServices([msg.service]);
    },
  });

  /* Sound: one tap unlocks it. After a reload the board tries again without a tap, which works
     where the browser allows autoplay (Chromium in kiosk mode with
     --autoplay-policy=no-user-gesture-required, or a site the browser has learnt is played
     often); otherwise the button is back. */
  const soundButton = document.getElementById("enable-sound");
  soundButton.addEventListener("click", async () => {
    soundButton.hidden = true;
    if (voice) await voice.unlock();
  });
  if (voice) {
    voice.unlock().then((ok) => { if (ok) soundButton.hidden = true; }).catch(() => {});
  }

  function tick() {
    document.getElementById("clock").textContent = new Date().toLocaleString(lang === "en" ? "en-GB" : "id-ID",
      { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit",
        timeZone: window.PTSA_TIMEZONE });
  }
  tick();
  setInterval(tick, 10000);
})();
