"""The coach's findings laid over a draft, for the composer.

`underline` cuts the draft at the findings' offsets into escaped pieces, the flagged ones
wrapped in `<mark>`; nothing the agent typed is ever emitted unescaped. `wording` pulls
the concrete words out of a rule's suggestion (the quoted example after "...: "), and
`apply_suggestion` puts them into the draft: in place of the flagged sentence for a
phrase, at the start or end of the draft for something missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from frontliner.coach import Finding, Severity

# Missing-element rules whose wording opens a reply; the others close it.
OPENING_RULES = frozenset({"no-apology", "no-thanks"})
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_CLOSING_QUOTE = re.compile(r"""(?<=[.!?])"(?=[\s)]|$)""")


@dataclass(frozen=True)
class Shown:
    """One finding as the composer shows it."""

    number: int  # 1-based, matches the superscript in the underlined draft
    finding: Finding
    whole_draft: bool  # about something missing, not a phrase
    wording: str | None  # what "use suggestion" puts in, if the rule offers words

    @property
    def is_error(self) -> bool:
        return self.finding.severity == Severity.ERROR


def spans_whole(finding: Finding, draft: str) -> bool:
    return finding.start == 0 and finding.end >= len(draft)


def wording(suggestion: str | None) -> str | None:
    """The example words of a suggestion: `Say what you can do: "That can't be done, but
    what I can do is offer you a refund."` -> `That can't be done, but ... a refund.`
    Suggestions with no quoted sentence (advice only) give None."""
    if not suggestion:
        return None
    start = suggestion.find(': "')
    if start >= 0:
        text = suggestion[start + 3:]
    else:
        start = suggestion.find('("')
        if start < 0:
            return None
        text = suggestion[start + 2:]
    closing = _CLOSING_QUOTE.search(text)
    if closing is None:
        return None
    rest = text[closing.end():].strip()
    words = text[:closing.start()]
    if rest and not rest.startswith(")"):
        words = f"{words} {rest}"  # the suggestion goes on after the example, e.g. an offer
    words = words.strip()
    return words if _SENTENCE_END.search(words) else None


def shown_findings(findings: tuple[Finding, ...] | list[Finding], draft: str) -> list[Shown]:
    ordered = sorted(findings, key=lambda f: (spans_whole(f, draft), f.start, f.end, f.rule))
    return [Shown(i, f, spans_whole(f, draft), wording(f.suggestion))
            for i, f in enumerate(ordered, start=1)]


def underline(draft: str, shown: list[Shown]) -> Markup:
    """The draft, escaped, with each phrase finding in a `<mark>` numbered like its
    message. Overlapping findings: the earlier one is marked, the later one still listed."""
    pieces: list[str] = []
    at = 0
    for item in shown:
        f = item.finding
        if item.whole_draft or f.start < at or f.end > len(draft) or f.start >= f.end:
            continue
        pieces.append(str(escape(draft[at:f.start])))
        pieces.append(str(Markup(
            '<mark class="finding sev-{}" id="mark-{}" aria-describedby="finding-{}">{}'
            '<sup aria-hidden="true">{}</sup></mark>'
        ).format(f.severity.label, item.number, item.number, draft[f.start:f.end], item.number)))
        at = f.end
    pieces.append(str(escape(draft[at:])))
    return Markup("".join(pieces))


def _sentence_end(draft: str, position: int) -> int:
    """Where the sentence holding `position` ends (after its full stop), or the end."""
    found = _SENTENCE_END.search(draft, position)
    return len(draft) if found is None else found.end()


def _fit_case(words: str, draft: str, start: int) -> str:
    """Lower-case the first letter when the words land in the middle of a sentence."""
    before = draft[:start].rstrip()
    if before and before[-1] not in ".!?\n" and words[:1].isupper() and words[1:2].islower():
        return words[0].lower() + words[1:]
    return words


def apply_suggestion(draft: str, finding: Finding) -> str | None:
    """The draft with the suggestion's words put in, or None when it offers none."""
    words = wording(finding.suggestion)
    if words is None:
        return None
    if spans_whole(finding, draft):
        body = draft.strip()
        if finding.rule in OPENING_RULES:
            return f"{words} {body}" if body else words
        return f"{body} {words}" if body else words
    end = _sentence_end(draft, finding.end)
    replaced = _fit_case(words, draft, finding.start)
    return draft[:finding.start] + replaced + draft[end:]
