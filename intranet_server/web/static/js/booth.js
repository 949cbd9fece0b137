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

  function currentCard(ticket) {
    const id = ticket.id;
    const options = state.all_services.filter((s) => s.code !== ticket.service)
      .map((s) => `<option value="${esc(s.code)}">${esc(s.code)} · ${esc(s.name[lang] || s.name.id)}</option>`).join("");
    const serving = ticket.status === "serving";
    return `<div class="current-ticket" data-ticket="${id}">
      <div class="number">${esc(ticket.number)}</div>
      <div>${esc(serviceName(ticket))} ${badge(ticket)}</div>
      <div class="muted">${esc(t("status_" + ticket.status))}${ticket.recall_count ? ` · ${ticket.recall_count}× ${esc(t("recalled"))}` : ""}</div>
      <div class="actions">
        ${serving ? "" : `<button class="button" data-act="recall">${esc(t("recall"))}</button>
        <button class="button" data-act="start">${esc(t("start"))}</button>
        <button class="button warn" data-act="no-show">${esc(t("no_show"))}</button>`}
        <button class="button ok" data-act="finish">${esc(t("finish"))}</button>
        <button class="button secondary" data-act="park">${esc(t("park"))}</button>
        ${reprintButton(ticket)}
      </div>
      <div class="transfer">
        <label>${esc(t("transfer_to"))} <select data-transfer>${options}</select></label>
        <button class="button secondary" data-act="transfer">${esc(t("transfer"))}</button>
      </div>
    </div>`;
  }

  function reprintButton(ticket) {
    return ticket.print_state === "failed"
      ? `<button class="button small warn" data-act="reprint" title="${esc(t("print_failed"))}">${esc(t("reprint"))}</button>` : "";
  }

  function listItem(ticket, action, label) {
    return `<li data-ticket="${ticket.id}"><span class="number">${esc(ticket.number)}</span>
      <span class="service">${esc(ticket.service)}</span> ${badge(ticket)}
      <span class="muted">${minutesSince(ticket.arrived_at)} ${esc(t("minutes"))}</span>
      ${reprintButton(ticket)}
      <button class="button small" data-act="${action}">${esc(label)}</button></li>`;
  }

  function render() {
    if (!state) return;
    document.getElementById("booth-services").textContent =
      `${t("served_services")}: ` + state.services.map((s) => s.code).join(", ");
    const current = document.getElementById("current");
    current.innerHTML = state.current.length ? state.current.map(currentCard).join("")
      : `<p class="muted">—</p>`;
    document.getElementById("waiting-count").textContent = state.waiting.length;
    document.getElementById("waiting").innerHTML = state.waiting.length
      ? state.waiting.map((tk) => listItem(tk, "call", t("call"))).join("")
      : `<li class="muted">${esc(t("nobody_waiting"))}</li>`;
    document.getElementById("no-shows").innerHTML = state.no_show.map((tk) => listItem(tk, "call", t("call"))).join("");
    document.getElementById("parked").innerHTML = state.parked.map((tk) => listItem(tk, "resume", t("resume"))).join("");
  }

  async function refresh() {
    try {
      state = await api("GET", "/api/v1/booth");
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
    const result = await act("POST", "/api/v1/queue/call-next");
    if (result === null && !document.getElementById("action-error").textContent) showError(t("nobody_waiting"));
  });

  document.addEventListener("click", (ev) => {
    const button = ev.target.closest("button[data-act]");
    if (!button) return;
    const item = button.closest("[data-ticket]");
    const id = item && item.dataset.ticket;
    const verb = button.dataset.act;
    if (verb === "transfer") {
      const select = item.querySelector("select[data-transfer]");
      act("POST", `/api/v1/tickets/${id}/transfer`, { service: select.value });
    } else {
      act("POST", `/api/v1/tickets/${id}/${verb}`);
    }
  });

  function showKiosks(kiosks) {
    const bad = (kiosks || []).filter((k) => !["ok", "unknown"].includes(k.printer_status));
    const box = document.getElementById("kiosk-alert");
    box.hidden = bad.length === 0;
    box.textContent = bad.map((k) => `${t("kiosk_problem")}: ${k.name} — ${k.printer_status} ${k.printer_detail || ""}`).join(" · ");
  }

  connect({
    rooms: ["staff"],
    onEvent(event, msg) {
      if (event === "ticket" || event === "call" || event === "booth") refreshSoon();
      if (event === "kiosk") api("GET", "/api/v1/kiosks").then(showKiosks).catch(() => {});
    },
    onSnapshot(room, snap) {
      if (room === "staff") showKiosks(snap.kiosks);
      refreshSoon();
    },
  });
  setInterval(render, 30000);   // keeps the "minutes waiting" fresh
  refresh();
})();
