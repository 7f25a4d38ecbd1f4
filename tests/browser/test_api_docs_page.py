"""/docs, the API explorer, in Chromium: it works with no network but our own server
(the browser refuses every other host) and under the site's strict CSP. The browser
fixtures fail the test on any script error or CSP violation."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveServer

from frontliner.web.pages.security import CONTENT_SECURITY_POLICY

DOCUMENT_WAIT_MS = 120_000


def test_api_explorer_shows_the_operations_offline_under_the_csp(
    anonymous_page: Any, live_server: LiveServer
) -> None:
    page = anonymous_page
    elsewhere: list[str] = []

    def only_our_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:  # offline: a CDN is out of reach
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_our_server)
    response = page.goto("/docs")
    assert response is not None and response.status == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    # The document is built on the first request (seconds on a loaded machine) and is
    # large: a longer wait than the fixtures' default, not a speed check.
    page.get_by_role("heading", name="Frontliner").wait_for(timeout=DOCUMENT_WAIT_MS)
    # Swagger UI 5.3x draws only the rows near the viewport (its list is virtual), so a
    # row far down the document is not in the page until one scrolls or links to it.
    # The first rows are there at once:
    login = page.locator('.opblock-summary-path[data-path="/api/v1/auth/login"]')
    login.first.wait_for(timeout=DOCUMENT_WAIT_MS)
    # A deep link to a tag (opened as a new load: Swagger UI reads the hash at start)
    # brings its rows in; one opens to show its parameters.
    page.goto("/docs#/cases")
    page.reload()
    path = page.locator('.opblock-summary-path[data-path="/api/v1/cases/{ref}"]')
    operation = page.locator(".opblock-get").filter(has=path)
    operation.wait_for(timeout=DOCUMENT_WAIT_MS)
    operation.locator(".opblock-summary-control").click()
    operation.get_by_text("Parameters").wait_for()
    assert operation.locator('[data-param-name="ref"]').count() == 1
    assert elsewhere == []
