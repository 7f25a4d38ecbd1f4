// The case page: a link to a folded tool (#escalate, #handover) opens it, and so does a
// page address ending in its name (a handover link lands on #handover).
"use strict";
(function () {
  function openTarget(hash) {
    if (!hash || hash.length < 2) { return; }
    var target = document.getElementById(hash.slice(1));
    var fold = target && (target.tagName === "DETAILS" ? target : target.closest("details"));
    if (fold) { fold.open = true; }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (link) { openTarget(link.getAttribute("href")); }
  });
  window.addEventListener("hashchange", function () { openTarget(window.location.hash); });
  openTarget(window.location.hash);
})();
