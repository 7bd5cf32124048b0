// One live socket for a page: the address (same origin, or the daphne port the page names), the live/reconnecting
// badge, and reconnecting two seconds after any close. `url` is called on each connect, so it can resume
// (?after=<newest id>).
window.leyeLiveSocket = function ({ ws, url, badge, english, onMessage }) {
  function connect() {
    const base = ws || (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
    const socket = new WebSocket(base + url());
    socket.onopen = () => { badge.textContent = english ? "Live" : "实时"; badge.classList.add("on"); };
    socket.onclose = () => {
      badge.classList.remove("on");
      badge.textContent = english ? "Reconnecting…" : "重连中…";
      setTimeout(connect, 2000);
    };
    socket.onmessage = (event) => onMessage(JSON.parse(event.data));
  }
  connect();
};
