// Review inbox, progressive enhancement only (every action also works as a plain form).
// 1. After an action the page returns to the same row (#rapport-N): move keyboard focus there.
// 2. Keyboard shortcuts: j/k next/previous report, x check it, g godkänn, a avvisa (opens the
//    reason field). Ignored while typing in a field or with a modifier key held.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.inbox-row"));
  var current = -1;

  function focusRow(index) {
    if (index < 0 || index >= rows.length) {
      return;
    }
    if (current >= 0 && rows[current]) {
      rows[current].classList.remove("current");
    }
    current = index;
    var row = rows[current];
    row.classList.add("current");
    var target = row.querySelector("input[type=checkbox], button, a[href], summary");
    if (target) {
      target.focus({ preventScroll: false });
    }
  }

  var match = /^#rapport-(\d+)$/.exec(window.location.hash);
  if (match && !document.querySelector("[role=alert]")) {
    var start = document.getElementById("rapport-" + match[1]);
    if (start && rows.indexOf(start) >= 0) {
      focusRow(rows.indexOf(start));
    }
  }

  document.addEventListener("focusin", function (event) {
    var row = event.target.closest ? event.target.closest("tr.inbox-row") : null;
    if (row && rows.indexOf(row) >= 0 && rows.indexOf(row) !== current) {
      if (current >= 0 && rows[current]) {
        rows[current].classList.remove("current");
      }
      current = rows.indexOf(row);
      row.classList.add("current");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || !rows.length) {
      return;
    }
    var tag = event.target.tagName;
    if ((tag === "INPUT" && event.target.type !== "checkbox") || tag === "TEXTAREA" || tag === "SELECT") {
      return;
    }
    var row = rows[current];
    if (event.key === "j") {
      focusRow(Math.min(current + 1, rows.length - 1));
    } else if (event.key === "k") {
      focusRow(Math.max(current - 1, 0));
    } else if (event.key === "x" && row) {
      var box = row.querySelector("input[type=checkbox]");
      if (box) {
        box.checked = !box.checked;
      }
    } else if (event.key === "g" && row) {
      var approve = row.querySelector("[data-shortcut=godkann]");
      if (approve) {
        approve.click();
      }
    } else if (event.key === "a" && row) {
      var reject = row.querySelector("[data-shortcut=avvisa]");
      if (reject) {
        reject.parentElement.open = true;
        var field = reject.parentElement.querySelector("input[name=motivering]");
        if (field) {
          field.focus();
        }
      }
    } else {
      return;
    }
    event.preventDefault();
  });
})();
