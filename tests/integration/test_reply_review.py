"""Reply review through the API and the command line, on SQLite and PostgreSQL: the
leads' queue (lowest scores, a reproducible sample, by team and period), reviews with
verdicts and missed findings (stored, audited, refused when incomplete), who may see
what, and the export that round-trips into the coach's label loader."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_support import API, Desk, api_fixture, desk_fixture  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient
from test_api_cli import _run
from tests.coach.bench_scripts import bench_module

from frontliner.desk import intake, interactions
from frontliner.desk.model import AccountAuditEntry, SentReply, Team, User
from frontliner.store.uow import SqlUnitOfWork

DAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
PERIOD = {"first": "2026-11-02", "last": "2026-11-08"}
CUSTOMER = "My kettle arrived broken and nobody answers!"
BAD = "We can't refund that."
GOOD = ("Sorry, and thank you for telling us! A new kettle ships today; I will send you "
        "the tracking number.")
EMPATHY = "I completely understand how you feel. We can't refund that, sorry."

Factory = Callable[[], SqlUnitOfWork]


def send(factory: Factory, author_id: int, body: str, at: datetime) -> int:
    """A case opened for `author_id` with the customer's complaint, and their reply at
    `at`; the id of the reply's kept coach reading."""
    with factory() as uow:
        author = uow.get(User, author_id)
        case = intake.open_case(uow, author, nature="Kettle arrived broken",
                                customer_name="Ann Lee", contact="ann@example.com",
                                message=CUSTOMER, now=at - timedelta(minutes=5))
        reply = interactions.record_outbound(uow, author, case.id or 0, body, now=at,
                                             coach_errors=[], override_reason="")
        uow.commit()
        [kept] = uow.find(SentReply, interaction_id=reply.id)
        return int(kept.id or 0)


def put_in_team(factory: Factory, name: str, *user_ids: int) -> int:
    with factory() as uow:
        team = Team(name=name)
        uow.add(team)
        uow.flush()
        for user_id in user_ids:
            user = uow.get(User, user_id)
            assert user is not None
            user.team_id = team.id
        uow.commit()
        return int(team.id or 0)


def review(api: TestClient, desk: Desk, sent_id: int, **body: Any) -> Any:
    return api.put(f"{API}/sent-replies/{sent_id}/review", headers=desk.lead.auth, json=body)


def verdicts(api: TestClient, desk: Desk, sent_id: int,
             wrong: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Agree with every finding of the reply except those of the rules in `wrong`."""
    found = api.get(f"{API}/sent-replies/{sent_id}", headers=desk.lead.auth).json()
    return [{"finding_id": f["id"], "agree": f["rule"] not in wrong} for f in found["findings"]]


def test_queue_lists_lowest_unreviewed_scores_and_the_same_sample_for_the_same_period(
    api: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    billing = put_in_team(uow_factory, "Billing", desk.agent.id)
    put_in_team(uow_factory, "Returns", desk.agent2.id)
    bodies = [BAD, GOOD, EMPATHY]
    sent = {(who, n): send(uow_factory, who, bodies[n % 3], DAY + timedelta(hours=n))
            for who in (desk.agent.id, desk.agent2.id) for n in range(12)}
    late = send(uow_factory, desk.agent.id, BAD, DAY + timedelta(days=8))  # after the period

    first = api.get(f"{API}/reply-reviews/queue", headers=desk.lead.auth, params=PERIOD).json()
    again = api.get(f"{API}/reply-reviews/queue", headers=desk.lead.auth, params=PERIOD).json()

    scores = [r["score"] for r in first["lowest"]]
    assert len(first["lowest"]) == 20 and scores == sorted(scores)
    assert len(first["sample"]) == 4  # 24 in the period, 20 of them already the lowest
    assert first["sample"] == again["sample"]  # the same period draws the same replies
    shown = {r["id"] for r in first["lowest"] + first["sample"]}
    assert shown == set(sent.values()) and late not in shown
    # A reviewed reply leaves the lowest scores; the sample stays as drawn.
    worst = first["lowest"][0]["id"]
    assert review(api, desk, worst, verdicts=verdicts(api, desk, worst)).status_code == 200
    after = api.get(f"{API}/reply-reviews/queue", headers=desk.lead.auth, params=PERIOD).json()
    assert worst not in {r["id"] for r in after["lowest"]}

    team = api.get(f"{API}/reply-reviews/queue", headers=desk.lead.auth,
                   params={**PERIOD, "team": billing}).json()
    rows = team["lowest"] + team["sample"]
    assert {r["author_id"] for r in rows} == {desk.agent.id} and len(rows) == 12


def test_a_lead_reviews_a_reply_and_the_review_is_stored_and_audited(
    api: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    sent_id = send(uow_factory, desk.agent.id, EMPATHY, DAY)
    text = api.get(f"{API}/sent-replies/{sent_id}", headers=desk.lead.auth).json()["text"]
    start = text.index("how you feel")

    saved = review(api, desk, sent_id, verdicts=verdicts(api, desk, sent_id, frozenset({"cant"})),
                   missed=[{"rule": "feelings", "start": start, "end": start + 12}],
                   note="They offered nothing instead; the refusal is the point.")

    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["review"]["reviewer"] == "Lee Lead"
    assert "cant" not in body["review"]["labels"] and "feelings" in body["review"]["labels"]
    assert "hollow-empathy" in body["review"]["labels"]
    with uow_factory() as uow:
        [entry] = uow.find(AccountAuditEntry, action="reply_reviewed")
        assert entry.user_id == desk.agent.id and entry.actor_id == desk.lead.id
        assert entry.detail["disagreed"] == ["cant"] and entry.detail["missed"] == ["feelings"]
    # A second review replaces the first; the trail keeps both.
    again = review(api, desk, sent_id, verdicts=verdicts(api, desk, sent_id))
    assert "cant" in again.json()["review"]["labels"]
    assert again.json()["review"]["missed"] == []
    with uow_factory() as uow:
        assert len(uow.find(AccountAuditEntry, action="reply_reviewed")) == 2


def test_a_review_needs_a_verdict_on_every_finding_and_spans_inside_the_reply(
    api: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    sent_id = send(uow_factory, desk.agent.id, BAD, DAY)
    every = verdicts(api, desk, sent_id)

    partial = review(api, desk, sent_id, verdicts=every[1:])
    outside = review(api, desk, sent_id, verdicts=every,
                     missed=[{"rule": "guess", "start": 5, "end": 500}])
    unknown = review(api, desk, sent_id, verdicts=every,
                     missed=[{"rule": "rude", "start": 0, "end": 3}])
    missing = review(api, desk, 99999, verdicts=[])

    assert partial.status_code == 422 and "every finding" in partial.json()["error"]["message"]
    assert outside.status_code == 422 and "not inside the reply" in outside.text
    assert unknown.status_code == 422 and "not a rule of the coach" in unknown.text
    assert missing.status_code == 404
    shown = api.get(f"{API}/sent-replies/{sent_id}", headers=desk.lead.auth).json()
    assert shown["review"] is None  # nothing half-saved


def test_agents_see_their_own_replies_and_reviews_and_nobody_elses(
    api: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    mine = send(uow_factory, desk.agent.id, BAD, DAY)
    theirs = send(uow_factory, desk.agent2.id, BAD, DAY)
    for sent_id in (mine, theirs):
        assert review(api, desk, sent_id, verdicts=verdicts(api, desk, sent_id)).status_code == 200
    sam = desk.agent.auth

    assert api.get(f"{API}/sent-replies/{mine}", headers=sam).status_code == 200
    assert api.get(f"{API}/sent-replies/{theirs}", headers=sam).status_code == 404
    own = api.get(f"{API}/reply-reviews", headers=sam).json()["items"]
    assert [r["sent_reply_id"] for r in own] == [mine]
    assert api.get(f"{API}/reply-reviews", headers=sam,
                   params={"author": desk.agent2.id}).status_code == 404
    assert api.put(f"{API}/sent-replies/{mine}/review", headers=sam,
                   json={"verdicts": []}).status_code == 403
    assert api.get(f"{API}/reply-reviews/queue", headers=sam).status_code == 403
    assert api.get(f"{API}/reply-reviews/export", headers=sam).status_code == 403
    assert api.get(f"{API}/sent-replies/{mine}", headers=desk.ann.auth).status_code == 403


def reviewed_desk(api: TestClient, desk: Desk, factory: Factory) -> dict[int, set[str]]:
    """Three reviewed replies; the rule ids each should carry in the export."""
    expected: dict[int, set[str]] = {}
    for n, (body, wrong) in enumerate([(BAD, frozenset({"no-thanks"})), (GOOD, frozenset()),
                                       (EMPATHY, frozenset({"hollow-empathy"}))]):
        sent_id = send(factory, desk.agent.id, body, DAY + timedelta(hours=n))
        found = api.get(f"{API}/sent-replies/{sent_id}", headers=desk.lead.auth).json()
        missed = [{"rule": "too-long", "start": 0, "end": len(found["text"])}] if n == 1 else []
        saved = review(api, desk, sent_id, verdicts=verdicts(api, desk, sent_id, wrong),
                       missed=missed)
        assert saved.status_code == 200, saved.text
        expected[sent_id] = ({f["rule"] for f in found["findings"]} - wrong
                             | {m["rule"] for m in missed})
    return expected


def test_export_round_trips_into_the_coach_label_loader(
    api: TestClient, desk: Desk, uow_factory: Factory, database_url: str, tmp_path: Path
) -> None:
    expected = reviewed_desk(api, desk, uow_factory)
    out = tmp_path / "reviews.jsonl"

    ran = _run(database_url, "coach", "export-reviews", "--out", str(out))
    downloaded = api.get(f"{API}/reply-reviews/export", headers=desk.lead.auth)

    assert ran.returncode == 0, ran.stderr
    assert "3 reviewed replies written" in ran.stderr
    assert downloaded.status_code == 200 and downloaded.text == out.read_text(encoding="utf-8")
    with bench_module("accuracy_labels") as labels:
        pairs, problems = labels.load_inline_labels(out)
    assert problems == []
    assert {label.id: set(label.reply) for _, label in pairs} == {
        f"reply-{k}": v for k, v in expected.items()}
    conversation, _ = pairs[0]
    assert conversation.customer == CUSTOMER and conversation.reply == BAD
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert {"start": 0, "end": 15, "rule": "cant"} in line["spans"]


def test_csv_export_lists_each_review_with_its_verdicts(
    api: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    expected = reviewed_desk(api, desk, uow_factory)

    got = api.get(f"{API}/reply-reviews/export", headers=desk.lead.auth,
                  params={"format": "csv"})

    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.text.lstrip("\ufeff"))))
    assert {r["id"]: set(r["reply"].split()) for r in rows} == {
        f"reply-{k}": v for k, v in expected.items()}
    assert [r["disagreed"] for r in rows] == ["no-thanks", "", "hollow-empathy"]


@pytest.mark.parametrize("params", [{"first": "2026-11-08", "last": "2026-11-01"},
                                    {"first": "2020-01-01", "last": "2026-11-01"},
                                    {"first": "yesterday"}])
def test_queue_refuses_a_period_it_cannot_read(api: TestClient, desk: Desk,
                                               params: dict[str, str]) -> None:
    got = api.get(f"{API}/reply-reviews/queue", headers=desk.lead.auth, params=params)
    assert got.status_code == 422
