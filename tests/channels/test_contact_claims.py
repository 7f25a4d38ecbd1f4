"""A message through an open door (the contact form, the chat) that gives the address of
a customer with a login stays apart from that customer until the address confirms by
the link we mail, through the real outbox, huey job and SMTP server, on SQLite and
PostgreSQL. Until then the customer's portal and API do not show it; staff see that it
is unconfirmed."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from tests.channels.mail_sink import Sink, sink_fixture  # noqa: F401 - sink_fixture by name
from tests.channels.public_support import (
    API,
    SECRET,
    SHOP,
    Desk,
    form_token,
    next_frame,
    public_app,
    seed_desk,
)
from tests.channels.test_outbound_mail import mail_jobs, mail_settings, outbox_rows, run_queue

from frontliner.desk.model import AuditEntry, Case, Customer, User
from frontliner.desk.passwords import hash_password
from frontliner.store.uow import SqlUnitOfWork

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

Factory = Callable[[], SqlUnitOfWork]
PUBLIC = "https://help.shop.test"
PASSWORD = "ann-portal-password-42"
FORGED = {"name": "Ann Lee", "email": "Ann@Example.com", "phone": "",
          "problem": "Please change my delivery address",
          "details": "Send everything to 1 Thief Lane from now on."}


@pytest.fixture
def desk(uow_factory: Factory) -> Desk:
    return seed_desk(uow_factory)


@pytest.fixture
def client(database_url: str, uow_factory: Factory, engine: Engine,
           desk: Desk) -> Iterator[TestClient]:
    app = public_app(database_url, uow_factory, engine, public_url=PUBLIC)
    with TestClient(app, base_url=PUBLIC) as test_client:
        yield test_client


def _post_form(client: TestClient, fields: dict[str, str]) -> str:
    sent = client.post("/contact", data={**fields, "csrf_token": form_token(client)},
                       headers={"Origin": PUBLIC})
    assert sent.status_code == 200, sent.text  # the thank-you page, after the redirect
    ref = re.search(r'class="case-ref">([^<]+)<', sent.text)
    assert ref, sent.text
    return ref.group(1)


def _case(factory: Factory, ref: str) -> Case:
    with factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None
        return case


def _portal_refs(client: TestClient, desk: Desk) -> list[str]:
    listed = client.get(f"{API}/cases", headers=desk.ann.auth)
    assert listed.status_code == 200, listed.text
    return [item["ref"] for item in listed.json()["items"]]


def _mail_the_link(factory: Factory, sink: Sink) -> str:
    settings = mail_settings(sink.port, secret_key=SECRET,  # type: ignore[attr-defined]
                             public_url=PUBLIC)
    jobs = mail_jobs(factory, settings)
    jobs.dispatch()
    run_queue(jobs)
    assert len(sink.received) == 1
    mail = sink.received[0]
    assert mail["To"] == "ann@example.com"
    body = mail.get_content()
    assert "Thief Lane" not in body and "delivery address" not in body  # none of their words
    link = re.search(rf"({re.escape(PUBLIC)}/contact/confirm/\S+)", body)
    assert link, body
    assert all(link.group(1) not in str(row["body"]) for row in outbox_rows(factory))
    return link.group(1).removeprefix(PUBLIC)


def _actions(factory: Factory, case_id: int | None) -> list[str]:
    with factory() as uow:
        return [e.action for e in uow.find(AuditEntry, limit=50, case_id=case_id)]


def test_a_form_message_giving_a_login_holders_address_waits_for_the_address_to_confirm(
    client: TestClient, desk: Desk, uow_factory: Factory, sink: Sink
) -> None:
    ref = _post_form(client, FORGED)
    case = _case(uow_factory, ref)
    with uow_factory() as uow:
        apart = uow.get(Customer, case.customer_id)
        assert apart is not None and apart.merged_into_id is None
    ann_record = _ann_customer_id(uow_factory, desk)
    assert case.customer_id != ann_record
    assert ref not in _portal_refs(client, desk)
    assert client.get(f"{API}/cases/{ref}", headers=desk.ann.auth).status_code == 404
    assert "contact_unconfirmed" in _actions(uow_factory, case.id)
    # Staff see why it is apart.
    seen = client.get(f"{API}/cases/{ref}", headers=desk.agent.auth)
    assert seen.status_code == 200
    assert seen.json()["unconfirmed_contact"]["email"] == "ann@example.com"
    assert seen.json()["unconfirmed_contact"]["customer_id"] == ann_record

    path = _mail_the_link(uow_factory, sink)
    question = client.get(path)
    assert question.status_code == 200 and "Is this message yours?" in question.text
    assert ref not in _portal_refs(client, desk)  # opening the link alone changes nothing
    token = re.search(r'name="csrf_token" value="([^"]+)"', question.text)
    assert token
    done = client.post(path, data={"csrf_token": token.group(1)}, headers={"Origin": PUBLIC})
    assert done.status_code == 200 and "Added to your cases" in done.text

    assert _case(uow_factory, ref).customer_id == ann_record
    assert ref in _portal_refs(client, desk)
    assert "contact_confirmed" in _actions(uow_factory, case.id)
    seen = client.get(f"{API}/cases/{ref}", headers=desk.agent.auth)
    assert seen.json()["unconfirmed_contact"] is None
    again = client.post(path, data={"csrf_token": token.group(1)}, headers={"Origin": PUBLIC})
    assert again.status_code == 200 and "Added to your cases" in again.text


def _ann_customer_id(factory: Factory, desk: Desk) -> int:
    with factory() as uow:
        ann = uow.get(User, desk.ann.id)
        assert ann is not None and ann.customer_id is not None
        return ann.customer_id


def test_a_forged_or_altered_link_changes_nothing(
    client: TestClient, desk: Desk, uow_factory: Factory, sink: Sink
) -> None:
    ref = _post_form(client, FORGED)
    path = _mail_the_link(uow_factory, sink)
    altered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    page = client.get(altered)
    assert page.status_code == 404 and "This link does not work" in page.text
    token = form_token(client)
    refused = client.post(altered, data={"csrf_token": token}, headers={"Origin": PUBLIC})
    assert refused.status_code == 404
    assert ref not in _portal_refs(client, desk)


def test_a_chat_started_with_a_login_holders_address_stays_apart_too(
    client: TestClient, desk: Desk, uow_factory: Factory, sink: Sink
) -> None:
    started = client.post("/chat/start", headers={"Origin": SHOP}, data={
        "name": "Ann Lee", "email": "ann@example.com", "message": "Cancel my order please"})
    assert started.status_code == 201, started.text
    ref = started.json()["ref"]
    assert ref not in _portal_refs(client, desk)
    path = _mail_the_link(uow_factory, sink)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert token
    client.post(path, data={"csrf_token": token.group(1)}, headers={"Origin": PUBLIC})
    assert ref in _portal_refs(client, desk)
    # The visitor's chat goes on: its pass names the record that has since joined Ann's.
    with client.websocket_connect(started.json()["socket"], headers={"Origin": SHOP}) as chat:
        history = next_frame(chat)
    assert history["type"] == "history" and history["ref"] == ref


def test_an_address_without_a_login_joins_its_record_at_once_and_is_mailed_nothing(
    client: TestClient, desk: Desk, uow_factory: Factory, sink: Sink
) -> None:
    first = _case(uow_factory, _post_form(client, {**FORGED, "email": "rita@example.org"}))
    second = _case(uow_factory, _post_form(client, {**FORGED, "email": "rita@example.org"}))
    assert first.customer_id == second.customer_id
    assert "contact_unconfirmed" not in _actions(uow_factory, second.id)
    settings = mail_settings(sink.port, secret_key=SECRET)  # type: ignore[attr-defined]
    jobs = mail_jobs(uow_factory, settings)
    jobs.dispatch()
    run_queue(jobs)
    assert sink.received == []


def test_a_signed_in_customer_using_the_form_is_verified_already(
    client: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    rows_before = len(_rows(uow_factory))
    _sign_in_ann(client, desk)
    ref = _post_form(client, FORGED)
    assert _case(uow_factory, ref).customer_id == _ann_customer_id(uow_factory, desk)
    assert ref in _portal_refs(client, desk)
    assert "contact_unconfirmed" not in _actions(uow_factory, _case(uow_factory, ref).id)
    assert len(_rows(uow_factory)) == rows_before


def _rows(factory: Factory) -> list[dict[str, Any]]:
    return outbox_rows(factory)


def _sign_in_ann(client: TestClient, desk: Desk) -> None:
    """Give Ann a password (set directly: the desk's operation would end her API token,
    which these tests read her portal with) and sign in through the API."""
    with client.app.state.uow_factory() as uow:  # type: ignore[attr-defined]
        ann = uow.get(User, desk.ann.id)
        assert ann is not None
        ann.password_hash = hash_password(PASSWORD)
        uow.commit()
    signed_in = client.post(f"{API}/auth/login", headers={"Origin": PUBLIC},
                            json={"email": "ann@example.com", "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
