// The composer: after "use suggestion" swaps the composer in, put the cursor back at the
// end of the draft; "Insert into reply" adds a prepared reply and lets the coach read it.
"use strict";
(function () {
  function draft() { return document.getElementById("draft"); }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "composer") {
      var box = draft();
      if (box) { box.focus(); box.setSelectionRange(box.value.length, box.value.length); }
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".insert-reply") : null;
    var box = draft();
    if (!button || !box) { return; }
    var text = button.getAttribute("data-text") || "";
    box.value = box.value ? box.value.replace(/\s*$/, "") + "\n\n" + text : text;
    box.focus();
    if (window.htmx) { window.htmx.trigger(box, "coach-now"); }
  });
})();
