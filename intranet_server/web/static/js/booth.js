/* The P0 booth screen: the live queue of the booth's services and every action on a visit. */
(function () {
  "use strict";
  const { t, esc, api, connect, minutesSince } = window.PTSA;
  const lang = window.PTSA_LANG;
  let state = null;
  let refreshTimer = null;

  function badge(ticket) {
    return ticket.priority ? `<span class="badge priority">${esc(t("priority"))}: ${esc(t(ticket.priority))}</span>` : "";
  }

  function serviceName(ticket) { return ticket.service_name[lang] || ticket.service_name.id; }

  function showError(message) {
    const el = document.getElementById("action-error");
    el.textContent = message || "";
    el.hidden = !message;
  }

  async function act(method, url, body) {
    showError("");
    try {
      const result = await api(method, url, body);
      await refresh();
      return result;
    } catch (e) {
      showError(e.message);
      return null;
    }
  }

  // The buttons come from the ticket's `verbs` (the server's rules.queue.ticket_verbs); this
  // file only decides how each verb looks. Finish and no-show sit in different groups, far apart.
  const LOOK = {
    call: ["call", ""], recall: ["recall", ""], start: ["start", ""], finish: ["finish", "ok"],
    park: ["park", "secondary"], no_show: ["no_show", "warn"], resume: ["resume", ""],
  };

  function button(ticket, verb, small) {
    if (!(ticket.verbs || []).includes(verb)) return "";
    const [label, cls] = LOOK[verb];
    return `<button class="button ${cls}${small ? " small" : ""}" data-act="${verb}" data-key="${verb}-${ticket.id}">${esc(t(label))}</button>`;
  }

  function currentCard(ticket) {
    const id = ticket.id;
    const verbs = ticket.verbs || [];
    const options = state.all_services.filter((s) => s.code !== ticket.service)
      .map((s) => `<option value="${esc(s.code)}">${esc(s.code)} · ${esc(s.name[lang] || s.name.id)}</option>`).join("");
    return `<div class="current-ticket" data-ticket="${id}" data-key="current-${id}">
      <div class="number">${esc(ticket.number)}</div>
      <div>${esc(serviceName(ticket))} ${badge(ticket)}</div>
      <div class="muted">${esc(t("status_" + ticket.status))}${ticket.recall_count ? ` · ${ticket.recall_count}× ${esc(t("recalled"))}` : ""}</div>
      <div class="actions">${["recall", "start", "finish"].map((v) => button(ticket, v)).join("")}${reprintButton(ticket)}</div>
      <div class="actions actions-aside">${["park", "no_show"].map((v) => button(ticket, v)).join("")}</div>
      ${verbs.includes("transfer") ? `<div class="transfer">
        <label for="transfer-${id}">${esc(t("transfer_to"))}</label>
        <select id="transfer-${id}" data-transfer>${options}</select>
        <button class="button secondary" data-act="transfer" data-key="transfer-btn-${id}">${esc(t("transfer"))}</button>
      </div>` : ""}
    </div>`;
  }

  function reprintButton(ticket) {
    return ticket.print_state === "failed"
      ? `<button class="button small warn" data-act="reprint" title="${esc(t("print_failed"))}">${esc(t("reprint"))}</button>` : "";
  }

  function recallLeft(ticket) {
    if (!ticket.recall_until) return "";
    const left = Date.parse(ticket.recall_until) - (Date.now() + serverOffset);
    if (left <= 0) return `<span class="muted">${esc(t("recall_window_over"))}</span>`;
    const s = Math.floor(left / 1000);
    return `<span class="recall-left" data-recall-until="${esc(ticket.recall_until)}">${esc(t("recall_left"))} ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}</span>`;
  }

  function listItem(ticket, verb) {
    return `<li data-ticket="${ticket.id}" data-key="item-${ticket.id}"><span class="number">${esc(ticket.number)}</span>
      <span class="service">${esc(ticket.service)}</span> ${badge(ticket)}
      <span class="muted">${minutesSince(ticket.arrived_at)} ${esc(t("minutes"))}</span>
      ${recallLeft(ticket)}
      ${reprintButton(ticket)}
      ${button(ticket, verb, true)}</li>`;
  }

  let serverOffset = 0;

  function render() {
    if (!state) return;
    if (window.PTSABoothTasks) window.PTSABoothTasks.visitor(state.current[0] || null);
    document.getElementById("booth-services").textContent =
      `${t("served_services")}: ` + state.services.map((s) => s.code).join(", ");
    document.getElementById("priority-booth").hidden = !state.priority_booth;
    const patch = window.PTSA.patch;
    patch(document.getElementById("current"), state.current.length ? state.current.map(currentCard).join("")
      : `<p class="muted">—</p>`);
    document.getElementById("waiting-count").textContent = state.waiting.length;
    patch(document.getElementById("waiting"), state.waiting.length
      ? state.waiting.map((tk) => listItem(tk, "call")).join("")
      : `<li class="muted">${esc(t("nobody_waiting"))}</li>`);
    patch(document.getElementById("no-shows"), state.no_show.map((tk) => listItem(tk, "call")).join(""));
    patch(document.getElementById("parked"), state.parked.map((tk) => listItem(tk, "resume")).join(""));
  }

  async function refresh() {
    try {
      state = await api("GET", "/api/v1/booth");
      if (state.now) serverOffset = Date.parse(state.now) - Date.now();
      render();
    } catch (e) {
      if (e.status === 401) location.href = "/login?next=/booth";
      else showError(e.message);
    }
  }

  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 120);
  }

  document.getElementById("call-next").addEventListener("click", async () => {
    // the visit this screen shows: a second tap, or a press after a lost answer, is answered with the
    // visitor already called instead of finishing her unseen (the server compares)
    const shown = state && state.current.length ? state.current[0].id : null;
    const result = await act("POST", "/api/v1/queue/call-next", {current: shown});
    if (result === null && !document.getElementById("action-error").textContent) showError(t("nobody_waiting"));
  });

  /* Undo instead of "are you sure?": after a finish, no-show or transfer a bar offers to take it
     back for the few seconds the server allows (POST .../undo, audited); the server decides. */
  let undoTimer = null;
  function offerUndo(ticket, verb, extra) {
    const bar = document.getElementById("undo-bar");
    const seconds = (state && state.undo_s) || 15;
    const ends = Date.now() + seconds * 1000;
    bar.dataset.ticket = String(ticket.id);
    document.getElementById("undo-text").textContent =
      `${ticket.number}: ${t("undo_" + verb)}${extra ? " " + extra : ""}`;
    bar.hidden = false;
    clearInterval(undoTimer);
    const left = () => {
      const s = Math.ceil((ends - Date.now()) / 1000);
      if (s <= 0) { bar.hidden = true; clearInterval(undoTimer); return; }
      document.getElementById("undo-left").textContent = `${s} s`;
    };
    left();
    undoTimer = setInterval(left, 250);
  }

  document.getElementById("undo-button").addEventListener("click", async () => {
    const bar = document.getElementById("undo-bar");
    clearInterval(undoTimer);
    bar.hidden = true;
    await act("POST", `/api/v1/tickets/${bar.dataset.ticket}/undo`);
  });

  document.addEventListener("click", async (ev) => {
    const button = ev.target.closest("button[data-act]");
    if (!button) return;
    const item = button.closest("[data-ticket]");
    const id = item && item.dataset.ticket;
    const verb = button.dataset.act;
    let result;
    if (verb === "transfer") {
      const select = item.querySelector("select[data-transfer]");
      result = await act("POST", `/api/v1/tickets/${id}/transfer`, { service: select.value });
      if (result) offerUndo(result, verb, result.service);
    } else {
      result = await act("POST", `/api/v1/tickets/${id}/${verb.replace("_", "-")}`);
      if (result && (verb === "finish" || verb === "no_show")) offerUndo(result, verb);
    }
  });

  connect({
    rooms: ["staff"],
    onEvent(event, msg) {
      if (event === "ticket" || event === "call" || event === "booth" || event === "catalog") refreshSoon();
      if (event === "kiosk") window.PTSA.refreshKioskProblems();
      if (event === "task" && window.PTSABoothTasks) window.PTSABoothTasks.onTask(msg);
    },
    onSnapshot(room, snap) {
      if (room === "staff") window.PTSA.showKioskProblems(snap.kiosks);
      if (window.PTSABoothTasks) window.PTSABoothTasks.reload();
      refreshSoon();
    },
  });
  setInterval(render, 30000);   // keeps the "minutes waiting" fresh
  setInterval(() => {           // the recall window counts down every second
    document.querySelectorAll("#no-shows [data-recall-until]").forEach((el) => {
      const left = Date.parse(el.dataset.recallUntil) - (Date.now() + serverOffset);
      const s = Math.max(0, Math.floor(left / 1000));
      el.textContent = left > 0 ? `${t("recall_left")} ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}` : t("recall_window_over");
    });
  }, 1000);
  refresh();
})();


/* The booth's tasks: turn the current visitor's request into a task for the back office, and
   follow the tasks this booth sent — live status, the answer, the thread — until the visitor is told. */
(function () {
  "use strict";
  const { t, esc, api } = window.PTSA;
  const T = window.PTSA.tasks;
  const lang = window.PTSA_LANG;
  const tasks = new Map();
  const open = new Set();          // task ids whose detail is unfolded
  const details = new Map();
  let visitor = null;
  const unread = new Set();        // tasks with news from the back office not unfolded yet
  let owners = {};                 // service code -> echelon-1 owner code
  let echelon1 = [];

  function showError(message) {
    const el = document.getElementById("task-error");
    el.textContent = message || "";
    el.hidden = !message;
  }

  // ---- creating a task for the visitor at the booth ---------------------------------------

  function fillUnits() {
    const select = document.getElementById("task-unit");
    const owner = visitor ? owners[visitor.service] : null;
    const current = select.dataset.ticket === String(visitor && visitor.id) ? select.value : owner;
    select.innerHTML = echelon1.map((u) => `<option value="${esc(u.code)}">${esc(u.code)} · ${esc(lang === "en" && u.name_en ? u.name_en : u.name)}${u.code === owner ? " (" + esc(t("task_owner_default")) + ")" : ""}</option>`).join("");
    if (current) select.value = current;
    select.dataset.ticket = String(visitor && visitor.id);
  }

  // One key per task being written, kept until the server has answered it: sent again after a lost
  // answer (a dropped connection, a server that died), it is answered the task made the first time.
  let taskKey = null;
  function newKey() {
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function setVisitor(ticket) {
    const changed = (visitor && visitor.id) !== (ticket && ticket.id);
    if (changed) taskKey = null;
    visitor = ticket;
    document.getElementById("task-fields").disabled = !ticket;
    document.getElementById("task-visitor").textContent = ticket
      ? `${t("task_for_visitor")} ${ticket.number} · ${ticket.service_name[lang] || ticket.service_name.id}`
      : t("task_no_visitor");
    if (changed) document.getElementById("task-sent").hidden = true;
    fillUnits();
  }

  document.getElementById("task-create").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!visitor) return;
    const send = document.getElementById("task-send");
    send.disabled = true;                // one click, one task
    showError("");
    try {
      const body = {
        ticket_id: visitor.id,
        summary: document.getElementById("task-summary").value,
        contact: document.getElementById("task-contact").value,
        notes: document.getElementById("task-notes").value,
        unit: document.getElementById("task-unit").value,
        idempotency_key: taskKey || (taskKey = newKey()),
      };
      const smsPhone = document.getElementById("task-sms-phone");
      const smsConsent = document.getElementById("task-sms-consent");
      if (smsPhone && (smsPhone.value.trim() || smsConsent.checked)) {
        // the server refuses a number without consent, so nothing is kept that she did not agree to
        body.sms = { phone: smsPhone.value.trim(), consent: smsConsent.checked };
      }
      const task = await api("POST", "/api/v1/tasks", body);
      taskKey = null;
      ["task-summary", "task-contact", "task-notes", "task-sms-phone"].forEach((id) => {
        const field = document.getElementById(id);
        if (field) field.value = "";
      });
      if (smsConsent) smsConsent.checked = false;
      const sent = document.getElementById("task-sent");
      sent.textContent = `${t("task_sent_ok")}: #${task.id} → ${task.unit.code} · ${t("task_deadline")} ${T.time(task.due_at)}`;
      sent.hidden = false;
      upsert(task);
    } catch (e) {
      if (e.status >= 400 && e.status < 500) taskKey = null;   // refused: nothing was made
      showError(e.message);
    } finally {
      send.disabled = false;
    }
  });

  // ---- the booth's tasks ------------------------------------------------------------------

  // Whether the answer waits for this officer, and which verbs she has: from the payload's verbs.
  function needsMe(task) {
    return T.verbs(task).includes("ack");
  }

  function actions(task) {
    const may = T.verbs(task);
    const rows = [];
    if (may.includes("resume")) rows.push(`<div class="act-row"><button class="button" data-task-act="resume">${esc(t("task_resume"))}</button></div>`);
    if (may.includes("resend")) {
      rows.push(`<div class="act-row" data-form="resend"><label>${esc(t("task_target_unit"))}<select name="unit">${echelon1.map((u) => `<option value="${esc(u.code)}">${esc(u.code)}</option>`).join("")}</select></label>
        <button class="button" data-task-act="resend">${esc(t("task_resend"))}</button></div>`);
    }
    if (may.includes("comment")) {
      rows.push(`<div class="act-row" data-form="comment"><label>${esc(t("task_thread"))}<textarea name="body" rows="2" placeholder="${esc(t("task_comment_placeholder"))}"></textarea></label>
        <button class="button secondary" data-task-act="comment">${esc(t("task_comment"))}</button></div>`);
    }
    if (may.includes("cancel")) {
      rows.push(`<div class="act-row" data-form="cancel"><label>${esc(t("task_reason"))}<textarea name="reason" rows="1"></textarea></label>
        <button class="button warn" data-task-act="cancel">${esc(t("task_cancel"))}</button></div>`);
    }
    return rows.join("");
  }

  function card(task) {
    const c = T.countdown(task);
    const answer = needsMe(task);
    const detail = open.has(task.id) && details.get(task.id);
    return `<li class="task-card ${answer ? "answer" : c.cls}" data-my-task="${task.id}" data-key="my-task-${task.id}">
      <div class="countdown ${c.cls}" data-countdown="${task.id}">${esc(c.text || "—")}<small>${esc(c.label)}</small></div>
      <div>
        <div class="title">#${task.id} · ${esc(task.summary)}</div>
        <div class="meta">${task.ticket ? esc(task.ticket.number) + " · " : ""}${esc(task.service.code)} · ${esc(T.whereText(task))}</div>
        ${task.result ? `<div class="text"><strong>${esc(t("task_result"))}:</strong> ${esc(task.result)}</div>` : ""}
        ${answer ? `<button class="button ok small" data-task-act="ack">${esc(t("task_ack"))}</button>` : ""}
      </div>
      <div>${unread.has(task.id) ? `<span class="chip news">${esc(t("task_new_message"))}</span> ` : ""}${answer
        ? `<span class="chip done">${esc(t("task_answer_ready"))}</span>` : T.statusChip(task)}</div>
      ${detail ? `<div class="booth-task-detail">${actions(detail)}${T.thread(detail)}</div>` : ""}
    </li>`;
  }

  function render() {
    const list = [...tasks.values()].sort((a, b) => (needsMe(b) - needsMe(a)) || (b.id - a.id));
    document.getElementById("my-task-count").textContent = list.filter((x) => x.status === "open" || x.status === "waiting" || needsMe(x)).length;
    // patched in place: a reply being typed in a thread survives the live update that redraws it
    window.PTSA.patch(document.getElementById("my-tasks"),
      list.length ? list.map(card).join("") : `<li class="empty">${esc(t("task_none"))}</li>`);
  }

  function tick() {
    document.querySelectorAll("#my-tasks [data-countdown]").forEach((el) => {
      const task = tasks.get(Number(el.dataset.countdown));
      if (!task) return;
      const c = T.countdown(task);
      el.className = `countdown ${c.cls}`;
      el.innerHTML = `${esc(c.text || "—")}<small>${esc(c.label)}</small>`;
      const card = el.closest(".task-card");
      if (card && !needsMe(task)) { card.classList.remove("ok", "warn", "late", "quiet"); card.classList.add(c.cls); }
    });
  }

  async function loadDetail(id) {
    const detail = await api("GET", `/api/v1/tasks/${id}`);
    T.setServerNow(detail.now);
    details.set(id, detail);
    tasks.set(id, detail);
  }

  function upsert(task) {
    tasks.set(task.id, Object.assign({}, tasks.get(task.id) || {}, task));
    if (open.has(task.id)) loadDetail(task.id).then(render).catch(() => {});
    render();
  }

  document.getElementById("my-tasks").addEventListener("click", async (ev) => {
    const item = ev.target.closest("[data-my-task]");
    if (!item) return;
    const id = Number(item.dataset.myTask);
    const button = ev.target.closest("button[data-task-act]");
    if (button) {
      const form = button.closest("[data-form]");
      const body = {};
      if (form) form.querySelectorAll("textarea, select").forEach((el) => { body[el.name] = el.value; });
      showError("");
      try {
        const task = await api("POST", `/api/v1/tasks/${id}/${button.dataset.taskAct}`, body);
        details.set(id, task);
        tasks.set(id, task);
        // sent: empty the form as it is on screen now (a live update may have redrawn it meanwhile)
        const verb = form && form.dataset.form;
        if (verb) document.querySelectorAll(`[data-my-task="${id}"] [data-form="${verb}"] textarea`).forEach((el) => { el.value = ""; });
        render();
      } catch (e) { showError(e.message); }
      return;
    }
    if (ev.target.closest(".booth-task-detail")) return;   // typing in the thread does not fold it
    if (open.has(id)) { open.delete(id); render(); return; }
    open.add(id);
    unread.delete(id);
    try { await loadDetail(id); } catch (e) { showError(e.message); }
    render();
  });

  async function reload() {
    try {
      const answer = await api("GET", "/api/v1/tasks");
      T.setServerNow(answer.now);
      tasks.clear();
      answer.tasks.forEach((task) => tasks.set(task.id, task));
      render();
    } catch (e) { /* the booth's own refresh shows sign-in problems */ }
  }

  async function start() {
    try {
      const [services, units] = await Promise.all([api("GET", "/api/v1/services"), api("GET", "/api/v1/units")]);
      services.forEach((s) => { owners[s.code] = s.echelon1 ? s.echelon1.code : s.unit.code; });
      echelon1 = units.filter((u) => u.echelon === 1);
      fillUnits();
    } catch (e) { /* shown by the booth */ }
    reload();
  }

  window.PTSABoothTasks = {
    visitor: setVisitor,
    onTask(msg) {
      T.setServerNow(msg.now);
      const news = msg.by && msg.by !== (window.PTSA_ME || {}).username && msg.change !== "recompute";
      if (news && !open.has(msg.task.id)) unread.add(msg.task.id);
      upsert(msg.task);
    },
    reload,
  };
  setInterval(tick, 1000);
  start();
})();
