/* Shared helpers of the browser screens: texts, the JSON API, and a Socket.IO connection
   that numbers events per room and catches up after a reconnect. Plain JavaScript, no build. */
(function () {
  "use strict";
  const T = window.PTSA_TEXTS || {};

  function t(key) { return T[key] || key; }

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, (c) => (
      { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  async function api(method, url, body) {
    const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    if (response.status === 204) return null;
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      const error = new Error((data && data.message) || response.statusText);
      error.status = response.status;
      error.code = data && data.error;
      throw error;
    }
    return data;
  }

  function minutesSince(iso) {
    return Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
  }

  /* connect({rooms: ["display"], onEvent(event, msg), onSnapshot(room, snapshot), onStatus(online)})
     Events of every room this login may read arrive; `rooms` are the ones whose state the page
     keeps, so that after a reconnect it gets exactly what it missed or a fresh snapshot. */
  function connect(options) {
    const seqs = {};
    (options.rooms || []).forEach((room) => { seqs[room] = null; });
    const banner = document.getElementById("offline-banner");
    const socket = io({ transports: ["websocket"], auth: options.auth || {},
                        reconnectionDelay: 500, reconnectionDelayMax: 3000 });
    let syncing = false;
    let held = [];  // live events that arrive while a sync is answered: applied after it, in order

    function status(online) {
      if (banner) banner.hidden = online;
      document.body.dataset.online = online ? "yes" : "no";
      if (!online) document.body.dataset.synced = "no";
      if (options.onStatus) options.onStatus(online);
    }

    function sync() {
      syncing = true;
      socket.emit("sync", { rooms: Object.assign({}, seqs) }, (reply) => {
        syncing = false;
        const later = held;
        held = [];
        if (!reply || !reply.ok) { later.forEach(([event, msg]) => deliver(event, msg, false)); return; }
        Object.entries(reply.rooms).forEach(([room, answer]) => {
          if (answer.error) return;
          if (answer.snapshot !== undefined) {
            seqs[room] = answer.seq;
            if (options.onSnapshot) options.onSnapshot(room, answer.snapshot);
          } else {
            answer.events.forEach(([event, msg]) => deliver(event, msg, true));
          }
        });
        // An event that came before the answer may be newer than its snapshot (then it applies)
        // or already in it (then its seq is dropped): never an older snapshot over a newer event.
        later.forEach(([event, msg]) => deliver(event, msg, false));
        document.body.dataset.synced = "yes";
      });
    }

    function deliver(event, msg, replayed) {
      if (msg && msg.room && msg.room in seqs) {
        if (syncing && !replayed) { held.push([event, msg]); return; }
        const last = seqs[msg.room];
        if (last !== null && msg.seq <= last) return;           // already seen
        if (last !== null && msg.seq > last + 1 && !syncing) { sync(); return; }   // a gap: catch up
        seqs[msg.room] = msg.seq;
      }
      if (options.onEvent) options.onEvent(event, msg, !!replayed);
    }

    socket.on("connect", () => { status(true); sync(); });
    socket.on("disconnect", () => status(false));
    socket.on("connect_error", () => status(false));
    socket.onAny((event, msg) => deliver(event, msg, false));
    return { socket, seqs, resync: sync };
  }

  /* The kiosks whose printer needs an officer (paper out, offline...), in the #kiosk-alert box. */
  function showKioskProblems(kiosks) {
    const box = document.getElementById("kiosk-alert");
    if (!box) return;
    const bad = (kiosks || []).filter((k) => !["ok", "unknown"].includes(k.printer_status));
    box.hidden = bad.length === 0;
    box.textContent = bad.map((k) =>
      `${t("kiosk_problem")}: ${k.name} — ${t("printer_" + k.printer_status)} ${k.printer_detail || ""}`).join(" · ");
  }

  function refreshKioskProblems() {
    api("GET", "/api/v1/kiosks").then(showKioskProblems).catch(() => {});
  }

  function bindLogout() {
    const button = document.getElementById("logout");
    if (!button) return;
    button.addEventListener("click", async () => {
      await api("POST", "/api/v1/auth/logout");
      location.href = "/login";
    });
  }
  document.addEventListener("DOMContentLoaded", bindLogout);

  window.PTSA = { t, esc, api, connect, minutesSince, showKioskProblems, refreshKioskProblems };
})();
