// hub serve: the only script. It records a Shuffle batch as shown (a same-origin POST with
// the page's token: the GET that drew it never writes), and polls a running brief's
// progress (/brief/status), reloading the page when the brief is ready, and typesets inline
// math with the KaTeX shipped in hub (/static/katex/, loaded only on a page with math). No
// inline script anywhere (CSP script-src 'self', font-src 'self', connect-src 'self').
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
(function () {
  "use strict";
  // Inline math: each formula is a <span class="math" data-tex="…"> holding its readable
  // text (what shows without scripts).  KaTeX renders the TeX from the attribute, never
  // from markup: trust:false (no \href, \url, \htmlClass…), bounded macro expansion and
  // sizes; a formula KaTeX cannot read keeps its readable text.
  var spans = document.querySelectorAll("span.math[data-tex]");
  if (!spans.length) { return; }
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = "/static/katex/katex.min.css";
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = "/static/katex/katex.min.js";
  script.onload = function () {
    var options = { displayMode: false, throwOnError: true, trust: false, strict: "ignore",
                    maxExpand: 100, maxSize: 10, output: "htmlAndMathml" };
    for (var i = 0; i < spans.length; i += 1) {
      var span = spans[i];
      try {
        var holder = document.createElement("span");
        window.katex.render(span.getAttribute("data-tex"), holder, options);
        // KaTeX gives a few SVGs (\vec, tall delimiters) their width as a style attribute,
        // which the CSP refuses (the arrow of \vec would be 0 wide): the same width through
        // the DOM, which the CSP allows
        var svgs = holder.querySelectorAll("svg[style]");
        for (var j = 0; j < svgs.length; j += 1) { svgs[j].style.cssText = svgs[j].getAttribute("style"); }
        span.textContent = "";
        span.appendChild(holder.firstChild);
        span.setAttribute("data-typeset", "katex");
      } catch (error) {
        span.setAttribute("data-typeset", "text");
      }
    }
    document.documentElement.setAttribute("data-math", "typeset");
  };
  document.head.appendChild(script);
}());
