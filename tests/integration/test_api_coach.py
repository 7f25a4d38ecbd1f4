"""The coach over HTTP gives exactly what the library and the CLI give."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from api_support import API, Desk, api_fixture, desk_fixture, error  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient

from frontliner import coach

DRAFT = "I completely understand. Unfortunately we can't refund that, it's our policy."
CUSTOMER = "My order arrived broken and nobody answers my emails!"
FRONTLINER = Path(sys.executable).with_name("frontliner")


def test_check_is_identical_to_the_library_and_the_cli(
    api: TestClient, desk: Desk, tmp_path: Path
) -> None:
    response = api.post(
        f"{API}/coach/check", headers=desk.agent.auth, json={"draft": DRAFT, "customer": CUSTOMER}
    )
    assert response.status_code == 200
    assert response.json() == coach.check(DRAFT, CUSTOMER).to_dict()
    customer_file = tmp_path / "customer.txt"
    customer_file.write_text(CUSTOMER)
    cli = subprocess.run(
        [str(FRONTLINER), "coach", "check", "--json", "--customer", str(customer_file), "-"],
        input=DRAFT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert response.json() == json.loads(cli.stdout)
    assert {f["rule"] for f in response.json()["findings"]} >= {"hollow-empathy", "cant"}


def test_read_is_identical_to_the_library_and_the_cli(api: TestClient, desk: Desk) -> None:
    response = api.post(f"{API}/coach/read", headers=desk.agent.auth, json={"message": CUSTOMER})
    assert response.status_code == 200
    assert response.json() == coach.read(CUSTOMER).to_dict()
    cli = subprocess.run(
        [str(FRONTLINER), "coach", "read", "--json", "-"],
        input=CUSTOMER,
        capture_output=True,
        text=True,
        check=True,
    )
    assert response.json() == json.loads(cli.stdout)
    assert response.json()["complaint"] is True


def test_coach_needs_a_draft_and_staff(api: TestClient, desk: Desk) -> None:
    missing = api.post(f"{API}/coach/check", headers=desk.agent.auth, json={"customer": "x"})
    assert missing.status_code == 422
    assert [d["field"] for d in error(missing)["details"]] == ["draft"]
    as_customer = api.post(f"{API}/coach/check", headers=desk.ann.auth, json={"draft": "Hi"})
    assert as_customer.status_code == 403
