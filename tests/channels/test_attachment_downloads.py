"""Files from customers' e-mail: downloadable by who may see the case, only as downloads."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from tests.channels.inbound_support import deliver, eml
from tests.integration.api_support import (  # noqa: F401 - fixtures, used by name
    API,
    PASSWORD,
    Desk,
    api_fixture,
    desk_fixture,
    log_in,
)

from frontliner.desk import users
from frontliner.desk.model import Case
from frontliner.store.uow import SqlUnitOfWork


def test_attachment_downloads_only_as_a_file_and_only_for_who_may_see_the_case(
    api: TestClient, desk: Desk, engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    outcome = deliver(engine, uow_factory, eml("attachment.eml"))  # from ann@example.com
    with uow_factory() as uow:
        case = uow.get(Case, outcome.case_id or 0)
        assert case is not None and case.customer_id == desk.ann.customer_id

    listed = api.get(f"{API}/cases/{case.ref}/attachments", headers=desk.ann.auth)
    (item,) = listed.json()
    as_agent = api.get(item["url"], headers=desk.agent.auth)
    as_ann = api.get(item["url"], headers=desk.ann.auth)
    as_bob = api.get(item["url"], headers=desk.bob.auth)
    bob_lists = api.get(f"{API}/cases/{case.ref}/attachments", headers=desk.bob.auth)
    # One character changed, whatever the stored name ends with (it is random).
    other = "y" if item["name"].endswith("x") else "x"
    made_up = api.get(f"{API}/attachments/{item['name'][:-1]}{other}", headers=desk.agent.auth)

    assert item["filename"].endswith("passwd.html") and "/" not in item["filename"]
    assert as_agent.status_code == 200 and as_ann.status_code == 200
    assert as_ann.content == b"<script>alert(1)</script>"
    assert as_ann.headers["content-disposition"].startswith("attachment;")
    assert as_ann.headers["x-content-type-options"] == "nosniff"
    # HTML from a stranger is never served as HTML, even to be saved.
    assert as_ann.headers["content-type"] == "application/octet-stream"
    assert as_bob.status_code == 404 and bob_lists.status_code == 404
    assert made_up.status_code == 404


def test_the_case_pages_list_the_files_as_downloads_with_cleaned_names(
    api: TestClient, desk: Desk, engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    raw = eml("attachment.eml").replace(
        b'filename="../../etc/passwd.html"', b"filename*=utf-8''invoice%E2%80%AEgpj.exe")
    outcome = deliver(engine, uow_factory, raw)  # from ann@example.com, who has a login
    with uow_factory() as uow:
        case = uow.get(Case, outcome.case_id or 0)
        assert case is not None
        ref = case.ref
        users.set_password(uow, None, desk.ann.id, PASSWORD)
        uow.commit()

    log_in(api, "kim@desk.test")  # an agent, signed in through the form (a cookie)
    agent_page = api.get(f"/work/cases/{ref}")
    link = re.search(r'<a href="(/api/v1/attachments/[^"]+)" download>([^<]*)</a>',
                     agent_page.text)
    assert agent_page.status_code == 200 and link is not None, agent_page.text
    assert link.group(2) == "invoicegpj.exe"  # the right-to-left override is gone
    assert "\u202e" not in agent_page.text
    download = api.get(link.group(1))  # the page's own cookie is enough to fetch it
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment;")

    api.cookies.clear()
    log_in(api, "ann@example.com")
    portal = api.get(f"/portal/cases/{ref}")
    assert portal.status_code == 200
    assert f'href="{link.group(1)}" download>invoicegpj.exe</a>' in portal.text
