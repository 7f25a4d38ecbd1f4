"""The case page: everything an agent needs to solve the case here and now, or pass it on
properly. Read-only; the forms on it post to `case_actions.py` and `composer.py`.

`render_case` is shared by the GET and by every form that fails: a refused form is shown
again on the page with its message and everything the agent typed (`values`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from frontliner.coach import Report
from frontliner.desk import access, contact_claims
from frontliner.desk.clock import start_of_day
from frontliner.desk.empowerment import limits_for
from frontliner.desk.model import (
    Case,
    CaseStatus,
    Customer,
    Direction,
    EmpowermentProfile,
    Fire,
    KnowledgeArticle,
    PreparedReply,
    RemedyKind,
    User,
)
from frontliner.desk.ports import UnitOfWork
from frontliner.store import lead_queries, live_queries, queries
from frontliner.store.held_queries import held_of_case
from frontliner.web.abuse_scene import abuse_context
from frontliner.web.api.attachments import files_of_case
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.coaching import (
    MONEY_KINDS,
    check_draft,
    coach_errors_policy,
    remedy_offers,
)
from frontliner.web.pages.drafts import Shown, shown_findings, underline
from frontliner.web.pages.errors import PageError
from frontliner.web.pages.templating import render
from frontliner.web.pages.workspace import sidenav

router = APIRouter()

FLASH = "flash"
TIMELINE_ITEMS = 30
SUGGESTIONS = 3
_WORD = re.compile(r"[A-Za-zÀ-ÿ]{5,}")
_STOP = frozenset({"about", "after", "again", "their", "there", "these", "which", "would",
                   "could", "never", "still", "since", "other", "where", "being"})


@dataclass(frozen=True)
class Empowerment:
    profile: EmpowermentProfile
    per_case_left: int
    per_day_left: int

    @property
    def money_left(self) -> int:
        return max(0, min(self.per_case_left, self.per_day_left))


def empowerment_of(uow: UnitOfWork, user: User, case: Case, now: datetime) -> Empowerment:
    assert case.id is not None and user.id is not None
    profile = limits_for(uow, user)
    on_case = uow.money_given_on_case(case.id)
    today = uow.money_given_since(user.id, start_of_day(now))
    return Empowerment(profile, max(0, profile.money_per_case - on_case),
                       max(0, profile.money_per_day - today))


def keywords(text: str) -> list[str]:
    """The distinctive words of a problem, to look up articles and prepared replies."""
    seen: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in _STOP and word not in seen:
            seen.append(word)
    return sorted(seen, key=len, reverse=True)[:4]


def knowledge_for(session: Session, case: Case) -> tuple[list[KnowledgeArticle],
                                                        list[PreparedReply]]:
    """A few published articles and prepared replies matching the case's words."""
    words = [*([case.category] if case.category else []), *keywords(case.nature)]
    return queries.suggestions(session, words, SUGGESTIONS)


def staff_choices(session: Session) -> list[lead_queries.Colleague]:
    """Colleagues to hand over or escalate to (bounded: the first 100 active ones)."""
    return lead_queries.colleagues(session, per_role=50)


def last_customer_message(detail: queries.CaseDetail) -> str | None:
    inbound = [m for m in detail.interactions if m.direction == Direction.INBOUND]
    return inbound[-1].body if inbound else None


@dataclass(frozen=True)
class CoachView:
    draft: str
    shown: list[Shown]
    score: int | None
    errors: list[str]  # rule ids of error-level findings

    @property
    def marked(self) -> Any:
        return underline(self.draft, self.shown)


def coach_view(draft: str, report: Report | None) -> CoachView:
    if report is None:
        return CoachView(draft, [], None, [])
    shown = shown_findings(report.findings, draft)
    errors = sorted({s.finding.rule for s in shown if s.is_error})
    return CoachView(draft, shown, report.score, errors)


@dataclass(frozen=True)
class CaseScene:
    """What the case page and the composer need, loaded once per request."""

    case: Case
    detail: queries.CaseDetail
    empowerment: Empowerment
    offers: list[str]
    articles: list[KnowledgeArticle]
    replies: list[PreparedReply]
    customer_message: str | None

    def check(self, session: Session, draft: str) -> CoachView:
        if not draft.strip():
            return coach_view(draft, None)
        report = check_draft(session, draft, self.customer_message, self.offers,
                             [a.title for a in self.articles])
        return coach_view(draft, report)


def load_scene(request: Request, uow: UnitOfWork, user: User, ref: str) -> CaseScene:
    case = access.load_case_by_ref(uow, user, ref)  # 404 unless this user may see it
    session = session_of(uow)
    detail = queries.case_detail(session, ref)
    if detail is None:
        raise PageError(404, f"There is no case {ref}.")
    power = empowerment_of(uow, user, case, datetime.now(UTC))
    articles, replies = knowledge_for(session, case)
    currency: str = request.app.state.settings.currency
    offers = remedy_offers(power.profile, power.money_left, currency)
    return CaseScene(case, detail, power, offers, articles, replies,
                     last_customer_message(detail))


def render_case(
    request: Request,
    uow: UnitOfWork,
    user: User,
    ref: str,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    scene = load_scene(request, uow, user, ref)
    session = session_of(uow)
    case = scene.case
    assert case.id is not None
    values = values or {}
    draft = str(values.get("body", ""))
    timeline = queries.customer_timeline(session, case.customer_id, limit=TIMELINE_ITEMS)
    authors = lead_queries.names_of(session, [m.author_id for m in scene.detail.interactions])
    context = {
        "authors": authors,
        "sidenav": sidenav(session, user),
        "hand_back": live_queries.last_hand_back(session, case.id, case.owner_id),
        "case": case,
        "d": scene.detail,
        "timeline": timeline.items,
        "timeline_more": timeline.next_cursor is not None,
        "power": scene.empowerment,
        "currency": request.app.state.settings.currency,
        "remedy_kinds": list(RemedyKind),
        "money_kinds": {k.value for k in MONEY_KINDS},
        "articles": scene.articles,
        "replies": scene.replies,
        "fire": session.get(Fire, case.fire_id) if case.fire_id else None,
        "staff": [u for u in staff_choices(session) if u.id != user.id],
        "coach": scene.check(session, draft) if draft else coach_view("", None),
        "coach_policy": coach_errors_policy(session).value,
        "values": values,
        "errors": errors or {},
        "flash": request.session.pop(FLASH, None),
        "is_owner": case.owner_id == user.id,
        "works_case": access.works_case(user, case),
        "unresolved": case.status in access.UNRESOLVED,
        "awaiting": case.status == CaseStatus.AWAITING_CONFIRMATION,
        "recorded_by": lead_queries.names_of(session, [case.confirmation_recorded_by_id]),
        "held": held_of_case(session, case.id, waiting_only=True),
        "claim": _claim_view(uow, case),
        "files": files_of_case(session.connection(), case.id),
        **abuse_context(uow, user, case, scene.detail.interactions),
    }
    return render(request, "agent/case.html", context, status_code=status_code)


def _claim_view(uow: UnitOfWork, case: Case) -> dict[str, Any] | None:
    """The customer the case's address belongs to while it waits to be confirmed."""
    assert case.id is not None
    claim = contact_claims.claim_of_case(uow, case.id)
    if claim is None or claim.confirmed_at is not None:
        return None
    holder = uow.get(Customer, claim.customer_id)
    return {"email": claim.email, "name": holder.name if holder else "", "at": claim.created_at}


@router.get("/work/cases/{ref}")
def case_page(request: Request, ref: str, user: StaffPageUser, uow: UowDep) -> Response:
    return render_case(request, uow, user, ref)
