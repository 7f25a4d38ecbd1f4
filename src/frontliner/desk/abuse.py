"""The abuse policy flow: the lead's written policy, and what staff may do when a
customer's message is abuse.

Abuse attacks people (threats of harm, slurs, insults aimed at a person, harassment,
doxxing); anger at the situation, harsh criticism and threats to leave, sue or go public
are frustration, and frustration is never treated as abuse. So the desk lets a
conversation end only over a message that the coach's analyser read as abuse, or one
that staff reported as abuse with a kind from the policy and a reason. An agent's own
report needs a lead: the lead, who reads every report, ends the conversation when they
agree (`access.may_end_conversation`).

Ending a conversation never resolves the case and never changes its owner: the
complaint is still owned and answered (by e-mail for a chat). The customer is told how
they can still reach us; a chat refuses further messages politely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from frontliner.coach.model import ABUSE_KINDS
from frontliner.desk import access
from frontliner.desk.audit import record
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.interactions import record_outbound
from frontliner.desk.model import (
    AbuseAction,
    AbusePolicy,
    AbuseReport,
    Case,
    Channel,
    Direction,
    Interaction,
    User,
    id_of,
)
from frontliner.desk.ports import UnitOfWork

TEXTS = Path(__file__).with_name("abuse_texts")
KINDS: tuple[str, ...] = ABUSE_KINDS  # the kinds the policy names, as the analyser does
MAX_POLICY = 20_000
MAX_NOTE = 500
MAX_REASON = 1_000
SHIPPED = datetime(2026, 1, 1, tzinfo=UTC)  # the shipped policy's date, for display


class ConversationEnded(Conflict):
    """A message on a chat that staff ended over abuse."""


# --- the policy -----------------------------------------------------------------------


@lru_cache(maxsize=1)
def default_policy_text() -> str:
    """The policy Frontliner ships, in force until a lead writes the desk's own."""
    return (TEXTS / "policy.md").read_text("utf-8").strip()


def default_policy() -> AbusePolicy:
    return AbusePolicy(body=default_policy_text(), written_at=SHIPPED, written_by_id=None,
                       note="The policy Frontliner ships.")


def update_policy(
    uow: UnitOfWork, actor: User | None, body: str, note: str = "", now: datetime | None = None
) -> AbusePolicy:
    """A new version of the policy, in force at once; earlier versions are kept."""
    access.require_authority(actor)
    text = body.strip().replace("\r\n", "\n")
    problems: dict[str, str] = {}
    if not text:
        problems["body"] = "the text of the policy"
    elif len(text) > MAX_POLICY:
        problems["body"] = f"a policy of at most {MAX_POLICY:,} characters"
    if len(note.strip()) > MAX_NOTE:
        problems["note"] = f"a note of at most {MAX_NOTE} characters"
    if problems:
        raise Invalid("Please give " + " and ".join(problems.values()) + ".", problems)
    policy = AbusePolicy(body=text, written_at=resolve_now(now),
                         written_by_id=None if actor is None else actor.id,
                         note=" ".join(note.split()))
    uow.add(policy)
    uow.flush()
    return policy


# --- why a message counts as abuse ------------------------------------------------------


def analyser_kinds(message: Interaction) -> list[str]:
    """The kinds of abuse the analyser read in this message ([] when it read none)."""
    analysis: dict[str, Any] = message.analysis or {}
    if not analysis.get("abuse"):
        return []
    kinds = [str(k) for k in analysis.get("abuse_kinds") or [] if str(k) in KINDS]
    return kinds or ["abuse"]


@dataclass(frozen=True)
class Grounds:
    """Why a message counts as abuse: the analyser's reading, staff's reports, or both."""

    kinds: list[str]
    by_analyser: bool
    reported_by_authority: bool  # a lead or admin reported it (their word is enough)


def grounds(uow: UnitOfWork, message: Interaction) -> Grounds | None:
    """None when nothing says this message is abuse: then it is answered like any other."""
    kinds = analyser_kinds(message)
    reports = uow.find(AbuseReport, interaction_id=id_of(message),
                       action=AbuseAction.REPORTED, limit=20)
    for report in reports:
        kinds += [k for k in report.kinds if k not in kinds]
    if not kinds:
        return None
    reporters = [uow.get(User, r.by_id) for r in reports if r.by_id is not None]
    return Grounds(kinds, bool(analyser_kinds(message)),
                   any(access.has_authority(u) for u in reporters if u is not None))


def _customer_message(uow: UnitOfWork, case: Case, interaction_id: int) -> Interaction:
    message = uow.get(Interaction, interaction_id)
    if message is None or message.case_id != case.id:
        raise NotFound(f"No message {interaction_id} on case {case.ref}.",
                       {"interaction_id": interaction_id})
    if message.direction != Direction.INBOUND:
        raise Invalid("Only a customer's message can be abuse.",
                      {"interaction_id": "a message from the customer"})
    return message


def _reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise Invalid.missing({"reason": "the reason, in your words"})
    if len(text) > MAX_REASON:
        raise Invalid(f"The reason is longer than {MAX_REASON} characters.",
                      {"reason": "too long"})
    return text


# --- reporting a message ------------------------------------------------------------------


def report_abuse(
    uow: UnitOfWork, actor: User | None, case_id: int, interaction_id: int, kind: str,
    reason: str, now: datetime | None = None,
) -> AbuseReport:
    """Staff say a message is abuse that the analyser did not read as such: a kind from
    the policy and a reason. The leads see the report; see the module for what follows."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id)
    access.require_works_case(actor, case)
    message = _customer_message(uow, case, interaction_id)
    if kind not in KINDS:
        raise Invalid(f"Choose the kind of abuse from the policy: {', '.join(KINDS)}.",
                      {"kind": f"one of {', '.join(KINDS)}"})
    text = _reason(reason)
    if analyser_kinds(message):
        raise Conflict("The desk already reads this message as abuse: no report is needed.",
                       {"interaction_id": interaction_id})
    if uow.find(AbuseReport, interaction_id=interaction_id, action=AbuseAction.REPORTED,
                limit=1):
        raise Conflict("This message has already been reported as abuse.",
                       {"interaction_id": interaction_id})
    report = AbuseReport(case_id=id_of(case), interaction_id=interaction_id,
                         action=AbuseAction.REPORTED, kinds=[kind], reason=text,
                         by_id=None if actor is None else actor.id, at=at)
    uow.add(report)
    uow.flush()
    record(uow, case, "abuse_reported", actor, at, interaction_id=interaction_id,
           kinds=[kind], reason=text, report_id=report.id)
    return report


# --- ending the conversation ---------------------------------------------------------------


def conversation_ended(uow: UnitOfWork, case_id: int) -> AbuseReport | None:
    ended = uow.find(AbuseReport, case_id=case_id, action=AbuseAction.ENDED, limit=1)
    return ended[0] if ended else None


def end_conversation(
    uow: UnitOfWork, actor: User | None, case_id: int, interaction_id: int, reason: str,
    reach_us: str = "", now: datetime | None = None,
) -> AbuseReport:
    """End the conversation over an abusive message, with a recorded reason. The case
    keeps its owner and its status; the customer is told how to reach us."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id)
    access.require_works_case(actor, case)
    access.require_unresolved(case)
    message = _customer_message(uow, case, interaction_id)
    why = grounds(uow, message)
    if why is None:
        raise Conflict("This message is not read as abuse, so the conversation goes on: "
                       "frustration is answered, never ended. If it attacks a person, "
                       "report it with the kind and your reason.",
                       {"interaction_id": interaction_id})
    if not access.may_end_conversation(actor, case, why.by_analyser, why.reported_by_authority):
        raise Forbidden("An agent's own report needs a lead's agreement: a lead reads it and "
                        "ends the conversation when they agree.", {"needs": "lead"})
    text = _reason(reason)
    if conversation_ended(uow, id_of(case)) is not None:
        raise Conflict(f"The conversation on case {case.ref} has already ended.",
                       {"case": case.ref})
    notice = ending_notice(case, why.kinds, reach_us)
    told = record_outbound(uow, actor, id_of(case), notice, channel=_told_on(case), now=at,
                           agent_words=False)
    report = AbuseReport(case_id=id_of(case), interaction_id=interaction_id,
                         action=AbuseAction.ENDED, kinds=why.kinds, reason=text,
                         by_id=None if actor is None else actor.id, at=at,
                         by_analyser=why.by_analyser)
    uow.add(report)
    uow.flush()
    record(uow, case, "conversation_ended", actor, at, interaction_id=interaction_id,
           kinds=why.kinds, reason=text, report_id=report.id, notice_id=told.id,
           owner_id=case.owner_id)
    return report


def _told_on(case: Case) -> Channel:
    """Where the customer hears that the conversation ended: in the chat itself, else by
    e-mail when we have their address (a form or a call too); a call without one is
    ended by voice, and the words are kept on the case."""
    if case.channel == Channel.CHAT or "@" not in case.contact_value:
        return case.channel
    return Channel.EMAIL


def ended_chat_status(case: Case, reach_us: str = "") -> str:
    """What a visitor's chat says once staff ended it: the case is still owned, and
    where to write."""
    where = f" by e-mail at {reach_us}" if reach_us else " by e-mail"
    return (f"This chat has ended. Your case {case.ref} is still open and we are working "
            f"on it; you can reach us{where}.")


def require_chat_open(uow: UnitOfWork, case: Case, reach_us: str = "") -> None:
    """Refuse, politely, a chat message on a chat that staff ended."""
    if conversation_ended(uow, id_of(case)) is None:
        return
    raise ConversationEnded("Your message was not sent. " + ended_chat_status(case, reach_us),
                            {"case": case.ref})


def reply_channel(uow: UnitOfWork, case: Case) -> Channel:
    """Where staff answer: on an ended chat, by e-mail (the complaint is still owned)."""
    if case.channel == Channel.CHAT and conversation_ended(uow, id_of(case)) is not None:
        return Channel.EMAIL
    return case.channel


# --- the words ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def wording() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((TEXTS / "wording.yml").read_text("utf-8"))
    return data


def behaviour(kinds: list[str]) -> str:
    """The kinds named as behaviour ("threats of harm and insults aimed at people")."""
    names: dict[str, str] = wording()["behaviours"]
    words = [names[k] for k in KINDS if k in kinds] or ["abusive language"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _conversation_word(case: Case) -> str:
    return "chat" if case.channel == Channel.CHAT else "conversation"


def boundary_reply(case: Case, kinds: list[str]) -> str:
    """The prepared boundary reply: names the behaviour, says what the agent keeps doing
    and what happens if it goes on. The agent may edit it; the coach checks it."""
    template: str = wording()["boundary_reply"]
    return template.format(ref=case.ref, behaviour=behaviour(kinds),
                           channel=_conversation_word(case))


def ending_notice(case: Case, kinds: list[str], reach_us: str = "") -> str:
    template: str = wording()["ending_notice"]
    contact = f" at {case.contact_value}" if "@" in case.contact_value else ""
    return template.format(ref=case.ref, behaviour=behaviour(kinds), contact=contact,
                           channel=_conversation_word(case),
                           reach_us=reach_us or "the address you wrote to")
