"""THE authorization test: every route of the app, called by one customer (Ann) against
another customer's (Bob's) objects, is refused with 404 or 403 and changes nothing.

The routes are enumerated from the app itself, so an endpoint added later is tested
too: it fails here until it refuses Ann or is listed, with its reason, as open to her.
A body that does not validate (422) fails the test as well, so each write endpoint
needs a plausible body in BODIES and is really exercised up to its permission check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from api_support import API, Desk, api_fixture, desk_fixture, open_case  # noqa: F401 - fixtures, used by name
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from frontliner.channels.email.intake import accept
from frontliner.channels.email.processing import process_mail
from frontliner.store.mail import attachments_of_case
from frontliner.store.uow import SqlUnitOfWork


@dataclass
class BobsWorld:
    ids: dict[str, Any]  # path parameter -> the value that names one of Bob's objects


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def bobs(
    api: TestClient, desk: Desk, engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> BobsWorld:
    """A case of Bob's with a pending handover, an approval request and a follow-up; a
    fire, an article and a prepared reply; Bob's own API token; a file Bob e-mailed."""
    case = open_case(
        api,
        desk.agent,
        customer_name="Bob Roe",
        contact="bob@example.com",
        nature="my parcel never arrived",
        message="Where is my parcel?",
    )
    ref = case["ref"]
    remedy = _ok(
        api.post(
            f"{API}/cases/{ref}/remedies",
            headers=desk.agent.auth,
            json={"kind": "refund", "amount": 900_00},
        ),
        202,
    )
    approvals = _ok(api.get(f"{API}/approvals", headers=desk.lead.auth))["items"]
    approval = next(a for a in approvals if a["remedy"]["id"] == remedy["id"])
    _ok(
        api.post(
            f"{API}/cases/{ref}/escalate",
            headers=desk.agent.auth,
            json={
                "reason": "refund above my limit",
                "details": "parcel lost by us",
                "people_involved": [{"name": "Bob Roe", "contact": "bob@example.com"}],
            },
        ),
        201,
    )
    follow_ups = _ok(
        api.get(
            f"{API}/follow-ups", headers=desk.agent.auth, params={"due_by": "2999-01-01T00:00:00Z"}
        )
    )["items"]
    handover = _ok(
        api.post(
            f"{API}/cases/{ref}/handovers",
            headers=desk.agent.auth,
            json={"to_user_id": desk.agent2.id},
        ),
        201,
    )
    fire = _ok(
        api.post(
            f"{API}/fires", headers=desk.agent.auth, json={"title": "parcels lost in transit"}
        ),
        201,
    )
    article = _ok(
        api.post(
            f"{API}/articles",
            headers=desk.agent.auth,
            json={"title": "Lost parcels", "body": "Refund at once."},
        ),
        201,
    )
    reply = _ok(
        api.post(
            f"{API}/prepared-replies",
            headers=desk.agent.auth,
            json={"title": "Lost parcel", "body": "Sorry; refunding now."},
        ),
        201,
    )
    token = _ok(api.post(f"{API}/auth/tokens", headers=desk.bob.auth, json={"name": "b"}), 201)
    team = _ok(api.post(f"{API}/teams", headers=desk.admin.auth, json={"name": "Bob's"}), 201)
    return BobsWorld(
        ids={
            "ref": ref,
            "customer_id": desk.bob.customer_id,
            "user_id": desk.bob.id,
            "handover_id": handover["id"],
            "approval_id": approval["approval"]["id"],
            "follow_up_id": follow_ups[0]["follow_up"]["id"],
            "fire_id": fire["id"],
            "article_id": article["id"],
            "reply_id": reply["id"],
            "token_id": token["id"],
            "team_id": team["id"],
            "name": _bobs_attachment(engine, uow_factory),
            "held_id": _bobs_held_message(api, desk, engine, uow_factory, ref),
            "sent_reply_id": _reply_to_bob(api, desk, engine, ref),
            # admin-only routes: a real webhook, and a delivery id no customer may name
            "webhook_id": _ok(api.post(f"{API}/webhooks", headers=desk.admin.auth, json={
                "url": "https://93.184.216.34/hooks", "events": ["case.opened"]}), 201)["id"],
            "delivery_id": 1,
            # a packaged practice scenario; for the insights routes, an unknown figure
            "key": "abusive-caller",
        }
    )


def _bobs_attachment(engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]) -> str:
    """The generated name of a file Bob sent by e-mail (taken in like any inbound mail)."""
    raw = (
        b"From: Bob Roe <bob@example.com>\r\nSubject: photo of the parcel\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee the photo.\r\n--b\r\n"
        b'Content-Type: image/png\r\nContent-Disposition: attachment; filename="p.png"\r\n'
        b"\r\nPNG\r\n--b--\r\n"
    )
    stored = accept(engine, raw, envelope_from="bob@example.com", envelope_to=["s@x.example"])
    case_id = process_mail(uow_factory, stored.mail_id).case_id
    with engine.connect() as connection:
        (attachment,) = attachments_of_case(connection, case_id or 0)
    return attachment.name


def _bobs_held_message(api: TestClient, desk: Desk, engine: Engine,
                       uow_factory: Callable[[], SqlUnitOfWork], ref: str) -> int:
    """A mail naming Bob's case with no proof of origin: held on the case for staff."""
    raw = (f"From: Bob Roe <bob@example.com>\r\nSubject: Re: [{ref}]\r\n\r\n"
           "Is there news?\r\n").encode()
    stored = accept(engine, raw, envelope_from="bob@example.com", envelope_to=["s@x.example"])
    process_mail(uow_factory, stored.mail_id)
    (held,) = _ok(api.get(f"{API}/cases/{ref}/held-messages", headers=desk.lead.auth))
    return int(held["id"])


def _reply_to_bob(api: TestClient, desk: Desk, engine: Engine, ref: str) -> int:
    """The agent's reply on Bob's case, kept with the coach's reading (reply review)."""
    _ok(api.post(f"{API}/cases/{ref}/messages", headers=desk.agent.auth,
                 json={"body": "Thank you, Bob: I am sorry; the refund is on its way.",
                       "direction": "outbound"}), 201)
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT max(id) FROM sent_replies").scalar_one())


def bodies(desk: Desk, world: BobsWorld) -> dict[str, Any]:
    """A body that validates, per write route, aimed at Bob's objects where it names any."""
    ref = world.ids["ref"]
    return {
        "POST /auth/login": {"email": "bob@example.com", "password": "not bob's password"},
        "POST /auth/tokens": {"name": "ann's"},
        "POST /customers": {"name": "Bob Roe", "contacts": ["bob.two@example.com"]},
        "POST /customers/{customer_id}/contacts": {"value": "ann.two@example.com"},
        "POST /customers/{customer_id}/merge": {"duplicate_id": desk.ann.customer_id},
        "POST /users": {"name": "Eve", "email": "eve@example.com", "role": "admin"},
        "PUT /users/{user_id}/role": {"role": "customer"},
        "PUT /users/{user_id}/skills": {"skills": ["billing"]},
        "PUT /users/{user_id}/team": {"team_id": None},
        "PUT /users/{user_id}/password": {"password": "taken over by ann!"},
        "POST /teams": {"name": "Ann's team"},
        "PUT /empowerment/profiles": {"role": "agent", "money_per_case": 1, "money_per_day": 1},
        "POST /kudos": {"to_user_id": desk.agent.id, "message": "thanks", "case_ref": ref},
        "POST /cases": {
            "nature": "as Bob",
            "customer_name": "Bob Roe",
            "contact": "bob@example.com",
        },
        "PATCH /cases/{ref}": {"category": "changed by ann"},
        "POST /cases/{ref}/messages": {"body": "hello from ann"},
        "POST /cases/{ref}/notes": {"body": "ann's note"},
        "POST /cases/{ref}/calls": {"said": "ann says she called", "summary": "a note"},
        "POST /cases/{ref}/handovers": {"to_user_id": desk.agent2.id},
        "POST /handovers/{handover_id}/decline": {"note": "no"},
        "POST /cases/{ref}/remedies": {"kind": "credit", "amount": 100},
        "POST /approvals/{approval_id}/approve": {"note": "yes"},
        "POST /approvals/{approval_id}/decline": {"note": "no"},
        "POST /cases/{ref}/escalate": {"reason": "r", "details": "d"},
        "POST /cases/{ref}/hand-back": {"note": "done"},
        "POST /follow-ups/{follow_up_id}/complete": {"note": "called"},
        "POST /cases/{ref}/closing-steps": {"step": "plan_shared"},
        "POST /cases/{ref}/confirm": {"evidence": ""},
        "POST /cases/{ref}/not-fixed": {"note": "still broken"},
        "POST /cases/{ref}/exception": {"reason": "ann says so"},
        "POST /cases/{ref}/lesson": {"lesson": "nothing", "draft_article": True},
        "POST /cases/{ref}/rating": {"score": 1, "comment": "as Bob"},
        "POST /fires": {"title": "ann's fire"},
        "POST /fires/{fire_id}/notes": {"problem": "p", "solution": "s"},
        "POST /fires/{fire_id}/cases": {"case_ref": ref},
        "POST /fires/{fire_id}/fixed-for-good": {"fix": "f"},
        "POST /articles": {"title": "t", "body": "b"},
        "PATCH /articles/{article_id}": {"title": "changed by ann"},
        "POST /prepared-replies": {"title": "t", "body": "b"},
        "PATCH /prepared-replies/{reply_id}": {"title": "changed by ann"},
        "POST /fire-suggestions/open": {"key": "blender crack jug"},
        "POST /fire-suggestions/dismiss": {"key": "blender crack jug"},
        "PUT /fire-suggestions/thresholds": {"min_cases": 2, "days": 1},
        "POST /handovers/{handover_id}/accept": {},
        "POST /handovers/{handover_id}/withdraw": {},
        "PUT /teams/{team_id}": {"name": "renamed by ann"},
        "POST /users/{user_id}/tokens": {"name": "ann's token for bob"},
        "POST /auth/links": {"purpose": "password_reset", "email": "bob@example.com"},
        "POST /auth/links/sign-in": {"token": "MQ.not-a-signature-of-ours"},
        "POST /auth/links/reset": {"token": "MQ.not-a-signature-of-ours",
                                   "password": "taken over by ann!"},
    }


def open_to_a_customer(api: TestClient, desk: Desk, world: BobsWorld) -> dict[str, Any]:
    """Routes a customer may call; each check proves the answer is about Ann, not Bob."""
    ref, ann = world.ids["ref"], desk.ann

    def login(r: Any) -> None:
        assert r.status_code == 401

    def me(r: Any) -> None:
        assert r.status_code == 200 and r.json()["id"] == ann.id

    def new_token(r: Any) -> None:
        assert r.status_code == 201 and r.json()["user_id"] == ann.id

    def tokens(r: Any) -> None:
        assert r.status_code == 200 and {t["user_id"] for t in r.json()} == {ann.id}

    def cases(r: Any) -> None:
        assert r.status_code == 200 and ref not in {c["ref"] for c in r.json()["items"]}

    def new_case(r: Any) -> None:
        assert r.status_code == 201 and r.json()["customer_id"] == ann.customer_id

    def logout(r: Any) -> None:
        assert r.status_code == 204

    def ask_link(r: Any) -> None:  # anyone may ask; the answer says nothing about Bob
        assert r.status_code == 202 and "bob" not in r.text.lower()

    def search(r: Any) -> None:
        assert r.status_code == 200 and ref not in r.text

    def own_tokens(r: Any) -> None:
        assert r.status_code == 200 and {t["user_id"] for t in r.json()["items"]} == {ann.id}

    return {
        "POST /auth/login": login,
        "GET /auth/me": me,
        "POST /auth/tokens": new_token,
        "GET /auth/tokens": tokens,
        "GET /cases": cases,
        "POST /cases": new_case,
        "POST /auth/logout": logout,
        "POST /auth/sign-out-everywhere": logout,  # Ann's own sessions (her token stays)
        "POST /auth/links": ask_link,
        "GET /tokens": own_tokens,
        "GET /search": search,
    }


def snapshot(api: TestClient, desk: Desk, world: BobsWorld) -> dict[str, Any]:
    """Everything of Bob's the routes could change, read by staff and by Bob."""
    ids, admin = world.ids, desk.admin.auth
    reads = [
        f"/cases/{ids['ref']}",
        f"/cases/{ids['ref']}/audit?limit=200",
        f"/cases/{ids['ref']}/messages?limit=200",
        f"/customers/{ids['customer_id']}",
        f"/customers/{ids['customer_id']}/timeline",
        f"/users/{ids['user_id']}",
        f"/fires/{ids['fire_id']}",
        f"/fires/{ids['fire_id']}/notes",
        f"/articles/{ids['article_id']}",
        "/prepared-replies",
        "/approvals",
        "/teams",
        f"/teams/{ids['team_id']}/members",
        f"/tokens?user_id={ids['user_id']}",
        f"/users/{ids['user_id']}/audit",
        f"/users/{desk.agent.id}/kudos",
        "/users?limit=200",
        "/customers?limit=200",
    ]
    seen = {path: _ok(api.get(API + path, headers=admin)) for path in reads}
    seen["bob's tokens"] = _ok(api.get(f"{API}/auth/tokens", headers=desk.bob.auth))
    seen["kim's handovers"] = _ok(api.get(f"{API}/handovers", headers=desk.agent2.auth))
    return seen


def api_routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, path) under /api/v1. The browser pages outside it answer HTML and
    are checked by the pages' own tests."""
    found = []
    for route in iter_route_contexts(app.routes):
        if route.path is None or not route.path.startswith(API + "/"):
            continue
        found.extend(
            (method, route.path[len(API) :])
            for method in sorted(route.methods or ())
            if method != "HEAD"
        )
    return found


def test_every_route_refuses_a_customer_on_another_customers_objects(
    api: TestClient, desk: Desk, bobs: BobsWorld
) -> None:
    routes = api_routes(api.app)
    assert len(routes) > 60  # the enumeration really found the API
    body_for, allowed = bodies(desk, bobs), open_to_a_customer(api, desk, bobs)
    before = snapshot(api, desk, bobs)
    failures = []
    for method, path in routes:
        key = f"{method} {path}"
        names = re.findall(r"{(\w+)}", path)
        missing = [n for n in names if n not in bobs.ids]
        assert not missing, f"{key}: give the test one of Bob's values for {missing}"
        url = API + path.format(**{n: bobs.ids[n] for n in names})
        kwargs: dict[str, Any] = {"headers": desk.ann.auth}
        if method in {"POST", "PUT", "PATCH"}:
            kwargs["json"] = body_for.get(key, {})
        response = api.request(method, url, **kwargs)
        if key in allowed:
            allowed[key](response)
        elif response.status_code not in (403, 404):
            failures.append(f"{key} -> {response.status_code} {response.text[:200]}")
        elif bobs.ids["ref"] in response.text and response.status_code == 403:
            failures.append(f"{key} -> 403 names Bob's case: {response.text[:200]}")
    assert not failures, "\n".join(failures)
    assert snapshot(api, desk, bobs) == before


def test_a_customer_reads_their_own_case_and_record(api: TestClient, desk: Desk) -> None:
    """The control for the test above: the same routes do answer Ann about her own."""
    case = open_case(api, desk.ann, nature="my invoice is wrong", message="Please fix it")
    ref, auth = case["ref"], desk.ann.auth
    assert case["customer_id"] == desk.ann.customer_id
    note = api.post(
        f"{API}/cases/{ref}/notes",
        headers=desk.agent.auth,
        json={"body": "internal: check the ledger"},
    )
    assert note.status_code == 201
    detail = _ok(api.get(f"{API}/cases/{ref}", headers=auth))
    assert [m["body"] for m in detail["interactions"]] == ["Please fix it"]
    messages = _ok(api.get(f"{API}/cases/{ref}/messages", headers=auth))["items"]
    assert [m["direction"] for m in messages] == ["inbound"]
    me = _ok(api.get(f"{API}/customers/{desk.ann.customer_id}", headers=auth))
    assert me["customer"]["name"] == "Ann Lee"
    timeline = _ok(api.get(f"{API}/customers/{desk.ann.customer_id}/timeline", headers=auth))
    assert [e["body"] for e in timeline["items"]] == ["Please fix it"]
    assert api.get(f"{API}/cases/{ref}/audit", headers=auth).status_code == 403
