"""`/docs`: the interactive API explorer (Swagger UI), served from the package.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script: blank
offline, and impossible under our Content-Security-Policy. This page uses the copy
vendored in `static/vendor/swagger-ui/` (version and source in its README) and a static
start-up script, so it runs offline under the same CSP as every other page.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from frontliner.web.public.templating import templates

DOCS_PATH = "/docs"


def install_api_docs(app: FastAPI) -> None:
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(DOCS_PATH, include_in_schema=False, response_class=HTMLResponse)
    async def api_docs(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "api/docs.html", {"openapi_url": openapi_url})
