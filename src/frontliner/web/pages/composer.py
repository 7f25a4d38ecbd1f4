"""The composer with the live coach.

- `POST .../coach` (htmx, debounced as the agent types): the draft's findings, each
  flagged phrase underlined in an escaped copy of the draft, with its message and a
  one-click "use suggestion".
- `POST .../coach/apply`: the suggestion put into the draft on the server (the coach's
  offsets are the server's character offsets), answered with the whole composer; the
  rule goes into the form's `suggestions_used`, kept with the reply when it is sent.
- `POST .../reply`: send. Error-level findings need a reason (recorded with the reply)
  when the desk warns, and stop the reply when a lead set the desk to block them; the
  desk operation decides, the page only shows its answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frontliner.desk import abuse, interactions
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.case_actions import attempt, form_values
from frontliner.web.pages.case_page import CoachView, load_scene
from frontliner.web.pages.coaching import coach_errors_policy
from frontliner.web.pages.drafts import apply_suggestion
from frontliner.web.pages.templating import render

router = APIRouter()


@router.post("/work/cases/{ref}/coach")
async def coach_fragment(request: Request, ref: str, user: StaffPageUser,
                         uow: UowDep) -> Response:
    values = await form_values(request)
    scene = load_scene(request, uow, user, ref)
    view = scene.check(session_of(uow), str(values.get("body", "")))
    return render(request, "agent/_coach.html", {"coach": view, "case": scene.case,
                                                 "coach_policy": None})


@router.post("/work/cases/{ref}/coach/apply")
async def apply_fragment(request: Request, ref: str, user: StaffPageUser,
                         uow: UowDep) -> Response:
    values = await form_values(request)
    scene = load_scene(request, uow, user, ref)
    session = session_of(uow)
    used = str(values.get("suggestions_used", ""))
    draft, view, notice, rule = use_suggestion(values, lambda text: scene.check(session, text))
    if rule is not None:
        used = f"{used} {rule}".strip()  # kept with the reply when it is sent
    context = {"coach": view, "case": scene.case,
               "values": {"body": draft, "suggestions_used": used},
               "coach_policy": coach_errors_policy(session).value, "errors": {},
               "notice": notice}
    return render(request, "agent/_composer.html", context)


def use_suggestion(values: dict[str, Any], check: Callable[[str], CoachView]
                   ) -> tuple[str, CoachView, str, str | None]:
    """The posted draft with the chosen finding's suggestion put in (when the draft still
    has that finding): the draft, its coach view, what to tell the agent, and the rule
    whose suggestion was used (None when none was)."""
    draft = str(values.get("body", ""))
    view = check(draft)
    wanted = (str(values.get("rule", "")), str(values.get("start", "")),
              str(values.get("end", "")))
    for item in view.shown:
        f = item.finding
        if (f.rule, str(f.start), str(f.end)) == wanted:
            changed = apply_suggestion(draft, f)
            if changed is not None:
                return (changed, check(changed),
                        "Suggestion used; the coach checked the new draft.", f.rule)
            break
    return draft, view, "The draft changed meanwhile; here are its findings now.", None


@router.post("/work/cases/{ref}/reply")
async def send_reply(request: Request, ref: str, user: StaffPageUser, uow: UowDep) -> Response:
    values = await form_values(request)
    scene = load_scene(request, uow, user, ref)
    session = session_of(uow)
    body = str(values.get("body", ""))
    view = scene.check(session, body)
    policy = coach_errors_policy(session)

    def op(case: Any, _: dict[str, Any]) -> str:
        interactions.record_outbound(
            uow, user, scene.case.id or 0, body, channel=abuse.reply_channel(uow, scene.case),
            wait_for_reply=values.get("wait") == "yes", coach_errors=view.errors,
            override_reason=str(values.get("override_reason", "")), on_coach_errors=policy,
            suggestions_used=str(values.get("suggestions_used", "")))
        return "Reply sent." + (" The case now waits for the customer's answer."
                                if values.get("wait") == "yes" else "")

    return await attempt(request, uow, user, ref, "composer", op)
