"""The rule kinds: a handful of matchers that every rule file is an instance of.

In the spirit of Vale's existence / substitution / occurrence / conditional checks:

- `phrase`: words that break a rule, minus exceptions.
- `refusal`: a refusal with no alternative offered in the same or nearby sentences.
- `missing`: something the reply must contain (always, or when the customer complained).
- `length`: more words than needed.
- `substitution`: a word the organisation spells or names differently.

A new rule is a YAML file; only a new *kind* is Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from frontliner.coach.model import Options, Reading
from frontliner.coach.packs import PackError, RuleSpec, compile_any, expand
from frontliner.coach.phrases import PhraseSet, Scan
from frontliner.coach.text import Prepared


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    replacement: str | None = None  # substitution kind: the preferred word


@dataclass(slots=True)
class Context:
    draft: Prepared
    customer: Reading | None
    options: Options


def _list(spec: RuleSpec, key: str) -> list[str]:
    value = spec.data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PackError(f"{spec.path}: {key} must be a list of strings")
    return value


def _required(spec: RuleSpec, key: str) -> PhraseSet:
    pattern = compile_any(_list(spec, key), f"{spec.path} {key}")
    if pattern is None:
        raise PackError(f"{spec.path}: a {spec.kind} rule needs {key}")
    return pattern


def _overlaps(phrases: PhraseSet | None, scan: Scan, start: int, end: int) -> bool:
    """Does an exception match cover any part of [start, end)? Searched near the hit only."""
    if phrases is None:
        return False
    lo, hi = max(0, start - 60), min(len(scan.lower), end + 60)
    return any(s < end and e > start for s, e in phrases.spans(scan, lo, hi))


class Kind:
    """A compiled rule's matcher."""

    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        self.when = str(spec.data.get("when", "always"))
        if self.when not in ("always", "complaint"):
            raise PackError(f"{spec.path}: when must be always or complaint")

    def applies(self, ctx: Context) -> bool:
        if self.when == "complaint":
            return ctx.customer is not None and ctx.customer.complaint
        return True

    def find(self, ctx: Context) -> list[Hit]:
        raise NotImplementedError

    def find_with_near_misses(self, ctx: Context) -> tuple[list[Hit], list[Hit]]:
        """The hits, and the phrases that matched but were let off (a refusal with an
        alternative nearby): the reply model weighs both."""
        return self.find(ctx), []


class Phrase(Kind):
    """Flags each phrase, unless an exception overlaps it or its sentence matches
    `unless_sentence`."""

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        self.pattern = _required(spec, "patterns")
        self.exceptions = compile_any(_list(spec, "exceptions"), f"{spec.path} exceptions")
        self.unless = compile_any(_list(spec, "unless_sentence"), f"{spec.path} unless_sentence")

    def candidates(self, ctx: Context) -> list[Hit]:
        scan = ctx.draft.scan
        hits: list[Hit] = []
        for start, end in self.pattern.spans(scan):
            if _overlaps(self.exceptions, scan, start, end):
                continue
            if self.unless is not None:
                sentence = ctx.draft.sentences[ctx.draft.sentence_at(start)]
                if self.unless.search(scan, sentence.start, sentence.end):
                    continue
            hits.append(Hit(start, end))
        return hits

    def find(self, ctx: Context) -> list[Hit]:
        return self.candidates(ctx)


class Refusal(Phrase):
    """A refusal is flagged when no alternative appears within `before` sentences ahead
    of it or `after` sentences behind it. An alternative in a sentence that matches
    `not_alternatives` (a generic feedback form) does not count."""

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        self.alternatives = _required(spec, "alternatives")
        self.not_alternatives = compile_any(
            _list(spec, "not_alternatives"), f"{spec.path} not_alternatives"
        )
        self.before = int(spec.data.get("before", 1))
        self.after = int(spec.data.get("after", 2))

    def find(self, ctx: Context) -> list[Hit]:
        return self.find_with_near_misses(ctx)[0]

    def find_with_near_misses(self, ctx: Context) -> tuple[list[Hit], list[Hit]]:
        hits = self.candidates(ctx)
        if not hits:
            return hits, []
        offered = self._sentences_with_alternative(ctx)
        kept: list[Hit] = []
        served: list[Hit] = []
        for hit in hits:
            (served if self._served(ctx, hit, offered) else kept).append(hit)
        return kept, served

    def serves(self, ctx: Context, hit: Hit) -> bool:
        """Is an alternative offered near this span (a refusal the reply model found in a
        sentence where no refusal phrase matched)?"""
        return self._served(ctx, hit, self._sentences_with_alternative(ctx))

    def _sentences_with_alternative(self, ctx: Context) -> dict[int, list[tuple[int, int]]]:
        draft = ctx.draft
        offered: dict[int, list[tuple[int, int]]] = {}
        for start, end in self.alternatives.spans(draft.scan):
            offered.setdefault(draft.sentence_at(start), []).append((start, end))
        if self.not_alternatives is not None:
            for index in list(offered):
                s = draft.sentences[index]
                if self.not_alternatives.search(draft.scan, s.start, s.end):
                    del offered[index]
        return offered

    def _served(self, ctx: Context, hit: Hit, offered: dict[int, list[tuple[int, int]]]) -> bool:
        index = ctx.draft.sentence_at(hit.start)
        for near in range(index - self.before, index + self.after + 1):
            for start, _end in offered.get(near, ()):
                # In the refusal's own sentence only what follows it answers it.
                if near != index or start >= hit.end:
                    return True
        return False


class Missing(Kind):
    """The reply lacks every one of `requires`; spans the whole draft."""

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        self.requires = _required(spec, "requires")

    def find(self, ctx: Context) -> list[Hit]:
        if not ctx.draft.has_words() or self.requires.search(ctx.draft.scan):
            return []
        return [Hit(0, len(ctx.draft.original))]


class Length(Kind):
    """More than `max_words` words of the agent's own; spans the whole draft."""

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        self.max_words = int(spec.data.get("max_words", 0))
        if self.max_words <= 0:
            raise PackError(f"{spec.path}: a length rule needs max_words > 0")

    def find(self, ctx: Context) -> list[Hit]:
        if ctx.draft.words() <= self.max_words:
            return []
        return [Hit(0, len(ctx.draft.original))]


class Substitution(Kind):
    """`swap: {pattern: preferred}`: a word the organisation wants said differently."""

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        swap = spec.data.get("swap")
        if not isinstance(swap, dict) or not swap:
            raise PackError(f"{spec.path}: a substitution rule needs swap: {{pattern: word}}")
        self.swaps: list[tuple[re.Pattern[str], str]] = []
        for pattern, preferred in swap.items():
            body = expand(str(pattern), str(spec.path))
            try:
                # Case-sensitive on purpose: brand words are about exact spelling.
                compiled = re.compile(rf"(?<![\w'])(?:{body})(?![\w'])")
            except re.error as exc:
                raise PackError(f"{spec.path}: bad pattern {pattern!r}: {exc}") from exc
            self.swaps.append((compiled, str(preferred)))

    def find(self, ctx: Context) -> list[Hit]:
        hits = []
        for pattern, preferred in self.swaps:
            for m in pattern.finditer(ctx.draft.text):
                if m.group() != preferred:
                    hits.append(Hit(m.start(), m.end(), preferred))
        return hits


KINDS: dict[str, Callable[[RuleSpec], Kind]] = {
    "phrase": Phrase,
    "refusal": Refusal,
    "missing": Missing,
    "length": Length,
    "substitution": Substitution,
}


def compile_kind(spec: RuleSpec) -> Kind:
    factory = KINDS.get(spec.kind)
    if factory is None:
        raise PackError(f"{spec.path}: unknown kind {spec.kind!r}; known: {', '.join(KINDS)}")
    return factory(spec)


def describe(spec: RuleSpec) -> dict[str, Any]:
    """The kind-specific settings, for the generated docs."""
    keys = ("when", "before", "after", "max_words", "also")
    return {k: spec.data[k] for k in keys if k in spec.data}
