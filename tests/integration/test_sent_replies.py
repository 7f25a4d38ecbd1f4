"""Every reply staff send keeps the coach's reading from the moment it went out
(findings, score, the reason given for an error, the suggestions used), whichever way
it was sent: the composer page, the API, a chat reply. The desk's own fixed texts (the
confirmation question) are not the agent's words and keep none."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from api_support import API, Desk, api_fixture, desk_fixture  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient
from test_pages_agent import log_in, open_case

from frontliner.desk.model import (
    Channel,
    FindingSeverity,
    Interaction,
    SentFinding,
    SentReply,
)
from frontliner.store.uow import SqlUnitOfWork

_USED = re.compile(r'name="suggestions_used" value="([^"]*)"')
_BODY = re.compile(r'<textarea id="draft"[^>]*>([^<]*)</textarea>')


def kept_for(factory: Callable[[], SqlUnitOfWork], case_ref: str) -> list[SentReply]:
    with factory() as uow:
        case = uow.case_by_ref(case_ref)
        assert case is not None
        return uow.find(SentReply, case_id=case.id)


def findings_of(factory: Callable[[], SqlUnitOfWork], kept: SentReply) -> list[SentFinding]:
    with factory() as uow:
        return uow.find(SentFinding, sent_reply_id=kept.id)


def test_composer_reply_keeps_findings_score_reason_and_the_suggestion_used(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent2.id, "Charged twice for one order")
    token = log_in(api, "kim@desk.test")
    draft = "We can't refund that."
    applied = api.post(f"/work/cases/{ref}/coach/apply",
                       data={"body": draft, "rule": "no-apology", "start": "0",
                             "end": str(len(draft))},
                       headers={"HX-Request": "true", "X-CSRF-Token": token}).text
    used, body = _USED.search(applied), _BODY.search(applied)
    assert used is not None and used.group(1) == "no-apology"
    assert body is not None and body.group(1).startswith("I&#39;m sorry")

    sent = api.post(f"/work/cases/{ref}/reply", data={
        "body": html.unescape(body.group(1)), "override_reason": "the customer asked for a no",
        "suggestions_used": used.group(1), "csrf_token": token})

    assert sent.status_code in (200, 303), sent.text
    [kept] = kept_for(uow_factory, ref)
    assert kept.author_id == desk.agent2.id
    assert kept.override_reason == "the customer asked for a no"
    assert kept.suggestions_used == ["no-apology"]
    assert 0 < kept.score < 100
    found = {(f.rule, f.severity) for f in findings_of(uow_factory, kept)}
    assert ("cant", FindingSeverity.ERROR) in found
    assert not any(rule == "no-apology" for rule, _ in found)  # the suggestion fixed it
    with uow_factory() as uow:
        reply = uow.get(Interaction, kept.interaction_id)
        assert reply is not None
        cant = next(f for f in findings_of(uow_factory, kept) if f.rule == "cant")
        assert reply.body[cant.start:cant.end] == "We can't refund"  # spans index the text
        assert kept.answered_id is not None  # the customer's "It is broken again!"


def test_api_reply_keeps_the_coach_reading_against_the_customer_message(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent.id, "Kettle arrived broken")
    response = api.post(f"{API}/cases/{ref}/messages", headers=desk.agent.auth, json={
        "body": "A new kettle ships today.", "direction": "outbound",
        "suggestions_used": ["no-next-step"]})

    assert response.status_code == 201, response.text
    [kept] = kept_for(uow_factory, ref)
    rules = {f.rule for f in findings_of(uow_factory, kept)}
    assert "no-apology" in rules  # read against the complaint it answers
    assert kept.suggestions_used == ["no-next-step"]
    assert kept.override_reason is None  # no error-level finding: nothing to justify


def test_a_reason_without_an_error_is_not_kept_and_bad_rule_ids_are_refused(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent.id, "Kettle arrived broken")
    bad = api.post(f"{API}/cases/{ref}/messages", headers=desk.agent.auth, json={
        "body": "Sorry! A new kettle ships today.", "direction": "outbound",
        "suggestions_used": ["<script>"]})
    assert bad.status_code == 422
    assert kept_for(uow_factory, ref) == []  # nothing sent, nothing kept

    fine = api.post(f"{API}/cases/{ref}/messages", headers=desk.agent.auth, json={
        "body": "Sorry, and thank you for telling us! A new kettle ships today; I will "
                "send you the tracking number.", "direction": "outbound",
        "override_reason": "just because"})
    assert fine.status_code == 201
    [kept] = kept_for(uow_factory, ref)
    assert kept.override_reason is None


def test_chat_reply_by_an_agent_is_kept_but_the_desks_confirmation_question_is_not(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent.id, "Chat: my code does not work")
    reply = api.post(f"{API}/cases/{ref}/messages", headers=desk.agent.auth, json={
        "body": "Sorry about that, and thanks for telling us! Here is a new code: try it now?",
        "direction": "outbound", "channel": "chat"})
    assert reply.status_code == 201
    with uow_factory() as uow:
        from frontliner.desk.confirmation_question import CHAT_QUESTION, ask_in_chat
        from frontliner.desk.model import User

        case = uow.case_by_ref(ref)
        agent = uow.get(User, desk.agent.id)
        assert case is not None
        case.channel = Channel.CHAT
        ask_in_chat(uow, agent, case, case.opened_at)
        uow.commit()
        question = uow.find(Interaction, case_id=case.id, body=CHAT_QUESTION)
        assert len(question) == 1

    [kept] = kept_for(uow_factory, ref)
    assert kept.channel == Channel.CHAT and kept.score == 100
