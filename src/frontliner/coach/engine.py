"""The reply coach: runs the compiled rule packs over a draft and scores it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from frontliner.coach import analyser
from frontliner.coach.config import CoachConfig
from frontliner.coach.kinds import Context, Hit, Kind, compile_kind
from frontliner.coach.model import Finding, Options, Reading, Report, Severity
from frontliner.coach.packs import PackError, RuleSpec, apply_pack, load_base
from frontliner.coach.suggest import fill
from frontliner.coach.text import prepare

# A draft longer than this is refused, not linted: no reply is this long, and the bound
# keeps the work per request bounded (the CLI turns the error into exit code 2).
MAX_CHARS = 100_000
# What a finding costs the score; a rule counts at most twice so one habit cannot sink
# an otherwise good reply.
PENALTY = {Severity.ERROR: 20, Severity.WARNING: 10, Severity.INFO: 4}
MAX_COUNTED_PER_RULE = 2
# Customer messages whose reading is remembered (a few hundred bytes each).
READINGS_KEPT = 1024


class InputTooLarge(ValueError):
    """A draft or message above MAX_CHARS."""


@dataclass(frozen=True)
class CompiledRule:
    spec: RuleSpec
    kind: Kind
    severity: Severity
    also: tuple[str, ...]


@lru_cache(maxsize=1)
def base_specs() -> tuple[RuleSpec, ...]:
    return tuple(load_base())


def check_size(text: str, what: str) -> None:
    if len(text) > MAX_CHARS:
        raise InputTooLarge(
            f"{what} is {len(text):,} characters; the coach reads at most {MAX_CHARS:,}"
        )


class Coach:
    """The rule packs compiled for one configuration. Build once, reuse for every draft."""

    def __init__(self, config: CoachConfig | None = None) -> None:
        self.config = config or CoachConfig()
        specs = list(base_specs())
        for pack in self.config.packs:
            specs = apply_pack(specs, pack)
        self.specs = {spec.id: spec for spec in specs}
        self.config.check_ids(set(self.specs))
        self.rules = [self._compile(s) for s in specs if self.config.runs(s.id)]
        self._by_id = {rule.spec.id: rule for rule in self.rules}

    def _compile(self, spec: RuleSpec) -> CompiledRule:
        also = spec.data.get("also") or []
        if not isinstance(also, list):
            raise PackError(f"{spec.path}: also must be a list of rule ids")
        severity = self.config.severity.get(spec.id, spec.severity)
        return CompiledRule(spec, compile_kind(spec), severity, tuple(str(a) for a in also))

    def check(
        self, draft: str, customer: str | None = None, options: Options | None = None
    ) -> Report:
        check_size(draft, "the draft")
        reading = self.read(customer) if customer is not None else None
        ctx = Context(prepare(draft), reading, options or Options())
        findings: list[Finding] = []
        for rule in self.rules:
            if rule.kind.applies(ctx):
                for hit in rule.kind.find(ctx):
                    findings.extend(self._findings(rule, hit, ctx))
        kept = _dedupe(f for f in findings if f.severity >= self.config.min_severity)
        return Report(tuple(kept), score(kept))

    def read(self, message: str) -> Reading:
        check_size(message, "the customer's message")
        return _read(message)

    def _findings(self, rule: CompiledRule, hit: Hit, ctx: Context) -> list[Finding]:
        out = [self._finding(rule, hit, ctx)]
        for other_id in rule.also:
            other = self._by_id.get(other_id)
            if other is not None:
                out.append(self._finding(other, hit, ctx))
        return out

    def _finding(self, rule: CompiledRule, hit: Hit, ctx: Context) -> Finding:
        matched = ctx.draft.original[hit.start : hit.end]
        spec = rule.spec
        message = spec.message.replace("{match}", matched.strip())
        if hit.replacement is not None:
            message = message.replace("{replacement}", hit.replacement)
        suggestion = fill(spec.suggestion, ctx.options, matched, hit.replacement)
        return Finding(spec.id, hit.start, hit.end, rule.severity, message, suggestion)


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """Sorted by position; the same rule at the same span is reported once (a rule reached
    both directly and through another rule's `also`)."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.rule)):
        key = (f.rule, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def score(findings: list[Finding]) -> int:
    counted: dict[str, int] = {}
    total = 0
    for f in findings:
        counted[f.rule] = counted.get(f.rule, 0) + 1
        if counted[f.rule] <= MAX_COUNTED_PER_RULE:
            total += PENALTY[f.severity]
    return max(0, 100 - total)


@lru_cache(maxsize=READINGS_KEPT)
def _read(message: str) -> Reading:
    """The composer checks every version of a draft against the same customer message,
    so its reading (pure, and immutable) is worked out once, not once per keystroke."""
    return analyser.read(message)


@lru_cache(maxsize=1)
def default_coach() -> Coach:
    return Coach()
