"""The page behind the "is this message yours?" link (`channels/claim_links.py`).

    GET  /contact/confirm/{token}   what the message is, and a "Yes, it's mine" button
    POST /contact/confirm/{token}   the case joins the customer's record (their portal)

Opening the link only shows the page, so a mail scanner that fetches every link changes
nothing; the POST carries the public pages' CSRF token. A forged or altered link is a
404 page, an expired one a 400 page; neither says anything about any case.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.channels.claim_links import read_token
from frontliner.desk import contact_claims
from frontliner.desk.errors import NotFound
from frontliner.desk.model import Case, ContactClaim
from frontliner.web.public.security import client_ip, csrf_ok, csrf_token, harden
from frontliner.web.public.templating import templates

router = APIRouter(include_in_schema=False)
PROBLEMS = {"expired": (400, "This link has expired"),
            "invalid": (404, "This link does not work")}


def _page(request: Request, token: str, status: int = 200, **context: object) -> Response:
    return harden(templates.TemplateResponse(
        request, "public/contact_confirm.html",
        {"token": token, "csrf_token": csrf_token(request), "error": "", **context},
        status_code=status))


def _claim(request: Request, token: str) -> tuple[ContactClaim, Case] | Response:
    found = read_token(token, request.app.state.settings)
    if isinstance(found, str):
        status, title = PROBLEMS[found]
        return _page(request, token, status, problem=title, expired=found == "expired")
    with request.app.state.uow_factory() as uow:
        claim = uow.get(ContactClaim, found)
        case = uow.get(Case, claim.case_id) if claim is not None else None
        if claim is None or case is None:
            status, title = PROBLEMS["invalid"]
            return _page(request, token, status, problem=title, expired=False)
        return claim, case


@router.get("/contact/confirm/{token}", name="contact_claim")
def contact_claim(request: Request, token: str) -> Response:
    found = _claim(request, token)
    if isinstance(found, Response):
        return found
    claim, case = found
    return _page(request, token, ref=case.ref, nature=case.nature,
                 done=claim.confirmed_at is not None)


@router.post("/contact/confirm/{token}", name="contact_claim_confirm")
def contact_claim_confirm(request: Request, token: str,
                          csrf: Annotated[str, Form(alias="csrf_token")] = "") -> Response:
    found = _claim(request, token)
    if isinstance(found, Response):
        return found
    claim, case = found
    state = request.app.state
    if not state.rate_limiter.hit(state.settings.chat_rate_limit, "claim", client_ip(request)):
        return _page(request, token, 429, ref=case.ref, nature=case.nature, done=False,
                     error="That was many answers in a short time; please wait a minute.")
    if not csrf_ok(request, csrf):
        return _page(request, token, 403, ref=case.ref, nature=case.nature, done=False,
                     error="This page had expired, so nothing was changed. Please press "
                           "the button again.")
    with state.uow_factory() as uow:
        try:
            assert claim.id is not None
            contact_claims.confirm_claim(uow, claim.id)
        except NotFound:
            status, title = PROBLEMS["invalid"]
            return _page(request, token, status, problem=title, expired=False)
        uow.commit()
    return harden(RedirectResponse(f"/contact/confirm/{token}", status_code=303))
