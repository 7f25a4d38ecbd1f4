"""`frontliner demo`: the demo desk a new user first sees has something in every place."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from frontliner.config import Settings
from frontliner.demo_data import DEMO_PASSWORD, seed_demo
from frontliner.desk.fire_suggestions import suggested_fires
from frontliner.desk.model import (
    ApprovalRequest,
    ApprovalStatus,
    Case,
    CaseStatus,
    Fire,
    FollowUp,
    Kudos,
    KudosKind,
    Presence,
    Role,
    User,
)
from frontliner.desk.passwords import verify_password
from frontliner.store.uow import SqlUnitOfWork
from frontliner.web.app import create_app

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_demo_desk_has_cases_in_every_state_and_work_waiting(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    summary = seed_demo(uow_factory, cases=150, customer_count=40, seed=7, now=NOW)

    with uow_factory() as uow:
        cases = uow.find(Case, limit=1000)
        statuses = Counter(case.status for case in cases)
        pending = uow.find(ApprovalRequest, limit=1000, status=ApprovalStatus.PENDING)
        follow_ups = [f for f in uow.find(FollowUp, limit=1000) if f.done_at is None]
        fires = uow.find(Fire, limit=100)
        credits = uow.find(Kudos, limit=100, kind=KudosKind.FIX_CREDIT)
        admin = uow.find(User, limit=1, email=summary.logins[0][1])[0]
        lead = uow.find(User, limit=1, email=summary.logins[1][1])[0]
        suggested = suggested_fires(uow, lead, now=NOW)
        agents = uow.find(User, limit=100, role=Role.AGENT, active=True)

    assert len(cases) == 150
    assert set(statuses) == set(CaseStatus), statuses
    waiting = [case for case in cases if case.owner_id is None]
    assert len(waiting) == 2, "a lead should find cases waiting in Unassigned"
    assert all(case.status == CaseStatus.NEW and case.required_skill for case in waiting)
    assert any(case.returned_from_id for case in cases), "and cases to reassign"
    confirmed = Counter(case.confirmed_via for case in cases if case.confirmed_by_customer)
    assert set(confirmed) == {"portal", "agent_recorded"}, confirmed
    assert pending, "a lead opening the demo should find approvals waiting"
    assert any(f.due_at <= NOW for f in follow_ups), "some follow-ups should be due now"
    assert any(fire.fixed_for_good for fire in fires) and credits
    assert admin.password_hash and verify_password(admin.password_hash, DEMO_PASSWORD)
    assert "blender crack jug" in {g.key for g in suggested}, "a lead should find a fire to open"
    assert {u.presence for u in agents} == set(Presence), "available, away and offline agents"
    assert any(u.presence is Presence.AVAILABLE and not u.password_hash for u in agents), \
        "an agent who cannot sign in, never given a case"


def test_demo_command_twice_keeps_the_data_and_prints_a_working_token(tmp_path: Path) -> None:
    env = {**os.environ, "FRONTLINER_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    command = [
        str(Path(sys.executable).with_name("frontliner")),
        "demo",
        "--cases",
        "20",
        "--customers",
        "8",
    ]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    # On another port, the printed curl hint names that port (it said 8000 whatever the port).
    second = subprocess.run(command, env={**env, "FRONTLINER_PORT": "8123"},
                            capture_output=True, text=True, timeout=120)

    assert first.returncode == 0, first.stderr
    assert "Demo desk ready: 20 cases" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "already has data" in second.stdout
    token = re.search(r"(fl_[A-Za-z0-9_-]{20,})", second.stdout)
    assert token, second.stdout
    assert '"http://127.0.0.1:8123/api/v1/cases?limit=5"' in second.stdout
    assert ":8000" not in second.stdout
    app = create_app(Settings(database_url=env["FRONTLINER_DATABASE_URL"]))
    with TestClient(app) as client:
        response = client.get(
            "/api/v1/cases?limit=50", headers={"Authorization": f"Bearer {token.group(1)}"}
        )
    assert response.status_code == 200, response.text
    assert response.json()["items"], "the demo agent should see cases"
