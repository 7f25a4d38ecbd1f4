"""Asking for and opening e-mailed access links: one implementation for the pages
(`pages/access.py`) and the API (`api/access.py`), so both enforce the same limits. The
requests are counted in the database (`web/throttle.py`), shared by every app process.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import Request

from frontliner.channels.email import access_mail
from frontliner.config import Settings
from frontliner.desk import access_links
from frontliner.desk.errors import NotFound
from frontliner.desk.model import AccessLink, AccessPurpose
from frontliner.desk.ports import UnitOfWork
from frontliner.store.throttle_tables import account_key
from frontliner.web.lookup import session_of
from frontliner.web.public.security import client_ip
from frontliner.web.throttle import LINK_BY_CLIENT, LINK_FOR, link_wait, note_link_request


def ask_for_link(request: Request, uow: UnitOfWork, purpose: AccessPurpose, email: str) -> int:
    """Record (and commit) a request for a link to `email`. Returns 0, or the seconds this
    client must wait (over the per-client limit). Over the per-address limit nothing is
    recorded and 0 is returned all the same: the answer must not differ. A malformed
    address raises `Invalid` (that reveals nothing about accounts)."""
    settings: Settings = request.app.state.settings
    db, ip, now = session_of(uow), client_ip(request), datetime.now(UTC)
    per_client = settings.access_link_rate_per_client
    wait = link_wait(db, per_client, LINK_BY_CLIENT, now, client=ip)
    if wait:
        return wait
    note_link_request(db, per_client, LINK_BY_CLIENT, now, client=ip)
    uow.commit()  # counted even when the address turns out malformed
    per_address, kind = settings.access_link_rate_per_address, LINK_FOR + purpose.value
    account = account_key(email)
    if link_wait(db, per_address, kind, now, account=account) == 0:
        ttl = timedelta(minutes=settings.access_link_minutes)
        access_links.request_link(uow, purpose, email, access_mail.seal(settings), ttl=ttl)
        note_link_request(db, per_address, kind, now, account=account)
        uow.commit()
    return 0


def link_for_token(request: Request, uow: UnitOfWork, token: str,
                   purpose: AccessPurpose) -> AccessLink:
    """The usable link a token names, or `NotFound` with the one message for every other
    case (forged, expired, used, superseded, wrong purpose)."""
    settings: Settings = request.app.state.settings
    link_id = access_mail.link_id_of(token, settings)
    if link_id is None:
        raise NotFound(access_links.NOT_USABLE, {"link": "expired or used"})
    return access_links.open_link(uow, link_id, access_mail.token_hash(token), purpose)
