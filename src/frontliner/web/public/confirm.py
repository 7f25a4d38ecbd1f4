"""The pages behind the links in "is it solved?" mail: `/confirm/{token}` and friends.

Opening a link (GET) only shows a page, so a mail scanner that fetches every link changes
nothing; the customer's answer is a POST from that page, protected by the public pages'
CSRF token. The token in the path vouches for one case and one customer
(`channels.confirm_links`); the desk's `customer_answers` operations take exactly that
pair. A forged or altered link is a 404 page, an expired one a 400 page; both say how to
get a new one and show nothing about any case.

    GET  /confirm/{token}           the question (or where the case stands now)
    POST /confirm/{token}/yes       "Yes, it's solved" -> the case resolves -> rating
    GET  /confirm/{token}/not-yet   "Not yet": what is still wrong?
    POST /confirm/{token}/not-yet   the case reopens for its owner, the words are kept
    POST /confirm/{token}/rate      1..5 and a comment, once
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.channels.confirm_links import ConfirmLinks, LinkPass, LinkProblem
from frontliner.desk import customer_answers
from frontliner.desk.closing import MAX_COMMENT
from frontliner.desk.customer_answers import AnswerVia
from frontliner.desk.errors import Conflict, Invalid, NotFound
from frontliner.desk.interactions import MAX_BODY
from frontliner.desk.model import Case, CaseStatus, User
from frontliner.desk.ports import UnitOfWork
from frontliner.web.public.security import client_ip, csrf_ok, csrf_token, harden
from frontliner.web.public.templating import templates

router = APIRouter(include_in_schema=False)
T = TypeVar("T")

NOTICE = "confirm_notice"  # a one-time "thank you" shown after a POST
VIA = AnswerVia.EMAIL_LINK
SCORES = [(5, "5 - excellent"), (4, "4 - good"), (3, "3 - fair"), (2, "2 - poor"),
          (1, "1 - very poor")]
UNRESOLVED_WORDS = {
    CaseStatus.NEW: "received, and its owner is taking it on",
    CaseStatus.OPEN: "being worked on",
    CaseStatus.WAITING_ON_CUSTOMER: "waiting for a reply from you",
    CaseStatus.ESCALATED: "with a specialist, and its owner keeps you posted",
}
LINK_PROBLEMS = {
    LinkProblem.EXPIRED: (400, "This link has expired"),
    LinkProblem.INVALID: (404, "This link does not work"),
}


def _pass(request: Request, token: str) -> LinkPass | LinkProblem:
    links: ConfirmLinks = ConfirmLinks.from_settings(request.app.state.settings)
    return links.read(token)


def _with_case(request: Request, token: str,
               work: Callable[[UnitOfWork, Case, LinkPass], T]) -> T | Response:
    """Run `work` on the link's case in one unit of work; the link-problem page when the
    link is bad or its case is gone (the same page: nothing is told about other cases)."""
    found = _pass(request, token)
    if isinstance(found, LinkProblem):
        return _problem(request, found)
    with request.app.state.uow_factory() as uow:
        try:
            case = customer_answers.customers_case(uow, found.case_id, found.customer_id)
        except NotFound:
            return _problem(request, LinkProblem.INVALID)
        return work(uow, case, found)


def _problem(request: Request, problem: LinkProblem) -> Response:
    status, title = LINK_PROBLEMS[problem]
    return harden(templates.TemplateResponse(
        request, "public/confirm_problem.html",
        {"title": title, "expired": problem == LinkProblem.EXPIRED}, status_code=status))


def _page(request: Request, uow: UnitOfWork, case: Case, token: str, view: str,
          status: int = 200, **extra: Any) -> Response:
    owner = uow.get(User, case.owner_id) if case.owner_id is not None else None
    rating = customer_answers.rating_of(uow, case)
    notice = request.session.pop(NOTICE, None)
    context = {
        "view": view, "token": token, "ref": case.ref, "nature": case.nature,
        "owner": owner.name if owner is not None else "", "status": case.status.value,
        "working": UNRESOLVED_WORDS.get(case.status, ""), "rating": rating,
        "scores": SCORES, "max_comment": MAX_COMMENT, "max_note": MAX_BODY,
        "notice": notice if isinstance(notice, str) else "", "csrf_token": csrf_token(request),
        "error": "", "values": {}, **extra,
    }
    return harden(templates.TemplateResponse(request, "public/confirm.html", context,
                                             status_code=status))


def _view_for(uow: UnitOfWork, case: Case) -> str:
    """Where the case stands, as the page to show for the plain link."""
    if case.status == CaseStatus.AWAITING_CONFIRMATION:
        return "question"
    if case.status in customer_answers.DONE:
        return "rated" if customer_answers.rating_of(uow, case) else "rate"
    return "working"


def _back(request: Request, token: str, path: str = "", notice: str = "") -> Response:
    if notice:
        request.session[NOTICE] = notice
    return harden(RedirectResponse(f"/confirm/{token}{path}", status_code=303))


def _refused(request: Request, form: dict[str, str]) -> tuple[int, str] | None:
    """A rate limit or a stale form stops a POST before it reaches the desk."""
    state = request.app.state
    rule = state.settings.chat_rate_limit
    if not state.rate_limiter.hit(rule, "confirm", client_ip(request)):
        return 429, "That was many answers in a short time; please wait a minute and try again."
    if not csrf_ok(request, form.get("csrf_token")):
        return 403, "This page had expired, so nothing was changed. Please press the button again."
    return None


@router.get("/confirm/{token}", name="confirm_question")
def confirm_question(request: Request, token: str) -> Response:
    return _with_case(request, token, lambda uow, case, _: _page(
        request, uow, case, token, _view_for(uow, case)))


@router.get("/confirm/{token}/not-yet", name="confirm_not_yet")
def confirm_not_yet(request: Request, token: str) -> Response:
    return _with_case(request, token, lambda uow, case, _: _page(
        request, uow, case, token, "not_yet"))


@router.post("/confirm/{token}/yes", name="confirm_yes")
def confirm_yes(request: Request, token: str,
                csrf: Annotated[str, Form(alias="csrf_token")] = "") -> Response:
    def answer(uow: UnitOfWork, case: Case, link: LinkPass) -> Response:
        refused = _refused(request, {"csrf_token": csrf})
        if refused is not None:
            return _page(request, uow, case, token, _view_for(uow, case), refused[0],
                         error=refused[1])
        try:
            customer_answers.customer_confirms(uow, link.case_id, link.customer_id, VIA)
            uow.commit()
        except Conflict:
            uow.rollback()
            return _back(request, token)  # the page says where the case stands now
        return _back(request, token, notice="Thank you for telling us: your case is solved.")

    return _with_case(request, token, answer)


@router.post("/confirm/{token}/not-yet", name="confirm_not_yet_send")
def confirm_not_yet_send(
    request: Request, token: str,
    csrf: Annotated[str, Form(alias="csrf_token")] = "",
    note: Annotated[str, Form(max_length=MAX_BODY)] = "",
) -> Response:
    def answer(uow: UnitOfWork, case: Case, link: LinkPass) -> Response:
        values = {"note": note}
        refused = _refused(request, {"csrf_token": csrf})
        if refused is not None:
            return _page(request, uow, case, token, "not_yet", refused[0], error=refused[1],
                         values=values)
        waiting = case.status == CaseStatus.AWAITING_CONFIRMATION
        if not waiting and not note.strip():
            return _page(request, uow, case, token, "not_yet", 422, values=values,
                         error="Please tell us what is still wrong.")
        customer_answers.customer_not_fixed(uow, link.case_id, link.customer_id, note, VIA)
        uow.commit()
        return _back(request, token, "/not-yet", notice=(
            "Thank you for telling us. Your case is open again, and its owner keeps "
            "working on it." if waiting else "Thank you: your words are on your case, "
            "and its owner has them."))

    return _with_case(request, token, answer)


@router.post("/confirm/{token}/rate", name="confirm_rate")
def confirm_rate(
    request: Request, token: str,
    csrf: Annotated[str, Form(alias="csrf_token")] = "",
    score: Annotated[str, Form(max_length=2)] = "",
    comment: Annotated[str, Form(max_length=MAX_COMMENT)] = "",
) -> Response:
    def answer(uow: UnitOfWork, case: Case, link: LinkPass) -> Response:
        values = {"score": score, "comment": comment}
        refused = _refused(request, {"csrf_token": csrf})
        if refused is not None:
            return _page(request, uow, case, token, _view_for(uow, case), refused[0],
                         error=refused[1], values=values)
        try:
            customer_answers.customer_rates(uow, link.case_id, link.customer_id,
                                            int(score) if score.isdigit() else 0, comment, VIA)
            uow.commit()
        except Invalid as bad:
            uow.rollback()
            return _page(request, uow, case, token, "rate", 422, values=values,
                         error="Please choose a rating from 1 to 5." if "score" in bad.fields
                         else bad.message)
        except Conflict:
            uow.rollback()
            return _back(request, token)
        return _back(request, token, notice="Thank you for your rating.")

    return _with_case(request, token, answer)
