"""The coach as the composer runs it: the desk's settings, and the options that make a
refusal's suggestion concrete (this agent's own remedies, the case's knowledge articles).

Desk-wide settings live in `store/settings_tables.py` under these keys (the lead
console writes them, the composer reads them):

- `coach_errors`: "warn" (default) or "block": what a reply with error findings does.
- `coach_rules`: JSON of a coach config (`{"disable": [...], "severity": {...}}`, the
  same keys as a coach config file); absent means the packaged rules as they are.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontliner import coach
from frontliner.desk.access import require_authority
from frontliner.desk.desk_coach import COACH_RULES, coach_for
from frontliner.desk.errors import Invalid
from frontliner.desk.interactions import CoachErrors, parse_coach_errors
from frontliner.desk.model import EmpowermentProfile, RemedyKind, User
from frontliner.desk.triage import format_money
from frontliner.store.settings_tables import get_setting, put_setting

COACH_ERRORS = "coach_errors"


def coach_errors_policy(session: Session) -> CoachErrors:
    stored = get_setting(session, COACH_ERRORS)
    return CoachErrors.WARN if stored is None else parse_coach_errors(stored)


def set_coach_errors_policy(session: Session, actor: User, value: str) -> CoachErrors:
    """A lead's choice; the caller commits."""
    require_authority(actor)
    policy = parse_coach_errors(value)
    put_setting(session, COACH_ERRORS, policy.value, actor.id)
    return policy


def desk_coach(session: Session) -> coach.Coach:
    """The coach with the lead's rule settings (cached per distinct setting)."""
    return coach_for(get_setting(session, COACH_RULES))


_REMEDY_WORDS = {
    RemedyKind.REFUND: "a refund",
    RemedyKind.CREDIT: "a credit",
    RemedyKind.REPLACEMENT: "a replacement",
    RemedyKind.EXPEDITE: "faster delivery at no cost",
    RemedyKind.WAIVE_FEE: "waiving the fee",
    RemedyKind.EXTRA_TIME: "extra time",
    RemedyKind.DISCOUNT: "a discount",
}
MONEY_KINDS = frozenset({RemedyKind.REFUND, RemedyKind.CREDIT, RemedyKind.DISCOUNT})


def remedy_offers(profile: EmpowermentProfile, money_left: int, currency: str) -> list[str]:
    """What this agent may give right now, in a customer's words, for suggestions."""
    offers: list[str] = []
    for kind in RemedyKind:
        if kind.value not in profile.remedy_kinds:
            continue
        words = _REMEDY_WORDS[kind]
        if kind in MONEY_KINDS:
            if money_left <= 0:
                continue
            words = f"{words} of up to {format_money(money_left)} {currency}"
        if kind == RemedyKind.EXTRA_TIME and profile.extra_days:
            words = f"{profile.extra_days} extra days"
        offers.append(words)
    return offers


def check_draft(
    session: Session, draft: str, customer: str | None, offers: list[str], articles: list[str]
) -> coach.Report:
    options = coach.Options(remedies=tuple(offers), articles=tuple(articles))
    try:
        return desk_coach(session).check(draft, customer, options)
    except coach.InputTooLarge as exc:
        raise Invalid(str(exc), {"body": "too long"}) from None
