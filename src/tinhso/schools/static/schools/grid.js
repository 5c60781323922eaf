/* The gradebook grid: arrow keys and Enter move between cells; pasting a block copied
   from Excel (tab-separated rows) fills the cells from the focused one, each saving by
   itself through htmx (the change event). No inline script (Content-Security-Policy). */
(function () {
  "use strict";
  var grid = document.getElementById("grid");
  if (!grid) return;

  function inputs() {
    return Array.prototype.slice.call(grid.querySelectorAll("input.score"));
  }
  function position(input) {
    var rows = Array.prototype.slice.call(grid.tBodies[0].rows);
    var row = input.closest("tr");
    var cells = Array.prototype.slice.call(row.querySelectorAll("input.score"));
    return { rows: rows, r: rows.indexOf(row), c: cells.indexOf(input) };
  }
  function at(rows, r, c) {
    if (r < 0 || r >= rows.length) return null;
    var cells = rows[r].querySelectorAll("input.score");
    return cells[c] || null;
  }
  function move(input, dr, dc) {
    var p = position(input);
    var next = at(p.rows, p.r + dr, p.c + dc);
    if (next) { next.focus(); next.select(); }
  }

  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("score")) return;
    var keys = { ArrowUp: [-1, 0], ArrowDown: [1, 0], Enter: [1, 0] };
    if (event.key === "ArrowLeft" && input.selectionStart === 0) keys.ArrowLeft = [0, -1];
    if (event.key === "ArrowRight" && input.selectionEnd === input.value.length) keys.ArrowRight = [0, 1];
    var step = keys[event.key];
    if (!step) return;
    event.preventDefault();
    input.dispatchEvent(new Event("change", { bubbles: true }));
    move(input, step[0], step[1]);
  });

  // htmx replaces the cell after a save: keep typing where the teacher is.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var cell = event.detail.target;
    if (cell && cell.classList && cell.classList.contains("invalid")) {
      var input = cell.querySelector("input.score");
      if (input && document.activeElement === document.body) input.focus();
    }
  });

  grid.addEventListener("paste", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("score")) return;
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (text.indexOf("\t") < 0 && text.indexOf("\n") < 0) return; // one value: normal paste
    event.preventDefault();
    var p = position(input);
    text.replace(/\r/g, "").replace(/\n$/, "").split("\n").forEach(function (line, dr) {
      line.split("\t").forEach(function (value, dc) {
        var target = at(p.rows, p.r + dr, p.c + dc);
        if (!target) return;
        target.value = value.trim();
        target.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  });
  inputs();
})();
