// Starts Swagger UI on /docs from the vendored bundle (no CDN, no inline script, so the
// page runs under the site's strict Content-Security-Policy). The document's address
// comes from the page's own markup.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
