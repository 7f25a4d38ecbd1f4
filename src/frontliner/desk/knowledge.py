"""Knowledge articles and prepared replies: what the desk has learned, ready to reuse.

Any member of staff drafts articles and prepared replies and edits their own drafts; a
lead or admin edits any of them and publishes (or unpublishes) them. Only published ones
are suggested on a case. Searching them is read-side (`store/queries.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from frontliner.desk import access
from frontliner.desk.account_audit import record_account
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Invalid, NotFound
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
    _audit(uow, "article_written", actor, at, article)
    return article


def edit_article(
    uow: UnitOfWork,
    actor: User,
    article_id: int,
    title: str | None = None,
    body: str | None = None,
    now: datetime | None = None,
) -> KnowledgeArticle:
    """Its author while it is a draft, a lead or an admin edits an article."""
    at = resolve_now(now)
    article = _load_article(uow, actor, article_id)
    access.require_edit_knowledge(actor, article.author_id, article.status)
    article.title, article.body = _check_text(
        article.title if title is None else title, article.body if body is None else body)
    article.updated_at = at
    _audit(uow, "article_edited", actor, at, article)
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
    _audit(uow, "article_published", actor, at, article)
    return article


def unpublish_article(
    uow: UnitOfWork, actor: User, article_id: int, now: datetime | None = None
) -> KnowledgeArticle:
    """A lead takes an article back to draft: no longer suggested, kept for editing."""
    at = resolve_now(now)
    access.require_authority(actor)
    article = _load_article(uow, actor, article_id)
    if article.status == ArticleStatus.DRAFT:
        raise Conflict("This article is a draft already.")
    article.status, article.updated_at = ArticleStatus.DRAFT, at
    _audit(uow, "article_unpublished", actor, at, article)
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
    _audit(uow, "reply_written", actor, at, reply)
    return reply


def edit_prepared_reply(
    uow: UnitOfWork,
    actor: User,
    reply_id: int,
    title: str | None = None,
    body: str | None = None,
    tags: Sequence[str] | None = None,
) -> PreparedReply:
    reply = _load_reply(uow, actor, reply_id)
    access.require_edit_knowledge(actor, reply.author_id, reply.status)
    reply.title, reply.body = _check_text(
        reply.title if title is None else title, reply.body if body is None else body)
    if tags is not None:
        reply.tags = _tags(tags)
    _audit(uow, "reply_edited", actor, None, reply)
    return reply


def publish_prepared_reply(uow: UnitOfWork, actor: User, reply_id: int) -> PreparedReply:
    """A lead makes a prepared reply available in every case's composer."""
    access.require_authority(actor)
    reply = _load_reply(uow, actor, reply_id)
    if reply.status == ArticleStatus.PUBLISHED:
        raise Conflict("This prepared reply is already published.")
    reply.status = ArticleStatus.PUBLISHED
    _audit(uow, "reply_published", actor, None, reply)
    return reply


def unpublish_prepared_reply(uow: UnitOfWork, actor: User, reply_id: int) -> PreparedReply:
    access.require_authority(actor)
    reply = _load_reply(uow, actor, reply_id)
    if reply.status == ArticleStatus.DRAFT:
        raise Conflict("This prepared reply is a draft already.")
    reply.status = ArticleStatus.DRAFT
    _audit(uow, "reply_unpublished", actor, None, reply)
    return reply


def _audit(uow: UnitOfWork, action: str, actor: User, at: datetime | None,
           item: KnowledgeArticle | PreparedReply) -> None:
    """What the whole desk relies on changed: who, when, which item (its title as it is
    now). Kept in the desk-wide trail beside accounts (`account_audit`)."""
    key = "article_id" if isinstance(item, KnowledgeArticle) else "reply_id"
    record_account(uow, action, actor, now=at, title=item.title, status=item.status.value,
                   **{key: item.id})


def _load_reply(uow: UnitOfWork, actor: User, reply_id: int) -> PreparedReply:
    access.require_staff(actor)
    reply = uow.get(PreparedReply, reply_id)
    if reply is None:
        raise NotFound(f"No prepared reply with id {reply_id}.", {"reply_id": reply_id})
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
