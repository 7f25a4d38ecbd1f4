// Every htmx request carries the session's CSRF token (from the layout's <meta>) as a
// header; plain forms carry it as a hidden field. The server refuses unsafe requests
// without it.
"use strict";
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
  }
});
