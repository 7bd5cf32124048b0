// Staff task lists (queue, inbox, archive) refresh themselves when a task of the organization changes.
"use strict";
(function () {
  const script = document.currentScript;
  const base = (script && script.dataset.ws) || (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
  let timer = null;

  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (window.Turbo) window.Turbo.visit(location.href, { action: "replace" });
      else location.reload();
    }, 300);
  }

  function connect() {
    const socket = new WebSocket(base + "/ws/queues/");
    socket.onmessage = (event) => { if (JSON.parse(event.data).type === "queue_changed") refresh(); };
    socket.onclose = () => setTimeout(connect, 3000);
    window.addEventListener("turbo:before-visit", () => { socket.onclose = null; socket.close(); }, { once: true });
  }

  connect();
})();
