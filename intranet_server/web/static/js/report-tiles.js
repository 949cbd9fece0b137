// Today's tiles on the supervisor screen: fetched once, then again (at most every 2 s) whenever a ticket,
// task or alert event arrives over Socket.IO, and every minute (a task nears its breach by time alone).
(function () {
  const box = document.getElementById("live-tiles");
  if (!box || !window.io) return;
  let timer = null;

  async function refresh() {
    timer = null;
    try {
      const r = await fetch("/api/v1/reports/today", { credentials: "same-origin" });
      if (!r.ok) return;
      const data = await r.json();
      box.querySelectorAll("[data-tile]").forEach((tile) => {
        const value = data[tile.dataset.tile];
        tile.querySelector("b").textContent = value;
        tile.classList.toggle("alarm", (tile.dataset.tile === "breaches" || tile.dataset.tile === "near_breach") && value > 0);
      });
      box.dataset.updated = data.now;
    } catch (e) { /* offline: the banner says so; the next event or minute tries again */ }
  }

  function soon() { if (!timer) timer = setTimeout(refresh, 2000); }

  // A socket of its own (not PTSA.connect): it must not drive the page's online banner and status.
  const socket = io({ transports: ["websocket"], reconnectionDelay: 500, reconnectionDelayMax: 3000 });
  socket.on("connect", soon);
  socket.onAny((event) => { if (["ticket", "task", "alert", "service", "call"].includes(event)) soon(); });
  setInterval(refresh, 60000);
  refresh();
})();
