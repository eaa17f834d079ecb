/* After an action the page says what happened: an error summary or a "sparad"-notice. On a phone
   the menu fills the first screen, so move focus (and the view) to it; screen readers read it too.
   Loaded on every page from base.html (an external file: the CSP allows no inline script). */
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main) return;
  var target = main.querySelector(".error-summary") || main.querySelector(".notice-ok[role=status]");
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "start" });
})();
