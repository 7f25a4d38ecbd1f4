"""The insights in the API: the same figures as the pages, JSON and CSV; leads read the
desk's, every staff member their own, nobody another person's; bad filters are 422."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from tests.conftest import Seeded
from tests.integration.api_support import API, make_app
from tests.integration.insights_desk import KnownDesk, build

from frontliner.store.uow import SqlUnitOfWork
from frontliner.web.tokens import issue_token

WEEK = {"from": "2026-03-02", "to": "2026-03-08"}


@pytest.fixture
def client(database_url: str, uow_factory: Callable[[], SqlUnitOfWork],
           engine: Engine) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(make_app(database_url, uow_factory, engine)) as test_client:
        yield test_client


@pytest.fixture
def known(uow_factory: Callable[[], SqlUnitOfWork], seeded: Seeded) -> KnownDesk:
    return build(uow_factory, seeded)


def _auth(uow_factory: Callable[[], SqlUnitOfWork], user_id: int) -> dict[str, str]:
    with uow_factory() as uow:
        issued = issue_token(uow, None, user_id)
        uow.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


def test_a_lead_reads_a_desk_figure_brought_up_to_date_by_the_read(
        client: Any, known: KnownDesk, uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    answer = client.get(f"{API}/insights/volume", params=WEEK,
                        headers=_auth(uow_factory, known.lee))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["summary"] == {"cases_opened": 4}
    assert body["filters"] == WEEK
    assert body["as_of"] is not None
    channels = next(t for t in body["tables"] if t["key"] == "volume-by-channel")
    assert channels["rows"] == [["chat", 1], ["email", 1], ["phone", 1], ["web", 1]]


def test_filters_reach_the_figure(client: Any, known: KnownDesk,
                                  uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    lead = _auth(uow_factory, known.lee)
    by_team = client.get(f"{API}/insights/volume", params={**WEEK, "team": known.returns},
                         headers=lead).json()
    assert by_team["summary"] == {"cases_opened": 1}
    no_category = client.get(f"{API}/insights/volume", params={**WEEK, "category": "(none)"},
                             headers=lead).json()
    assert no_category["summary"] == {"cases_opened": 1}


def test_filters_combine_in_json_csv_and_on_the_page(
        client: Any, known: KnownDesk, uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    lead = _auth(uow_factory, known.lee)
    # case C: Kim's (Returns), by phone, "billing", rated 2
    params = {**WEEK, "team": str(known.returns), "channel": "phone", "category": "billing"}
    body = client.get(f"{API}/insights/satisfaction", params=params, headers=lead).json()
    assert body["summary"] == {"ratings": 1, "average": 2.0}
    assert body["filters"] == params
    exported = client.get(f"{API}/insights/satisfaction.csv", params=params, headers=lead)
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert ["satisfaction", "summary", "", "ratings", "1"] in rows
    assert ["satisfaction", "summary", "", "average", "2.0"] in rows
    # no case in Returns came by e-mail
    empty = client.get(f"{API}/insights/volume", params={**params, "channel": "email"},
                       headers=lead).json()
    assert empty["summary"] == {"cases_opened": 0}
    _sign_in(client, uow_factory, known.lee)
    page = client.get("/lead/insights", params=params)
    assert page.status_code == 200
    assert '<dd data-summary="ratings">1</dd>' in page.text
    assert f'<option value="{known.returns}" selected>' in page.text
    assert '<option value="phone" selected>' in page.text


def _sign_in(client: Any, uow_factory: Callable[[], SqlUnitOfWork], user_id: int) -> None:
    """Sign in through the login page (the user gets the on-duty test password)."""
    import re

    from tests.conftest import on_duty

    from frontliner.desk.model import User

    with uow_factory() as uow:
        user = uow.get(User, user_id)
        assert user is not None
        on_duty(user)
        email = user.email
        uow.commit()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    answer = client.post("/login", data={"email": email, "password": "a long enough password",
                                         "csrf_token": token.group(1)}, follow_redirects=False)
    assert answer.status_code == 303


def test_an_agent_reads_only_their_own_figures(client: Any, known: KnownDesk,
                                               uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    kim = _auth(uow_factory, known.kim)
    assert client.get(f"{API}/insights/volume", params=WEEK, headers=kim).status_code == 403
    mine = client.get(f"{API}/insights/mine/volume", params=WEEK, headers=kim)
    assert mine.status_code == 200
    assert mine.json()["summary"] == {"cases_opened": 1}
    # a team filter cannot widen "mine" to the team's figures
    widened = client.get(f"{API}/insights/mine/volume", params={**WEEK, "team": known.billing},
                         headers=kim).json()
    assert widened["summary"] == {"cases_opened": 1}


def test_csv_export_has_every_table_cell_and_neutralises_formulas(
        client: Any, known: KnownDesk, seeded: Seeded,
        uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    from tests.conftest import T0

    from frontliner.desk import closing
    from frontliner.desk.model import User

    with uow_factory() as uow:  # Ann rates the seeded case with a "formula" for a comment
        ann = uow.get(User, seeded.customer_user_id)
        assert ann is not None
        closing.confirm_fixed(uow, ann, seeded.case_id, now=T0)
        closing.rate_satisfaction(uow, ann, seeded.case_id, 1, '=HYPERLINK("http://evil")',
                                  now=T0)
        uow.commit()
    answer = client.get(f"{API}/insights/satisfaction.csv", params=WEEK,
                        headers=_auth(uow_factory, known.lee))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["figure", "table", "row", "column", "value"]
    assert ["satisfaction", "summary", "", "ratings", "3"] in rows
    assert ["satisfaction", "satisfaction-distribution", "1", "Ratings", "1"] in rows
    comments = [r[4] for r in rows if r[1] == "satisfaction-comments" and r[3] == "Comment"]
    assert comments == ["Quick and kind", '\'=HYPERLINK("http://evil")']


@pytest.mark.parametrize("params", [
    {"from": "2026-03-09", "to": "2026-03-01"},
    {"from": "not a date"},
    {"channel": "pigeon"},
    {"team": "Billing"},
    {"from": "2020-01-01", "to": "2026-01-01"},
])
def test_bad_filters_are_a_clear_422(client: Any, known: KnownDesk, params: dict[str, str],
                                     uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    answer = client.get(f"{API}/insights/volume", params=params,
                        headers=_auth(uow_factory, known.lee))
    assert answer.status_code == 422
    assert answer.json()["error"]["message"]


def test_an_unknown_figure_is_a_clear_422(client: Any, known: KnownDesk,
                                          uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    answer = client.get(f"{API}/insights/league-table", headers=_auth(uow_factory, known.lee))
    assert answer.status_code == 422
