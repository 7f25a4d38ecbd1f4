"""Cross-site request forgery in Chromium: another site's page that posts a form to the
desk, in the browser of a signed-in agent, changes nothing and shows a plain refusal;
the same form sent from the desk's own page works, and the agent stays signed in.

The other site is a real second origin: a small HTTP server on another port of
127.0.0.1 (another origin, but the same *site*, so the browser still sends the
`SameSite=Lax` session cookie), and the same page reached as `localhost` (another site,
so the cookie stays home). The attacker's page holds a valid CSRF token, as if one had
leaked: what stops it is the Origin check, which is what this test is about.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from tests.browser.conftest import LiveServer

from frontliner.web.sessions import SESSION_COOKIE as COOKIE_NAME

NOTE = "Refund 500 to account 99 (planted by another site)"


class _Attacker:
    """Serves one page that posts a form to the desk as soon as it loads."""

    def __init__(self) -> None:
        self.page = ""
        attacker = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = attacker.page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve_form(self, action: str, fields: dict[str, str]) -> None:
        inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                         for k, v in fields.items())
        self.page = (f'<!doctype html><title>You won a prize</title>'
                     f'<form method="post" action="{html.escape(action)}">{inputs}</form>'
                     '<script>document.forms[0].submit()</script>')


@pytest.fixture
def attacker() -> Iterator[_Attacker]:
    served = _Attacker()
    yield served
    served.server.shutdown()
    served.server.server_close()


def _notes(page: Any, ref: str) -> str:
    page.goto(f"/work/cases/{ref}")
    assert "/login" not in page.url  # still signed in
    return str(page.locator("section.conversation").inner_text())


def test_a_form_posted_from_another_origin_is_refused_and_our_own_works(
    agent_page: Any, live_server: LiveServer, attacker: _Attacker
) -> None:
    page = agent_page
    ref = live_server.desk.open_case(nature="Kettle leaks").ref
    page.goto(f"/work/cases/{ref}")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token  # the leaked token: valid for this agent's session
    attacker.serve_form(f"{live_server.url}/work/cases/{ref}/note",
                        {"note": NOTE, "csrf_token": token})
    posts: list[dict[str, str]] = []
    page.on("request", lambda r: posts.append(r.all_headers())
            if r.method == "POST" and r.url.endswith("/note") else None)

    # Another port of 127.0.0.1: another origin, the same site, so the cookie goes too.
    other_origin = f"http://127.0.0.1:{attacker.port}"
    page.goto(f"{other_origin}/prize")
    page.wait_for_url(f"{live_server.url}/work/cases/{ref}/note")
    refusal = page.locator("main").inner_text()
    assert f"This request came from another site ({other_origin})" in refusal
    assert "nothing was changed" in refusal
    sent = posts[-1]
    assert sent["origin"] == other_origin
    assert f"{COOKIE_NAME}=" in sent.get("cookie", "")  # signed in: only Origin stopped it

    # Reached as localhost: another site, so the Lax cookie stays home; refused all the same.
    other_site = f"http://localhost:{attacker.port}"
    page.goto(f"{other_site}/prize")
    page.wait_for_url(f"{live_server.url}/work/cases/{ref}/note")
    assert f"came from another site ({other_site})" in page.locator("main").inner_text()
    assert posts[-1]["origin"] == other_site
    assert f"{COOKIE_NAME}=" not in posts[-1].get("cookie", "")

    # Nothing was added, and the refusals did not sign the agent out (the answer to a
    # cookieless post sets no new session cookie in place of theirs).
    assert NOTE not in _notes(page, ref)

    # The same words through the desk's own form: kept.
    page.get_by_role("link", name="Internal note").click()
    page.get_by_label("Internal note", exact=True).fill(NOTE)
    page.get_by_role("button", name="Add the note").click()
    assert page.locator("#flash").inner_text().startswith("Internal note added")
    assert posts[-1]["origin"] == live_server.url
    assert NOTE in _notes(page, ref)
