// The leaders' dashboard: reads /api/v1/metrics/ and redraws whenever /ws/metrics/ says a figure changed.
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("dashboard-config").textContent);
  const english = config.lang.startsWith("en");
  const streetSelect = document.getElementById("street");
  const live = document.getElementById("live");
  const charts = {};
  let socket = null;

  function title(rate) { return english ? rate.title_en : rate.title_zh; }
  function percent(value) { return value === null ? "—" : (value * 100).toFixed(1) + "%"; }

  function card(rate) {
    const box = document.createElement("article");
    box.className = "card " + (rate.met === null ? "" : rate.met ? "met" : "unmet");
    box.dataset.key = rate.key;
    const heading = document.createElement("h3");
    heading.textContent = title(rate);
    const value = document.createElement("div");
    value.className = "value";
    value.textContent = percent(rate.rate);
    const detail = document.createElement("div");
    detail.className = "detail";
    const goal = rate.goal === null ? "" : (english ? " · goal " : " · 目标 ") + percent(rate.goal);
    const verdict = rate.met === null ? "" : rate.met ? (english ? " · met" : " · 达标") : (english ? " · not met" : " · 未达标");
    detail.textContent = rate.numerator + " / " + rate.denominator + goal + verdict;
    box.append(heading, value, detail);
    return box;
  }

  function showRates(rates) {
    document.getElementById("rates").replaceChildren(...rates.map(card));
  }

  function lineChart(trend) {
    const data = {
      labels: trend.map((m) => (english ? "M" : "") + m.month + (english ? "" : "月")),
      datasets: [
        { label: english ? "Mediation efficacy" : "调解组织发挥效能率", data: trend.map((m) => m.efficacy), borderColor: "#0b4f8a" },
        { label: english ? "Closure rate" : "仲裁结案率", data: trend.map((m) => m.closure), borderColor: "#c0392b" },
      ],
    };
    draw("trend", "line", data);
  }

  function streetChart(streets) {
    const data = {
      labels: streets.map((s) => s.name),
      datasets: [
        { label: english ? "Mediation efficacy" : "调解组织发挥效能率", data: streets.map((s) => s.efficacy), backgroundColor: "#2e86c1" },
        { label: english ? "Closure rate" : "仲裁结案率", data: streets.map((s) => s.closure), backgroundColor: "#e67e22" },
      ],
    };
    draw("streets", "bar", data);
  }

  function draw(id, type, data) {
    if (charts[id]) { charts[id].data = data; charts[id].update(); return; }
    charts[id] = new Chart(document.getElementById(id), {
      type, data, options: { animation: false, scales: { y: { min: 0, max: 1, ticks: { callback: (v) => v * 100 + "%" } } } },
    });
  }

  function showAtRisk(rows) {
    const body = document.querySelector("#at-risk tbody");
    body.replaceChildren(...rows.map((row) => {
      const tr = document.createElement("tr");
      for (const text of [row.number, row.street, row.due_on, String(row.remaining_days)]) {
        const td = document.createElement("td");
        td.textContent = text;  // text, never HTML
        tr.append(td);
      }
      if (row.remaining_days <= 3) tr.lastChild.className = "soon";
      return tr;
    }));
  }

  async function load() {
    const street = streetSelect.value;
    const response = await fetch("/api/v1/metrics/?detail=1" + (street ? "&street=" + street : ""), { credentials: "same-origin" });
    if (!response.ok) return;
    const body = await response.json();
    showRates(body.rates);
    lineChart(body.trend);
    streetChart(body.streets);
    showAtRisk(body.at_risk);
  }

  function socketUrl() {
    const base = config.ws || (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
    return base + "/ws/metrics/" + (streetSelect.value ? "streets/" + streetSelect.value + "/" : "");
  }

  function connect() {
    if (socket) { socket.onclose = null; socket.close(); }
    socket = new WebSocket(socketUrl());
    socket.onopen = () => { live.textContent = english ? "Live" : "实时"; live.classList.add("on"); };
    socket.onclose = () => { live.classList.remove("on"); live.textContent = english ? "Reconnecting…" : "重连中…"; setTimeout(connect, 2000); };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "metrics") { showRates(message.rates); scheduleDetail(); }
    };
  }

  let detailTimer = null;
  function scheduleDetail() {  // charts and the at-risk list follow within a second, batched: a reload already
    if (detailTimer !== null) return;  // scheduled covers later pushes too, so a steady stream cannot starve it
    detailTimer = setTimeout(() => { detailTimer = null; load(); }, 500);
  }

  streetSelect.addEventListener("change", () => { load(); connect(); });
  load();
  connect();
})();
