/* Server data for the page scripts without inline <script> (the CSP forbids it): every
   data-ptsa-<name>='<json>' attribute of this script's tag becomes window.PTSA_<NAME>. */
(function () {
  "use strict";
  const tag = document.currentScript;
  if (!tag) return;
  Object.keys(tag.dataset).forEach((key) => {
    if (!key.startsWith("ptsa")) return;
    const name = "PTSA_" + key.slice(4).replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
    try { window[name] = JSON.parse(tag.dataset[key]); } catch (e) { window[name] = tag.dataset[key]; }
  });
})();
