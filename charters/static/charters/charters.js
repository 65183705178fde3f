// Public charter page: the print button (no inline scripts under the Content-Security-Policy).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print-page]")) {
    window.print();
  }
});
