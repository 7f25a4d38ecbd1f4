"""Reply review in the lead console: the queue (`/lead/reviews`: a period's lowest scores
and a reproducible random sample, by team and dates), one reply's review form
(`/lead/reviews/{id}`: agree or disagree with each finding, add one the coach missed by
selecting words of the reply or taking the whole reply) and the export downloads.

The form needs no script: a finding's words may be typed; `static/js/review_span.js`
only fills them (and their position) from a selection in the reply's text.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from frontliner.desk import reply_review
from frontliner.desk.desk_coach import COACH_RULES, coach_for
from frontliner.desk.errors import Invalid
from frontliner.desk.model import SentFinding, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store import account_queries, review_queries
from frontliner.store.review_queries import ReplyDetail
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import LeadPageUser
from frontliner.web.pages.case_actions import form_values
from frontliner.web.pages.lead import console, done, flash
from frontliner.web.pages.templating import render
from frontliner.web.review_scene import detail_for, export_response, period_of

router = APIRouter(prefix="/lead/reviews")
TeamQuery = Annotated[str | None, Query(max_length=20)]  # the form sends "" for every team
DayQuery = Annotated[date | None, Query()]


@router.get("")
def queue(request: Request, user: LeadPageUser, uow: UowDep, team: TeamQuery = None,
          first: DayQuery = None, last: DayQuery = None) -> Response:
    session = session_of(uow)
    team_id = team_of(team)
    found = review_queries.review_queue(session, period_of(first, last, team_id))
    context = {**console(uow, user, "reviews"), "queue": found, "done": flash(request),
               "teams": account_queries.all_teams(session), "team": team_id}
    return render(request, "lead/reviews.html", context)


@router.get("/export.jsonl")
def export_jsonl(request: Request, user: LeadPageUser, team: TeamQuery = None) -> Response:
    return export_response(request, "jsonl", team_of(team), None)


@router.get("/export.csv")
def export_csv(request: Request, user: LeadPageUser, team: TeamQuery = None) -> StreamingResponse:
    return export_response(request, "csv", team_of(team), None)


def team_of(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise Invalid(f"{value!r} is not a team.", {"team": "a team's id"})
    return int(value)


def _review_page(request: Request, uow: UnitOfWork, user: User, sent_reply_id: int,
                 typed: dict[str, Any] | None = None, problem: Invalid | None = None,
                 status_code: int = 200) -> Response:
    session = session_of(uow)
    found = detail_for(session, user, sent_reply_id)
    rules = sorted(coach_for(uow.setting(COACH_RULES)).specs)
    context = {**console(uow, user, "reviews"), "reply": found, "rules": rules,
               "typed": typed if typed is not None else _typed_from(found),
               "problem": problem, "done": flash(request)}
    return render(request, "lead/review.html", context, status_code=status_code)


def _typed_from(found: ReplyDetail) -> dict[str, Any]:
    """The form as the saved review fills it (empty before the first review)."""
    review = found.review
    if review is None:
        return {"note": "", "missed": []}
    verdicts = {f"verdict_{v['finding_id']}": "agree" if v["agree"] else "disagree"
                for v in review.verdicts}
    return {**verdicts, "note": review.note, "missed": list(review.missed)}


@router.get("/{sent_reply_id}")
def review_form(request: Request, sent_reply_id: int, user: LeadPageUser,
                uow: UowDep) -> Response:
    return _review_page(request, uow, user, sent_reply_id)


@router.post("/{sent_reply_id}")
async def save_review(request: Request, sent_reply_id: int, user: LeadPageUser,
                      uow: UowDep) -> Response:
    values = await form_values(request)
    found = detail_for(session_of(uow), user, sent_reply_id)
    kept = [str(v) for v in request_list(await request.form(), "keep_missed")]
    typed = {**values, "missed": [_missed_dict(k) for k in kept if _missed_dict(k)]}
    try:
        agree = verdicts_from(values, found.findings)
        missed = [reply_review.MissedFinding(**m) for m in typed["missed"]]
        added = added_finding(values, found.text)
        reply_review.review_reply(uow, user, sent_reply_id, agree,
                                  missed + ([added] if added else []),
                                  str(values.get("note", "")))
        uow.commit()
    except Invalid as refused:
        uow.rollback()
        return _review_page(request, uow, user, sent_reply_id, typed, refused, 422)
    return done(request, f"/lead/reviews/{sent_reply_id}", "Review saved.")


def request_list(form: Any, name: str) -> list[Any]:
    return list(form.getlist(name))


def _missed_dict(value: str) -> dict[str, Any] | None:
    """`rule:start:end` (a kept missed finding's checkbox) -> its parts, or None."""
    parts = value.split(":")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    return {"rule": parts[0], "start": int(parts[1]), "end": int(parts[2])}


def verdicts_from(values: dict[str, Any], findings: list[SentFinding]) -> dict[int, bool]:
    """Each finding's radio (`verdict_<id>`: agree / disagree); a missing one is left out
    (the desk says which still need a verdict)."""
    agree: dict[int, bool] = {}
    for finding in findings:
        choice = str(values.get(f"verdict_{finding.id}", ""))
        if choice in ("agree", "disagree"):
            agree[finding.id or 0] = choice == "agree"
    return agree


def added_finding(values: dict[str, Any], text: str) -> reply_review.MissedFinding | None:
    """The finding the reviewer adds, if any: a rule and either the whole reply or the
    words they selected (found at the position the page sent, else their first place)."""
    rule = str(values.get("missed_rule", "")).strip()
    if not rule:
        return None
    words = str(values.get("missed_words", ""))
    if values.get("missed_where") != "words" or not words.strip():
        return reply_review.MissedFinding(rule, 0, len(text))
    hint = str(values.get("missed_start", ""))
    start = int(hint) if hint.isdigit() else -1
    if start < 0 or text[start:start + len(words)] != words:
        start = text.find(words)
    if start < 0:
        raise Invalid("Those words are not in the reply: select them in its text, or copy "
                      "them exactly.", {"missed_words": "words of the reply"})
    return reply_review.MissedFinding(rule, start, start + len(words))
