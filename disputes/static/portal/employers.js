// Suggests registered employers by name or credit code; choosing one fills in its credit code.
"use strict";
(function () {
  const script = document.currentScript;
  const name = document.getElementById("id_employer_name");
  const code = document.getElementById("id_employer_credit_code");
  const list = document.getElementById("employer-options");
  if (!name || !code || !list) return;
  let found = [];
  let timer = null;
  function suggest() {
    const q = name.value.trim();
    if (q.length < 2) return;
    fetch(script.dataset.url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((body) => {
        found = body.results;
        list.replaceChildren(...found.map((e) => {
          const option = document.createElement("option");
          option.value = e.name;
          option.label = e.credit_code;
          return option;
        }));
      })
      .catch(() => {});
  }
  name.addEventListener("input", () => {
    const match = found.find((e) => e.name === name.value);
    if (match) code.value = match.credit_code;
    clearTimeout(timer);
    timer = setTimeout(suggest, 250);
  });
})();
