"""How an organisation tunes the coach: which rules run, how severe each is, the lowest
severity worth showing, and organisation packs of extra YAML rules and phrases.

A config file is YAML:

    disable: [too-long]
    enable: [cant, bare-no]     # optional: run only these
    severity: {guess: info}
    min_severity: warning
    packs: [acme-rules]         # directories, relative to the config file
    reply_model: my.model.gz    # a reply model trained here (`frontliner coach train`),
                                # relative to the config file; `none`: the rules alone
    customer_model: ours.model.gz  # the same for the reading of customers' messages
                                # (`coach train --model customer`); `none`: lexicons alone
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from frontliner.coach.model import Severity

_KEYS = {"disable", "enable", "severity", "min_severity", "packs", "reply_model", "customer_model"}
# `reply_model` values: the model shipped in the package, or no model (rules alone).
SHIPPED_REPLY_MODEL = "reply"
SHIPPED_CUSTOMER_MODEL = "customer"
RULES_ALONE = "none"


class ConfigError(ValueError):
    """A coach configuration that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class CoachConfig:
    disabled: frozenset[str] = frozenset()
    enabled_only: frozenset[str] | None = None
    severity: Mapping[str, Severity] = field(default_factory=dict)
    min_severity: Severity = Severity.INFO
    packs: tuple[Path, ...] = ()
    # The reply model deciding the meaning rules: the shipped one's name, a file path,
    # or RULES_ALONE.
    reply_model: str = SHIPPED_REPLY_MODEL
    # The customer model deciding the reading of messages, in the same three forms.
    customer_model: str = SHIPPED_CUSTOMER_MODEL

    def runs(self, rule_id: str) -> bool:
        if rule_id in self.disabled:
            return False
        return self.enabled_only is None or rule_id in self.enabled_only

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base_dir: Path = Path(".")) -> CoachConfig:
        unknown = set(data) - _KEYS
        if unknown:
            raise ConfigError(f"unknown config keys: {', '.join(sorted(unknown))}")
        try:
            severity = {
                str(k): Severity.parse(str(v)) for k, v in (data.get("severity") or {}).items()
            }
            minimum = Severity.parse(str(data.get("min_severity", "info")))
        except (ValueError, AttributeError) as exc:
            raise ConfigError(str(exc)) from exc
        enable = data.get("enable")
        return cls(
            disabled=frozenset(_ids(data.get("disable") or [], "disable")),
            enabled_only=None if enable is None else frozenset(_ids(enable, "enable")),
            severity=severity,
            min_severity=minimum,
            packs=tuple(base_dir / p for p in _ids(data.get("packs") or [], "packs")),
            reply_model=_model(data.get("reply_model"), base_dir, "reply_model"),
            customer_model=_model(data.get("customer_model"), base_dir, "customer_model"),
        )

    @classmethod
    def from_file(cls, path: Path) -> CoachConfig:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: a coach config is a YAML mapping")
        return cls.from_dict(data, path.parent)

    def check_ids(self, known: set[str]) -> None:
        """Refuse rule ids nobody defined, so a typo does not silently switch nothing."""
        named = set(self.disabled) | set(self.severity) | set(self.enabled_only or ())
        unknown = named - known
        if unknown:
            raise ConfigError(f"unknown rule ids in config: {', '.join(sorted(unknown))}")


def _ids(value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings")
    return list(value)


def _model(value: Any, base_dir: Path, key: str) -> str:
    if value is None:
        return SHIPPED_REPLY_MODEL if key == "reply_model" else SHIPPED_CUSTOMER_MODEL
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{key} must be a model file path or 'none'")
    if value.strip().lower() == RULES_ALONE:
        return RULES_ALONE
    return str(base_dir / value)
