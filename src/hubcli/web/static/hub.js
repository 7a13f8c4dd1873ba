// hub serve: the only script. It polls a running brief's progress (/brief/status) and
// reloads the page when the brief is ready. No inline script anywhere (CSP script-src 'self').
(function () {
  "use strict";
  var node = document.getElementById("brief-job");
  if (!node || node.getAttribute("data-state") !== "running") { return; }
  var job = node.getAttribute("data-job");
  var lang = node.getAttribute("data-lang") || "en";
  function poll() {
    fetch("/brief/status?job=" + encodeURIComponent(job) + "&lang=" + encodeURIComponent(lang),
          { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        node.textContent = data.message || "";  // text, never HTML
        node.setAttribute("data-state", data.state);
        if (data.state === "running") { window.setTimeout(poll, 1000); }
        else if (data.state === "done") { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 800);
}());
