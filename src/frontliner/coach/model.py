"""The coach's value types: one `Finding` for library, CLI, API and pages, and the two
results whose `to_dict()` is the JSON contract of DESIGN.md (the single source of it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Literal

Urgency = Literal["low", "normal", "high"]
ABUSE_KINDS = ("insult", "slur", "threat", "harassment", "doxxing")


class Severity(IntEnum):
    """Ordered so a minimum severity is a comparison."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, name: str) -> Severity:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {name!r}: use one of error, warning, info"
            ) from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing in a draft that breaks a rule: `start`/`end` are character offsets into
    the draft (end exclusive); rules about something missing span the whole draft."""

    rule: str
    start: int
    end: int
    severity: Severity
    message: str
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "severity": self.severity.label,
            "message": self.message,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]
    score: int  # 0..100, 100 = nothing to improve

    def to_dict(self) -> dict[str, Any]:
        return {"findings": [f.to_dict() for f in self.findings], "score": self.score}

    def rules(self) -> set[str]:
        return {f.rule for f in self.findings}


@dataclass(frozen=True, slots=True)
class Reading:
    """What the inbound analyser reads in a customer's message. Abuse is kept apart from
    frustration: swearing at a situation or threatening to leave is frustration."""

    complaint: bool
    indirect: bool
    frustration: float  # 0..1
    abuse: bool
    abuse_kinds: tuple[str, ...]
    urgency: Urgency
    # Added to the contract (fields are only ever added): the customer says the problem
    # is solved, or says it is not (yet).
    confirms_solved: bool = False
    not_solved: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "complaint": self.complaint,
            "indirect": self.indirect,
            "frustration": self.frustration,
            "abuse": self.abuse,
            "abuse_kinds": list(self.abuse_kinds),
            "urgency": self.urgency,
            "confirms_solved": self.confirms_solved,
            "not_solved": self.not_solved,
        }


@dataclass(frozen=True, slots=True)
class Options:
    """What the agent could offer instead of a refusal: remedies within their empowerment
    and knowledge-base article titles. Used only to word suggestions."""

    remedies: tuple[str, ...] = field(default_factory=tuple)
    articles: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Options:
        unknown = set(data) - {"remedies", "articles"}
        if unknown:
            raise ValueError(f"unknown option keys: {', '.join(sorted(unknown))}")
        return cls(
            remedies=_strings(data.get("remedies", []), "remedies"),
            articles=_strings(data.get("articles", []), "articles"),
        )


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())
