// Filters for the findings list. The list works without this script; the
// form is hidden until it runs. The state lives in the URL fragment
// (#severity=high&rule=PVL101&source=helm&path=charts/), so a filtered view
// can be linked.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("findings");
  if (!form || !list || !list.children) { document.body.setAttribute("data-ready", "1"); return; }
  var items = Array.prototype.slice.call(list.querySelectorAll(":scope > li"));
  var out = document.getElementById("shown");
  var keys = ["severity", "rule", "source", "path"];
  function apply(write) {
    var sev = form.severity.value, rule = form.rule.value, src = form.source.value;
    var path = form.path.value.toLowerCase(), supp = form.suppressed.checked;
    var n = 0;
    items.forEach(function (li) {
      var ok = (!sev || li.getAttribute("data-severity") === sev) &&
        (!rule || li.getAttribute("data-rule") === rule) &&
        (!src || li.getAttribute("data-source") === src) &&
        (!path || (li.getAttribute("data-path") || "").toLowerCase().indexOf(path) >= 0) &&
        (supp || !li.hasAttribute("data-suppressed"));
      li.hidden = !ok;
      if (ok) { n++; }
    });
    out.textContent = n + " of " + items.length + " findings shown";
    document.body.setAttribute("data-shown", String(n));
    if (write) {
      var parts = [];
      keys.forEach(function (k) { if (form[k].value) { parts.push(k + "=" + encodeURIComponent(form[k].value)); } });
      if (supp) { parts.push("suppressed=1"); }
      try { history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
    }
  }
  location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
    var i = kv.indexOf("=");
    if (i < 0) { return; }
    var k = kv.slice(0, i), v = decodeURIComponent(kv.slice(i + 1));
    if (k === "suppressed") { form.suppressed.checked = v === "1"; } else if (keys.indexOf(k) >= 0) { form[k].value = v; }
  });
  form.hidden = false;
  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply(false);
  document.body.setAttribute("data-ready", "1");
})();
