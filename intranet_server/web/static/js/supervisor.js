/* The supervisor screen: SLA alerts of the units in scope as they are raised (acknowledge them),
   open tasks by urgency with their countdowns, who is on duty, and e-mail/SMS delivery. */
(function () {
  "use strict";
  const { t, esc, api, connect } = window.PTSA;
  const T = window.PTSA.tasks;
  const lang = window.PTSA_LANG;
  const alerts = new Map();
  const tasks = new Map();
  const fresh = new Set();
  let overview = null;
  let selected = null;
  let detail = null;
  let refreshTimer = null;
  const scope = new Set();        // unit codes this supervisor oversees

  function showError(message) {
    const el = document.getElementById("action-error");
    el.textContent = message || "";
    el.hidden = !message;
  }

  function ago(iso) {
    const minutes = Math.max(0, Math.floor((T.now() - Date.parse(iso)) / 60000));
    return minutes < 1 ? t("task_just_now") : `${minutes} ${t("task_minutes_short")} ${t("task_ago")}`;
  }

  /* Where the alert's task stands now: closed tasks say so (not "not picked up" for a finished one). */
  function holderText(task) {
    if (["done", "returned", "cancelled"].includes(task.status)) return t("task_status_" + task.status);
    return task.assignee ? `${t("task_picked_by")} ${task.assignee.full_name}` : t("task_not_picked");
  }

  function alertCard(a) {
    const task = a.task || {};
    // the acknowledgement is a line of the text column: the right column only ever holds the button,
    // so the text never gets squeezed to one word per line
    const acked = a.acknowledged_at
      ? `<div class="meta acked-by">${esc(t("task_acknowledged"))} · ${esc(a.acknowledged_by ? a.acknowledged_by.full_name : "")} ${esc(T.time(a.acknowledged_at))}</div>` : "";
    const button = a.acknowledged_at ? "" : `<button class="button warn" data-ack="${a.id}">${esc(t("task_acknowledge"))}</button>`;
    return `<li class="alert-card ${esc(a.level)}${a.acknowledged_at ? " acked" : ""}${fresh.has(a.id) ? " new" : ""}" data-task="${a.task_id}" data-alert="${a.id}" data-key="alert-${a.id}">
      <div>
        <div class="title"><span class="chip ${esc(a.level)}">${esc(t("task_level_" + a.level))}</span> #${a.task_id} · ${esc(task.summary || "")}</div>
        <div class="meta">${esc(a.hop.to_unit.code)} · ${esc(task.service || "")} · ${esc(t("task_deadline"))} ${esc(T.time(a.hop.due_at))}
          · ${esc(t("task_raised"))} ${esc(T.time(a.created_at))} (${esc(ago(a.created_at))}) · <span class="holder">${esc(holderText(task))}</span></div>
        ${acked}
      </div>
      <div>${button}</div>
    </li>`;
  }

  /* The banner announces an unacknowledged alert; once it is acknowledged (here or elsewhere) it goes. */
  function clearBannerIfAcked() {
    const el = document.getElementById("new-banner");
    const shown = alerts.get(Number(el.dataset.alert));
    if (!el.hidden && (!shown || shown.acknowledged_at)) el.hidden = true;
  }

  function taskCard(task) {
    const c = T.countdown(task);
    return `<li class="task-card ${c.cls}${task.id === selected ? " selected" : ""}" data-task="${task.id}" data-key="task-${task.id}" tabindex="0" data-keyboard-click>
      <div class="countdown ${c.cls}" data-countdown="${task.id}">${esc(c.text || "—")}<small>${esc(c.label)}</small></div>
      <div>
        <div class="title">#${task.id} · ${esc(task.summary)}</div>
        <div class="meta">${esc(task.service.code)} · ${esc(T.whereText(task))}</div>
      </div>
      <div>${T.statusChip(task)}</div>
    </li>`;
  }

  function urgency(task) {
    // not yet picked up and closest to (or furthest past) its deadline first; held tasks after
    return task.due_at ? Date.parse(task.due_at) : Number.MAX_SAFE_INTEGER - Date.parse(task.created_at);
  }

  function renderAlerts() {
    const list = [...alerts.values()].sort((a, b) =>
      (!!a.acknowledged_at - !!b.acknowledged_at) || (b.id - a.id));
    document.getElementById("count-alerts").textContent = list.filter((a) => !a.acknowledged_at).length;
    window.PTSA.patch(document.getElementById("alerts"), list.length ? list.slice(0, 50).map(alertCard).join("")
      : `<li class="empty">${esc(t("task_no_alerts"))}</li>`);
    clearBannerIfAcked();
  }

  function renderTasks() {
    const list = [...tasks.values()].filter((x) => x.status === "open" || x.status === "waiting")
      .sort((a, b) => urgency(a) - urgency(b));
    document.getElementById("count-tasks").textContent = list.length;
    window.PTSA.patch(document.getElementById("tasks"), list.length ? list.map(taskCard).join("")
      : `<li class="empty">${esc(t("task_none"))}</li>`);
  }

  function renderStaff() {
    if (!overview) return;
    window.PTSA.patch(document.getElementById("staff"),
      `<tr><th>${esc(t("task_on_duty"))}</th><th>${esc(t("task_unit"))}</th><th>${esc(t("task_holding"))}</th><th>${esc(t("task_last_active"))}</th></tr>` +
      overview.staff.map((s) => `<tr><td>${esc(s.full_name)} <span class="muted">(${esc(s.role.toUpperCase())})</span></td>
        <td>${esc(s.unit)}</td><td>${s.holding}</td>
        <td>${s.connected ? `<span class="chip done">● ${esc(t("presence_now"))}</span>`
          : s.last_active_at ? esc(T.time(s.last_active_at)) + " · " + esc(ago(s.last_active_at)) : esc(t("task_never"))}</td></tr>`).join(""));
  }

  function renderOutbox() {
    if (!overview) return;
    const box = overview.outbox;
    const channels = Object.entries(overview.channels).map(([channel, on]) =>
      `<span class="chip ${on ? "done" : "cancelled"}">${esc(t("task_" + channel))}: ${esc(t(on ? "task_channel_on" : "task_channel_off"))}</span>`);
    document.getElementById("outbox-counts").innerHTML = channels.join(" ") + " · " + Object.entries(box.counts)
      .map(([status, n]) => `<span class="chip">${esc(t("task_out_" + status))}: ${n}</span>`).join(" ");
    document.getElementById("outbox").innerHTML = box.messages.length
      ? box.messages.slice(0, 12).map((m) => {
        const state = m.status === "sent" ? `<span class="ok-text">${esc(t("task_out_sent"))}</span> ${esc(T.time(m.sent_at))}`
          : m.status === "failed" ? `<span class="bad-text">${esc(t("task_out_failed"))}</span>`
          : `${esc(t("task_out_" + m.status))}${m.held_until ? " · " + esc(t("task_held_until")) + " " + esc(T.dateTime(m.held_until)) : ""}`;
        const error = m.last_error ? `<div class="bad-text" style="font-weight:normal;font-size:14px">${esc(m.last_error)}</div>` : "";
        return `<tr><td>${m.id}</td><td>${state} · ${m.attempts} ${esc(t("task_attempts"))}${error}</td>
          <td>${esc(m.channel)}</td><td>${esc(m.address)}</td></tr>`;
      }).join("") : `<tr><td class="muted">—</td></tr>`;
  }

  /* Who is connected now, per unit and per booth (from every server process's live sockets). */
  let presence = null;
  function renderPresence() {
    const box = document.getElementById("presence");
    if (!box || !presence) return;
    const person = (p) => `<li data-key="presence-${esc(p.username)}" class="${p.connected ? "on" : "off"}">
      <span class="dot" aria-hidden="true">${p.connected ? "●" : "○"}</span> ${esc(p.full_name)}
      <span class="muted">(${esc(p.username)})</span>
      ${p.connected ? `<span class="sr-only">${esc(t("presence_now"))}</span>` : ""}</li>`;
    // groups with someone connected, then one quiet line naming the units where nobody is
    const groups = [...presence.units.map((u) => ({ key: `unit-${u.code}`, code: u.code,
      title: `${u.code} · ${lang === "en" && u.name_en ? u.name_en : u.name}`, people: u.people })),
      ...presence.booths.map((b) => ({ key: `booth-${b.number}`, code: b.label, title: b.label, people: b.people }))];
    const on = groups.filter((g) => g.people.some((p) => p.connected));
    const empty = presence.units.filter((u) => !u.people.some((p) => p.connected)).map((u) => u.code);
    window.PTSA.patch(box, on.map((g) => `<div class="presence-group" data-key="${g.key}">
        <h3>${esc(g.title)} <span class="count">${g.people.filter((p) => p.connected).length}</span></h3>
        <ul class="presence-list">${g.people.filter((p) => p.connected).map(person).join("")}</ul></div>`).join("")
      + (empty.length ? `<p class="muted" data-key="presence-empty">${esc(t("presence_none"))}: ${esc(empty.join(", "))}</p>` : ""));
  }

  async function refreshPresence() {
    try {
      presence = await api("GET", "/api/v1/presence");
      renderPresence();
    } catch (e) { /* shown by the next refresh */ }
  }

  function render() { renderAlerts(); renderTasks(); renderStaff(); renderOutbox(); renderPresence(); }

  function tick() {
    document.getElementById("server-clock").textContent = T.clockText();
    document.querySelectorAll("[data-countdown]").forEach((el) => {
      const task = tasks.get(Number(el.dataset.countdown)) || (detail && detail.id === Number(el.dataset.countdown) ? detail : null);
      if (!task) return;
      const c = T.countdown(task);
      el.className = `countdown ${c.cls}`;
      el.innerHTML = `${esc(c.text || "—")}<small>${esc(c.label)}</small>`;
      const card = el.closest(".task-card");
      if (card) { card.classList.remove("ok", "warn", "late", "quiet"); card.classList.add(c.cls); }
    });
  }

  // ---- the selected task: its thread, and reassigning it within the unit -----------------

  function renderDetail() {
    const box = document.getElementById("detail");
    if (!detail) { window.PTSA.patch(box, `<p class="muted">${esc(t("task_select"))}</p>`); return; }
    const task = detail;
    const c = T.countdown(task);
    const may = T.verbs(task);
    const colleagues = may.includes("reassign") && task.unit ? overview.staff.filter((s) => s.unit === task.unit.code && s.role === task.position
      && (!task.assignee || s.username !== task.assignee.username)) : [];
    window.PTSA.patch(box, `<div data-key="task-detail-${task.id}">
      <h2>#${task.id} · ${esc(task.summary)}</h2>
      <div>${T.statusChip(task)} <span class="countdown ${c.cls}" data-countdown="${task.id}" style="display:inline-block;font-size:20px">${esc(c.text)}<small>${esc(c.label)}</small></span></div>
      <dl class="facts">
        <dt>${esc(t("served_services"))}</dt><dd>${esc(task.service.code)} · ${esc(task.service.name[lang] || task.service.name.id)}</dd>
        <dt>${esc(t("task_unit"))}</dt><dd>${esc(T.unitText(task))}</dd>
        <dt>${esc(t("task_status_label"))}</dt><dd>${esc(T.whereText(task))}</dd>
        <dt>${esc(t("task_from"))}</dt><dd>${esc(task.origin_booth ? task.origin_booth.label : "")} · ${esc(T.dateTime(task.created_at))}</dd>
        ${task.completion.due_at ? `<dt>${esc(t("task_completion_due"))}</dt><dd>${esc(T.dateTime(task.completion.due_at))}</dd>` : ""}
      </dl>
      ${colleagues.length ? `<div class="act-row" data-form="reassign">
        <label>${esc(t("task_reassign"))}<select name="username">${colleagues.map((s) => `<option value="${esc(s.username)}">${esc(s.full_name)}</option>`).join("")}</select></label>
        <button class="button secondary" data-act="reassign">${esc(t("task_reassign"))}</button></div>` : ""}
      ${may.includes("comment") ? `<div class="act-row" data-form="comment">
        <label>${esc(t("task_thread"))}<textarea name="body" rows="2" placeholder="${esc(t("task_comment_placeholder"))}"></textarea></label>
        <button class="button secondary" data-act="comment">${esc(t("task_comment"))}</button></div>` : ""}
      ${T.thread(task)}</div>`);
  }

  async function select(id) {
    selected = id;
    try {
      detail = await api("GET", `/api/v1/tasks/${id}`);
      T.setServerNow(detail.now);
    } catch (e) { detail = null; showError(e.message); }
    renderTasks();
    renderDetail();
  }

  document.addEventListener("click", async (ev) => {
    const ack = ev.target.closest("button[data-ack]");
    if (ack) {
      ev.stopPropagation();
      showError("");
      try {
        const alert = await api("POST", `/api/v1/alerts/${ack.dataset.ack}/ack`);
        alerts.set(alert.id, alert);
        fresh.delete(alert.id);
        renderAlerts();
      } catch (e) { showError(e.message); }
      return;
    }
    const button = ev.target.closest("button[data-act]");
    if (button && detail) {
      const form = button.closest("[data-form]");
      const body = {};
      form.querySelectorAll("textarea, select").forEach((el) => { body[el.name] = el.value; });
      showError("");
      try {
        detail = await api("POST", `/api/v1/tasks/${detail.id}/${button.dataset.act}`, body);
        form.querySelectorAll("textarea").forEach((el) => { el.value = ""; });   // sent: start empty
        tasks.set(detail.id, detail);
        renderTasks();
        renderDetail();
      } catch (e) { showError(e.message); }
      return;
    }
    const item = ev.target.closest("[data-task]");
    if (item) select(Number(item.dataset.task));
  });

  // ---- live -------------------------------------------------------------------------------

  function banner(alert) {
    const el = document.getElementById("new-banner");
    el.textContent = `${t("task_level_" + alert.level)}: #${alert.task_id} · ${alert.task ? alert.task.summary : ""} (${alert.hop.to_unit.code})`;
    el.dataset.alert = String(alert.id);
    el.hidden = false;
    clearTimeout(banner.timer);
    banner.timer = setTimeout(() => { el.hidden = true; }, 20000);
  }

  async function refresh() {
    try {
      overview = await api("GET", "/api/v1/supervisor");
      T.setServerNow(overview.now);
      document.getElementById("scope").textContent = overview.units.map((u) => u.code).join(", ");
      alerts.clear();
      overview.alerts.forEach((a) => alerts.set(a.id, a));
      tasks.clear();
      overview.tasks.forEach((task) => tasks.set(task.id, task));
      render();
      refreshPresence();
      return overview;
    } catch (e) {
      if (e.status === 401) location.href = "/login?next=/supervisor";
      else showError(e.message);
      return null;
    }
  }

  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 300);
  }

  async function start() {
    const first = await refresh();
    if (!first) return;
    const rooms = ["staff", ...first.units.flatMap((u) => [`supervisor:${u.code}`, `unit:${u.code}`])];
    first.units.forEach((u) => scope.add(u.code));
    connect({
      rooms,
      onEvent(event, msg) {
        if (msg && msg.now) T.setServerNow(msg.now);
        if (event === "kiosk") window.PTSA.refreshKioskProblems();
        if (event === "alert") {
          const isNew = !alerts.has(msg.alert.id);
          alerts.set(msg.alert.id, msg.alert);
          if (isNew && msg.change === "raise") {
            fresh.add(msg.alert.id);
            banner(msg.alert);
            window.PTSA.notify(`${t("notify_new_alert")}: ${t("task_level_" + msg.alert.level)}`,
              `#${msg.alert.task_id} · ${msg.alert.task ? msg.alert.task.summary : ""} (${msg.alert.hop.to_unit.code})`,
              `alert-${msg.alert.id}`);
            refreshSoon();
          }
          renderAlerts();
        } else if (event === "task") {
          // the alerts about this task show where it stands now
          alerts.forEach((a) => {
            if (a.task_id === msg.task.id && a.task) {
              a.task = Object.assign({}, a.task, { status: msg.task.status, assignee: msg.task.assignee });
            }
          });
          renderAlerts();
          const inScope = msg.task.unit && scope.has(msg.task.unit.code);
          if (inScope) tasks.set(msg.task.id, msg.task); else tasks.delete(msg.task.id);
          renderTasks();
          if (detail && detail.id === msg.task.id) select(msg.task.id);
        }
      },
      onSnapshot(room, snap) {
        if (room === "staff" && snap) window.PTSA.showKioskProblems(snap.kiosks);
        refreshSoon();
      },
    });
  }
  setInterval(tick, 1000);
  tick();
  setInterval(refresh, 30000);   // who is on duty and the outbox change without events
  setInterval(refreshPresence, 10000);
  start();
})();
