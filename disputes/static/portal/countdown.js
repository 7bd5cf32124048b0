// Ticks each server-rendered countdown live: the days left and the hours, minutes and seconds of the last day.
"use strict";
(function () {
  const clocks = document.querySelectorAll("[data-deadline]");
  const pad = (n) => String(n).padStart(2, "0");
  function tick() {
    const now = Date.now();
    clocks.forEach((clock) => {
      const left = Date.parse(clock.dataset.deadline) - now;
      const days = clock.querySelector("[data-days]");
      const ticker = clock.querySelector("[data-ticker]");
      if (left < 0 || !ticker) return;
      if (days) days.textContent = String(Math.floor(left / 86400000));
      const rest = Math.floor((left % 86400000) / 1000);
      ticker.textContent = pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor((rest % 3600) / 60)) + ":" + pad(rest % 60);
    });
  }
  if (clocks.length) { tick(); setInterval(tick, 1000); }
})();
