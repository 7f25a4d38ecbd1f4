"""The reply coach: runs the compiled rule packs over a draft and scores it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from frontliner.coach import analyser
from frontliner.coach.config import (
    RULES_ALONE,
    SHIPPED_CUSTOMER_MODEL,
    CoachConfig,
    ConfigError,
)
from frontliner.coach.kinds import Context, Hit, Kind, Refusal, compile_kind
from frontliner.coach.learned import customer
from frontliner.coach.learned.linear import Model, ModelError
from frontliner.coach.learned.sentences import (
    SENTENCE_RULES,
    Judge,
    SentenceInput,
    sentence_inputs,
)
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
        self.judge = _judge(self.config.reply_model)
        _customer_model(self.config.customer_model)  # a bad file fails here, not later
        judged = self.judge.rules if self.judge is not None else ()
        # The rules the packs decide alone, and the reply model's rules in its order.
        self._unjudged = [rule for rule in self.rules if rule.spec.id not in judged]
        self._evidence = [self._by_id[r] for r in judged if r in self._by_id]

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
        for rule in self._unjudged:
            if rule.kind.applies(ctx):
                for hit in rule.kind.find(ctx):
                    findings.extend(self._findings(rule, hit, ctx))
        if self.judge is not None:
            # The phrases are the model's evidence; a model of the words alone needs them
            # only where it flagged something (`_judged`).
            matched, let_off = self._found(ctx, self._evidence if self.judge.uses_marks else ())
            findings.extend(self._judged(self.judge, ctx, matched, let_off))
        kept = _dedupe(f for f in findings if f.severity >= self.config.min_severity)
        return Report(tuple(kept), score(kept))

    def read(self, message: str) -> Reading:
        check_size(message, "the customer's message")
        return _read(message, self.config.customer_model)

    def _phrases(
        self, ctx: Context, rule_ids: Iterable[str]
    ) -> tuple[dict[str, list[Hit]], dict[str, list[Hit]]]:
        """What the phrases of these rules find (the reply model's evidence), and the
        refusals they let off because an alternative was near."""
        return self._found(ctx, [r for r in map(self._by_id.get, rule_ids) if r is not None])

    def _found(
        self, ctx: Context, rules: Iterable[CompiledRule]
    ) -> tuple[dict[str, list[Hit]], dict[str, list[Hit]]]:
        matched: dict[str, list[Hit]] = {}
        let_off: dict[str, list[Hit]] = {}
        for rule in rules:
            if rule.kind.applies(ctx):
                rule_id = rule.spec.id
                matched[rule_id], let_off[rule_id] = rule.kind.find_with_near_misses(ctx)
        return matched, let_off

    def sentences(self, draft: str) -> list[SentenceInput]:
        """The draft's sentences as the reply model reads them (for training it)."""
        check_size(draft, "the draft")
        ctx = Context(prepare(draft), None, Options())
        matched, let_off = self._phrases(ctx, SENTENCE_RULES)
        return sentence_inputs(ctx.draft, _spans(matched), _spans(let_off))

    def _judged(
        self,
        judge: Judge,
        ctx: Context,
        matched: dict[str, list[Hit]],
        let_off: dict[str, list[Hit]],
    ) -> list[Finding]:
        """Findings for what the reply model decides, sentence by sentence: at the rule's
        phrase in that sentence when there is one, else at the whole sentence."""
        out: list[Finding] = []
        inputs = sentence_inputs(ctx.draft, _spans(matched), _spans(let_off))
        decided = judge.judge(inputs)
        if not judge.uses_marks:
            matched, let_off = self._phrases(ctx, {r for _s, rules in decided for r in rules})
        for sentence, rules in decided:
            for rule_id in rules:
                rule = self._by_id.get(rule_id)
                if rule is None or not rule.kind.applies(ctx):
                    continue  # switched off by the configuration
                inside = [
                    h for h in matched.get(rule_id, ()) if sentence.start <= h.start < sentence.end
                ]
                if not inside and _served(rule.kind, ctx, sentence, let_off.get(rule_id, ())):
                    continue
                for hit in inside or [Hit(sentence.start, sentence.end)]:
                    out.extend(self._findings(rule, hit, ctx))
        return out

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


def _served(kind: Kind, ctx: Context, sentence: SentenceInput, let_off: Iterable[Hit]) -> bool:
    """A refusal the model found is not flagged where an alternative serves it: its
    phrase was let off, or (no phrase) an alternative is offered near the sentence."""
    if not isinstance(kind, Refusal):
        return False
    if any(sentence.start <= h.start < sentence.end for h in let_off):
        return True
    return kind.serves(ctx, Hit(sentence.start, sentence.end))


def _spans(hits: dict[str, list[Hit]]) -> dict[str, list[tuple[int, int]]]:
    # A rule that found nothing marks no sentence: left out.
    return {rule: [(h.start, h.end) for h in found] for rule, found in hits.items() if found}


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


@lru_cache(maxsize=8)
def _judge(reply_model: str) -> Judge | None:
    """The reply model named by a configuration, loaded once per process."""
    if reply_model == RULES_ALONE:
        return None
    try:
        return Judge.load(reply_model)
    except ModelError as exc:
        raise ConfigError(f"reply_model: {exc}") from exc


def _customer_model(name: str) -> Model | None:
    try:
        return customer.load(name)
    except ModelError as exc:
        raise ConfigError(f"customer_model: {exc}") from exc


@lru_cache(maxsize=READINGS_KEPT)
def _read(message: str, customer_model: str = SHIPPED_CUSTOMER_MODEL) -> Reading:
    """The composer checks every version of a draft against the same customer message,
    so its reading (pure, and immutable) is worked out once, not once per keystroke."""
    return analyser.read(message, _customer_model(customer_model))


@lru_cache(maxsize=1)
def default_coach() -> Coach:
    return Coach()
