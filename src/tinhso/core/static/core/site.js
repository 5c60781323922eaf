/* Tỉnh Số: the site's few behaviours, as a static file (the Content-Security-Policy allows
   no inline script or event handler). Every page works without it. */
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (the gate console's gate).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
})();
