// Keyboard use of the queues: 1-5 open a queue, j/k move through the cases, Enter (or o)
// opens the selected one, / goes to the search box. Keys are ignored while typing in a
// field (Escape leaves the search box).
"use strict";
(function () {
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function links() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue .case-link"));
  }
  function move(step) {
    var all = links();
    if (!all.length) { return; }
    var index = all.indexOf(document.activeElement);
    var next = index < 0 ? 0 : Math.min(all.length - 1, Math.max(0, index + step));
    all.forEach(function (a) { a.closest("tr").classList.remove("current"); });
    all[next].closest("tr").classList.add("current");
    all[next].focus();
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target && event.target.id === "queue-search") {
      event.target.blur(); return;
    }
    if (typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var search = document.getElementById("queue-search");
    if (event.key === "/" && search) { event.preventDefault(); search.focus(); search.select(); return; }
    var queue = document.querySelector('[data-shortcut="' + event.key + '"]');
    if (queue) { event.preventDefault(); queue.click(); return; }
    if (event.key === "j") { event.preventDefault(); move(1); }
    if (event.key === "k") { event.preventDefault(); move(-1); }
    if (event.key === "o" && links().indexOf(document.activeElement) >= 0) {
      document.activeElement.click();
    }
  });
})();
