// Review inbox, progressive enhancement only: after an action the page returns to the same row
// (#rapport-N); move keyboard focus there too, so a keyboard user carries on where they were.
(function () {
  "use strict";
  var match = /^#rapport-(\d+)$/.exec(window.location.hash);
  if (!match || document.querySelector("[role=alert]")) {
    return; // an error summary is more important than the row
  }
  var row = document.getElementById("rapport-" + match[1]);
  if (!row) {
    return;
  }
  var target = row.querySelector("button, a[href], summary");
  if (target) {
    target.focus({ preventScroll: false });
  }
})();
