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

  /* The session's CSRF token: the server sets it in a cookie at sign-in and checks the header. */
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)ptsa_csrf=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function api(method, url, body) {
    const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET" && method !== "HEAD") options.headers["X-CSRF-Token"] = csrfToken();
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (e) {   // no answer at all: say so in the screen's words, not the browser's "Failed to fetch"
      const error = new Error(t("network_error"));
      error.status = 0;
      error.code = "network";
      throw error;
    }
    if (response.status === 204) return null;
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      const error = new Error((data && data.message) || response.statusText);
      error.status = response.status;
      error.code = data && data.error;
      error.detail = data && data.detail;   // the precise English text, for screens that word it themselves
      throw error;
    }
    return data;
  }

  /* Redraw `el` to show `html` without losing what the person is doing: elements that stay are
     patched in place (morphdom), so the focus, the scroll position, a select's choice and text
     being typed survive every live update. Form controls keep their live value unless the new
     HTML marks them data-reset. Elements are matched by id or data-key. */
  function patch(el, html) {
    const next = el.cloneNode(false);
    next.innerHTML = html;
    window.morphdom(el, next, {
      childrenOnly: true,
      getNodeKey(node) {
        return node.nodeType === 1 ? (node.id || node.getAttribute("data-key") || undefined) : undefined;
      },
      onBeforeElUpdated(from, to) {
        if (from.isEqualNode(to)) return false;
        if (to.hasAttribute("data-reset")) return true;
        const tag = from.tagName;
        if (tag === "TEXTAREA" || (tag === "INPUT" && from.type !== "checkbox" && from.type !== "radio")) {
          to.value = from.value;
          if (tag === "TEXTAREA") to.textContent = from.value;
        } else if (tag === "INPUT") {
          to.checked = from.checked;
        } else if (tag === "SELECT") {
          const chosen = from.value;
          const keep = [...to.options].some((o) => o.value === chosen);
          if (keep) [...to.options].forEach((o) => { o.selected = o.value === chosen; if (o.selected) o.setAttribute("selected", ""); else o.removeAttribute("selected"); });
        }
        return true;
      },
    });
  }

  /* Alerts that reach someone who is not looking: when the tab is in the background, a desktop
     notification (Notification API) and a short sound. Permission is asked once, at the person's
     first click on the page (browsers ignore requests without a gesture); a checkbox
     (#notify-toggle) turns both off, remembered in this browser. */
  const NOTIFY_KEY = "ptsa-notify";
  const notified = [];
  function notifyOn() {
    try { return localStorage.getItem(NOTIFY_KEY) !== "off"; } catch (e) { return true; }
  }
  function bindNotifyToggle() {
    const box = document.getElementById("notify-toggle");
    if (!box) return;
    box.checked = notifyOn();
    box.addEventListener("change", () => {
      try { localStorage.setItem(NOTIFY_KEY, box.checked ? "on" : "off"); } catch (e) { /* private mode */ }
      if (box.checked) askPermission();
    });
    document.addEventListener("click", askPermission, { once: true });
  }
  function askPermission() {
    if (!("Notification" in window) || Notification.permission !== "default" || !notifyOn()) return;
    try { Notification.requestPermission().catch(() => {}); } catch (e) { /* old browsers: callback form */ }
  }
  let audio = null;
  function chime() {
    try {
      audio = audio || new Audio((window.PTSA_STATIC || "/static/") + "voice/chime.wav");
      audio.currentTime = 0;
      const p = audio.play();
      if (p && p.catch) p.catch(() => {});
    } catch (e) { /* no sound: the notification still shows */ }
  }
  function notify(title, body, tag) {
    if (!document.hidden || !notifyOn()) return false;
    notified.push({ title, body, tag });
    chime();
    if ("Notification" in window && Notification.permission === "granted") {
      try {
        const n = new Notification(title, { body, tag, lang: window.PTSA_LANG || "id" });
        n.onclick = () => { window.focus(); n.close(); };
      } catch (e) { /* some browsers allow notifications only from a service worker */ }
    }
    return true;
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
    // the page name lets the supervisor's presence list say where someone is connected from
    const page = (document.body.className.match(/([a-z]+)-page/) || [])[1] || "";
    const socket = io({ transports: ["websocket"], auth: Object.assign({ page }, options.auth || {}),
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
    // the server ended this sign-in (logout elsewhere, password changed, account disabled, idle)
    socket.on("session_ended", () => { location.href = "/login?next=" + encodeURIComponent(location.pathname); });
    // the link between server processes (Redis) went down or came back: say so, then catch up
    socket.on("link", (msg) => {
      const notice = document.getElementById("link-banner");
      if (notice) notice.hidden = !!(msg && msg.ok);
      document.body.dataset.link = msg && msg.ok ? "ok" : "degraded";
      if (msg && msg.ok) sync();
    });
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
    const everywhere = document.getElementById("logout-everywhere");
    if (everywhere) everywhere.addEventListener("click", async () => {
      await api("POST", "/api/v1/auth/logout-everywhere");
      location.href = "/login";
    });
  }
  document.addEventListener("DOMContentLoaded", bindLogout);
  document.addEventListener("DOMContentLoaded", bindNotifyToggle);
  // cards that open a task on click also open on Enter or Space when focused (keyboard use)
  document.addEventListener("keydown", (ev) => {
    if ((ev.key === "Enter" || ev.key === " ") && ev.target.matches && ev.target.matches("[data-keyboard-click]")) {
      ev.preventDefault();
      ev.target.click();
    }
  });

  window.PTSA = { t, esc, api, connect, minutesSince, showKioskProblems, refreshKioskProblems, patch, notify, notified };
})();
