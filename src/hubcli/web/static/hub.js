// hub serve: the only script. It records a Shuffle batch as shown (a same-origin POST with
// the page's token: the GET that drew it never writes), and polls a running brief's
// progress (/brief/status), reloading the page when the brief is ready. No inline script
// anywhere (CSP script-src 'self', connect-src 'self').
(function () {
  "use strict";
  var form = document.getElementById("shuffle-shown");
  if (!form) { return; }
  fetch(form.getAttribute("action"), {
    method: "POST", credentials: "same-origin", cache: "no-store",
    body: new URLSearchParams(new FormData(form))
  })
    .then(function (response) { form.setAttribute("data-state", response.ok ? "recorded" : "refused"); })
    .catch(function () { form.setAttribute("data-state", "failed"); });
}());
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
(function () {
  "use strict";
  // the search form: empty controls leave no empty parameter in the URL (the form works
  // without this script too: an empty value is no filter)
  var form = document.getElementById("search");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var fields = form.querySelectorAll("input[type=search], input[type=text], select");
    for (var i = 0; i < fields.length; i += 1) {
      if (fields[i].value === "") { fields[i].disabled = true; }
    }
  });
}());
