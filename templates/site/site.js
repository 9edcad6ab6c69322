// kaplan plan site: sorting, filtering and search. No network: the index is a local script.
(function () {
  "use strict";
  var table = document.getElementById("accounts");
  if (table) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var numeric = button.getAttribute("data-sort") === "num";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-v") || "", y = b.cells[col].getAttribute("data-v") || "";
          var r = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
    var filter = document.getElementById("filter"), tier = document.getElementById("tier"), rag = document.getElementById("rag");
    var apply = function () {
      var q = (filter.value || "").toLowerCase();
      Array.prototype.forEach.call(body.rows, function (row) {
        var ok = (!q || row.textContent.toLowerCase().indexOf(q) >= 0)
          && (!tier.value || row.getAttribute("data-tier") === tier.value)
          && (!rag || !rag.value || row.getAttribute("data-rag") === rag.value);
        row.hidden = !ok;
      });
    };
    [filter, tier, rag].forEach(function (el) { if (el) el.addEventListener("input", apply); });
  }

  var input = document.getElementById("q"), list = document.getElementById("results");
  var index = window.KAPLAN_SEARCH || [], kinds = window.KAPLAN_SEARCH_KINDS || {};
  var norm = function (s) { return (s || "").toLowerCase(); };
  if (input && list) {
    input.addEventListener("input", function () {
      var q = norm(input.value).trim();
      list.innerHTML = "";
      if (!q) return;
      var terms = q.split(/\s+/), hits = [];
      for (var i = 0; i < index.length && hits.length < 50; i++) {
        var e = index[i], hay = norm(e.t + " " + e.x + " " + e.a);
        if (terms.every(function (t) { return hay.indexOf(t) >= 0; })) hits.push(e);
      }
      hits.forEach(function (e) {
        var li = document.createElement("li"), a = document.createElement("a"), kind = document.createElement("span");
        kind.className = "kind"; kind.textContent = kinds[e.k] || e.k;
        a.href = e.u; a.textContent = e.t;
        var sub = document.createElement("div"); sub.className = "sub"; sub.textContent = e.a + (e.x ? " · " + e.x.slice(0, 120) : "");
        li.appendChild(kind); li.appendChild(a); li.appendChild(sub); list.appendChild(li);
      });
      if (!hits.length) { var none = document.createElement("li"); none.textContent = "—"; list.appendChild(none); }
    });
  }
})();
