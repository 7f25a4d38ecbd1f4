"""The review pages over HTTP (no browser): the form works without JavaScript (typed
words are found in the reply), a refusal keeps what the lead typed, and only leads get
the queue while every agent's coaching page holds only their own replies."""

from __future__ import annotations

import re
from collections.abc import Callable

from api_support import Desk, api_fixture, desk_fixture  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient
from test_pages_agent import log_in
from test_reply_review import DAY, EMPATHY, send

from frontliner.desk.model import ReplyReview, SentFinding
from frontliner.store.uow import SqlUnitOfWork


def form_for(factory: Callable[[], SqlUnitOfWork], sent_id: int, token: str,
             **extra: str) -> dict[str, str]:
    with factory() as uow:
        findings = uow.find(SentFinding, sent_reply_id=sent_id)
    return {**{f"verdict_{f.id}": "agree" for f in findings}, "csrf_token": token, **extra}


def test_review_form_finds_typed_words_and_keeps_the_typing_when_refused(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    sent_id = send(uow_factory, desk.agent.id, EMPATHY, DAY)
    token = log_in(api, "lee@desk.test")
    assert "I completely understand how you feel." in api.get(f"/lead/reviews/{sent_id}").text

    refused = api.post(f"/lead/reviews/{sent_id}", data=form_for(
        uow_factory, sent_id, token, missed_rule="feelings", missed_where="words",
        missed_words="how you fell", note="Keep this note"))
    assert refused.status_code == 422
    assert "Those words are not in the reply" in refused.text and "Keep this note" in refused.text

    saved = api.post(f"/lead/reviews/{sent_id}", data=form_for(
        uow_factory, sent_id, token, missed_rule="feelings", missed_where="words",
        missed_words="how you feel", missed_start="3"), follow_redirects=True)
    assert saved.status_code == 200 and "Review saved." in saved.text
    with uow_factory() as uow:
        [review] = uow.find(ReplyReview, sent_reply_id=sent_id)
        at = EMPATHY.index("how you feel")
        assert review.missed == [{"rule": "feelings", "start": at, "end": at + 12}]


def test_only_leads_get_the_queue_and_an_agent_sees_only_their_own_coaching(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    send(uow_factory, desk.agent.id, EMPATHY, DAY)  # Sam's reply, not Kim's
    log_in(api, "kim@desk.test")

    assert api.get("/lead/reviews").status_code == 403
    page = api.get("/work/coaching")
    assert page.status_code == 200
    assert "You have sent no replies" in page.text and "how you feel" not in page.text
    assert "Sam Agent" not in re.sub(r"<header.*?</header>", "", page.text, flags=re.S)
