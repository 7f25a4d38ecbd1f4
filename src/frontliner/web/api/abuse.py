"""The abuse policy flow: the policy (read by staff, written by leads), a case's abusive
messages, reporting one, ending the conversation over one, and the leads' list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from frontliner.desk import abuse
from frontliner.desk.model import AbuseAction
from frontliner.store import abuse_queries, queries
from frontliner.store.abuse_queries import PolicyView
from frontliner.web.abuse_scene import abuse_scene, reach_us
from frontliner.web.deps import LeadUser, PageDep, StaffUser, UowDep
from frontliner.web.lookup import case_for, case_id, render, session_of
from frontliner.web.policy_text import policy_html
from frontliner.web.schemas.abuse import (
    AbuseReportOut,
    AbuseReportRowOut,
    CaseAbuseOut,
    EndIn,
    PolicyIn,
    PolicyOut,
    ReportIn,
    row_out,
)
from frontliner.web.schemas.common import ERRORS, PageOut

router = APIRouter(tags=["abuse"], responses=ERRORS)


def _policy_out(view: PolicyView) -> dict[str, Any]:
    p = view.policy
    return {"id": p.id, "body": p.body, "html": policy_html(p.body), "written_at": p.written_at,
            "written_by_id": p.written_by_id, "written_by": view.written_by, "note": p.note,
            "shipped": view.shipped}


@router.get("/abuse-policy", response_model=PolicyOut, summary="The abuse policy in force")
def get_policy(user: StaffUser, uow: UowDep) -> Any:
    return _policy_out(abuse_queries.current_policy(session_of(uow)))


@router.put("/abuse-policy", response_model=PolicyOut,
            summary="Write a new version of the abuse policy (leads); earlier ones are kept")
def put_policy(body: PolicyIn, user: LeadUser, uow: UowDep) -> Any:
    abuse.update_policy(uow, user, body.body, body.note)
    uow.commit()
    return _policy_out(abuse_queries.current_policy(session_of(uow)))


@router.get("/abuse-policy/history", response_model=PageOut[PolicyOut],
            summary="Every version a lead wrote, newest first (leads)")
def policy_history(user: LeadUser, uow: UowDep, page: PageDep) -> Any:
    found = abuse_queries.policy_history(session_of(uow), page.cursor, page.limit)
    return {"items": [_policy_out(v) for v in found.items], "next_cursor": found.next_cursor}


@router.get("/abuse-reports", response_model=PageOut[AbuseReportRowOut],
            summary="Abuse reports and ended conversations, newest first (leads)")
def list_reports(user: LeadUser, uow: UowDep, page: PageDep,
                 action: AbuseAction | None = None) -> Any:
    found = abuse_queries.list_reports(session_of(uow), page.cursor, page.limit, action)
    return {"items": [row_out(r) for r in found.items], "next_cursor": found.next_cursor}


@router.get("/cases/{ref}/abuse", response_model=CaseAbuseOut,
            summary="A case's messages that count as abuse, and what you may do")
def case_abuse(ref: str, user: StaffUser, uow: UowDep) -> Any:
    case = case_for(uow, user, ref)
    detail = queries.case_detail(session_of(uow), ref)
    messages = detail.interactions if detail is not None else []
    scene = abuse_scene(uow, user, case, messages)
    flagged = [{**flag.__dict__, "reports": [render(AbuseReportOut, r) for r in flag.reports]}
               for flag in scene.flags.values()]
    return {"flagged": flagged, "reply_channel": scene.reply_channel, "kinds": list(abuse.KINDS),
            "ended": None if scene.ended is None else render(AbuseReportOut, scene.ended)}


@router.post("/cases/{ref}/abuse-reports", response_model=AbuseReportOut, status_code=201,
             summary="Report a customer's message as abuse: a kind and a reason")
def report(ref: str, body: ReportIn, user: StaffUser, uow: UowDep) -> Any:
    case = case_for(uow, user, ref)
    made = abuse.report_abuse(uow, user, case_id(case), body.interaction_id, body.kind,
                              body.reason)
    uow.commit()
    return render(AbuseReportOut, made)


@router.post("/cases/{ref}/end-conversation", response_model=AbuseReportOut, status_code=201,
             summary="End the conversation over an abusive message, with a reason")
def end_conversation(ref: str, body: EndIn, user: StaffUser, uow: UowDep,
                     request: Request) -> Any:
    case = case_for(uow, user, ref)
    ended = abuse.end_conversation(uow, user, case_id(case), body.interaction_id, body.reason,
                                   reach_us=reach_us(request.app.state.settings))
    uow.commit()
    return render(AbuseReportOut, ended)
