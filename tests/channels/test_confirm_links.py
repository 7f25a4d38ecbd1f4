"""The signed "Yes, it's solved" / "Not yet" links and the pages behind them, through the
real app on SQLite and PostgreSQL: opening changes nothing, answering is a CSRF-protected
POST, a link works for its own case only, expires, and can be used again without harm."""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine
from tests.channels.public_support import SECRET, public_app
from tests.conftest import Seeded

from frontliner.channels.chat.tokens import ChatTokens
from frontliner.channels.confirm_links import ConfirmLinks, LinkPass, LinkProblem
from frontliner.desk import closing, ownership
from frontliner.desk.model import (
    AuditEntry,
    Case,
    CaseStatus,
    Direction,
    Interaction,
    SatisfactionRating,
    User,
)
from frontliner.store.uow import SqlUnitOfWork

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

Factory = Callable[[], SqlUnitOfWork]
LINKS = ConfirmLinks(SECRET, 30)


@pytest.fixture
def client(database_url: str, uow_factory: Factory, engine: Engine) -> Iterator[TestClient]:
    with TestClient(public_app(database_url, uow_factory, engine)) as test_client:
        yield test_client


@pytest.fixture
def awaiting(uow_factory: Factory, seeded: Seeded) -> Seeded:
    """The seeded e-mail case, acknowledged and waiting for Ann's confirmation."""
    with uow_factory() as uow:
        agent = uow.get(User, seeded.agent_id)
        ownership.acknowledge(uow, agent, seeded.case_id)
        closing.request_confirmation(uow, agent, seeded.case_id)
        uow.commit()
    return seeded


def _link(seeded: Seeded) -> str:
    return f"/confirm/{LINKS.issue(seeded.case_id, seeded.customer_id)}"


def _csrf(page_text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page_text)
    assert found, "the page's form carries a CSRF token"
    return found.group(1)


def _case(factory: Factory, case_id: int) -> Case:
    with factory() as uow:
        case = uow.get(Case, case_id)
        assert case is not None
        return case


def _actions(factory: Factory, case_id: int) -> list[str]:
    with factory() as uow:
        return [e.action for e in uow.find(AuditEntry, limit=200, case_id=case_id)]


def test_a_link_vouches_for_its_case_and_customer_only() -> None:
    assert LINKS.read(LINKS.issue(7, 3)) == LinkPass(case_id=7, customer_id=3)
    token = LINKS.issue(7, 3)
    # A character inside the signature: the last one of its base64 carries padding bits,
    # so "A" and "B" there can decode to the same signature (1 run in 16 failed on it).
    at = len(token) - 5
    tampered = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1:]
    assert LINKS.read(tampered) == LinkProblem.INVALID
    assert ConfirmLinks("another-secret", 30).read(token) == LinkProblem.INVALID
    chat = ChatTokens(SECRET).issue(7, 3)  # same secret, other purpose: refused
    assert LINKS.read(chat) == LinkProblem.INVALID
    assert LINKS.read("") == LinkProblem.INVALID and LINKS.read("x" * 400) == LinkProblem.INVALID


def test_opening_either_link_only_shows_a_page_and_changes_nothing(
    client: TestClient, uow_factory: Factory, awaiting: Seeded,
) -> None:
    before = _actions(uow_factory, awaiting.case_id)
    question = client.get(_link(awaiting))
    not_yet = client.get(_link(awaiting) + "/not-yet")
    assert question.status_code == 200 and not_yet.status_code == 200
    assert "Is your problem solved?" in question.text and awaiting.case_ref in question.text
    assert "Yes, it's solved" in question.text
    assert "What is still wrong?" in not_yet.text
    assert question.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in question.headers["Content-Security-Policy"]
    assert _case(uow_factory, awaiting.case_id).status == CaseStatus.AWAITING_CONFIRMATION
    assert _actions(uow_factory, awaiting.case_id) == before


def test_yes_resolves_the_case_as_confirmed_by_the_customer_then_offers_one_rating(
    client: TestClient, uow_factory: Factory, awaiting: Seeded,
) -> None:
    link = _link(awaiting)
    token = _csrf(client.get(link).text)
    answered = client.post(f"{link}/yes", data={"csrf_token": token}, follow_redirects=False)
    assert answered.status_code == 303 and answered.headers["location"] == link
    page = client.get(link)
    assert "your case is solved" in page.text and "Send my rating" in page.text
    case = _case(uow_factory, awaiting.case_id)
    assert case.status == CaseStatus.RESOLVED and case.confirmed_by_customer

    rated = client.post(f"{link}/rate", data={"csrf_token": token, "score": "4",
                                              "comment": "Quick <b>and</b> kind."})
    assert rated.status_code == 200 and "You rated our service 4 out of 5" in rated.text
    again = client.post(f"{link}/rate", data={"csrf_token": token, "score": "1"})
    assert again.status_code == 200 and "You rated our service 4 out of 5" in again.text
    with uow_factory() as uow:
        ratings = uow.find(SatisfactionRating, limit=5, case_id=awaiting.case_id)
    assert [(r.score, r.comment) for r in ratings] == [(4, "Quick <b>and</b> kind.")]


def test_using_the_yes_link_again_changes_nothing(
    client: TestClient, uow_factory: Factory, awaiting: Seeded,
) -> None:
    link = _link(awaiting)
    token = _csrf(client.get(link).text)
    for _ in range(2):
        answered = client.post(f"{link}/yes", data={"csrf_token": token})
        assert answered.status_code == 200
    assert _actions(uow_factory, awaiting.case_id).count("confirmed_by_customer") == 1


def test_a_rating_outside_one_to_five_is_refused_and_the_comment_kept(
    client: TestClient, uow_factory: Factory, awaiting: Seeded,
) -> None:
    link = _link(awaiting)
    token = _csrf(client.get(link).text)
    client.post(f"{link}/yes", data={"csrf_token": token})
    refused = client.post(f"{link}/rate", data={"csrf_token": token, "comment": "Great help"})
    assert refused.status_code == 422 and "choose a rating from 1 to 5" in refused.text
    assert "Great help" in refused.text
    with uow_factory() as uow:
        assert uow.find(SatisfactionRating, limit=5, case_id=awaiting.case_id) == []


def test_not_yet_reopens_the_case_for_its_owner_with_the_customers_words(
    client: TestClient, uow_factory: Factory, awaiting: Seeded,
) -> None:
    link = _link(awaiting)
    token = _csrf(client.get(f"{link}/not-yet").text)
    sent = client.post(f"{link}/not-yet", data={"csrf_token": token,
                                                "note": "Still charged twice on my card."})
    assert sent.status_code == 200 and "Your case is open again" in sent.text
    case = _case(uow_factory, awaiting.case_id)
    assert case.status == CaseStatus.OPEN and case.owner_id == awaiting.agent_id
    with uow_factory() as uow:
        kept = uow.find(Interaction, limit=10, case_id=awaiting.case_id)
    assert [(m.direction, m.body, m.author_id) for m in kept] == [
        (Direction.INBOUND, "Still charged twice on my card.", None)]
    # The plain link now says the case is being worked on, and offers no "yes".
    page = client.get(link)
    assert "being worked on" in page.text and "Yes, it's solved" not in page.text


def test_an_answer_without_the_pages_csrf_token_is_refused_and_changes_nothing(
    client: TestClient, uow_factory: Factory, awaiting: Seeded,
) -> None:
    link = _link(awaiting)
    client.get(link)
    refused = client.post(f"{link}/yes", data={"csrf_token": "forged"})
    assert refused.status_code == 403 and "nothing was changed" in refused.text
    refused = client.post(f"{link}/not-yet", data={"note": "still broken"})
    assert refused.status_code == 403 and "still broken" in refused.text  # kept for them
    assert _case(uow_factory, awaiting.case_id).status == CaseStatus.AWAITING_CONFIRMATION


def test_an_altered_or_foreign_link_is_a_clear_404_that_shows_no_case(
    client: TestClient, uow_factory: Factory, awaiting: Seeded,
) -> None:
    token = LINKS.issue(awaiting.case_id, awaiting.customer_id)
    other_customer = LINKS.issue(awaiting.case_id, awaiting.customer_id + 1)
    no_case = LINKS.issue(awaiting.case_id + 1000, awaiting.customer_id)
    for bad in (token[:-3], token + "x", other_customer, no_case, "nonsense"):
        for path in ("", "/not-yet"):
            page = client.get(f"/confirm/{bad}{path}")
            assert page.status_code == 404, (bad, path)
            assert "reply to the e-mail we sent you" in page.text
            assert awaiting.case_ref not in page.text
        posted = client.post(f"/confirm/{bad}/yes", data={"csrf_token": "x"})
        assert posted.status_code == 404
    assert _case(uow_factory, awaiting.case_id).status == CaseStatus.AWAITING_CONFIRMATION


def test_an_expired_link_is_a_clear_400_that_says_how_to_get_a_new_one(
    client: TestClient, uow_factory: Factory, awaiting: Seeded, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as then:
        then.setattr(time, "time", lambda: 1_600_000_000.0)
        old = LINKS.issue(awaiting.case_id, awaiting.customer_id)
    page = client.get(f"/confirm/{old}")
    assert page.status_code == 400 and "This link has expired" in page.text
    assert "reply to the e-mail we sent you" in page.text
    assert client.post(f"/confirm/{old}/yes", data={"csrf_token": "x"}).status_code == 400
    assert _case(uow_factory, awaiting.case_id).status == CaseStatus.AWAITING_CONFIRMATION


def test_a_link_to_a_case_reopened_meanwhile_says_so_and_yes_changes_nothing(
    client: TestClient, uow_factory: Factory, awaiting: Seeded,
) -> None:
    with uow_factory() as uow:
        agent = uow.get(User, awaiting.agent_id)
        closing.report_not_fixed(uow, agent, awaiting.case_id, note="customer called")
        uow.commit()
    link = _link(awaiting)
    page = client.get(link)
    assert page.status_code == 200 and "being worked on" in page.text
    answered = client.post(f"{link}/yes", data={"csrf_token": _csrf(
        client.get(f"{link}/not-yet").text)})
    assert answered.status_code == 200 and "being worked on" in answered.text
    assert _case(uow_factory, awaiting.case_id).status == CaseStatus.OPEN
