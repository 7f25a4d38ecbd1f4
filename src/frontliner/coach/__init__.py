"""The reply coach and the inbound analyser: a pure text engine (no web, no database).

    from frontliner import coach
    report = coach.check("We can't refund that.", customer="My order is broken!")
    report.to_dict()      # the JSON contract: {"findings": [...], "score": 0..100}
    coach.read("This is the third time I ask!!").to_dict()

Rule packs load once and are cached; build a `Coach(config)` for a custom configuration.
"""

from __future__ import annotations

from frontliner.coach.config import CoachConfig, ConfigError
from frontliner.coach.engine import MAX_CHARS, Coach, InputTooLarge, default_coach
from frontliner.coach.model import Finding, Options, Reading, Report, Severity
from frontliner.coach.packs import PackError

__all__ = [
    "MAX_CHARS",
    "Coach",
    "CoachConfig",
    "ConfigError",
    "Finding",
    "InputTooLarge",
    "Options",
    "PackError",
    "Reading",
    "Report",
    "Severity",
    "check",
    "read",
]


def check(
    draft: str,
    customer: str | None = None,
    options: Options | None = None,
    config: CoachConfig | None = None,
) -> Report:
    """Coach one draft reply (optionally against the customer message it answers)."""
    engine = default_coach() if config is None else Coach(config)
    return engine.check(draft, customer, options)


def read(message: str) -> Reading:
    """Read one customer message: complaint, indirect, frustration, abuse, urgency."""
    return default_coach().read(message)
