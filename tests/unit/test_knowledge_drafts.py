"""Drafts are their author's to edit; what is published changes only through a lead."""

from __future__ import annotations

import pytest

from frontliner.desk.errors import Conflict, Forbidden
from frontliner.desk.knowledge import (
    add_prepared_reply,
    edit_article,
    edit_prepared_reply,
    publish_article,
    publish_prepared_reply,
    unpublish_article,
    unpublish_prepared_reply,
    write_article,
)
from frontliner.desk.model import ArticleStatus
from tests.unit.conftest import MONDAY, Desk


def test_the_author_edits_a_draft_but_not_once_it_is_published(desk: Desk) -> None:
    article = write_article(desk.uow, desk.agent, "Kettle reset", "Hold 5s.", now=MONDAY)
    edit_article(desk.uow, desk.agent, article.id, body="Hold the button 5s.", now=MONDAY)
    publish_article(desk.uow, desk.lead, article.id, now=MONDAY)
    with pytest.raises(Forbidden):
        edit_article(desk.uow, desk.agent, article.id, body="changed quietly", now=MONDAY)
    edit_article(desk.uow, desk.lead, article.id, title="Resetting the kettle", now=MONDAY)
    assert (article.title, article.body) == ("Resetting the kettle", "Hold the button 5s.")


def test_a_lead_unpublishes_an_article_back_to_draft(desk: Desk) -> None:
    article = write_article(desk.uow, desk.agent, "Kettle reset", "Hold 5s.", now=MONDAY)
    with pytest.raises(Conflict):
        unpublish_article(desk.uow, desk.lead, article.id, now=MONDAY)
    publish_article(desk.uow, desk.lead, article.id, now=MONDAY)
    with pytest.raises(Forbidden):
        unpublish_article(desk.uow, desk.agent, article.id, now=MONDAY)
    unpublish_article(desk.uow, desk.lead, article.id, now=MONDAY)
    assert article.status == ArticleStatus.DRAFT
    edit_article(desk.uow, desk.agent, article.id, body="Hold it 10s.", now=MONDAY)


def test_a_prepared_reply_is_a_draft_until_a_lead_publishes_it(desk: Desk) -> None:
    reply = add_prepared_reply(desk.uow, desk.agent, "Late parcel", "Thank you for telling us",
                               now=MONDAY)
    assert reply.status == ArticleStatus.DRAFT
    with pytest.raises(Forbidden):
        edit_prepared_reply(desk.uow, desk.other_agent, reply.id, body="mine now")
    with pytest.raises(Forbidden):
        publish_prepared_reply(desk.uow, desk.agent, reply.id)
    publish_prepared_reply(desk.uow, desk.lead, reply.id)
    assert reply.status == ArticleStatus.PUBLISHED
    with pytest.raises(Forbidden):
        edit_prepared_reply(desk.uow, desk.agent, reply.id, body="changed quietly")
    with pytest.raises(Conflict):
        publish_prepared_reply(desk.uow, desk.lead, reply.id)
    unpublish_prepared_reply(desk.uow, desk.lead, reply.id)
    assert reply.status == ArticleStatus.DRAFT
