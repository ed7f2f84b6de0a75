// The index's name filter: offline, no library. Hides the rows whose unit name (or slug)
// does not contain what was typed, ignoring case and Vietnamese diacritics ("duc xuan"
// finds "Đức Xuân"), then the groups and provinces left empty. Names are read from the
// page's text (data-q), never written back as HTML.
(function () {
  "use strict";
  var box = document.getElementById("ws-filter-box");
  var input = document.getElementById("ws-filter");
  var count = document.getElementById("ws-count");
  var none = document.getElementById("ws-none");
  if (!box || !input) { return; }
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\u0111/g, "d")
      .replace(/\s+/g, " ").trim();
  }
  var rows = Array.prototype.map.call(document.querySelectorAll("tr[data-q]"), function (tr) {
    return { tr: tr, key: fold(tr.getAttribute("data-q")) };
  });
  var groups = document.querySelectorAll("table.ws-group");
  var provinces = document.querySelectorAll("section.ws-province");
  var total = rows.length;
  function apply() {
    var q = fold(input.value);
    var shown = 0;
    rows.forEach(function (r) {
      var hit = q === "" || r.key.indexOf(q) !== -1;
      r.tr.hidden = !hit;
      if (hit) { shown += 1; }
    });
    Array.prototype.forEach.call(groups, function (t) {
      t.hidden = t.querySelector("tr[data-q]:not([hidden])") === null;
    });
    Array.prototype.forEach.call(provinces, function (s) {
      s.hidden = s.querySelector("table.ws-group:not([hidden])") === null;
    });
    count.textContent = shown + " / " + total;
    none.hidden = shown !== 0;
  }
  var pending = 0;
  input.addEventListener("input", function () {
    if (pending) { cancelAnimationFrame(pending); }
    pending = requestAnimationFrame(function () { pending = 0; apply(); });
  });
  box.hidden = false;
  apply();
})();
