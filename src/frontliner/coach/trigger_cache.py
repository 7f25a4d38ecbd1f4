"""Write the shipped trigger analysis: `python -m frontliner.coach.trigger_cache`.

Builds the base packs and the inbound lexicons (complaints; solved or not), analyses
afresh every alternative their phrase sets hold, and writes the results to
`triggers.json` next to `triggers.py`, one alternative per line. A test fails when the
committed file is stale.
"""

from __future__ import annotations

import json

from frontliner.coach import analyser, engine, packs, solved, triggers


def render() -> str:
    for cached in (engine.base_specs, engine.default_coach, packs.macros, analyser.lexicon,
                   solved.lexicon):
        cached.cache_clear()
    triggers.parts_seen.clear()
    engine.Coach()
    analyser.lexicon()
    solved.lexicon()
    lines = [
        f"{json.dumps(part, ensure_ascii=False)}: "
        f"{json.dumps(triggers.to_json(triggers.analyse(part)), ensure_ascii=False)}"
        for part in sorted(triggers.parts_seen)
    ]
    return '{"alternatives": {\n' + ",\n".join(lines) + "\n}}\n"


if __name__ == "__main__":
    triggers.SHIPPED.write_text(render(), encoding="utf-8")
