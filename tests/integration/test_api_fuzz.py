"""A property-based fuzz of the whole REST API from its own OpenAPI document
(schemathesis): every operation, with generated paths, queries and bodies, sent with
the token of each role in turn, on SQLite and PostgreSQL. No answer may be a server
error (5xx): bad input is a 4xx that says what is wrong.

Bounded: a fixed number of examples per operation, derandomized so that a run is
repeatable (a failure found in CI is found again on a laptop). What the fuzz changes
(roles, deactivations, revoked tokens, passwords) is undone after each operation so
that every operation is tried by logins that still work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from api_support import Desk, Login, desk_fixture, make_app  # noqa: F401 - fixtures, used by name
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.python import asgi
from sqlalchemy.engine import Engine

from frontliner.store.tables import api_tokens, users
from frontliner.store.uow import SqlUnitOfWork

EXAMPLES_PER_OPERATION = 5  # about 600 requests a database: a few minutes on a busy machine


def _restore_logins(engine: Engine, kept: list[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        for row in kept:
            connection.execute(sa.update(users).where(users.c.id == row["id"]).values(row))
        connection.execute(sa.update(api_tokens).values(revoked_at=None))


@pytest.mark.timeout(900)  # a few minutes on a busy machine; the default is 300 s a test
def test_no_api_operation_answers_a_server_error(
    database_url: str, uow_factory: Callable[[], SqlUnitOfWork], engine: Engine, desk: Desk
) -> None:
    app = make_app(database_url, uow_factory, engine)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    logins: list[Login] = [desk.admin, desk.lead, desk.agent, desk.ann]
    with engine.connect() as connection:
        kept = [dict(row._mapping) for row in connection.execute(sa.select(users))]
    server_errors: list[str] = []
    tried = 0

    with asgi.get_client(app) as client:  # one client for the run: no start-up per call
        for result in schema.get_all_operations():
            tried += _fuzz(result.ok(), client, logins, server_errors)
            _restore_logins(engine, kept)

    assert tried > 90  # every operation of the document, not a few
    assert server_errors == []


def _fuzz(operation: Any, client: Any, logins: list[Login], server_errors: list[str]) -> int:

    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              derandomize=True, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), who=st.sampled_from(logins))
    def call(case: Any, who: Login) -> None:
        response = case.call(session=client, headers=who.auth)
        if response.status_code >= 500:
            server_errors.append(f"{response.status_code} {case.method} {case.formatted_path}"
                                 f" query={case.query} body={case.body!r:.300}")

    call()
    return 1
