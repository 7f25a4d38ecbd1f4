// The header's search box: "/" focuses it from anywhere (not while typing in a field).
// A page with a search of its own (the queue filter) keeps "/" for that one.
"use strict";
(function () {
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("site-search");
    if (!box || event.key !== "/" || event.defaultPrevented) { return; }
    if (typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (document.getElementById("queue-search")) { return; }
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
