"""The lead console's coach settings: which rules run, how severe each one is, and
whether a reply with error-level findings only warns the agent (who then gives a
recorded reason) or is blocked.

The settings are stored by `pages/coaching.py` (desk-wide keys in `desk_settings`) and
read by the composer; this page is the form. The rules themselves (their ids, families
and messages) come from the packaged rule files, so the form always lists every rule.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frontliner import coach
from frontliner.coach.engine import default_coach
from frontliner.desk.access import require_authority
from frontliner.desk.desk_coach import COACH_RULES
from frontliner.desk.errors import Invalid
from frontliner.desk.model import User
from frontliner.desk.ports import UnitOfWork
from frontliner.store.settings_tables import get_setting, put_setting
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import LeadPageUser
from frontliner.web.pages.coaching import coach_errors_policy, set_coach_errors_policy
from frontliner.web.pages.lead import console, done, flash
from frontliner.web.pages.templating import render

router = APIRouter(prefix="/lead")

SEVERITIES = [s.name.lower() for s in coach.Severity]  # info, warning, error


def stored_rules(uow: UnitOfWork) -> dict[str, Any]:
    """The stored coach config ({"disable": [...], "severity": {...}}), or {}."""
    raw = get_setting(session_of(uow), COACH_RULES)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def readable(message: str) -> str:
    """A rule's message as a lead reads it in the list: the quoted `{match}` the coach
    fills in with the agent's own words becomes "Wording that" (`"{match}" refuses ...`
    -> `Wording that refuses ...`); any other `{match}` becomes "…"."""
    return message.replace('"{match}"', "Wording that").replace("{match}", "…")


def rules_config(on: list[str], severities: dict[str, str], known: list[str]) -> dict[str, Any]:
    """The form's choices as a coach config; refuses unknown rules and severities."""
    config = {
        "disable": sorted(set(known) - set(on)),
        "severity": {rule: level for rule, level in sorted(severities.items()) if level},
    }
    try:
        parsed = coach.CoachConfig.from_dict(config)
        parsed.check_ids(set(known))
    except coach.ConfigError as exc:
        raise Invalid(f"These coach settings cannot be used: {exc}",
                      {"rules": str(exc)}) from None
    return config


def _page(
    request: Request, uow: UnitOfWork, user: User, done_message: str = "",
    chosen: dict[str, Any] | None = None, errors: str | None = None, message: str = "",
    status_code: int = 200,
) -> Response:
    specs = default_coach().specs
    config = chosen if chosen is not None else stored_rules(uow)
    disabled = set(config.get("disable") or [])
    overrides = dict(config.get("severity") or {})
    rules = [{"id": rule_id, "family": spec.family, "message": readable(spec.message),
              "packaged": spec.severity.name.lower(), "on": rule_id not in disabled,
              "severity": overrides.get(rule_id, "")}
             for rule_id, spec in sorted(specs.items(), key=lambda kv: (kv[1].family, kv[0]))]
    policy = errors or coach_errors_policy(session_of(uow)).value
    context = {**console(uow, user, "coach"), "rules": rules, "severities": SEVERITIES,
               "errors": policy, "done": done_message, "message": message}
    return render(request, "lead/coach.html", context, status_code=status_code)


@router.get("/coach")
def coach_settings(request: Request, user: LeadPageUser, uow: UowDep) -> Response:
    return _page(request, uow, user, flash(request))


@router.post("/coach")
async def save_coach_settings(request: Request, user: LeadPageUser, uow: UowDep) -> Response:
    # The form has one field per rule, so it is read whole rather than declared.
    form = await request.form()
    known = sorted(default_coach().specs)
    on = [str(v) for v in form.getlist("on")]
    severities = {rule: str(form.get(f"severity-{rule}") or "") for rule in known}
    errors = str(form.get("errors") or "")
    try:
        require_authority(user)
        config = rules_config(on, severities, known)
        set_coach_errors_policy(session_of(uow), user, errors)
        put_setting(session_of(uow), COACH_RULES, json.dumps(config, sort_keys=True), user.id)
        uow.commit()
    except Invalid as refused:
        uow.rollback()
        chosen = {"disable": sorted(set(known) - set(on)),
                  "severity": {k: v for k, v in severities.items() if v}}
        return _page(request, uow, user, chosen=chosen, errors=errors,
                     message=refused.message, status_code=422)
    return done(request, "/lead/coach",
                "Coach settings saved; agents' drafts are checked with them now.")
