"""Knowledge articles and prepared replies: what the desk has learned, ready to reuse.

Any member of staff writes drafts and prepared replies; a lead or admin publishes an
article. Searching them is read-side (`store/queries.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from frontliner.desk import access
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.model import ArticleStatus, KnowledgeArticle, PreparedReply, User
from frontliner.desk.ports import UnitOfWork

MAX_TITLE = 200
MAX_BODY = 50_000


def write_article(
    uow: UnitOfWork,
    actor: User,
    title: str,
    body: str,
    source_case_id: int | None = None,
    now: datetime | None = None,
) -> KnowledgeArticle:
    at = resolve_now(now)
    access.require_staff(actor)
    clean_title, clean_body = _check_text(title, body)
    if source_case_id is not None:
        access.load_case(uow, actor, source_case_id)
    assert actor.id is not None
    article = KnowledgeArticle(title=clean_title, body=clean_body, author_id=actor.id,
                               created_at=at, source_case_id=source_case_id, updated_at=at)
    uow.add(article)
    uow.flush()
    return article


def edit_article(
    uow: UnitOfWork,
    actor: User,
    article_id: int,
    title: str | None = None,
    body: str | None = None,
    now: datetime | None = None,
) -> KnowledgeArticle:
    """Its author, a lead or an admin edits an article."""
    at = resolve_now(now)
    article = _load_article(uow, actor, article_id)
    if actor.id != article.author_id and not access.has_authority(actor):
        raise Forbidden("Only the article's author or a lead may edit it.")
    article.title, article.body = _check_text(
        article.title if title is None else title, article.body if body is None else body)
    article.updated_at = at
    return article


def publish_article(
    uow: UnitOfWork, actor: User, article_id: int, now: datetime | None = None
) -> KnowledgeArticle:
    at = resolve_now(now)
    access.require_authority(actor)
    article = _load_article(uow, actor, article_id)
    if article.status == ArticleStatus.PUBLISHED:
        raise Conflict("This article is already published.")
    article.status, article.updated_at = ArticleStatus.PUBLISHED, at
    return article


def add_prepared_reply(
    uow: UnitOfWork,
    actor: User,
    title: str,
    body: str,
    tags: Sequence[str] = (),
    now: datetime | None = None,
) -> PreparedReply:
    at = resolve_now(now)
    access.require_staff(actor)
    clean_title, clean_body = _check_text(title, body)
    assert actor.id is not None
    reply = PreparedReply(title=clean_title, body=clean_body, author_id=actor.id,
                          created_at=at, tags=_tags(tags))
    uow.add(reply)
    uow.flush()
    return reply


def edit_prepared_reply(
    uow: UnitOfWork,
    actor: User,
    reply_id: int,
    title: str | None = None,
    body: str | None = None,
    tags: Sequence[str] | None = None,
) -> PreparedReply:
    access.require_staff(actor)
    reply = uow.get(PreparedReply, reply_id)
    if reply is None:
        raise NotFound(f"No prepared reply with id {reply_id}.", {"reply_id": reply_id})
    if actor.id != reply.author_id and not access.has_authority(actor):
        raise Forbidden("Only the reply's author or a lead may edit it.")
    reply.title, reply.body = _check_text(
        reply.title if title is None else title, reply.body if body is None else body)
    if tags is not None:
        reply.tags = _tags(tags)
    return reply


def _load_article(uow: UnitOfWork, actor: User, article_id: int) -> KnowledgeArticle:
    access.require_staff(actor)
    article = uow.get(KnowledgeArticle, article_id)
    if article is None:
        raise NotFound(f"No knowledge article with id {article_id}.", {"article_id": article_id})
    return article


def _check_text(title: str, body: str) -> tuple[str, str]:
    clean_title, clean_body = " ".join(title.split()), body.strip()
    missing = {}
    if not clean_title:
        missing["title"] = "a title"
    if not clean_body:
        missing["body"] = "the text"
    if missing:
        raise Invalid.missing(missing)
    if len(clean_title) > MAX_TITLE or len(clean_body) > MAX_BODY:
        raise Invalid(f"Titles stop at {MAX_TITLE} characters and texts at {MAX_BODY}.",
                      {"title" if len(clean_title) > MAX_TITLE else "body": "too long"})
    return clean_title, clean_body


def _tags(tags: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t for t in (" ".join(x.split()).lower() for x in tags) if t))
