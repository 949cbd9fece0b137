/* The sign-in form. `data-next` is where to go afterwards; the server already reduced it to a path
   of this site, and it is checked again here (no scheme, no //host, no backslash). */
(function () {
  "use strict";
  const tag = document.currentScript;
  let next = "/";
  try { next = JSON.parse(tag.dataset.next || '"/"') || "/"; } catch (e) { next = "/"; }
  function safe(target) {
    return typeof target === "string" && target.startsWith("/") && !target.startsWith("//")
      && !target.includes("\\") && !/[\u0000-\u001f\u007f]/.test(target) ? target : "/";
  }
  document.getElementById("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const err = document.getElementById("login-error");
    err.hidden = true;
    try {
      await PTSA.api("POST", "/api/v1/auth/login", {
        username: document.getElementById("username").value.trim(),
        password: document.getElementById("password").value,
      });
      location.href = safe(next);
    } catch (e) {
      err.textContent = e.status === 401 ? PTSA.t("login_failed") : e.message;
      err.hidden = false;
    }
  });
})();
