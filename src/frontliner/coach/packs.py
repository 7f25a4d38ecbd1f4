"""Rule packs: YAML files that hold every rule, loaded and checked once.

A rule lives in `rules/<family>/<id>.yml`; its id must match its file name. An
organisation pack is a directory of more YAML files: a file with a `kind` adds a rule, a
file with `extends: <id>` adds phrases (patterns, exceptions, alternatives...) to one.
Nothing here knows what a rule means; `kinds.py` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from frontliner.coach.model import Severity
from frontliner.coach.phrases import PhraseSet

RULES_DIR = Path(__file__).with_name("rules")
MACROS_FILE = RULES_DIR / "macros.yml"
SEEDS = (
    "000_4fd93583525eb211.txt",
    "001_be338208a5b3d3fa.txt",
    "002_98c6e48e40df4e1d.txt",
    "003_129c413d3936b017.txt",
    "004_d0ec11b22bc640a1.txt",
)
REQUIRED = ("id", "kind", "severity", "message", "source", "examples")
# Fields an `extends:` file may add to; lists are appended, never replaced.
EXTENDABLE = ("patterns", "exceptions", "unless_sentence", "alternatives", "not_alternatives",
              "requires")
_MACRO = re.compile(r"\{([a-z_]+)\}")
# An upper-case letter that is not part of an escape such as \\W or \\S.
_UPPER = re.compile(r"(?<!\\)[A-Z]")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PackError(ValueError):
    """A rule file that cannot be used, with the file named."""


@dataclass(frozen=True)
class Example:
    draft: str
    customer: str | None = None
    flags: str | None = None  # for `fail`: the words the finding must point at


@dataclass
class RuleSpec:
    """A rule as written in its file, before compiling."""

    id: str
    family: str
    kind: str
    severity: Severity
    message: str
    source: str
    suggestion: str | None
    data: dict[str, Any]
    passes: list[Example] = field(default_factory=list)
    fails: list[Example] = field(default_factory=list)
    path: Path | None = None


def read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: cannot read rule file: {exc}") from exc


@lru_cache(maxsize=1)
def macros() -> dict[str, str]:
    data = read_yaml(MACROS_FILE)
    if not isinstance(data, dict):
        raise PackError(f"{MACROS_FILE}: expected a mapping of name: regex")
    return {str(k): str(v) for k, v in data.items()}


def expand(pattern: str, where: str) -> str:
    """Replace `{name}` macros (shared word forms like `{cant}`) in a pattern."""
    table = macros()

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in table:
            raise PackError(f"{where}: unknown macro {{{name}}}")
        return table[name]

    return _MACRO.sub(one, pattern)


def compile_any(patterns: list[str], where: str) -> PhraseSet | None:
    """The phrases as one matcher: whole words, matched against lower-cased text."""
    if not patterns:
        return None
    expanded = [expand(p, where) for p in patterns]
    for pattern in expanded:
        if _UPPER.search(pattern):
            raise PackError(f"{where}: write patterns in lower case: {pattern!r}")
    try:
        return PhraseSet(expanded)
    except re.error as exc:
        raise PackError(f"{where}: bad pattern: {exc}") from exc


def _examples(raw: Any, where: str) -> list[Example]:
    if not isinstance(raw, list):
        raise PackError(f"{where}: examples must be a list")
    out: list[Example] = []
    for item in raw:
        if isinstance(item, str):
            out.append(Example(draft=item))
        elif isinstance(item, dict) and isinstance(item.get("draft"), str):
            out.append(Example(item["draft"], item.get("customer"), item.get("flags")))
        else:
            raise PackError(f"{where}: an example is a string or {{draft, customer, flags}}")
    return out


def parse_rule(data: Any, path: Path, family: str) -> RuleSpec:
    where = str(path)
    if not isinstance(data, dict):
        raise PackError(f"{where}: a rule file holds a mapping")
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise PackError(f"{where}: missing {', '.join(missing)}")
    if data["id"] != path.stem:
        raise PackError(f"{where}: id {data['id']!r} does not match the file name")
    examples = data["examples"]
    if not isinstance(examples, dict):
        raise PackError(f"{where}: examples must have pass: and fail: lists")
    try:
        severity = Severity.parse(str(data["severity"]))
    except ValueError as exc:
        raise PackError(f"{where}: {exc}") from exc
    return RuleSpec(
        id=str(data["id"]),
        family=family,
        kind=str(data["kind"]),
        severity=severity,
        message=str(data["message"]).strip(),
        source=str(data["source"]),
        suggestion=(str(data["suggestion"]).strip() if data.get("suggestion") else None),
        data=data,
        passes=_examples(examples.get("pass", []), f"{where} pass"),
        fails=_examples(examples.get("fail", []), f"{where} fail"),
        path=path,
    )


def _rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.yml") if p != MACROS_FILE)


def load_base() -> list[RuleSpec]:
    return [parse_rule(read_yaml(p), p, p.parent.name) for p in _rule_files(RULES_DIR)]


def apply_pack(specs: list[RuleSpec], directory: Path) -> list[RuleSpec]:
    """The base rules with an organisation pack's extensions and extra rules added."""
    if not directory.is_dir():
        raise PackError(f"{directory}: organisation pack is not a directory")
    # Copies, so the cached base pack is never changed by an organisation's additions.
    by_id = {spec.id: replace(spec) for spec in specs}
    for path in _rule_files(directory):
        data = read_yaml(path)
        if isinstance(data, dict) and "extends" in data:
            _extend(by_id, data, path)
        else:
            spec = parse_rule(data, path, directory.name)
            if spec.id in by_id:
                raise PackError(f"{path}: rule {spec.id!r} exists; use `extends:` to add to it")
            by_id[spec.id] = spec
    return list(by_id.values())


def _extend(by_id: dict[str, RuleSpec], data: dict[str, Any], path: Path) -> None:
    target = by_id.get(str(data["extends"]))
    if target is None:
        raise PackError(f"{path}: extends unknown rule {data['extends']!r}")
    unknown = set(data) - {"extends", *EXTENDABLE}
    if unknown:
        raise PackError(f"{path}: cannot extend {', '.join(sorted(unknown))}")
    merged = dict(target.data)
    for key in EXTENDABLE:
        extra = data.get(key) or []
        if not isinstance(extra, list):
            raise PackError(f"{path}: {key} must be a list")
        merged[key] = list(merged.get(key) or []) + [str(x) for x in extra]
    target.data = merged
