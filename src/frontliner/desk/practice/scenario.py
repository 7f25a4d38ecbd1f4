"""A practice scenario, as data: parsed and checked the same way whether it comes from a
packaged YAML file or from a lead's form, so a bad one is refused with a clear reason.

Expectations are simple checks beyond the coach's rules, written as data: `any` (one of
these patterns must be in the reply), `none` (none of these may be), `without` (the
coach must not find these rule ids). Patterns are case-insensitive regular expressions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from frontliner.desk.errors import Invalid
from frontliner.desk.model import RemedyKind

SPEAKERS = ("customer", "agent")
CHANNELS = ("email", "web", "chat", "phone", "walk_in")
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
MAX_TEXT = 10_000
MAX_ITEMS = 20


@dataclass(frozen=True)
class Turn:
    speaker: str  # "customer" or "agent" (an earlier reply in the thread)
    text: str


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Article:
    """A knowledge article the agent may rely on, shown inline beside the scenario."""

    slug: str
    title: str
    body: str


@dataclass(frozen=True)
class StatedEmpowerment:
    """Empowerment the scenario states (instead of the practising agent's own)."""

    money_per_case: int  # cents
    remedy_kinds: tuple[str, ...]
    extra_days: int = 0


@dataclass(frozen=True)
class Expectation:
    id: str
    label: str  # what the reply should do, in plain words
    why: str
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    without: tuple[str, ...] = ()

    def met(self, reply: str, found_rules: set[str]) -> bool:
        if self.any and not any(re.search(p, reply, re.IGNORECASE) for p in self.any):
            return False
        if any(re.search(p, reply, re.IGNORECASE) for p in self.none):
            return False
        return not (set(self.without) & found_rules)


@dataclass(frozen=True)
class Scenario:
    key: str  # the file name of a packaged scenario, "desk-<id>" for a lead's own
    title: str
    situation: str  # one line: what the agent walks into
    seed: str  # the seed whose situation it comes from ("" for a lead's own)
    channel: str
    thread: tuple[Turn, ...]
    model_answer: str
    facts: tuple[Fact, ...] = ()
    empowerment: StatedEmpowerment | None = None
    articles: tuple[Article, ...] = ()
    expectations: tuple[Expectation, ...] = ()
    practises: tuple[str, ...] = ()  # rule ids the scenario exercises
    topics: tuple[str, ...] = ()  # situations it covers: late-parcel, closing, ...
    bad_answer: str | None = None  # an answer that must fail (the library's meta-test)
    origin: str = "library"  # "library", "written" or "case"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def customer_message(self) -> str:
        """The customer's last message: what the coach reads the reply against."""
        for turn in reversed(self.thread):
            if turn.speaker == "customer":
                return turn.text
        return ""

    def to_dict(self) -> dict[str, Any]:
        """The scenario as stored (a lead's) or written in a file (the library)."""
        data: dict[str, Any] = {
            "title": self.title, "situation": self.situation, "seed": self.seed,
            "channel": self.channel,
            "thread": [{"from": t.speaker, "text": t.text} for t in self.thread],
            "facts": [{"label": f.label, "value": f.value} for f in self.facts],
            "articles": [{"slug": a.slug, "title": a.title, "body": a.body}
                         for a in self.articles],
            "expectations": [_expectation_dict(e) for e in self.expectations],
            "practises": list(self.practises), "topics": list(self.topics),
            "model_answer": self.model_answer,
        }
        if self.empowerment is not None:
            data["empowerment"] = {"money_per_case": self.empowerment.money_per_case,
                                   "remedy_kinds": list(self.empowerment.remedy_kinds),
                                   "extra_days": self.empowerment.extra_days}
        if self.bad_answer:
            data["bad_answer"] = self.bad_answer
        return data


def _expectation_dict(e: Expectation) -> dict[str, Any]:
    out: dict[str, Any] = {"id": e.id, "label": e.label, "why": e.why}
    for name in ("any", "none", "without"):
        if getattr(e, name):
            out[name] = list(getattr(e, name))
    return out


class _Reader:
    """Collects every problem of one scenario, so a form shows them all at once."""

    def __init__(self, data: Any) -> None:
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        self.problems: dict[str, str] = {}
        if not isinstance(data, dict):
            self.problems["scenario"] = "must be a mapping of fields"

    def text(self, name: str, required: bool = True, limit: int = MAX_TEXT) -> str:
        value = self.data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problems[name] = "must be text"
            return ""
        text = str(value).strip()
        if required and not text:
            self.problems[name] = "is required"
        elif len(text) > limit:
            self.problems[name] = f"is longer than {limit:,} characters"
        return text

    def items(self, name: str) -> list[Any]:
        value = self.data.get(name) or []
        if not isinstance(value, list):
            self.problems[name] = "must be a list"
            return []
        if len(value) > MAX_ITEMS:
            self.problems[name] = f"has more than {MAX_ITEMS} items"
            return []
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        values = self.items(name)
        if not all(isinstance(v, str) for v in values):
            self.problems[name] = "must be a list of text"
            return ()
        return tuple(v.strip() for v in values if v.strip())


def parse_scenario(key: str, data: Any, origin: str = "library") -> Scenario:
    """A checked scenario, or `Invalid` naming every field that is wrong."""
    r = _Reader(data)
    if not KEY.match(key):
        r.problems["key"] = "use lower-case letters, digits and dashes"
    title, situation = r.text("title", limit=200), r.text("situation", limit=500)
    seed = r.text("seed", required=origin == "library", limit=100)
    channel = r.text("channel", required=False, limit=20) or "email"
    if channel not in CHANNELS:
        r.problems["channel"] = f"must be one of {', '.join(CHANNELS)}"
    thread = tuple(_turn(r, i, t) for i, t in enumerate(r.items("thread")))
    if not any(t.speaker == "customer" and t.text for t in thread):
        r.problems.setdefault("thread", "needs at least one message from the customer")
    scenario = Scenario(
        key=key, title=title, situation=situation, seed=seed, channel=channel,
        thread=thread, model_answer=r.text("model_answer"),
        facts=tuple(_fact(r, i, f) for i, f in enumerate(r.items("facts"))),
        empowerment=_empowerment(r),
        articles=tuple(_article(r, i, a) for i, a in enumerate(r.items("articles"))),
        expectations=tuple(_expect(r, i, e) for i, e in enumerate(r.items("expectations"))),
        practises=r.strings("practises"), topics=r.strings("topics"),
        bad_answer=r.text("bad_answer", required=False) or None, origin=origin,
    )
    known = {"title", "situation", "seed", "channel", "thread", "facts", "empowerment",
             "articles", "expectations", "practises", "topics", "model_answer", "bad_answer",
             "id"}
    unknown = sorted(set(r.data) - known)
    if unknown:
        r.problems["scenario"] = f"unknown fields: {', '.join(unknown)}"
    if r.problems:
        listed = "; ".join(f"{k} {v}" for k, v in r.problems.items())
        raise Invalid(f"The scenario cannot be used: {listed}.", r.problems)
    return scenario


def _mapping(r: _Reader, where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        r.problems[where] = "must be a mapping"
        return {}
    return value


def _sub_text(r: _Reader, where: str, data: dict[str, Any], name: str,
              limit: int = MAX_TEXT) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        r.problems[f"{where}.{name}"] = "is required text"
        return ""
    if len(value) > limit:
        r.problems[f"{where}.{name}"] = f"is longer than {limit:,} characters"
    return value.strip()


def _turn(r: _Reader, i: int, value: Any) -> Turn:
    where = f"thread[{i}]"
    data = _mapping(r, where, value)
    speaker = data.get("from")
    if speaker not in SPEAKERS:
        r.problems[f"{where}.from"] = "must be customer or agent"
    return Turn(str(speaker), _sub_text(r, where, data, "text"))


def _fact(r: _Reader, i: int, value: Any) -> Fact:
    where = f"facts[{i}]"
    data = _mapping(r, where, value)
    return Fact(_sub_text(r, where, data, "label", 100), _sub_text(r, where, data, "value", 500))


def _article(r: _Reader, i: int, value: Any) -> Article:
    where = f"articles[{i}]"
    data = _mapping(r, where, value)
    slug = str(data.get("slug") or "").strip()
    title = _sub_text(r, where, data, "title", 200)
    if slug and not KEY.match(slug):
        r.problems[f"{where}.slug"] = "use lower-case letters, digits and dashes"
    body = str(data.get("body") or "").strip()
    return Article(slug or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"), title, body)


def _empowerment(r: _Reader) -> StatedEmpowerment | None:
    value = r.data.get("empowerment")
    if value is None:
        return None
    data = _mapping(r, "empowerment", value)
    money, days = data.get("money_per_case", 0), data.get("extra_days", 0)
    kinds = data.get("remedy_kinds", [])
    if not isinstance(money, int) or money < 0 or not isinstance(days, int) or days < 0:
        r.problems["empowerment"] = "money_per_case (cents) and extra_days must be whole numbers"
        return None
    allowed = {k.value for k in RemedyKind}
    if not isinstance(kinds, list) or not all(k in allowed for k in kinds):
        r.problems["empowerment.remedy_kinds"] = f"must be a list of: {', '.join(allowed)}"
        return None
    return StatedEmpowerment(money, tuple(kinds), days)


def _expect(r: _Reader, i: int, value: Any) -> Expectation:
    where = f"expectations[{i}]"
    data = _mapping(r, where, value)
    lists: dict[str, tuple[str, ...]] = {}
    for name in ("any", "none", "without"):
        raw = data.get(name) or []
        if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
            r.problems[f"{where}.{name}"] = "must be a list of text"
            raw = []
        lists[name] = tuple(raw)
    for pattern in (*lists["any"], *lists["none"]):
        try:
            re.compile(pattern)
        except re.error as exc:
            r.problems[f"{where}"] = f"pattern {pattern!r} is not a regular expression: {exc}"
    if not any(lists.values()):
        r.problems[where] = "needs any, none or without"
    ident = str(data.get("id") or f"expectation-{i + 1}")
    return Expectation(ident, _sub_text(r, where, data, "label", 200),
                       str(data.get("why") or "").strip(), lists["any"], lists["none"],
                       lists["without"])
