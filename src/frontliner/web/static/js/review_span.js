// Reply review: words selected in the reply's text become the span of a finding the
// coach missed (its words and where they start). Without this script the reviewer
// types the words; the server finds them either way.
(function () {
  "use strict";

  function fill() {
    var text = document.getElementById("reply-text");
    var words = document.getElementById("missed_words");
    var start = document.getElementById("missed_start");
    var where = document.getElementById("missed-where-words");
    var selection = window.getSelection();
    if (!text || !words || !start || !selection || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    if (range.collapsed || !text.contains(range.startContainer) ||
        !text.contains(range.endContainer)) return;
    var before = document.createRange();
    before.selectNodeContents(text);
    before.setEnd(range.startContainer, range.startOffset);
    words.value = range.toString();
    start.value = String(before.toString().length);
    if (where) where.checked = true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var text = document.getElementById("reply-text");
    if (!text) return;
    text.addEventListener("mouseup", fill);
    text.addEventListener("keyup", fill);
    var words = document.getElementById("missed_words");
    if (words) {
      // Typed words: their position is the server's to find.
      words.addEventListener("input", function () {
        var start = document.getElementById("missed_start");
        if (start) start.value = "";
      });
    }
  });
})();
