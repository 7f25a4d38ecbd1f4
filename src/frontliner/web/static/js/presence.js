// The header's presence control: send the choice as soon as it changes (the Set button
// stays for keyboards and for pages without scripts), and keep the person "seen" while a
// page stays open and visible, so an agent reading a long case does not time out.
(function () {
  "use strict";
  var form = document.querySelector("form[data-presence]");
  if (!form) { return; }
  var select = form.querySelector("select[name=presence]");
  if (select) {
    select.addEventListener("change", function () { form.submit(); });
  }
  var EVERY_MS = 2 * 60 * 1000; // the desk writes "last seen" at most once a minute
  window.setInterval(function () {
    if (document.visibilityState !== "visible") { return; }
    fetch("/api/v1/me/presence", { credentials: "same-origin", cache: "no-store" })
      .catch(function () { /* offline for a moment: the next beat tries again */ });
  }, EVERY_MS);
})();
