"""The coach as this desk runs it: the packaged rules with the lead's rule settings.

The settings are stored under `COACH_RULES` (JSON of a coach config, `{"disable": [...],
"severity": {...}}`, the keys of a coach config file); absent means the packaged rules
as they are. The composer, the review of sent replies and every other path that sends a
reply use this one coach, so an agent and a reviewer see the same findings.
"""

from __future__ import annotations

import json
from functools import lru_cache

from frontliner import coach
from frontliner.coach.engine import default_coach
from frontliner.desk.errors import Invalid

COACH_RULES = "coach_rules"


@lru_cache(maxsize=8)
def _coach_from(rules_json: str) -> coach.Coach:
    try:
        config = coach.CoachConfig.from_dict(json.loads(rules_json))
    except (ValueError, coach.ConfigError) as exc:
        raise Invalid(f"The desk's coach settings cannot be used: {exc}",
                      {COACH_RULES: "fix them in the lead console"}) from None
    return coach.Coach(config)


def coach_for(stored_rules: str | None) -> coach.Coach:
    """The coach for the stored rule settings (cached per distinct setting)."""
    return default_coach() if not stored_rules else _coach_from(stored_rules)
