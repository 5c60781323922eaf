/* Small progressive enhancements of the border forms (no inline script: CSP-friendly).
   Without JavaScript every form still works; with it:
   - picking a saved vehicle (datalist #saved-vehicles) fills its trailer plate, and
     picking a saved driver (#saved-drivers) fills the ID number and mobile number. */
(function () {
  "use strict";

  // The <option> of the input's datalist whose value is exactly what the input holds.
  function pickedOption(input) {
    var list = input.list;
    if (!list || !input.value) return null;
    var wanted = input.value.trim().toUpperCase();
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value.trim().toUpperCase() === wanted) return list.options[i];
    }
    return null;
  }

  // Fill the named fields from the option's data-* attributes; a field the person typed
  // into by hand after the last fill is still overwritten only by a new pick.
  function fillFrom(input, targets) {
    function fill() {
      var option = pickedOption(input);
      if (!option || input.dataset.filledFrom === option.value) return;
      input.dataset.filledFrom = option.value;
      Object.keys(targets).forEach(function (attribute) {
        var field = input.form && input.form.elements[targets[attribute]];
        var value = option.getAttribute("data-" + attribute);
        if (field && value !== null && !field.readOnly && !field.disabled) {
          field.value = value;
          field.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
    }
    input.addEventListener("input", fill);
    input.addEventListener("change", fill);
  }

  function savedEntries() {
    var plate = document.querySelector("input[list='saved-vehicles']");
    if (plate) fillFrom(plate, { trailer: "trailer_plate" });
    var driver = document.querySelector("input[list='saved-drivers']");
    if (driver) fillFrom(driver, { "id-number": "driver_id_number", phone: "driver_phone" });
  }

  function start() { savedEntries(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
