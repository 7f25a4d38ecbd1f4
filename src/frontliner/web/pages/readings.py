"""The coach's reading of a customer's message (`Interaction.analysis`), as the agent
sees it beside the message: frustration in words with a meter icon (never colour alone),
abuse with its kinds, urgency. Used by the `reading` template filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# (lowest score, key, words, icon): the icon is a three-step meter, so the level reads
# the same in black and white and to a screen reader (the words carry it there).
LEVELS = (
    (0.7, "high", "very frustrated", "▮▮▮"),
    (0.45, "medium", "frustrated", "▮▮▯"),
    (0.2, "low", "a little frustrated", "▮▯▯"),
    (0.0, "none", "calm", "▯▯▯"),
)
KIND_WORDS = {"insult": "insult", "threat": "threat", "slur": "slur",
              "harassment": "harassment", "doxxing": "doxxing (personal details)"}


@dataclass(frozen=True)
class Reading:
    frustration: float
    level: str  # none / low / medium / high (the CSS class)
    words: str
    icon: str
    complaint: bool
    indirect: bool
    abuse: bool
    abuse_kinds: tuple[str, ...]
    urgent: bool

    @property
    def kinds_words(self) -> str:
        return ", ".join(KIND_WORDS.get(k, k.replace("_", " ")) for k in self.abuse_kinds)


def _score(value: Any) -> float:
    try:
        return min(1.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        return 0.0


def reading(analysis: dict[str, Any] | None) -> Reading | None:
    """None when the message was not read (our replies, notes, or the coach was away)."""
    if not analysis:
        return None
    score = _score(analysis.get("frustration"))
    _, level, words, icon = next(row for row in LEVELS if score >= row[0])
    kinds = tuple(str(k) for k in analysis.get("abuse_kinds") or ())
    return Reading(score, level, words, icon, bool(analysis.get("complaint")),
                   bool(analysis.get("indirect")), bool(analysis.get("abuse")) or bool(kinds),
                   kinds, analysis.get("urgency") == "high")
