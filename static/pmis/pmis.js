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
  document.addEventListener("DOMContentLoaded", function () { wire(document); scrollables(document); });
  window.addEventListener("resize", function () { scrollables(document); });
  document.addEventListener("htmx:load", function (event) { scrollables(event.target); });
  document.addEventListener("htmx:load", function (event) { wire(event.target); });
}());
