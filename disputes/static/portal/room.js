// The mediation room live: messages arrive over /ws/cases/<id>/room/; the form sends over it when connected.
// Without a connection the form posts normally and the page reloads with the new message.
"use strict";
(function () {
  const list = document.getElementById("room-messages");
  const form = document.getElementById("room-form");
  const live = document.getElementById("room-live");
  const errorBox = document.getElementById("room-error");
  if (!list) return;
  const lang = document.documentElement.lang || "";
  let lastId = 0;
  list.querySelectorAll("[data-id]").forEach((item) => { lastId = Math.max(lastId, Number(item.dataset.id)); });
  let socket = null;

  function add(message) {
    if (message.id <= lastId) return;
    lastId = message.id;
    const empty = document.getElementById("room-empty");
    if (empty) empty.remove();
    const mine = message.author === list.dataset.me;
    const item = document.createElement("li");
    item.className = "msg role-" + message.author_role + (mine ? " mine" : "");
    item.dataset.id = message.id;
    const who = document.createElement("p");
    who.className = "who";
    who.textContent = (mine ? list.dataset.meLabel : list.dataset["role" + message.author_role[0].toUpperCase() + message.author_role.slice(1)] || message.author_role) + " ";
    const time = document.createElement("time");
    time.dateTime = message.created_at;
    time.textContent = new Date(message.created_at).toLocaleTimeString("en-GB", {
      timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit",
    });
    who.appendChild(time);
    const body = document.createElement("p");
    body.className = "body";
    body.textContent = message.body;  // plain text, never markup
    item.append(who, body);
    list.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function showError(text) {
    if (!errorBox) return;
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }

  function connect() {
    const base = list.dataset.ws || (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
    socket = new WebSocket(base + list.dataset.socket + "?after=" + lastId);
    socket.onopen = () => { live.textContent = live.dataset.on; live.classList.add("on"); };
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "message") add(frame);
      else if (frame.type === "error") showError(lang.startsWith("en") ? frame.message_en : frame.message_zh);
    };
    socket.onclose = () => {
      live.textContent = live.dataset.off;
      live.classList.remove("on");
      socket = null;
      setTimeout(connect, 3000);
    };
  }

  if (form) {
    form.addEventListener("submit", (event) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) return;  // falls back to a normal post
      event.preventDefault();
      const text = form.body.value.trim();
      if (!text) return;
      showError("");
      socket.send(JSON.stringify({ body: text }));
      form.body.value = "";
      form.body.focus();
    });
  }
  connect();
})();
