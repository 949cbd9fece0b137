/* What the task screens share (inbox, supervisor, the booth's task panel): the server's clock,
   countdowns to a pickup deadline, times in the office's zone, and a task's thread. */
(function () {
  "use strict";
  const { t, esc } = window.PTSA;
  const lang = window.PTSA_LANG || "id";
  const tz = window.PTSA_TZ || "Asia/Jakarta";
  const locale = lang === "id" ? "id-ID" : "en-GB";

  /* Countdowns use the server's clock: every snapshot and event carries the server's `now`,
     so a screen whose own clock is minutes off still shows the right time left. */
  let offset = 0;
  function setServerNow(iso) { if (iso) offset = Date.parse(iso) - Date.now(); }
  function now() { return Date.now() + offset; }

  function time(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", timeZone: tz });
  }
  function dateTime(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleString(locale, { weekday: "short", day: "numeric", month: "short",
                                                  hour: "2-digit", minute: "2-digit", timeZone: tz });
  }
  function clockText() {
    return new Date(now()).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: tz });
  }

  function span(ms) {
    const s = Math.floor(Math.abs(ms) / 1000);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(sec).padStart(2, "0");
    return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
  }

  function workingMinutes(seconds) {
    if (seconds == null) return "";
    if (seconds < 60) return `< 1 ${t("task_minutes_short")}`;
    return `${Math.round(seconds / 60)} ${t("task_minutes_short")}`;
  }

  function shortDate(iso) {
    return new Date(iso).toLocaleDateString(locale, { day: "numeric", month: "short", timeZone: tz });
  }

  /* The big figure on a task card — {text, label, cls}, cls "ok" | "warn" | "late" | "quiet":
     while nobody has picked the task up, the countdown to its pickup deadline (amber past the
     warning share, red and counting up once overdue); while someone works on it, the SOP
     completion target; paused, finished or closed tasks say so. */
  function countdown(task) {
    const hop = task.hop;
    if (task.due_at && hop) {
      const left = Date.parse(task.due_at) - now();
      if (left < 0) return { text: "+" + span(left), label: t("task_overdue"), cls: "late" };
      const warn = hop.warn_at && Date.parse(hop.warn_at) <= now();
      return { text: span(left), label: `${t("task_deadline")} ${time(task.due_at)}`, cls: warn ? "warn" : "ok" };
    }
    const done = task.completion || {};
    if (task.status === "waiting") return { text: "II", label: t("task_paused"), cls: "quiet" };
    if (task.status === "open" && done.due_at) {
      const late = Date.parse(done.due_at) < now();
      return { text: shortDate(done.due_at), label: t("task_sop_target"), cls: late ? "late" : "quiet" };
    }
    const marks = { done: "✓", returned: "↩", cancelled: "✕" };
    return { text: marks[task.status] || "", label: marks[task.status] ? t("task_status_" + task.status) : "", cls: "quiet" };
  }

  function statusChip(task) {
    return `<span class="chip ${esc(task.status)}">${esc(t("task_status_" + task.status))}</span>`;
  }

  /* The unit that has the task now (code and name), or the booth once it is back at the front. */
  function unitText(task) {
    if (task.unit) return `${task.unit.code} · ${lang === "en" && task.unit.name_en ? task.unit.name_en : task.unit.name}`;
    return task.origin_booth ? task.origin_booth.label : "";
  }

  /* Where the task is and who holds it, in one line. */
  function whereText(task) {
    if (task.status === "done") return `${t("task_status_done")} · ${task.completion.completed_by ? task.completion.completed_by.full_name : ""}`;
    if (task.status === "returned" || task.status === "cancelled") return t("task_status_" + task.status);
    const unit = task.unit ? task.unit.code : "";
    if (task.assignee) return `${t("task_at")} ${unit} · ${t("task_picked_by")} ${task.assignee.full_name}`;
    return `${t("task_at")} ${unit} · ${t("task_not_picked")}`;
  }

  function who(person) { return person ? person.full_name : t("task_system"); }

  /* The thread: handovers (hops) as quiet lines, messages as bubbles, in time order. */
  function thread(detail) {
    const items = [];
    detail.hops.forEach((h) => {
      const to = h.to_unit ? h.to_unit.code : (detail.origin_booth ? detail.origin_booth.label : "P0");
      let text = `${t("task_kind_" + h.kind)} → ${to}${h.to_staff ? " (" + h.to_staff.full_name + ")" : ""}`;
      if (h.sent_by) text += ` · ${h.sent_by.full_name}`;
      if (h.due_at) text += ` · ${t("task_deadline")} ${time(h.due_at)}`;
      items.push({ at: h.sent_at, order: 0, html: `<li class="system">${esc(time(h.sent_at))} · ${esc(text)}</li>` });
      if (h.picked_at) {
        // late is judged in working time, like the deadline itself: the wall clock may pass the
        // deadline's instant while the unit was closed (picked at 08:01 for a 08:15 deadline of
        // the next working day is on time, and 0 working minutes is never late)
        const late = h.target_s != null && h.working_s != null ? h.working_s > h.target_s
          : h.due_at && Date.parse(h.picked_at) > Date.parse(h.due_at);
        items.push({ at: h.picked_at, order: 1, html: `<li class="system">${esc(time(h.picked_at))} · ${esc(t("task_picked_by"))} ${esc(who(h.picked_by))}` +
          (h.working_s != null ? ` · ${esc(workingMinutes(h.working_s))}` : "") +
          (late ? ` · <span class="bad-text">${esc(t("task_overdue"))}</span>` : "") + "</li>" });
      }
    });
    detail.messages.forEach((m) => {
      items.push({ at: m.created_at, order: 2, html: `<li class="${esc(m.kind)}"><span class="who">${esc(who(m.author))}</span>` +
        `<span class="when">${esc(time(m.created_at))} · ${esc(t("task_msg_" + m.kind))}</span>` +
        // a note-less entry (e.g. "document received" with no remark) is stored as "-": show no text
        (m.body && m.body.trim() !== "-" ? `<div class="text">${esc(m.body)}</div>` : "") + "</li>" });
    });
    items.sort((a, b) => (Date.parse(a.at) - Date.parse(b.at)) || (a.order - b.order));
    return `<ul class="thread">${items.map((i) => i.html).join("")}</ul>`;
  }

  /* How the signed-in person stands to a task (rules.tasks.VIEWERS). Every task payload carries
     the verbs of each kind of viewer, because one event goes to everyone in a room; the screen
     only says who it is and draws the verbs the server listed for that. */
  function viewerOf(task) {
    const me = window.PTSA_ME || {};
    if (task.assignee && task.assignee.username === me.username) return "holder";
    if (task.unit && task.unit.code === me.unit && task.position === me.role) return "receiver";
    if (me.role === "p0" && task.origin_booth && task.origin_booth.number === me.booth) return "origin";
    if (me.role === "supervisor" || me.role === "admin") return "supervisor";
    return "reader";
  }

  function verbs(task) {
    return (task.verbs && task.verbs[viewerOf(task)]) || [];
  }

  window.PTSA.tasks = { viewerOf, verbs, unitText, setServerNow, now, time, dateTime, clockText, span, countdown, statusChip, whereText,
                        thread, workingMinutes, who };
})();
