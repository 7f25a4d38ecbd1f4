"""Knowledge articles and prepared replies, with search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from frontliner.desk import knowledge
from frontliner.desk.errors import NotFound
from frontliner.desk.model import ArticleStatus, KnowledgeArticle, PreparedReply
from frontliner.store import queries
from frontliner.web.deps import CurrentUser, PageDep, StaffUser, UowDep
from frontliner.web.lookup import case_for, case_id, render, render_page, session_of
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import ERRORS, PageOut
from frontliner.web.schemas.knowledge import (
    ArticleEditIn,
    ArticleIn,
    ArticleOut,
    ReplyEditIn,
    ReplyIn,
    ReplyOut,
)

router = APIRouter(tags=["knowledge"], responses=ERRORS)
Search = Annotated[str | None, Query(max_length=200, description="words in title or text")]


@router.get(
    "/articles",
    response_model=PageOut[ArticleOut],
    summary="Knowledge articles, newest first (staff)",
)
def list_articles(
    user: StaffUser,
    uow: UowDep,
    page: PageDep,
    q: Search = None,
    status: ArticleStatus | None = None,
) -> Any:
    found = queries.list_articles(session_of(uow), q, status, page.cursor, page.limit)
    return render_page(found, ArticleOut)


@router.post("/articles", response_model=ArticleOut, status_code=201, summary="Write a draft")
def write_article(body: ArticleIn, user: CurrentUser, uow: UowDep) -> Any:
    source = (
        None if body.source_case_ref is None else case_id(case_for(uow, user, body.source_case_ref))
    )
    article = knowledge.write_article(uow, user, body.title, body.body, source)
    uow.commit()
    return render(ArticleOut, article)


@router.get("/articles/{article_id}", response_model=ArticleOut, summary="One article (staff)")
def get_article(article_id: Id, user: StaffUser, uow: UowDep) -> Any:
    article = uow.get(KnowledgeArticle, article_id)
    if article is None:
        raise NotFound(f"No knowledge article with id {article_id}.", {"article_id": article_id})
    return render(ArticleOut, article)


@router.patch(
    "/articles/{article_id}", response_model=ArticleOut,
    summary="Edit (its author while a draft, or a lead)",
)
def edit_article(article_id: Id, body: ArticleEditIn, user: CurrentUser, uow: UowDep) -> Any:
    article = knowledge.edit_article(uow, user, article_id, body.title, body.body)
    uow.commit()
    return render(ArticleOut, article)


@router.post("/articles/{article_id}/publish", response_model=ArticleOut, summary="Publish (lead)")
def publish(article_id: Id, user: CurrentUser, uow: UowDep) -> Any:
    article = knowledge.publish_article(uow, user, article_id)
    uow.commit()
    return render(ArticleOut, article)


@router.post(
    "/articles/{article_id}/unpublish", response_model=ArticleOut,
    summary="Back to draft: no longer suggested (lead)",
)
def unpublish(article_id: Id, user: CurrentUser, uow: UowDep) -> Any:
    article = knowledge.unpublish_article(uow, user, article_id)
    uow.commit()
    return render(ArticleOut, article)


@router.get(
    "/prepared-replies",
    response_model=PageOut[ReplyOut],
    summary="Prepared replies, newest first (staff)",
)
def list_replies(
    user: StaffUser,
    uow: UowDep,
    page: PageDep,
    q: Search = None,
    tag: Annotated[str | None, Query(max_length=60)] = None,
    status: ArticleStatus | None = None,
) -> Any:
    found = queries.list_prepared_replies(session_of(uow), q, tag, page.cursor, page.limit,
                                          status)
    return render_page(found, ReplyOut)


@router.get(
    "/prepared-replies/{reply_id}", response_model=ReplyOut, summary="One prepared reply (staff)"
)
def get_reply(reply_id: Id, user: StaffUser, uow: UowDep) -> Any:
    reply = uow.get(PreparedReply, reply_id)
    if reply is None:
        raise NotFound(f"No prepared reply with id {reply_id}.", {"reply_id": reply_id})
    return render(ReplyOut, reply)


@router.post(
    "/prepared-replies", response_model=ReplyOut, status_code=201, summary="Add a prepared reply"
)
def add_reply(body: ReplyIn, user: CurrentUser, uow: UowDep) -> Any:
    reply = knowledge.add_prepared_reply(uow, user, body.title, body.body, body.tags)
    uow.commit()
    return render(ReplyOut, reply)


@router.patch(
    "/prepared-replies/{reply_id}",
    response_model=ReplyOut,
    summary="Edit a prepared reply (its author while a draft, or a lead)",
)
def edit_reply(reply_id: Id, body: ReplyEditIn, user: CurrentUser, uow: UowDep) -> Any:
    reply = knowledge.edit_prepared_reply(uow, user, reply_id, body.title, body.body, body.tags)
    uow.commit()
    return render(ReplyOut, reply)


@router.post(
    "/prepared-replies/{reply_id}/publish", response_model=ReplyOut,
    summary="Publish: offered in every case's composer (lead)",
)
def publish_reply(reply_id: Id, user: CurrentUser, uow: UowDep) -> Any:
    reply = knowledge.publish_prepared_reply(uow, user, reply_id)
    uow.commit()
    return render(ReplyOut, reply)


@router.post(
    "/prepared-replies/{reply_id}/unpublish", response_model=ReplyOut,
    summary="Back to draft: no longer offered (lead)",
)
def unpublish_reply(reply_id: Id, user: CurrentUser, uow: UowDep) -> Any:
    reply = knowledge.unpublish_prepared_reply(uow, user, reply_id)
    uow.commit()
    return render(ReplyOut, reply)
