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
  const unread = new Set();       // tasks with a message from someone else not looked at yet
  const TALK = ["comment", "request_document", "resume", "return", "complete", "cancel"];
  let selected = null;
  let detail = null;
  let children = [];              // our echelon-2 units (P1 forwards there)
  let colleagues = [];

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
    if (T.verbs(task).includes("claim")) return "pickup";
    if (!task.assignee) return "colleagues";
    return task.assignee.username === me.username ? "mine" : "colleagues";
  }

  function card(task) {
    const c = T.countdown(task);
    const origin = task.origin_booth ? task.origin_booth.label : "";
    const forMe = task.hop && task.hop.to_staff && task.hop.to_staff.username === me.username && !task.assignee;
    const claim = group(task) === "pickup"
      ? `<button class="button ok" data-act="claim">${esc(t("task_claim"))}</button>` : "";
    const right = group(task) === "pickup" ? claim
      : (unread.has(task.id) ? `<span class="chip news">${esc(t("task_new_message"))}</span> ` : "") + T.statusChip(task);
    return `<li class="task-card ${c.cls}${fresh.has(task.id) ? " new" : ""}${task.id === selected ? " selected" : ""}" data-task="${task.id}" data-key="task-${task.id}" tabindex="0" data-keyboard-click>
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
      window.PTSA.patch(document.getElementById(`list-${id}`), list.length ? list.map(card).join("")
        : `<li class="empty">${esc(t("task_none"))}</li>`);
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

  let openForm = null;            // the one verb whose form is unfolded

  function option(value, label, chosen) {
    return `<option value="${esc(value)}"${chosen ? " selected" : ""}>${esc(label)}</option>`;
  }

  function verbButton(verb, label, cls) {
    return `<button class="button ${cls || ""}" data-act="${verb}">${esc(label)}</button>`;
  }

  function opener(verb, label, cls) {
    return `<button class="button ${cls || ""}${openForm === verb ? " selected" : ""}" data-open="${verb}" aria-expanded="${openForm === verb}">${esc(label)}</button>`;
  }

  function form(verb, fields, label, cls) {
    return `<div class="act-row" data-form="${verb}"${openForm === verb ? "" : " hidden"}>${fields}
      ${verbButton(verb, label, cls)}</div>`;
  }

  function textField(name, label) {
    return `<label>${esc(label)}<textarea name="${name}" rows="3"></textarea></label>`;
  }

  // The verbs come from the payload (rules.tasks.task_verbs for this person's kind of viewer);
  // here only how each one is drawn, and whether its form has something to offer.
  function actionsFor(task) {
    const buttons = [], forms = [];
    const may = T.verbs(task);
    if (may.includes("claim")) buttons.push(verbButton("claim", t("task_claim"), "ok big"));
    if (may.includes("forward") && children.length) {
      // the echelon-2 unit that owns the service comes first
      const owner = task.service.unit ? task.service.unit.code : "";
      buttons.push(opener("forward", t("task_forward")));
      forms.push(form("forward", `<label>${esc(t("task_forward_to"))}<select name="unit">${children.map((u) =>
        option(u.code, `${u.code} · ${lang === "en" && u.name_en ? u.name_en : u.name}`, u.code === owner)).join("")}</select></label>
        <label>${esc(t("task_notes"))}<textarea name="note" rows="2"></textarea></label>`, t("task_forward")));
    }
    if (may.includes("complete")) {
      buttons.push(opener("complete", t("task_complete"), "ok"));
      forms.push(form("complete", textField("result", t("task_result")), t("task_complete"), "ok"));
    }
    if (may.includes("request_document")) {
      buttons.push(opener("request-document", t("task_request_document"), "warn"));
      forms.push(form("request-document", textField("reason", t("task_reason")), t("task_request_document"), "warn"));
    }
    if (may.includes("resume")) buttons.push(verbButton("resume", t("task_resume")));
    if (may.includes("return")) {
      buttons.push(opener("return", t("task_return"), "secondary"));
      forms.push(form("return", textField("reason", t("task_reason")), t("task_return"), "secondary"));
    }
    const others = colleagues.filter((c) => c.username !== me.username && c.username !== (task.assignee || {}).username);
    if (may.includes("reassign") && others.length) {
      buttons.push(opener("reassign", t("task_reassign"), "secondary"));
      forms.push(form("reassign", `<label>${esc(t("task_reassign"))}<select name="username">${others.map((c) => option(c.username, c.full_name)).join("")}</select></label>`,
        t("task_reassign"), "secondary"));
    }
    if (may.includes("unclaim")) buttons.push(verbButton("unclaim", t("task_unclaim"), "secondary"));
    return buttons.length ? `<div class="act-buttons">${buttons.join("")}</div>${forms.join("")}` : "";
  }

  function commentBox(task) {
    if (!T.verbs(task).includes("comment")) return "";
    return `<div class="act-row" data-form="comment">
      <label>${esc(t("task_thread"))}<textarea name="body" rows="2" placeholder="${esc(t("task_comment_placeholder"))}"></textarea></label>
      ${verbButton("comment", t("task_comment"), "secondary")}</div>`;
  }

  /* Redrawn through PTSA.patch: what the officer is typing, the open form and the focus survive a
     live update (a comment may arrive while she writes). Another task is another keyed element,
     so its forms start empty. */
  function renderDetail() {
    window.PTSA.patch(document.getElementById("detail"), drawDetail());
  }

  function drawDetail() {
    if (!detail) return `<p class="muted">${esc(t("task_select"))}</p>`;
    const task = detail;
    const c = T.countdown(task);
    const done = task.completion;
    return `<div data-key="task-detail-${task.id}">
      <div class="detail-head">
        <div class="countdown ${c.cls}" data-countdown="${task.id}">${esc(c.text || "—")}<small>${esc(c.label)}</small></div>
        <div><h2>#${task.id} · ${esc(task.summary)}</h2>${T.statusChip(task)}</div>
      </div>
      <dl class="facts">
        <dt>${esc(t("task_service"))}</dt><dd>${esc(task.service.code)} · ${esc(task.service.name[lang] || task.service.name.id)}</dd>
        <dt>${esc(t("task_unit"))}</dt><dd>${esc(T.unitText(task))}</dd>
        <dt>${esc(t("task_status_label"))}</dt><dd>${esc(T.whereText(task))}</dd>
        <dt>${esc(t("task_from_label"))}</dt><dd>${esc(task.origin_booth ? task.origin_booth.label : "")} · ${esc(task.created_by.full_name)} · ${esc(T.dateTime(task.created_at))}${task.ticket ? " · " + esc(task.ticket.number) : ""}</dd>
        ${task.contact ? `<dt>${esc(t("task_contact_label"))}</dt><dd>${esc(task.contact)}</dd>` : ""}
        ${task.notes ? `<dt>${esc(t("task_notes_label"))}</dt><dd>${esc(task.notes)}</dd>` : ""}
        ${done.due_at ? `<dt>${esc(t("task_completion_due"))}</dt><dd>${esc(T.dateTime(done.due_at))} (${done.sop_days} ${esc(t("task_working_days"))}${done.paused_s ? ", " + esc(t("task_paused")) + " " + esc(T.workingMinutes(done.paused_s)) : ""})</dd>` : ""}
        ${task.result ? `<dt>${esc(t("task_result"))}</dt><dd>${esc(task.result)}</dd>` : ""}
      </dl>
      ${actionsFor(task)}
      <h3>${esc(t("task_history"))}</h3>
      ${T.thread(task)}
      ${commentBox(task)}</div>`;
  }

  function seen(id) {
    fresh.delete(id);
    unread.delete(id);
    if (!fresh.size) document.getElementById("new-banner").hidden = true;
  }

  async function select(id) {
    if (selected !== id) openForm = null;
    selected = id;
    seen(id);
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
      // the form was sent: it starts empty
      document.querySelectorAll(`#detail [data-form="${verb}"] textarea`).forEach((el) => { el.value = ""; });
      openForm = null;
      seen(task.id);
      renderLists();
      renderDetail();
    } catch (e) {
      showError(e.message);
    }
  }

  document.addEventListener("click", (ev) => {
    const toggle = ev.target.closest("button[data-open]");
    if (toggle) {
      openForm = openForm === toggle.dataset.open ? null : toggle.dataset.open;
      renderDetail();
      const field = document.querySelector(`#detail [data-form="${openForm}"] textarea, #detail [data-form="${openForm}"] select`);
      if (field) field.focus();
      return;
    }
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
    el.textContent = `${t("task_new")}: #${task.id} · ${task.summary}`;
    el.hidden = false;
    clearTimeout(banner.timer);
    banner.timer = setTimeout(() => { el.hidden = true; }, 60000);
  }

  function upsert(task, change, by) {
    const before = tasks.get(task.id);
    if (by && by !== me.username && TALK.includes(change) && selected !== task.id) unread.add(task.id);
    tasks.set(task.id, Object.assign({}, before || {}, task));
    const arrived = group(task) === "pickup" && (!before || group(before) !== "pickup");
    if (arrived) {
      fresh.add(task.id);
      banner(task);
      window.PTSA.notify(`${t("notify_new_task")} · #${task.id}`, task.summary, `task-${task.id}`);
    } else if (group(task) !== "pickup") seen(task.id);
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
      upsert(msg.task, msg.change, msg.by);
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
  tick();
  start();
})();
