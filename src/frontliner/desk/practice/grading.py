"""The grade of a practice reply: the production coach's findings, each explained (why
it matters and the seed it comes from), plus the scenario's own expectations.

A reply passes when the coach finds no error, its score is at least `PASS_SCORE`, and
every expectation of the scenario is met.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from frontliner.coach import Coach, Finding, Options, Severity
from frontliner.desk.practice.scenario import Expectation, Scenario

PASS_SCORE = 80
LESSONS_FILE = Path(__file__).with_name("lessons.yml")


@lru_cache(maxsize=1)
def lessons() -> dict[str, Any]:
    data = yaml.safe_load(LESSONS_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def seed_title(seed: str) -> str:
    return str(lessons()["seeds"].get(seed, seed))


@dataclass(frozen=True)
class Explained:
    """One coach finding as practice shows it."""

    finding: Finding
    why: str
    seed: str
    seed_title: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.finding.to_dict(), "why": self.why, "seed": self.seed,
                "seed_title": self.seed_title}


@dataclass(frozen=True)
class Checked:
    expectation: Expectation
    met: bool

    def to_dict(self) -> dict[str, Any]:
        e = self.expectation
        return {"id": e.id, "label": e.label, "why": e.why, "met": self.met}


@dataclass(frozen=True)
class Grade:
    score: int
    passed: bool
    findings: tuple[Explained, ...]
    expectations: tuple[Checked, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.finding.severity == Severity.ERROR)

    @property
    def rules(self) -> list[str]:
        return sorted({f.finding.rule for f in self.findings})

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "passed": self.passed, "pass_score": PASS_SCORE,
                "findings": [f.to_dict() for f in self.findings],
                "expectations": [c.to_dict() for c in self.expectations]}


def explain(coach: Coach, finding: Finding) -> Explained:
    spec = coach.specs.get(finding.rule)
    seed = spec.source if spec is not None else ""
    why = str(lessons()["rules"].get(finding.rule) or finding.message)
    return Explained(finding, why, seed, seed_title(seed))


def grade(coach: Coach, scenario: Scenario, reply: str, options: Options | None = None) -> Grade:
    """Grade `reply` to `scenario` with `coach` (the desk's own coach in production)."""
    report = coach.check(reply, scenario.customer_message or None, options)
    found = report.rules()
    checked = tuple(Checked(e, e.met(reply, found)) for e in scenario.expectations)
    errors = any(f.severity == Severity.ERROR for f in report.findings)
    passed = (bool(reply.strip()) and not errors and report.score >= PASS_SCORE
              and all(c.met for c in checked))
    return Grade(report.score, passed, tuple(explain(coach, f) for f in report.findings),
                 checked)
