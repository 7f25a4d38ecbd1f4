"""Changes to what the whole desk relies on are in the audit trail, with who and when:
empowerment profiles, capacities, knowledge articles and prepared replies (users and
teams are covered in test_accounts)."""

from __future__ import annotations

from frontliner.desk import empowerment, knowledge, presence
from frontliner.desk.model import AccountAuditEntry, Role
from tests.unit.conftest import Desk


def _trail(desk: Desk) -> list[tuple[str, int | None, int | None, dict[str, object]]]:
    return [(e.action, e.actor_id, e.user_id, e.detail)
            for e in desk.uow.find(AccountAuditEntry, limit=100)]


def test_empowerment_profiles_and_capacity_changes_are_audited(desk: Desk) -> None:
    empowerment.set_profile(desk.uow, desk.lead, role=Role.AGENT, money_per_case=5_000,
                            money_per_day=20_000)
    empowerment.set_profile(desk.uow, desk.lead, user_id=desk.agent.id, money_per_case=9_000,
                            money_per_day=30_000, extra_days=2, remedy_kinds=["refund"])
    presence.set_capacity(desk.uow, desk.lead, desk.agent.id or 0, 4)
    assert [(action, actor, user) for action, actor, user, _ in _trail(desk)] == [
        ("empowerment_set", desk.lead.id, None),
        ("empowerment_set", desk.lead.id, desk.agent.id),
        ("capacity_set", desk.lead.id, desk.agent.id),
    ]
    assert _trail(desk)[1][3] == {"role": None, "money_per_case": 9_000,
                                  "money_per_day": 30_000, "extra_days": 2,
                                  "remedy_kinds": ["refund"]}


def test_articles_and_prepared_replies_are_audited_from_draft_to_published(desk: Desk) -> None:
    article = knowledge.write_article(desk.uow, desk.agent, "Parcel lost", "Check the depot.")
    knowledge.edit_article(desk.uow, desk.agent, article.id or 0, body="Call the depot.")
    knowledge.publish_article(desk.uow, desk.lead, article.id or 0)
    reply = knowledge.add_prepared_reply(desk.uow, desk.agent, "Thanks", "Thank you for ...")
    knowledge.publish_prepared_reply(desk.uow, desk.lead, reply.id or 0)
    knowledge.unpublish_prepared_reply(desk.uow, desk.lead, reply.id or 0)
    trail = _trail(desk)
    assert [(action, actor) for action, actor, _, _ in trail] == [
        ("article_written", desk.agent.id), ("article_edited", desk.agent.id),
        ("article_published", desk.lead.id), ("reply_written", desk.agent.id),
        ("reply_published", desk.lead.id), ("reply_unpublished", desk.lead.id),
    ]
    assert trail[2][3] == {"title": "Parcel lost", "status": "published",
                           "article_id": article.id}
