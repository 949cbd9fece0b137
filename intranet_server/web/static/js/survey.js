/* The booth tablet's satisfaction survey (SKM). The tablet holds its own token (localStorage), hears
   its booth's `survey:<n>` room, opens the nine questions when the officer finishes a visit, and
   forgets the answers if nobody touches it for data-idle-s seconds. */
(function () {
  "use strict";
  const root = document.getElementById("survey");
  const IDLE_MS = Number(root.dataset.idleS) * 1000;
  const THANKS_MS = Number(root.dataset.thanksS) * 1000;
  const STORE = "ptsa_survey_token";
  const elements = Array.from(root.querySelectorAll(".sv-element"));
  const screens = ["pair", "idle", "question", "finish", "thanks"];
  let token = null, offer = null, scores = [], step = 0, profile = {};
  let idleTimer = null, thanksTimer = null;
  const closed = new Set();   // tickets answered or abandoned here: a reconnect does not reopen them

  function $(id) { return document.getElementById(id); }

  function show(state) {
    root.dataset.state = state;
    screens.forEach((name) => { $("sv-" + name).hidden = name !== state; });
    if (state === "question" || state === "finish") armIdle(); else disarmIdle();
  }

  async function call(method, url, body, withToken) {
    const headers = { Accept: "application/json", Authorization: "Bearer " + (withToken || token) };
    const options = { method, headers, credentials: "omit" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
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

  // ---- idle: an unfinished survey is abandoned, nothing is sent -------------------------
  function disarmIdle() { if (idleTimer) clearTimeout(idleTimer); idleTimer = null; }
  function armIdle() { disarmIdle(); idleTimer = setTimeout(abandon, IDLE_MS); }
  function abandon() {
    if (offer) closed.add(offer.ticket_id);
    reset();
    show("idle");
  }
  function reset() {
    offer = null; scores = []; step = 0; profile = {};
    $("sv-comment").value = "";
    root.querySelectorAll("[aria-pressed]").forEach((b) => b.setAttribute("aria-pressed", "false"));
    $("sv-send-error").hidden = true;
  }
  ["pointerdown", "keydown", "input"].forEach((type) => root.addEventListener(type, () => {
    if (root.dataset.state === "question" || root.dataset.state === "finish") armIdle();
  }));

  // ---- the questions ---------------------------------------------------------------------
  function open(next) {
    if (!next || closed.has(next.ticket_id)) return;
    if (offer && offer.ticket_id === next.ticket_id) return;   // already on screen
    if (thanksTimer) clearTimeout(thanksTimer);
    reset();
    offer = next;
    const name = offer.service_name || {};
    $("sv-ticket").textContent = `${offer.number} · ${name.id || offer.service}`;
    renderStep();
    show("question");
  }

  function renderStep() {
    elements.forEach((el, i) => { el.hidden = i !== step; });
    elements[step].querySelectorAll(".sv-answer").forEach((b) =>
      b.setAttribute("aria-pressed", String(Number(b.dataset.score) === scores[step])));
    $("sv-progress").textContent = `${step + 1} / ${elements.length}`;
    $("sv-back").hidden = step === 0;
  }

  root.querySelectorAll(".sv-answer").forEach((button) => button.addEventListener("click", () => {
    scores[step] = Number(button.dataset.score);
    if (step + 1 < elements.length) { step += 1; renderStep(); } else { show("finish"); }
  }));
  $("sv-back").addEventListener("click", () => { if (step > 0) { step -= 1; renderStep(); } });
  $("sv-finish-back").addEventListener("click", () => { step = elements.length - 1; renderStep(); show("question"); });

  root.querySelectorAll(".sv-profile").forEach((group) => group.querySelectorAll(".sv-chip").forEach((chip) =>
    chip.addEventListener("click", () => {
      const field = group.dataset.field;
      const same = profile[field] === chip.dataset.value;
      group.querySelectorAll(".sv-chip").forEach((c) => c.setAttribute("aria-pressed", "false"));
      if (same) { delete profile[field]; } else { profile[field] = chip.dataset.value; chip.setAttribute("aria-pressed", "true"); }
    })));

  $("sv-send").addEventListener("click", async () => {
    if (!offer) return;
    const body = Object.assign({ ticket_id: offer.ticket_id, scores: scores.slice() }, profile);
    const comment = $("sv-comment").value.trim();
    if (comment) body.comment = comment;
    const button = $("sv-send");
    button.disabled = true;
    try {
      await call("POST", "/api/v1/surveys", body);
      thank();
    } catch (error) {
      if (error.code === "already_answered") { thank(); return; }
      $("sv-send-error").textContent = error.message;
      $("sv-send-error").hidden = false;
    } finally {
      button.disabled = false;
    }
  });

  function thank() {
    if (offer) closed.add(offer.ticket_id);
    reset();
    show("thanks");
    thanksTimer = setTimeout(() => { if (root.dataset.state === "thanks") show("idle"); }, THANKS_MS);
  }

  // ---- pairing and the booth's room ------------------------------------------------------
  function listen(info) {
    $("sv-booth").textContent = `${info.booth.label} · ${info.name}`;
    show("idle");
    window.PTSA.connect({
      rooms: [info.room],
      auth: { survey_token: token },
      onSnapshot: (room, snapshot) => { if (snapshot && snapshot.offer) open(snapshot.offer); },
      onEvent: (event, msg) => {
        if (event === "offer") open(msg.offer);
        if (event === "answered") {
          closed.add(msg.ticket_id);
          if (offer && offer.ticket_id === msg.ticket_id && root.dataset.state !== "thanks") { reset(); show("idle"); }
        }
      },
    });
    if (info.offer) open(info.offer);
  }

  async function pair(candidate) {
    const info = await call("GET", "/api/v1/surveys/tablet", undefined, candidate);
    token = candidate;
    localStorage.setItem(STORE, candidate);
    listen(info);
  }

  $("sv-pair-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await pair($("sv-token").value.trim());
    } catch (error) {
      $("sv-pair-error").textContent = error.message;
      $("sv-pair-error").hidden = false;
    }
  });

  const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromLink) history.replaceState(null, "", location.pathname);   // keep the token out of the address bar
  const saved = fromLink || localStorage.getItem(STORE);
  show("pair");
  if (saved) {
    pair(saved).catch((error) => {
      if (error.status === 401) localStorage.removeItem(STORE);
      $("sv-pair-error").textContent = error.message;
      $("sv-pair-error").hidden = false;
    });
  }
})();
