"""A lead reviews a sent reply after the fact: agrees or disagrees with each of the
coach's findings kept from the moment it was sent (desk/sent_replies.py) and adds any
the coach missed (a rule id and a span of the reply, or the whole reply).

The review is audited in the account trail under the reply's author (`reply_reviewed`),
not in the case's own trail: reviewing a reply weeks later is no change to the case and
must not move it up anyone's queue. `labels` turns a review into the rule ids that apply
to the reply: the coach's label format (docs/coach.md), which the coach learns from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from frontliner.desk import access
from frontliner.desk.account_audit import record_account
from frontliner.desk.clock import resolve_now
from frontliner.desk.desk_coach import COACH_RULES, coach_for
from frontliner.desk.errors import Forbidden, Invalid, NotFound
from frontliner.desk.model import Interaction, ReplyReview, SentFinding, SentReply, User
from frontliner.desk.ports import UnitOfWork

MAX_MISSED = 50
MAX_NOTE = 2_000
# A refusal with no handoff is also a refusal (DESIGN.md): labels list both.
IMPLIED = {"cant-help": "cant"}


@dataclass(frozen=True)
class MissedFinding:
    """A finding the coach did not report: a rule id and the span of the reply it is
    about (character offsets, end exclusive; the whole reply for something missing)."""

    rule: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class ReviewedReply:
    """What a review judged, loaded together: the reading kept at send time, the reply's
    text and the coach's findings on it."""

    sent: SentReply
    reply: Interaction
    findings: list[SentFinding]


def load_reviewed(uow: UnitOfWork, sent_reply_id: int) -> ReviewedReply:
    sent = uow.get(SentReply, sent_reply_id)
    reply = None if sent is None else uow.get(Interaction, sent.interaction_id)
    if sent is None or reply is None:
        raise NotFound(f"There is no sent reply {sent_reply_id}.")
    return ReviewedReply(sent, reply, uow.find(SentFinding, limit=500, sent_reply_id=sent.id))


def review_reply(
    uow: UnitOfWork,
    actor: User | None,
    sent_reply_id: int,
    agree: Mapping[int, bool],
    missed: Sequence[MissedFinding] = (),
    note: str = "",
    now: datetime | None = None,
) -> ReplyReview:
    """Record a lead's verdicts on one sent reply (replacing their earlier review of it):
    `agree` maps each of the coach's finding ids to True (right) or False (wrong); every
    finding needs one. `missed` are findings the coach should have reported."""
    access.require_authority(actor)
    if actor is None or actor.id is None:
        raise Forbidden("A review is a person's judgement: sign in as a lead.")
    at = resolve_now(now)
    judged = load_reviewed(uow, sent_reply_id)
    _check_verdicts(judged.findings, agree)
    known = set(coach_for(uow.setting(COACH_RULES)).specs)
    _check_missed(missed, known, len(judged.reply.body))
    text = " ".join(note.split())
    if len(text) > MAX_NOTE:
        raise Invalid(f"The note is longer than {MAX_NOTE} characters.", {"note": "too long"})
    verdicts = [{"finding_id": f.id, "rule": f.rule, "agree": bool(agree[f.id or 0])}
                for f in judged.findings]
    kept = [m.to_dict() for m in missed]
    review = _store(uow, actor.id, judged.sent, at, verdicts, kept, text)
    record_account(uow, "reply_reviewed", actor, user_id=judged.sent.author_id,
                   team_id=judged.sent.team_id, now=at, sent_reply_id=judged.sent.id,
                   case_id=judged.sent.case_id, review_id=review.id,
                   agreed=sorted(v["rule"] for v in verdicts if v["agree"]),
                   disagreed=sorted(v["rule"] for v in verdicts if not v["agree"]),
                   missed=sorted(m["rule"] for m in kept))
    return review


def _store(uow: UnitOfWork, reviewer_id: int, sent: SentReply, at: datetime,
           verdicts: list[dict[str, Any]], missed: list[dict[str, Any]],
           note: str) -> ReplyReview:
    found = uow.find(ReplyReview, limit=1, sent_reply_id=sent.id)
    if found:
        review = found[0]
        review.reviewer_id, review.reviewed_at, review.note = reviewer_id, at, note
        review.verdicts, review.missed = verdicts, missed  # replaced whole, never edited
    else:
        assert sent.id is not None
        review = ReplyReview(sent_reply_id=sent.id, reviewer_id=reviewer_id, reviewed_at=at,
                             verdicts=verdicts, missed=missed, note=note)
        uow.add(review)
    uow.flush()
    return review


def _check_verdicts(findings: Sequence[SentFinding], agree: Mapping[int, bool]) -> None:
    ids = {f.id for f in findings}
    unknown = sorted(set(agree) - ids)
    if unknown:
        raise Invalid(f"Finding {unknown[0]} is not one of this reply's.",
                      {f"finding_{unknown[0]}": "not a finding of this reply"})
    open_ones = [f for f in findings if f.id not in agree]
    if open_ones:
        raise Invalid("Say whether you agree with every finding of the coach.",
                      {f"finding_{f.id}": f"agree or disagree ({f.rule})" for f in open_ones})


def _check_missed(missed: Sequence[MissedFinding], known: set[str], length: int) -> None:
    if len(missed) > MAX_MISSED:
        raise Invalid(f"At most {MAX_MISSED} missed findings.", {"missed": "too many"})
    for item in missed:
        if item.rule not in known:
            raise Invalid(f"{item.rule!r} is not a rule of the coach.",
                          {"missed_rule": f"one of {', '.join(sorted(known))}"})
        if not 0 <= item.start < item.end <= length:
            raise Invalid(f"The span {item.start}..{item.end} is not inside the reply "
                          f"(0..{length}).", {"missed_span": "a part of the reply's text"})


def labels(review: ReplyReview) -> list[str]:
    """The rule ids that apply to the reviewed reply: the coach's findings the reviewer
    agreed with and those they added (a rule with one agreed finding applies, whatever
    the verdict on another finding of the same rule)."""
    rules = {str(v["rule"]) for v in review.verdicts if v.get("agree")}
    rules |= {str(m["rule"]) for m in review.missed}
    rules |= {IMPLIED[r] for r in rules if r in IMPLIED}
    return sorted(rules)


def spans(review: ReplyReview, findings: Sequence[SentFinding]) -> list[dict[str, Any]]:
    """Where each applying rule is in the reply: agreed findings' spans, then the added."""
    agreed = {int(v["finding_id"]) for v in review.verdicts if v.get("agree")}
    out = [{"rule": f.rule, "start": f.start, "end": f.end}
           for f in findings if f.id in agreed]
    return out + [dict(m) for m in review.missed]


def label_line(review: ReplyReview, sent: SentReply, text: str, customer_text: str | None,
               findings: Sequence[SentFinding]) -> dict[str, Any]:
    """One line of the export: the coach's label format with the texts inline (they are
    the desk's own), as docs/coach.md describes it."""
    line: dict[str, Any] = {
        "id": f"reply-{sent.id}",
        "reply": labels(review),
        "text": text,
        "customer_text": customer_text,
        "spans": spans(review, findings),
        "coach": sorted({f.rule for f in findings}),
        "reviewed_at": review.reviewed_at.isoformat(),
    }
    if review.note:
        line["note"] = review.note
    return line
