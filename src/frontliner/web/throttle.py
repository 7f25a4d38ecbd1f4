"""The sign-in throttle and the limits on e-mailed link requests, counted in the database
(`store/throttle_tables.py`) so every app process sees the same attempts.

Three rules for password sign-in, none of which can lock the owner out:
- per address *and* client: a few free failures, then each attempt must wait a delay
  that doubles with every further failure (capped). An attacker elsewhere slows only
  themselves; the owner, from their own place, is not slowed at all.
- per client, across addresses: password spraying (one client trying many addresses)
  is refused once too many different addresses failed from it in the window.
- per address, from everywhere: past many failures (a guessing run spread over many
  clients), only the owner's usual places (where this address signed in before) may
  still try. From anywhere else the way in is an e-mailed link (reset or sign-in).
The two broad rules never apply at a usual place, so neither a sprayer sharing the
owner's network nor a crowd guessing their password keeps them out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import parse
from sqlalchemy.orm import Session

from frontliner.config import Settings
from frontliner.store import throttle_tables as events

FAILED = "sign-in-failed"
SIGNED_IN = "signed-in"
LINK_BY_CLIENT = "link-client"
LINK_FOR = "link-for-"  # + the link's purpose, counted per address

SLOW_DOWN = ("Too many failed sign-ins for this address from here. Wait {wait}, then "
             "try again.")
SPRAYING = ("Too many failed sign-ins from your network for different addresses. Wait "
            "{wait}, then try again.")
GUESSED = ("Too many failed sign-ins for this address from many places. If it is yours, "
           "sign in where you usually do, or use \"Forgot your password?\": the e-mailed "
           "link lets you in. Otherwise wait {wait}.")


@dataclass(frozen=True)
class Throttled:
    """Refused before the password is even checked: wait `seconds` (Retry-After)."""

    seconds: int
    message: str


def in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _seconds_until(ready: datetime, now: datetime) -> int:
    return max(1, math.ceil((ready - now).total_seconds()))


class SignInThrottle:
    def __init__(self, settings: Settings) -> None:
        self.window = timedelta(minutes=settings.sign_in_window_minutes)
        self.free = settings.sign_in_free_failures
        self.first_delay = settings.sign_in_first_delay_seconds
        self.max_delay = settings.sign_in_max_delay_seconds
        self.accounts_per_client = settings.sign_in_accounts_per_client
        self.failures_per_account = settings.sign_in_failures_per_account
        self.usual_for = timedelta(days=settings.sign_in_usual_place_days)

    def check(self, db: Session, email: str, client: str, now: datetime) -> Throttled | None:
        """Whether a sign-in for `email` from `client` may be tried now."""
        account, since = events.account_key(email), now - self.window
        refused = self._growing_delay(db, account, client, since, now)
        if refused is not None or self._usual_place(db, account, client, now):
            return refused
        spread = events.count_accounts(db, FAILED, client, since, self.accounts_per_client)
        if spread >= self.accounts_per_client:
            first, _ = events.event_times(db, FAILED, since, client=client)
            return self._refuse(first, now, SPRAYING)
        tried = events.count_events(db, FAILED, since, self.failures_per_account,
                                    account=account)
        if tried >= self.failures_per_account:
            first, _ = events.event_times(db, FAILED, since, account=account)
            return self._refuse(first, now, GUESSED)
        return None

    def failed(self, db: Session, email: str, client: str, now: datetime) -> None:
        events.prune_events(db, FAILED, now - self.window)
        events.record_event(db, FAILED, events.account_key(email), client, now)

    def succeeded(self, db: Session, email: str, client: str, now: datetime) -> None:
        """The owner is in: their failures from here are forgotten, and this client
        becomes (or stays) one of their usual places."""
        account = events.account_key(email)
        events.forget_events(db, FAILED, account, client)
        events.forget_events(db, SIGNED_IN, account, client)
        events.prune_events(db, SIGNED_IN, now - self.usual_for)
        events.record_event(db, SIGNED_IN, account, client, now)

    def _growing_delay(self, db: Session, account: str, client: str, since: datetime,
                       now: datetime) -> Throttled | None:
        cap = self.free + 32  # enough to reach any delay cap; the count never grows past it
        failures = events.count_events(db, FAILED, since, cap, account=account, client=client)
        if failures < self.free:
            return None
        _, last = events.event_times(db, FAILED, since, account=account, client=client)
        assert last is not None
        delay = min(self.first_delay * 2 ** (failures - self.free), self.max_delay)
        ready = last + timedelta(seconds=delay)
        if ready <= now:
            return None
        seconds = _seconds_until(ready, now)
        return Throttled(seconds, SLOW_DOWN.format(wait=in_words(seconds)))

    def _usual_place(self, db: Session, account: str, client: str, now: datetime) -> bool:
        return events.count_events(db, SIGNED_IN, now - self.usual_for, 1, account=account,
                                   client=client) > 0

    def _refuse(self, first: datetime | None, now: datetime, message: str) -> Throttled:
        seconds = _seconds_until((first or now) + self.window, now)
        return Throttled(seconds, message.format(wait=in_words(seconds)))


def link_wait(db: Session, rule: str, kind: str, now: datetime, *,
              account: str | None = None, client: str | None = None) -> int:
    """0 when one more event of `kind` fits `rule` (e.g. "5/hour"), else the seconds until
    it will; the caller records the event itself."""
    limit = parse(rule)
    window = timedelta(seconds=limit.get_expiry())
    since = now - window
    if events.count_events(db, kind, since, limit.amount, account=account,
                           client=client) < limit.amount:
        return 0
    first, _ = events.event_times(db, kind, since, account=account, client=client)
    return _seconds_until((first or now) + window, now)


def note_link_request(db: Session, rule: str, kind: str, now: datetime, *,
                      account: str = "", client: str = "") -> None:
    events.prune_events(db, kind, now - timedelta(seconds=parse(rule).get_expiry()))
    events.record_event(db, kind, account, client, now)
