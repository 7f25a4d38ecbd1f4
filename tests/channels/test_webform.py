"""The public contact form: what a visitor sees and what the desk keeps."""

from __future__ import annotations

import os
import re
import secrets
import warnings
from collections.abc import Callable, Iterator

import pytest
import redis
from sqlalchemy.engine import Engine
from tests.channels.public_support import Desk, form_token, public_app, seed_desk

from frontliner.desk.model import Case, Channel, Direction, Interaction
from frontliner.desk.refs import looks_like_case_ref
from frontliner.store.uow import SqlUnitOfWork

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

Factory = Callable[[], SqlUnitOfWork]
COMPLAINT = {
    "name": "Rita Moreno",
    "email": "rita@example.org",
    "phone": "",
    "problem": "My blender arrived broken",
    "details": "The jar is cracked and nobody has answered my two e-mails. Very disappointed.",
}


@pytest.fixture
def desk(uow_factory: Factory) -> Desk:
    return seed_desk(uow_factory)


@pytest.fixture
def client(database_url: str, uow_factory: Factory, engine: Engine,
           desk: Desk) -> Iterator[TestClient]:
    app = public_app(database_url, uow_factory, engine, contact_rate_limit="3/minute")
    with TestClient(app) as test_client:
        yield test_client


def _cases(factory: Factory) -> list[Case]:
    with factory() as uow:
        return uow.find(Case, limit=50)


def _messages(factory: Factory, case_id: int) -> list[Interaction]:
    with factory() as uow:
        return uow.find(Interaction, limit=50, case_id=case_id)


def test_form_page_labels_every_field_and_runs_no_inline_script(client: TestClient) -> None:
    page = client.get("/contact")
    assert page.status_code == 200
    for field in ("name", "email", "phone", "problem", "details"):
        assert f'<label for="{field}"' in page.text, field
        assert f'id="{field}"' in page.text, field
    assert "<script" not in page.text and "style=" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_sent_form_opens_a_web_case_read_by_the_coach_and_shows_its_reference(
    client: TestClient, uow_factory: Factory, desk: Desk
) -> None:
    sent = client.post("/contact", data={**COMPLAINT, "csrf_token": form_token(client)},
                       follow_redirects=False)
    assert sent.status_code == 303
    thanks = client.get(sent.headers["location"])
    ref = re.search(r'class="case-ref">([^<]+)<', thanks.text)
    assert ref and looks_like_case_ref(ref.group(1))

    [case] = _cases(uow_factory)
    assert (case.ref, case.channel, case.nature) == (ref.group(1), Channel.WEB,
                                                    "My blender arrived broken")
    assert case.owner_id == desk.agent.id  # a complaint gets an owner at once
    [first] = _messages(uow_factory, case.id or 0)
    assert first.direction == Direction.INBOUND and first.channel == Channel.WEB
    assert "jar is cracked" in first.body and first.body.startswith("My blender")
    assert first.analysis is not None and first.analysis["complaint"] is True


def test_missing_fields_are_named_and_what_was_typed_is_kept(
    client: TestClient, uow_factory: Factory
) -> None:
    typed = {"name": "", "email": "", "phone": "", "problem": "",
             "details": "Order 4471 <b>never</b> came", "csrf_token": form_token(client)}
    page = client.post("/contact", data=typed)
    assert page.status_code == 422
    for said in ("Please tell us your name.", "Please give an e-mail address or a phone number.",
                 "Please tell us in a few words what is wrong."):
        assert said in page.text
    # Kept, and shown back as text, never as markup.
    assert "Order 4471 &lt;b&gt;never&lt;/b&gt; came</textarea>" in page.text
    assert _cases(uow_factory) == []


def test_phone_alone_is_enough_and_a_bad_contact_is_explained(
    client: TestClient, uow_factory: Factory
) -> None:
    bad = client.post("/contact", data={**COMPLAINT, "email": "", "phone": "call me maybe",
                                        "csrf_token": form_token(client)})
    assert bad.status_code == 422 and "The contact is not usable" in bad.text
    assert 'value="call me maybe"' in bad.text and _cases(uow_factory) == []
    good = client.post("/contact", data={**COMPLAINT, "email": "", "phone": "+44 20 7946 0958",
                                         "csrf_token": form_token(client)},
                       follow_redirects=False)
    assert good.status_code == 303
    [case] = _cases(uow_factory)
    assert case.contact_value == "+44 20 7946 0958"


def test_filled_honeypot_looks_accepted_but_nothing_is_stored_and_it_is_counted(
    client: TestClient, uow_factory: Factory
) -> None:
    sent = client.post("/contact", data={**COMPLAINT, "website": "http://spam.example",
                                         "csrf_token": form_token(client)},
                       follow_redirects=False)
    assert sent.status_code == 303
    thanks = client.get(sent.headers["location"])
    assert "Thank you" in thanks.text and re.search(r'class="case-ref">FL-', thanks.text)
    assert _cases(uow_factory) == []
    assert client.app.state.rate_limiter.counted("contact_honeypot") == 1  # type: ignore[attr-defined]


def test_too_many_posts_from_one_address_get_429_and_keep_the_input(
    client: TestClient, uow_factory: Factory
) -> None:
    token = form_token(client)
    for attempt in range(3):
        assert client.post("/contact", data={"name": f"try {attempt}", "csrf_token": token}
                           ).status_code == 422
    refused = client.post("/contact", data={**COMPLAINT, "csrf_token": token})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert 'value="Rita Moreno"' in refused.text and "Please wait" in refused.text
    assert _cases(uow_factory) == []


def test_post_without_the_visitors_csrf_token_is_refused_and_keeps_the_input(
    client: TestClient, uow_factory: Factory, database_url: str, engine: Engine
) -> None:
    missing = client.post("/contact", data=COMPLAINT)
    assert missing.status_code == 403 and "expired" in missing.text
    assert 'value="Rita Moreno"' in missing.text
    # A token read by another browser (another session) is no good here either.
    with TestClient(public_app(database_url, uow_factory, engine)) as other:
        foreign = form_token(other)
    client.get("/contact")
    assert client.post("/contact", data={**COMPLAINT, "csrf_token": foreign}
                       ).status_code == 403
    assert _cases(uow_factory) == []


def test_the_same_post_sent_twice_is_kept_once(client: TestClient, uow_factory: Factory) -> None:
    data = {**COMPLAINT, "csrf_token": form_token(client)}
    first = client.post("/contact", data=data, follow_redirects=False)
    again = client.post("/contact", data=data, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert len(_cases(uow_factory)) == 1


def test_with_redis_two_app_processes_share_one_rate_limit_per_address(
    database_url: str, uow_factory: Factory, engine: Engine, desk: Desk
) -> None:
    url = os.environ.get("FRONTLINER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {url} is not reachable ({type(error).__name__})")
    # A fresh address each run, so a budget left in Redis by an earlier run never counts.
    address = (f"198.51.100.{secrets.randbelow(250) + 1}-{secrets.token_hex(4)}", 50000)
    apps = [public_app(database_url, uow_factory, engine, rate_limit_url=url,
                       contact_rate_limit="2/minute") for _ in range(2)]
    with TestClient(apps[0], client=address) as first, \
            TestClient(apps[1], client=address) as second:
        for attempt in range(2):
            assert first.post("/contact", data={"name": f"try {attempt}",
                                                "csrf_token": form_token(first)}
                              ).status_code == 422
        refused = second.post("/contact", data={**COMPLAINT, "csrf_token": form_token(second)})
    assert refused.status_code == 429 and 'value="Rita Moreno"' in refused.text
    assert _cases(uow_factory) == []
