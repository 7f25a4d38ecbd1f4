"""Knowledge pages (all staff): articles at /knowledge, prepared replies at
/knowledge/replies. Anyone drafts and edits their own drafts; a lead edits any and
publishes or unpublishes them (the desk decides: `desk/knowledge.py`, `access.py`).

Lists are searched and keyset-paginated (`queries.list_articles`, `list_prepared_replies`).
Article text is Markdown rendered by markdown-it with raw HTML off and cleaned by nh3
(`web/policy_text.py`); prepared replies are shown as plain, escaped text, as they go
into the composer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.desk import access, knowledge
from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.model import ArticleStatus, KnowledgeArticle, PreparedReply, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store import lead_queries, queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.errors import PageError
from frontliner.web.pages.lead import flash
from frontliner.web.pages.templating import render
from frontliner.web.policy_text import safe_policy
from frontliner.web.schemas.bounds import Id

router = APIRouter(prefix="/knowledge")

PAGE_SIZE = 25
Text = Annotated[str, Form(max_length=50_000)]
Title = Annotated[str, Form(max_length=500)]
Search = Annotated[str, Query(max_length=200)]
Cursor = Annotated[str | None, Query(max_length=500)]
StatusQuery = Annotated[str, Query(pattern="^(|draft|published)$")]
_REFUSED = (Invalid, Conflict, Forbidden)


def _done(request: Request, path: str, message: str) -> Response:
    request.session["flash"] = message
    return RedirectResponse(path, status_code=303)


def _status(raw: str) -> ArticleStatus | None:
    return ArticleStatus(raw) if raw else None


def _editable(user: User, item: KnowledgeArticle | PreparedReply) -> bool:
    return access.can_edit_knowledge(user, item.author_id, item.status)


# --- prepared replies (declared first: /knowledge/replies is not an article id) -----------


@router.get("/replies")
def replies(request: Request, user: StaffPageUser, uow: UowDep, q: Search = "",
            status: StatusQuery = "", cursor: Cursor = None) -> Response:
    found = queries.list_prepared_replies(session_of(uow), q or None, None, cursor,
                                          PAGE_SIZE, _status(status))
    return _list(request, uow, "replies", found, q, status)


@router.get("/replies/new")
def new_reply(request: Request, user: StaffPageUser) -> Response:
    return _form(request, "replies", None, {})


@router.post("/replies")
def add_reply(request: Request, user: StaffPageUser, uow: UowDep, title: Title = "",
              body: Text = "", tags: Annotated[str, Form(max_length=1_000)] = "") -> Response:
    typed = {"title": title, "body": body, "tags": tags}
    try:
        reply = knowledge.add_prepared_reply(uow, user, title, body, _tags(tags))
        uow.commit()
    except _REFUSED as refused:
        uow.rollback()
        return _form(request, "replies", None, typed, refused)
    return _done(request, f"/knowledge/replies/{reply.id}",
                 "Your prepared reply is saved as a draft; a lead publishes it.")


@router.get("/replies/{reply_id}")
def reply_page(request: Request, reply_id: Id, user: StaffPageUser, uow: UowDep) -> Response:
    return _show(request, uow, user, "replies", _reply(uow, reply_id))


@router.get("/replies/{reply_id}/edit")
def edit_reply_form(request: Request, reply_id: Id, user: StaffPageUser,
                    uow: UowDep) -> Response:
    reply = _reply(uow, reply_id)
    typed = {"title": reply.title, "body": reply.body, "tags": ", ".join(reply.tags)}
    return _form(request, "replies", reply, typed)


@router.post("/replies/{reply_id}/edit")
def edit_reply(request: Request, reply_id: Id, user: StaffPageUser, uow: UowDep,
               title: Title = "", body: Text = "",
               tags: Annotated[str, Form(max_length=1_000)] = "") -> Response:
    typed = {"title": title, "body": body, "tags": tags}
    try:
        knowledge.edit_prepared_reply(uow, user, reply_id, title, body, _tags(tags))
        uow.commit()
    except _REFUSED as refused:
        uow.rollback()
        return _form(request, "replies", _reply(uow, reply_id), typed, refused)
    return _done(request, f"/knowledge/replies/{reply_id}", "Saved.")


@router.post("/replies/{reply_id}/{action}")
def publish_reply(request: Request, reply_id: Id, action: str, user: StaffPageUser,
                  uow: UowDep) -> Response:
    operation = {"publish": knowledge.publish_prepared_reply,
                 "unpublish": knowledge.unpublish_prepared_reply}.get(action)
    if operation is None:
        raise PageError(404, "There is no such action.")
    try:
        operation(uow, user, reply_id)
        uow.commit()
    except _REFUSED as refused:
        uow.rollback()
        return _show(request, uow, user, "replies", _reply(uow, reply_id), refused)
    said = ("Published: agents can put it into their replies." if action == "publish"
            else "Back to draft: no longer offered on cases.")
    return _done(request, f"/knowledge/replies/{reply_id}", said)


# --- articles ------------------------------------------------------------------------------


@router.get("")
def articles(request: Request, user: StaffPageUser, uow: UowDep, q: Search = "",
             status: StatusQuery = "", cursor: Cursor = None) -> Response:
    found = queries.list_articles(session_of(uow), q or None, _status(status), cursor,
                                  PAGE_SIZE)
    return _list(request, uow, "articles", found, q, status)


@router.get("/new")
def new_article(request: Request, user: StaffPageUser) -> Response:
    return _form(request, "articles", None, {})


@router.post("")
def write_article(request: Request, user: StaffPageUser, uow: UowDep, title: Title = "",
                  body: Text = "") -> Response:
    typed = {"title": title, "body": body}
    try:
        article = knowledge.write_article(uow, user, title, body)
        uow.commit()
    except _REFUSED as refused:
        uow.rollback()
        return _form(request, "articles", None, typed, refused)
    return _done(request, f"/knowledge/{article.id}",
                 "Your article is saved as a draft; a lead publishes it.")


@router.get("/{article_id}")
def article_page(request: Request, article_id: Id, user: StaffPageUser,
                 uow: UowDep) -> Response:
    return _show(request, uow, user, "articles", _article(uow, article_id))


@router.get("/{article_id}/edit")
def edit_article_form(request: Request, article_id: Id, user: StaffPageUser,
                      uow: UowDep) -> Response:
    article = _article(uow, article_id)
    return _form(request, "articles", article, {"title": article.title, "body": article.body})


@router.post("/{article_id}/edit")
def edit_article(request: Request, article_id: Id, user: StaffPageUser, uow: UowDep,
                 title: Title = "", body: Text = "") -> Response:
    try:
        knowledge.edit_article(uow, user, article_id, title, body)
        uow.commit()
    except _REFUSED as refused:
        uow.rollback()
        typed = {"title": title, "body": body}
        return _form(request, "articles", _article(uow, article_id), typed, refused)
    return _done(request, f"/knowledge/{article_id}", "Saved.")


@router.post("/{article_id}/{action}")
def publish_article(request: Request, article_id: Id, action: str, user: StaffPageUser,
                    uow: UowDep) -> Response:
    operation = {"publish": knowledge.publish_article,
                 "unpublish": knowledge.unpublish_article}.get(action)
    if operation is None:
        raise PageError(404, "There is no such action.")
    try:
        operation(uow, user, article_id)
        uow.commit()
    except _REFUSED as refused:
        uow.rollback()
        return _show(request, uow, user, "articles", _article(uow, article_id), refused)
    said = ("Published: it is suggested on cases about this problem." if action == "publish"
            else "Back to draft: no longer suggested on cases.")
    return _done(request, f"/knowledge/{article_id}", said)


# --- shared --------------------------------------------------------------------------------


def _article(uow: UnitOfWork, article_id: int) -> KnowledgeArticle:
    found = uow.get(KnowledgeArticle, article_id)
    if found is None:
        raise PageError(404, "There is no such knowledge article.")
    return found


def _reply(uow: UnitOfWork, reply_id: int) -> PreparedReply:
    found = uow.get(PreparedReply, reply_id)
    if found is None:
        raise PageError(404, "There is no such prepared reply.")
    return found


def _tags(raw: str) -> list[str]:
    return [t for t in (part.strip() for part in raw.split(",")) if t][:30]


def _list(request: Request, uow: UnitOfWork, kind: str, found: Any, q: str,
          status: str) -> Response:
    names = lead_queries.names_of(session_of(uow), [i.author_id for i in found.items])
    context = {"kind": kind, "rows": found.items, "next_cursor": found.next_cursor, "q": q,
               "status": status, "names": names, "done": flash(request)}
    return render(request, "knowledge/list.html", context)


def _show(request: Request, uow: UnitOfWork, user: User, kind: str,
          item: KnowledgeArticle | PreparedReply, refused: Exception | None = None) -> Response:
    names = lead_queries.names_of(session_of(uow), [item.author_id])
    html = safe_policy(item.body) if kind == "articles" else None
    context = {"kind": kind, "item": item, "html": html, "author": names.get(item.author_id),
               "editable": _editable(user, item), "is_lead": access.has_authority(user),
               "done": flash(request), "problem": getattr(refused, "message", "")}
    return render(request, "knowledge/item.html", context,
                  status_code=200 if refused is None else _code(refused))


def _form(request: Request, kind: str, item: KnowledgeArticle | PreparedReply | None,
          typed: dict[str, str], refused: Exception | None = None) -> Response:
    fields = getattr(refused, "fields", None) or {}
    context = {"kind": kind, "item": item, "typed": typed, "fields": fields,
               "problem": getattr(refused, "message", "")}
    return render(request, "knowledge/form.html", context,
                  status_code=200 if refused is None else _code(refused))


def _code(refused: Exception) -> int:
    codes: dict[type[Exception], int] = {Forbidden: 403, Conflict: 409}
    return codes.get(type(refused), 422)
