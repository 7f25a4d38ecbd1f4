from __future__ import annotations

import pytest

from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.knowledge import (
    add_prepared_reply,
    edit_article,
    edit_prepared_reply,
    publish_article,
    write_article,
)
from frontliner.desk.model import ArticleStatus
from frontliner.desk.ownership import accept_handover, offer_handover
from frontliner.desk.recognition import give_kudos
from tests.unit.conftest import MONDAY, Desk


def test_agent_drafts_and_lead_publishes_an_article(desk: Desk) -> None:
    article = write_article(desk.uow, desk.agent, "Resetting the kettle", "Hold the button 5s.",
                            now=MONDAY)
    assert article.status == ArticleStatus.DRAFT
    with pytest.raises(Forbidden):
        publish_article(desk.uow, desk.agent, article.id, now=MONDAY)
    publish_article(desk.uow, desk.lead, article.id, now=MONDAY)
    assert article.status == ArticleStatus.PUBLISHED
    with pytest.raises(Conflict):
        publish_article(desk.uow, desk.lead, article.id, now=MONDAY)


def test_only_author_or_lead_edits_an_article(desk: Desk) -> None:
    article = write_article(desk.uow, desk.agent, "Title", "Body", now=MONDAY)
    with pytest.raises(Forbidden):
        edit_article(desk.uow, desk.other_agent, article.id, body="mine now", now=MONDAY)
    edit_article(desk.uow, desk.lead, article.id, body="Better body", now=MONDAY)
    assert article.body == "Better body" and article.title == "Title"


def test_article_needs_title_and_text(desk: Desk) -> None:
    with pytest.raises(Invalid) as err:
        write_article(desk.uow, desk.agent, " ", "", now=MONDAY)
    assert set(err.value.fields) == {"title", "body"}


def test_prepared_reply_tags_are_normalised_and_editable(desk: Desk) -> None:
    reply = add_prepared_reply(desk.uow, desk.agent, "Late parcel", "Thank you for telling us",
                               tags=["Delivery", "delivery", " late "], now=MONDAY)
    assert reply.tags == ["delivery", "late"]
    edit_prepared_reply(desk.uow, desk.agent, reply.id, tags=["courier"])
    assert reply.tags == ["courier"]
    with pytest.raises(Forbidden):
        add_prepared_reply(desk.uow, desk.ann_login, "x", "y", now=MONDAY)


def test_customer_thanks_the_agent_who_worked_their_case(desk: Desk) -> None:
    case = desk.open()
    kudos = give_kudos(desk.uow, desk.ann_login, desk.agent.id, "Sorted in minutes!",
                       case_id=case.id, now=MONDAY)
    assert kudos.from_customer_id == desk.ann.id and kudos.to_user_id == desk.agent.id


def test_customer_kudos_only_for_someone_who_worked_the_case(desk: Desk) -> None:
    case = desk.open()
    with pytest.raises(Invalid):
        give_kudos(desk.uow, desk.ann_login, desk.specialist.id, "thanks", case_id=case.id,
                   now=MONDAY)
    with pytest.raises(NotFound):
        give_kudos(desk.uow, desk.bob_login, desk.agent.id, "thanks", case_id=case.id,
                   now=MONDAY)


def test_previous_owner_still_counts_as_having_worked_the_case(desk: Desk) -> None:
    case = desk.open()
    handover = offer_handover(desk.uow, desk.agent, case.id, desk.other_agent.id, now=MONDAY)
    accept_handover(desk.uow, desk.other_agent, handover.id, now=MONDAY)
    give_kudos(desk.uow, desk.ann_login, desk.agent.id, "thanks", case_id=case.id, now=MONDAY)


def test_kudos_come_from_leads_not_from_agents(desk: Desk) -> None:
    give_kudos(desk.uow, desk.lead, desk.agent.id, "Great save on the kettle case", now=MONDAY)
    with pytest.raises(Forbidden):
        give_kudos(desk.uow, desk.other_agent, desk.agent.id, "mate", now=MONDAY)
    with pytest.raises(Invalid):
        give_kudos(desk.uow, desk.lead, desk.lead.id, "me", now=MONDAY)
