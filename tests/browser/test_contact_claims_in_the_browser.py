"""Someone types a customer's address into the contact form, in Chromium: the message is
not in that customer's portal (nor can they open it), the agent sees that the address is
not confirmed; the mail "Is this message yours?" goes out through the real outbox and an
SMTP server, and once its link is opened and confirmed, the portal shows the case."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import LiveServer
from tests.channels.mail_sink import Sink, running_sink

from frontliner.channels.email.outbox import collect, send
from frontliner.config import Settings


def _send_the_mail(live_server: LiveServer, sink: Sink, port: int) -> str:
    settings = Settings.model_validate({
        "smtp_host": "127.0.0.1", "smtp_port": port, "mail_domain": "desk.test",
        "secret_key": live_server.settings.secret_key, "public_url": live_server.url})
    factory = live_server.desk.uow_factory
    for row_id in collect(factory, settings):  # type: ignore[arg-type]
        assert send(factory, settings, row_id).outcome == "sent"  # type: ignore[arg-type]
    [mail] = [m for m in sink.received if m["To"] == live_server.desk.customer.email]
    link = re.search(r"(http://\S+/contact/confirm/\S+)", mail.get_content())
    assert link is not None
    return link.group(1)


def test_a_form_message_with_a_customers_address_reaches_their_portal_only_once_confirmed(
    anonymous_page: Any, customer_page: Any, agent_page: Any, live_server: LiveServer
) -> None:
    stranger = anonymous_page
    stranger.goto("/contact")
    stranger.get_by_label("Your name").fill("Ann Lee")
    stranger.get_by_label("E-mail").fill(live_server.desk.customer.email)
    stranger.get_by_label("What's wrong?").fill("Please send my parcels to a new address")
    stranger.get_by_role("button", name="Send").click()
    stranger.wait_for_url(re.compile(r"/contact/thanks$"))
    ref = stranger.locator(".case-ref").inner_text()

    customer_page.goto("/portal")
    assert ref not in customer_page.locator("main").inner_text()
    assert customer_page.goto(f"/portal/cases/{ref}").status == 404

    agent_page.goto(f"/work/cases/{ref}")
    notice = agent_page.locator("#unconfirmed-contact")
    assert "Address not confirmed" in notice.inner_text()
    assert live_server.desk.customer.email in notice.inner_text()

    sink = Sink()
    with running_sink(sink) as port:
        link = _send_the_mail(live_server, sink, port)
    customer_page.goto(link)  # the customer opens the link from their mail
    assert customer_page.get_by_role("heading", level=1).inner_text() == "Is this message yours?"
    customer_page.get_by_role("button", name="Yes, it's mine").click()
    assert customer_page.get_by_role("heading", level=1).inner_text() == "Added to your cases"

    customer_page.goto("/portal")
    assert ref in customer_page.locator("main").inner_text()
    agent_page.reload()
    assert agent_page.locator("#unconfirmed-contact").count() == 0
