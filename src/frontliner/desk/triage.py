"""Triage: is this a small problem the owner can solve here and now, or a big one that
needs more authority or expertise? A pure function of the facts, so it is easy to test
and its reasons are always shown to people, never hidden in a score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from frontliner.desk.model import Size

REPEAT_WINDOW_DAYS = 14
REPEAT_THRESHOLD = 2  # this contact and at least one more within the window
PARTIES_THRESHOLD = 2  # people involved besides the customer

# Words that mean the case carries legal or safety risk: never for a front-liner alone.
LEGAL_SAFETY_WORDS = (
    "lawyer", "solicitor", "attorney", "lawsuit", "sue", "suing", "court", "legal action",
    "ombudsman", "regulator", "trading standards", "data breach", "gdpr",
    "injury", "injured", "hurt", "burn", "burned", "burnt", "fire", "smoke", "shock",
    "electric shock", "unsafe", "danger", "dangerous", "hazard", "poison", "choking",
    "police", "fraud",
)
_LEGAL_SAFETY = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(LEGAL_SAFETY_WORDS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TriageFacts:
    """What triage looks at. Money in cents; `money_per_case` is the owner's limit."""

    nature: str
    owner_name: str = "the owner"
    owner_skills: frozenset[str] = frozenset()
    required_skill: str | None = None
    remedy_requested: int = 0
    money_per_case: int = 0
    parties: int = 0
    recent_cases: int = 1  # this customer's cases within the window, this one included
    window_days: int = REPEAT_WINDOW_DAYS
    extra_reasons: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class TriageResult:
    size: Size
    reasons: tuple[str, ...]


def format_money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def legal_or_safety_words(text: str) -> list[str]:
    """The distinct legal/safety words in `text`, in order of appearance."""
    found: list[str] = []
    for match in _LEGAL_SAFETY.finditer(text):
        word = match.group(1).lower()
        if word not in found:
            found.append(word)
    return found


def triage(facts: TriageFacts) -> TriageResult:
    reasons = [
        *_remedy_reason(facts),
        *_skill_reason(facts),
        *_parties_reason(facts),
        *_repeat_reason(facts),
        *_legal_reason(facts),
        *facts.extra_reasons,
    ]
    return TriageResult(Size.BIG if reasons else Size.SMALL, tuple(reasons))


def _remedy_reason(facts: TriageFacts) -> list[str]:
    if facts.remedy_requested > facts.money_per_case:
        return [
            f"the remedy asked for ({format_money(facts.remedy_requested)}) is above "
            f"{facts.owner_name}'s limit of {format_money(facts.money_per_case)} per case"
        ]
    return []


def _skill_reason(facts: TriageFacts) -> list[str]:
    skill = facts.required_skill
    if skill and skill.lower() not in {s.lower() for s in facts.owner_skills}:
        return [f"it needs the skill '{skill}', which {facts.owner_name} does not have"]
    return []


def _parties_reason(facts: TriageFacts) -> list[str]:
    if facts.parties >= PARTIES_THRESHOLD:
        return [f"{facts.parties} other people are involved"]
    return []


def _repeat_reason(facts: TriageFacts) -> list[str]:
    if facts.recent_cases >= REPEAT_THRESHOLD:
        return [
            f"the customer contacted us {facts.recent_cases} times in {facts.window_days} days"
        ]
    return []


def _legal_reason(facts: TriageFacts) -> list[str]:
    words = legal_or_safety_words(facts.nature)
    if words:
        quoted = ", ".join(f"'{w}'" for w in words)
        return [f"the problem mentions legal or safety matters ({quoted})"]
    return []
