"""The leads are told, live: an ended conversation or a report of abuse becomes a quiet
notice for leads and admins (never for the agents), naming the case, kinds and reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontliner.store.live_queries import LiveRow
from frontliner.web.live.events import notice_for


def _row(action: str) -> LiveRow:
    return LiveRow(id=7, case_id=3, action=action, actor_id=2, actor_name="Sam Agent",
                   detail={"interaction_id": 9, "kinds": ["insult", "threat"],
                           "reason": "Went on after the boundary reply."},
                   at=datetime(2026, 3, 2, tzinfo=UTC), case_ref="FL-ABCD", nature="jug",
                   channel="chat", status="open", owner_id=2, handler_id=None,
                   contact_name="Rex")


@pytest.mark.parametrize(("action", "words"), [
    ("conversation_ended", "Sam Agent ended the conversation over abuse on case FL-ABCD"),
    ("abuse_reported", "Sam Agent reported a message as abuse on case FL-ABCD"),
])
def test_abuse_actions_are_a_notice_for_the_leads(action: str, words: str) -> None:
    notice = notice_for(_row(action))
    assert notice is not None and notice["roles"] == ["lead", "admin"]
    assert notice["text"] == f"{words} (insult, threat): Went on after the boundary reply."
    assert notice["href"] == "/work/cases/FL-ABCD"
