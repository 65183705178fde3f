// PMIS page behaviour. No inline scripts anywhere (the Content-Security-Policy forbids them):
// pages mark elements with data- attributes and this file wires them up.
(function () {
  "use strict";
  function wire(root) {
    root.querySelectorAll("[data-submit-on-change]").forEach(function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.addEventListener("change", function () { el.form.submit(); });
    });
    root.querySelectorAll("[data-confirm]").forEach(function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.addEventListener("submit", function (event) {
        if (!window.confirm(el.dataset.confirm)) { event.preventDefault(); }
      });
    });
    // A button that asks before it submits its form (the form's other buttons do not ask).
    root.querySelectorAll("[data-confirm-click]").forEach(function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.dataset.confirmClick)) { event.preventDefault(); }
      });
    });
    // A button that ticks a set of checkboxes (the vetting form's targets nobody flagged).
    root.querySelectorAll("[data-check-all]").forEach(function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.hidden = false;
      el.addEventListener("click", function () {
        (el.form || document).querySelectorAll(el.dataset.checkAll).forEach(function (box) { box.checked = true; });
      });
    });
    // Copies a long value (a contract's SHA-256) that the page shows shortened.
    root.querySelectorAll("[data-copy]").forEach(function (el) {
      if (el.dataset.wired || !navigator.clipboard) { return; }
      el.dataset.wired = "1";
      el.hidden = false;
      el.addEventListener("click", function () {
        navigator.clipboard.writeText(el.dataset.copy).then(function () {
          el.textContent = el.dataset.copied;
        });
      });
    });
    // An error summary takes focus when the page comes back with errors, so it is read first.
    root.querySelectorAll("[data-focus-on-load]").forEach(function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.focus();
    });
    root.querySelectorAll("[data-print]").forEach(function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.addEventListener("click", function () { window.print(); });
    });
  }
  // A table wider than the screen scrolls sideways inside .table-wrap; keyboard users reach the
  // scrolling region with Tab (WCAG 2.1.1), so it takes focus only while it actually scrolls.
  function scrollables(root) {
    root.querySelectorAll(".table-wrap").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.setAttribute("tabindex", "0");
        if (!el.hasAttribute("role")) { el.setAttribute("role", "region"); }
        if (!el.hasAttribute("aria-label")) {
          var caption = el.querySelector("caption");
          el.setAttribute("aria-label", caption ? caption.textContent.trim() : (el.dataset.label || document.title));
        }
      } else if (el.getAttribute("tabindex") === "0") {
        el.removeAttribute("tabindex");
      }
    });
  }
  // The target form's running total: each perspective's weight with the weight being typed.
  function weightTotals() {
    var box = document.querySelector("[data-weight-totals]");
    var source = box && document.getElementById(box.dataset.weightTotals);
    var weight = document.getElementById("id_weight");
    if (!box || !source || !weight) { return; }
    var data = JSON.parse(source.textContent);
    var perspective = document.getElementById("id_perspective");
    var list = box.querySelector("ul");
    var fill = function (text, values) {
      return text.replace(/%\((\w+)\)s/g, function (all, key) { return values[key]; });
    };
    var round = function (n) { return Math.round(n * 100) / 100; };
    function render() {
      var typed = parseFloat((weight.value || "0").replace(",", ".")) || 0;
      var chosen = perspective ? perspective.value : "";
      list.textContent = "";
      if (data.by_category) {
        data.perspectives.forEach(function (p) {
          var total = round(parseFloat(p.others) + (String(p.id) === chosen ? typed : 0));
          var item = document.createElement("li");
          item.className = total === round(parseFloat(p.weight)) ? "ok" : "off";
          item.textContent = fill(box.dataset.line, {perspective: p.name, total: total, weight: round(parseFloat(p.weight))});
          list.appendChild(item);
        });
      }
      var all = round(parseFloat(data.others) + typed);
      var item = document.createElement("li");
      item.className = all === 100 ? "ok" : "off";
      item.textContent = fill(box.dataset.all, {total: all});
      list.appendChild(item);
    }
    box.hidden = false;
    weight.addEventListener("input", render);
    if (perspective) { perspective.addEventListener("change", render); }
    render();
  }
  // The task and sub-task forms' running total: the weights already there with the weight being typed.
  function partTotals(root) {
    root.querySelectorAll("[data-part-total]").forEach(function (weight) {
      var out = document.getElementById(weight.getAttribute("aria-describedby"));
      if (!out) { return; }
      var others = parseFloat(weight.dataset.partTotal) || 0;
      var render = function () {
        var total = Math.round((others + (parseFloat((weight.value || "0").replace(",", ".")) || 0)) * 100) / 100;
        out.textContent = out.dataset.line.replace("%(total)s", total);
        out.className = total === 100 ? "ok" : "off";
      };
      weight.addEventListener("input", render);
      render();
    });
  }
  // On a phone a wide table becomes one card per row: each cell is labelled with its column's heading
  // (the stylesheet shows the label; the table itself is unchanged for wider screens).
  function stackables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (table.dataset.stacked || table.hasAttribute("data-no-stack") || !table.tHead) { return; }
      var rows = table.tHead.rows;
      if (!rows.length) { return; }
      var headings = [];
      Array.prototype.forEach.call(rows[rows.length - 1].cells, function (cell) {
        for (var i = 0; i < (cell.colSpan || 1); i += 1) { headings.push(cell.textContent.trim()); }
      });
      if (headings.length < 3) { return; }
      table.dataset.stacked = "1";
      table.classList.add("stacked");
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (cell.tagName === "TD" && headings[column] && !cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", headings[column]);
            }
            column += cell.colSpan || 1;
          });
        });
      });
    });
  }
  // The main menu folds behind a button on narrow screens (the stylesheet decides when).
  function menu() {
    var button = document.querySelector(".menu-toggle");
    var nav = document.getElementById("mainnav");
    if (!button || !nav) { return; }
    button.hidden = false;
    document.documentElement.classList.add("has-menu-toggle");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        nav.classList.remove("open");
        button.focus();
      }
    });
  }
  // A table still scrolling sideways says so above it.
  function scrollHints(root) {
    var text = document.body.dataset.scrollHint;
    root.querySelectorAll(".table-wrap").forEach(function (el) {
      var hint = el.previousElementSibling;
      var has = hint && hint.classList.contains("scroll-hint");
      if (el.scrollWidth > el.clientWidth + 1) {
        if (!has && text) {
          hint = document.createElement("p");
          hint.className = "scroll-hint muted";
          hint.setAttribute("aria-hidden", "true");
          hint.textContent = text + " \u2192";
          el.parentNode.insertBefore(hint, el);
        }
      } else if (has) {
        hint.remove();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    menu(); weightTotals(); partTotals(document); stackables(document); wire(document); scrollables(document); scrollHints(document);
  });
  window.addEventListener("resize", function () { scrollHints(document); });
  document.addEventListener("htmx:load", function (event) { stackables(event.target); scrollHints(event.target); });
  window.addEventListener("resize", function () { scrollables(document); });
  document.addEventListener("htmx:load", function (event) { scrollables(event.target); });
  document.addEventListener("htmx:load", function (event) { wire(event.target); });
}());
