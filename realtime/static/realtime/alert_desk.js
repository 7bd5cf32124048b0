// The court's alert desk: live counts from /ws/alerts/, the list fetched again on each change, and the
// acknowledge / assign / resolve buttons calling /api/v1/alerts/<id>/<action>/ (the services decide).
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("desk-config").textContent);
  const english = config.lang.startsWith("en");
  const live = document.getElementById("live");
  const list = document.getElementById("alert-list");
  const errorBox = document.getElementById("desk-error");
  let refreshTimer = null;
  let fetched = 0;  // newest list request whose answer is shown; older answers are dropped

  function showCounts(counts, total) {
    for (const [level, count] of Object.entries(counts)) {
      const cell = document.querySelector('[data-level-count="' + level + '"]');
      if (cell) cell.textContent = String(count);
    }
    document.getElementById("total-count").textContent = String(total);
  }

  async function refreshList() {
    const ticket = ++fetched;
    const response = await fetch(config.list, { credentials: "same-origin" });
    if (response.redirected) { location.reload(); return; }  // signed out meanwhile: to the login page
    if (!response.ok || ticket !== fetched) return;
    list.innerHTML = await response.text();  // server-rendered, escaped by Django's templates
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refreshList, 150);
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  async function act(button) {
    const row = button.closest("tr[data-alert]");
    const body = {};
    if (button.dataset.action === "assign") {
      body.assignee = Number(row.querySelector("select[name=assignee]").value) || null;
    }
    button.disabled = true;
    try {
      const response = await fetch(config.api + row.dataset.alert + "/" + button.dataset.action + "/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf },
        body: JSON.stringify(body),
      });
      if (response.ok) {
        showError("");
      } else {
        const error = (await response.json()).error || {};
        showError(english ? error.message_en : error.message_zh);
      }
    } catch (failure) {
      showError(errorBox.dataset.network);
    } finally {
      button.disabled = false;
      refreshList();
    }
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) act(button);
  });
  window.leyeLiveSocket({
    ws: config.ws, url: () => config.socket, badge: live, english,
    onMessage: (message) => {
      if (message.type !== "alert_counts") return;
      showCounts(message.counts, message.total);
      scheduleRefresh();
    },
  });
})();
