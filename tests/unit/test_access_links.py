"""E-mailed access links in the desk: who gets a deliverable link, single use, expiry,
a customer login created only when a sign-in link is used, password reset."""

from __future__ import annotations

import pytest

from frontliner.desk import access_links
from frontliner.desk.customers import create_customer, merge_customers
from frontliner.desk.errors import Conflict, Invalid, NotFound
from frontliner.desk.model import AccessLink, AccessPurpose, AccountAuditEntry, Role, User
from frontliner.desk.passwords import verify_password
from frontliner.desk.users import deactivate_user
from tests.unit.conftest import Desk

SIGN_IN, RESET = AccessPurpose.SIGN_IN, AccessPurpose.PASSWORD_RESET

def seal(link_id: int) -> str:
    return f"hash-{link_id}"

def ask(desk: Desk, purpose: AccessPurpose, email: str) -> AccessLink:
    link = access_links.request_link(desk.uow, purpose, email, seal, now=desk.now)
    desk.uow.commit()
    return link

def use(desk: Desk, link: AccessLink, purpose: AccessPurpose = SIGN_IN) -> AccessLink:
    assert link.id is not None and link.token_hash is not None
    return access_links.open_link(desk.uow, link.id, link.token_hash, purpose, now=desk.now)

def test_customer_without_login_gets_a_link_and_a_login_only_when_using_it(desk: Desk) -> None:
    cara = create_customer(desk.uow, None, "Cara Diaz", ["cara@example.com"], now=desk.now)
    link = ask(desk, SIGN_IN, " Cara@Example.com")
    assert link.deliverable and link.customer_id == cara.id and link.user_id is None
    assert link.token_hash == f"hash-{link.id}"
    assert desk.uow.find(User, email="cara@example.com") == []

    user = access_links.redeem_sign_in(desk.uow, use(desk, link), now=desk.later(minutes=5))
    assert (user.role, user.customer_id, user.password_hash) == (Role.CUSTOMER, cara.id, None)
    actions = [e.action for e in desk.uow.find(AccountAuditEntry)]
    assert actions == ["customer_login_created"]

def test_unknown_staff_and_deactivated_addresses_get_no_deliverable_sign_in_link(
    desk: Desk,
) -> None:
    deactivate_user(desk.uow, None, desk.bob_login.id or 0)
    for email in ("nobody@example.com", desk.agent.email, "bob@example.com"):
        link = ask(desk, SIGN_IN, email)
        assert not link.deliverable and link.token_hash is not None  # recorded all the same
        assert link.id is not None
        with pytest.raises(NotFound):
            access_links.open_link(desk.uow, link.id, seal(link.id), SIGN_IN, now=desk.now)

def test_a_link_works_once_and_not_after_it_expires(desk: Desk) -> None:
    link = ask(desk, SIGN_IN, "ann@example.com")
    access_links.redeem_sign_in(desk.uow, use(desk, link), now=desk.now)
    with pytest.raises(NotFound):
        use(desk, link)
    with pytest.raises(Conflict):
        access_links.redeem_sign_in(desk.uow, link, now=desk.now)
    late = ask(desk, SIGN_IN, "ann@example.com")
    desk.later(minutes=30)
    with pytest.raises(NotFound):
        use(desk, late)

def test_a_link_needs_its_own_hash_and_purpose(desk: Desk) -> None:
    link = ask(desk, SIGN_IN, "ann@example.com")
    assert link.id is not None
    with pytest.raises(NotFound):
        access_links.open_link(desk.uow, link.id, "hash-other", SIGN_IN, now=desk.now)
    with pytest.raises(NotFound):
        use(desk, link, RESET)

def test_using_a_link_ends_the_other_open_links_of_that_address(desk: Desk) -> None:
    older, newer = ask(desk, SIGN_IN, "ann@example.com"), ask(desk, SIGN_IN, "ann@example.com")
    access_links.redeem_sign_in(desk.uow, use(desk, newer), now=desk.now)
    assert older.used_at == desk.now
    with pytest.raises(NotFound):
        use(desk, older)

def test_reset_sets_a_strong_password_for_staff_and_audits_it(desk: Desk) -> None:
    link = ask(desk, RESET, desk.agent.email)
    assert link.user_id == desk.agent.id
    with pytest.raises(Invalid):
        access_links.redeem_reset(desk.uow, use(desk, link, RESET), "short", now=desk.now)
    assert link.used_at is None  # a refused password keeps the link
    access_links.redeem_reset(desk.uow, use(desk, link, RESET), "a new long secret",
                              now=desk.now)
    assert desk.agent.password_hash and verify_password(desk.agent.password_hash,
                                                        "a new long secret")
    assert [e.action for e in desk.uow.find(AccountAuditEntry)] == ["password_reset"]

def test_sign_in_link_of_a_merged_customer_signs_into_the_record_kept(desk: Desk) -> None:
    dup = create_customer(desk.uow, None, "Cara D", ["cara@example.com"], now=desk.now)
    kept = create_customer(desk.uow, None, "Cara Diaz", ["cara.diaz@example.com"], now=desk.now)
    link = ask(desk, SIGN_IN, "cara@example.com")
    merge_customers(desk.uow, desk.admin, kept.id or 0, dup.id or 0, now=desk.now)
    user = access_links.redeem_sign_in(desk.uow, use(desk, link), now=desk.now)
    assert user.customer_id == kept.id

def test_a_link_for_a_login_deactivated_since_does_not_work(desk: Desk) -> None:
    link = ask(desk, SIGN_IN, "ann@example.com")
    deactivate_user(desk.uow, None, desk.ann_login.id or 0)
    with pytest.raises(NotFound):
        access_links.redeem_sign_in(desk.uow, use(desk, link), now=desk.now)
    assert desk.ann_login.active is False
