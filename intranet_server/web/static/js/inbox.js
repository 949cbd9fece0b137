/* The P1/P2 task inbox: the unit's tasks live, a countdown to each pickup deadline, and every
   verb on the selected task (claim, forward, ask, pause, complete, return, comment). */
(function () {
  "use strict";
  const { t, esc, api, connect } = window.PTSA;
  const T = window.PTSA.tasks;
  const me = window.PTSA_ME;
  const lang = window.PTSA_LANG;
  const room = `unit:${me.unit}`;
  const tasks = new Map();
  const fresh = new Set();        // tasks that arrived live: they flash
  let selected = null;
  let detail = null;
  let children = [];              // our echelon-2 units (P1 forwards there)
  let colleagues = [];
  let unseen = 0;

  function showError(message) {
    const el = document.getElementById("action-error");
    el.textContent = message || "";
    el.hidden = !message;
  }

  function active(task) { return task.status === "open" || task.status === "waiting"; }
  function here(task) { return task.unit && task.unit.code === me.unit && task.position === me.role; }

  function group(task) {
    if (!active(task)) return "closed";
    if (!here(task)) return "passed";
    if (!task.assignee) return "pickup";
    return task.assignee.username === me.username ? "mine" : "colleagues";
  }

  function card(task) {
    const c = T.countdown(task);
    const origin = task.origin_booth ? task.origin_booth.label : "";
    const forMe = task.hop && task.hop.to_staff && task.hop.to_staff.username === me.username && !task.assignee;
    const claim = group(task) === "pickup"
      ? `<button class="button ok" data-act="claim">${esc(t("task_claim"))}</button>` : "";
    const right = group(task) === "pickup" ? claim : T.statusChip(task);
    return `<li class="task-card ${c.cls}${fresh.has(task.id) ? " new" : ""}${task.id === selected ? " selected" : ""}" data-task="${task.id}">
      <div class="countdown ${c.cls}" data-countdown="${task.id}">${esc(c.text || "—")}<small>${esc(c.label)}</small></div>
      <div>
        <div class="title">#${task.id} · ${esc(task.summary)}</div>
        <div class="meta">${esc(task.service.code)} · ${esc(task.service.name[lang] || task.service.name.id)}</div>
        <div class="meta">${esc(T.whereText(task))}${origin ? " · " + esc(t("task_from")) + " " + esc(origin) : ""}
          ${task.ticket ? " · " + esc(task.ticket.number) : ""}${forMe ? ` · <strong>${esc(t("task_assigned_to_you"))}</strong>` : ""}</div>
      </div>
      <div>${right}</div>
    </li>`;
  }

  function renderLists() {
    const groups = { pickup: [], mine: [], colleagues: [], passed: [], closed: [] };
    [...tasks.values()].forEach((task) => groups[group(task)].push(task));
    const byDue = (a, b) => (Date.parse(a.due_at || a.created_at) - Date.parse(b.due_at || b.created_at));
    groups.pickup.sort(byDue);
    const ids = { pickup: "pickup", mine: "mine", colleagues: "colleagues", passed: "passed", closed: "closed" };
    Object.entries(ids).forEach(([key, id]) => {
      const list = groups[key];
      document.getElementById(`count-${id}`).textContent = list.length;
      document.getElementById(`list-${id}`).innerHTML = list.length ? list.map(card).join("")
        : `<li class="empty">${esc(t("task_none"))}</li>`;
    });
    document.title = (groups.pickup.length ? `(${groups.pickup.length}) ` : "") + document.title.replace(/^\(\d+\) /, "");
  }

  function tick() {
    document.getElementById("server-clock").textContent = T.clockText();
    document.querySelectorAll("[data-countdown]").forEach((el) => {
      const task = tasks.get(Number(el.dataset.countdown));
      if (!task) return;
      const c = T.countdown(task);
      el.className = `countdown ${c.cls}`;
      el.innerHTML = `${esc(c.text || "—")}<small>${esc(c.label)}</small>`;
      const li = el.closest(".task-card");
      if (li) li.classList.remove("ok", "warn", "late", "quiet"), li.classList.add(c.cls);
    });
  }

  // ---- the selected task ------------------------------------------------------------------

  function option(value, label) { return `<option value="${esc(value)}">${esc(label)}</option>`; }

  function textRow(verb, field, label, button, cls) {
    return `<div class="act-row" data-form="${verb}">
      <label>${esc(label)}<textarea name="${field}" rows="2"></textarea></label>
      <button class="button ${cls || ""}" data-act="${verb}">${esc(button)}</button></div>`;
  }

  function actionsFor(task) {
    const rows = [];
    const mine = task.assignee && task.assignee.username === me.username;
    const atUnit = here(task);
    if (atUnit && !task.assignee && active(task)) {
      rows.push(`<div class="act-row"><button class="button ok big" data-act="claim">${esc(t("task_claim"))}</button></div>`);
    }
    if (mine && task.status === "open" && me.role === "p1" && children.length) {
      rows.push(`<div class="act-row" data-form="forward">
        <label>${esc(t("task_forward_to"))}<select name="unit">${children.map((u) => option(u.code, `${u.code} · ${lang === "en" && u.name_en ? u.name_en : u.name}`)).join("")}</select></label>
        <label>${esc(t("task_notes"))}<textarea name="note" rows="1"></textarea></label>
        <button class="button" data-act="forward">${esc(t("task_forward"))}</button></div>`);
    }
    if (mine && active(task)) rows.push(textRow("complete", "result", t("task_result"), t("task_complete"), "ok"));
    if (mine && task.status === "open") rows.push(textRow("request-document", "reason", t("task_reason"), t("task_request_document"), "warn"));
    if (atUnit && task.status === "waiting" && (mine || !task.assignee)) {
      rows.push(`<div class="act-row"><button class="button" data-act="resume">${esc(t("task_resume"))}</button></div>`);
    }
    if (atUnit && task.status === "open" && (mine || !task.assignee)) {
      rows.push(textRow("return", "reason", t("task_reason"), t("task_return"), "secondary"));
    }
    if (atUnit && active(task) && (mine || !task.assignee)) {
      const others = colleagues.filter((c) => c.username !== me.username);
      if (others.length) {
        rows.push(`<div class="act-row" data-form="reassign">
          <label>${esc(t("task_reassign"))}<select name="username">${others.map((c) => option(c.username, c.full_name)).join("")}</select></label>
          <button class="button secondary" data-act="reassign">${esc(t("task_reassign"))}</button>
          ${mine ? `<button class="button secondary" data-act="unclaim">${esc(t("task_unclaim"))}</button>` : ""}</div>`);
      }
    }
    if (task.status !== "cancelled") {
      rows.push(`<div class="act-row" data-form="comment">
        <label>${esc(t("task_thread"))}<textarea name="body" rows="2" placeholder="${esc(t("task_comment_placeholder"))}"></textarea></label>
        <button class="button secondary" data-act="comment">${esc(t("task_comment"))}</button></div>`);
    }
    return rows.join("");
  }

  /* What the officer is typing survives a re-render (a comment may arrive while she writes). */
  function keepTyping(box, render) {
    const typed = {};
    const focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement : null;
    const key = (el) => `${el.closest("[data-form]") ? el.closest("[data-form]").dataset.form : ""}:${el.name}`;
    box.querySelectorAll("textarea, select").forEach((el) => { typed[key(el)] = el.value; });
    const sameTask = box.dataset.task === String(selected);
    render();
    box.dataset.task = String(selected);
    if (!sameTask) return;
    box.querySelectorAll("textarea, select").forEach((el) => { if (key(el) in typed) el.value = typed[key(el)]; });
    if (focused) {
      const again = [...box.querySelectorAll("textarea, select")].find((el) => key(el) === key(focused));
      if (again) again.focus();
    }
  }

  function renderDetail() {
    const box = document.getElementById("detail");
    keepTyping(box, () => drawDetail(box));
  }

  function drawDetail(box) {
    if (!detail) { box.innerHTML = `<p class="muted">${esc(t("task_select"))}</p>`; return; }
    const task = detail;
    const c = T.countdown(task);
    const done = task.completion;
    box.innerHTML = `
      <h2>#${task.id} · ${esc(task.summary)}</h2>
      <div>${T.statusChip(task)} <span class="countdown ${c.cls}" data-countdown="${task.id}" style="display:inline-block;font-size:20px">${esc(c.text)}<small>${esc(c.label)}</small></span></div>
      <dl class="facts">
        <dt>${esc(t("served_services"))}</dt><dd>${esc(task.service.code)} · ${esc(task.service.name[lang] || task.service.name.id)}</dd>
        <dt>${esc(t("task_unit"))}</dt><dd>${esc(T.whereText(task))}</dd>
        <dt>${esc(t("task_from"))}</dt><dd>${esc(task.origin_booth ? task.origin_booth.label : "")} · ${esc(task.created_by.full_name)} · ${esc(T.dateTime(task.created_at))}${task.ticket ? " · " + esc(task.ticket.number) : ""}</dd>
        ${task.contact ? `<dt>${esc(t("task_contact"))}</dt><dd>${esc(task.contact)}</dd>` : ""}
        ${task.notes ? `<dt>${esc(t("task_notes"))}</dt><dd>${esc(task.notes)}</dd>` : ""}
        ${done.due_at ? `<dt>${esc(t("task_completion_due"))}</dt><dd>${esc(T.dateTime(done.due_at))} (${done.sop_days} ${esc(t("task_working_days"))}${done.paused_s ? ", " + esc(t("task_paused")) + " " + esc(T.workingMinutes(done.paused_s)) : ""})</dd>` : ""}
        ${task.result ? `<dt>${esc(t("task_result"))}</dt><dd>${esc(task.result)}</dd>` : ""}
      </dl>
      ${actionsFor(task)}
      <h3>${esc(t("task_history"))}</h3>
      ${T.thread(task)}`;
  }

  async function select(id) {
    selected = id;
    fresh.delete(id);
    try {
      detail = await api("GET", `/api/v1/tasks/${id}`);
      T.setServerNow(detail.now);
      tasks.set(id, detail);
    } catch (e) {
      detail = null;
      showError(e.message);
    }
    renderLists();
    renderDetail();
  }

  async function act(verb, id, body) {
    showError("");
    try {
      const task = await api("POST", `/api/v1/tasks/${id}/${verb}`, body || {});
      T.setServerNow(task.now);
      tasks.set(task.id, task);
      if (selected === task.id) detail = task;
      document.getElementById("detail").dataset.task = "";   // the form was sent: start empty
      renderLists();
      renderDetail();
    } catch (e) {
      showError(e.message);
    }
  }

  document.addEventListener("click", (ev) => {
    const button = ev.target.closest("button[data-act]");
    const cardEl = ev.target.closest(".task-card");
    if (button) {
      ev.stopPropagation();
      const id = cardEl ? Number(cardEl.dataset.task) : selected;
      const verb = button.dataset.act;
      const form = button.closest("[data-form]");
      const body = {};
      if (form) form.querySelectorAll("textarea, select, input").forEach((el) => { body[el.name] = el.value; });
      act(verb, id, body);
      return;
    }
    if (cardEl) select(Number(cardEl.dataset.task));
  });

  // ---- live -------------------------------------------------------------------------------

  function banner(task) {
    const el = document.getElementById("new-banner");
    unseen += 1;
    el.textContent = `${t("task_new")}: #${task.id} · ${task.summary}`;
    el.hidden = false;
    clearTimeout(banner.timer);
    banner.timer = setTimeout(() => { el.hidden = true; unseen = 0; }, 15000);
  }

  function upsert(task, change) {
    const before = tasks.get(task.id);
    tasks.set(task.id, Object.assign({}, before || {}, task));
    const arrived = group(task) === "pickup" && (!before || group(before) !== "pickup");
    if (arrived) { fresh.add(task.id); banner(task); }
    renderLists();
    if (selected === task.id) select(task.id);
  }

  function load(list) {
    tasks.clear();
    list.forEach((task) => tasks.set(task.id, task));
    renderLists();
  }

  connect({
    rooms: [room],
    onEvent(event, msg) {
      if (event !== "task" || msg.room !== room) return;
      T.setServerNow(msg.now);
      upsert(msg.task, msg.change);
    },
    onSnapshot(snapRoom, snap) {
      if (snapRoom !== room || !snap) return;
      T.setServerNow(snap.now);
      load(snap.tasks);
    },
  });

  async function start() {
    try {
      const [list, units, staff] = await Promise.all([
        api("GET", "/api/v1/tasks"), api("GET", "/api/v1/units"), api("GET", `/api/v1/units/${me.unit}/staff`)]);
      T.setServerNow(list.now);
      children = units.filter((u) => u.parent === me.unit);
      colleagues = staff.filter((p) => p.role === me.role);
      if (!tasks.size) load(list.tasks);
    } catch (e) {
      if (e.status === 401) location.href = "/login?next=/inbox";
      else showError(e.message);
    }
  }
  setInterval(tick, 1000);
  start();
})();
