// The user's notifications: new ones arrive over /ws/notifications/ (after the newest shown); "read all" goes
// through the REST API. Text is set with textContent, never as markup.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("notifications-config").textContent);
  const english = document.documentElement.lang.startsWith("en");
  const list = document.getElementById("notifications");
  const live = document.getElementById("live");
  const badge = document.getElementById("unread-count");
  const readAll = document.getElementById("read-all");
  const errorBox = document.getElementById("notifications-error");
  let newest = config.newest;

  function setUnread(count) {
    badge.textContent = String(count);
    readAll.disabled = count === 0;
  }

  function add(frame) {
    if (frame.id <= newest) return;
    newest = frame.id;
    const empty = document.getElementById("no-notifications");
    if (empty) empty.remove();
    const item = document.createElement("li");
    item.className = "notification" + (frame.read_at ? "" : " unread");
    item.dataset.notification = frame.id;
    const title = document.createElement("h2");
    title.textContent = (english && frame.title_en) || frame.title;
    const body = document.createElement("p");
    body.textContent = (english && frame.body_en) || frame.body;
    item.append(title, body);
    if (frame.link) {
      const link = document.createElement("a");
      link.href = frame.link;
      link.textContent = english ? "Open" : "查看";
      item.append(link);
    }
    list.prepend(item);
    setUnread(list.querySelectorAll(".unread").length);
  }

  function markRead(ids) {
    for (const id of ids) {
      const item = list.querySelector(`[data-notification="${id}"]`);
      if (item) item.classList.remove("unread");
    }
    setUnread(list.querySelectorAll(".unread").length);
  }

  readAll.addEventListener("click", async () => {
    readAll.disabled = true;
    const response = await fetch(config.read_all, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": config.csrf, "Content-Type": "application/json" },
    });
    if (response.ok) {
      markRead([...list.querySelectorAll(".unread")].map((item) => item.dataset.notification));
      errorBox.hidden = true;
    } else {
      const error = (await response.json()).error || {};
      errorBox.textContent = english ? error.message_en : error.message_zh;
      errorBox.hidden = false;
      readAll.disabled = false;
    }
  });
  window.leyeLiveSocket({
    ws: config.ws, url: () => `/ws/notifications/?after=${newest}`, badge: live, english,
    onMessage: (frame) => {
      if (frame.type === "notification") add(frame);
      else if (frame.type === "read") markRead(frame.ids);
    },
  });
})();
