/* Tỉnh Số: the site's few behaviours, as a static file (the Content-Security-Policy allows
   no inline script or event handler). Every page works without it. */
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (the gate console's gate);
  // its form's Show button, needed only without JavaScript, is hidden.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    if (!select.form) return;
    select.form.querySelectorAll("[data-autosubmit-button]").forEach(function (button) {
      button.hidden = true;
    });
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
})();
