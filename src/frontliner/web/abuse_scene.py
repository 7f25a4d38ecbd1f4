"""What the API and the case page show about abuse on one case: which customer
messages count as abuse (and why), what this user may do about each, whether the
conversation has ended, and where replies now go. Read once per request; the rules
themselves are the desk's (`desk/abuse.py`, `desk/access.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from frontliner.channels.email.addresses import desk_address
from frontliner.config import Settings
from frontliner.desk import abuse, access
from frontliner.desk.model import (
    AbuseAction,
    AbuseReport,
    Case,
    Channel,
    Direction,
    Interaction,
    User,
    id_of,
)
from frontliner.desk.ports import UnitOfWork
from frontliner.store import abuse_queries
from frontliner.web.lookup import session_of
from frontliner.web.policy_text import safe_policy


@dataclass(frozen=True)
class Flag:
    """One customer message that counts as abuse."""

    interaction_id: int
    kinds: list[str]
    by_analyser: bool
    reports: list[AbuseReport]  # staff's reports of it
    may_end: bool  # this user may end the conversation over it now
    needs_lead: bool  # only staff reported it and no lead agreed yet
    boundary_reply: str


@dataclass(frozen=True)
class AbuseScene:
    flags: dict[int, Flag]  # by interaction id
    ended: AbuseReport | None
    reply_channel: Channel
    may_report: bool  # this user works the case and may report a message
    names: dict[int, str]  # reporters' names

    @property
    def any_abuse(self) -> bool:
        return bool(self.flags)


def reach_us(settings: Settings) -> str:
    """The address a customer can always write to (the desk's own)."""
    return desk_address(settings)


def abuse_scene(uow: UnitOfWork, user: User, case: Case,
                messages: Sequence[Interaction]) -> AbuseScene:
    session = session_of(uow)
    reports = abuse_queries.reports_on_case(session, id_of(case))
    reported = {r.interaction_id for r in reports if r.action == AbuseAction.REPORTED}
    ended = next((r for r in reports if r.action == AbuseAction.ENDED), None)
    flags: dict[int, Flag] = {}
    for message in messages:
        if message.direction != Direction.INBOUND:
            continue
        if not abuse.analyser_kinds(message) and message.id not in reported:
            continue
        flags[id_of(message)] = _flag(uow, user, case, message, reports, ended)
    return AbuseScene(flags, ended, abuse.reply_channel(uow, case),
                      access.works_case(user, case) and case.status in access.UNRESOLVED,
                      abuse_queries.reporter_names(session, reports))


def _flag(uow: UnitOfWork, user: User, case: Case, message: Interaction,
          reports: list[AbuseReport], ended: AbuseReport | None) -> Flag:
    why = abuse.grounds(uow, message)
    assert why is not None
    allowed = access.may_end_conversation(user, case, why.by_analyser,
                                          why.reported_by_authority)
    open_case = case.status in access.UNRESOLVED and ended is None
    return Flag(
        interaction_id=id_of(message), kinds=why.kinds, by_analyser=why.by_analyser,
        reports=[r for r in reports if r.interaction_id == message.id
                 and r.action == AbuseAction.REPORTED],
        may_end=allowed and open_case,
        needs_lead=not why.by_analyser and not why.reported_by_authority,
        boundary_reply=abuse.boundary_reply(case, why.kinds),
    )


def abuse_context(uow: UnitOfWork, user: User, case: Case,
                  messages: Sequence[Interaction]) -> dict[str, Any]:
    """What the case page's abuse partials need; the policy is read only when a message
    counts as abuse or the conversation has ended."""
    scene = abuse_scene(uow, user, case, messages)
    policy = None
    if scene.any_abuse or scene.ended is not None:
        # Under the message's panel (h3) and its "What you may do" (h4).
        policy = safe_policy(abuse_queries.current_policy(session_of(uow)).policy.body, top=4)
    return {"abuse": scene, "abuse_policy": policy, "abuse_kinds": abuse.KINDS}
