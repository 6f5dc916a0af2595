// Small behaviours that would otherwise be inline handlers (the CSP allows no inline script).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
});
