/* The change-password screen (forced after a one-time password). */
(function () {
  "use strict";
  const form = document.getElementById("password-form");
  function show(field, text) {
    form.querySelectorAll(".field-error").forEach((p) => { p.hidden = true; });
    const box = form.querySelector(`[data-error-for="${field}"]`) || form.querySelector('[data-error-for="new"]');
    box.textContent = text;
    box.hidden = false;
  }
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await PTSA.api("POST", "/api/v1/auth/password", {
        current: document.getElementById("pw-current").value, new: document.getElementById("pw-new").value });
      const next = form.dataset.next;
      location.href = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
    } catch (e) {
      const m = /^'(\w+)': (.*)$/.exec(e.detail || e.message || "");
      const id = form.dataset.lang === "id";
      if (e.code === "wrong_password") show("current", id ? "Kata sandi sekarang salah." : "The current password is wrong.");
      else show(m ? m[1] : "new", m ? m[2] : e.message);
    }
  });
})();
