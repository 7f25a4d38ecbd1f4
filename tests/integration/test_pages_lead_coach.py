"""The coach settings a lead saves are the ones the composer checks drafts with; only
leads open the console."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from api_support import PASSWORD, Desk, api_fixture, desk_fixture  # noqa: F401
from test_pages_lead_console import STATUS, _post, _token, lead_fixture  # noqa: F401

from frontliner.store.uow import SqlUnitOfWork
from frontliner.web.pages.coaching import coach_errors_policy, desk_coach

UowFactory = Callable[[], SqlUnitOfWork]


def test_coach_settings_are_what_the_composer_checks_with(
    lead: Any, uow_factory: UowFactory
) -> None:
    page = lead.get("/lead/coach").text
    rules = re.findall(r'name="on" value="([^"]+)"', page)
    assert {"cant", "bare-no", "policy", "too-long"} <= set(rules)

    wrong = _post(lead, "/lead/coach", {"errors": "sometimes", "on": rules})
    assert wrong.status_code == 422 and "Nothing was saved" in wrong.text
    kept = [r for r in rules if r != "too-long"]
    saved = _post(lead, "/lead/coach", {"errors": "block", "on": kept, "severity-guess": "error"})
    assert STATUS.findall(saved.text)[0].startswith("Coach settings saved")
    assert 'value="block" checked' in saved.text
    assert 'value="too-long" checked' not in saved.text

    with uow_factory() as uow:
        coach = desk_coach(uow.session)
        assert coach_errors_policy(uow.session).value == "block"
    assert "too-long" in coach.config.disabled
    assert coach.config.severity["guess"].name == "ERROR"


def test_only_leads_open_the_console(api: Any, desk: Desk) -> None:
    token = _token(api.get("/login").text)
    api.post("/login", data={"email": desk.agent2.email, "password": PASSWORD,
                             "csrf_token": token})
    for path in ("/lead/approvals", "/lead/empowerment", "/lead/coach"):
        assert api.get(path).status_code == 403
    assert api.get("/fires").status_code == 200  # the fire log is every staff member's
