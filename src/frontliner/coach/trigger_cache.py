"""Write the shipped trigger analysis: `python -m frontliner.coach.trigger_cache`.

Builds the base packs and the inbound lexicon, analyses afresh every alternative their
phrase sets hold, and writes the results to `triggers.json` next to `phrases.py`, one
alternative per line. A test fails when the committed file is stale.
"""

from __future__ import annotations

import json

from frontliner.coach import analyser, engine, packs, phrases


def render() -> str:
    for cached in (engine.base_specs, engine.default_coach, packs.macros, analyser.lexicon):
        cached.cache_clear()
    phrases.parts_seen.clear()
    engine.Coach()
    analyser.lexicon()
    lines = [
        f"{json.dumps(part, ensure_ascii=False)}: "
        f"{json.dumps(phrases.to_json(phrases.analyse(part)), ensure_ascii=False)}"
        for part in sorted(phrases.parts_seen)
    ]
    return '{"alternatives": {\n' + ",\n".join(lines) + "\n}}\n"


if __name__ == "__main__":
    phrases.SHIPPED.write_text(render(), encoding="utf-8")
