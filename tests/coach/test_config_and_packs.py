"""Configuration (enable/disable, severity overrides, minimum severity) and organisation
packs that extend the base pack with their own phrases and brand words."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontliner.coach import Coach, CoachConfig, ConfigError, PackError, Severity, check

DRAFT = "As I already said, we can't refund that. Hopefully it arrives soon."


def test_disabled_rules_do_not_run() -> None:
    coach = Coach(CoachConfig(disabled=frozenset({"argue"})))
    assert "argue" not in coach.check(DRAFT).rules()
    assert "argue" in check(DRAFT).rules()


def test_enable_runs_only_the_named_rules() -> None:
    coach = Coach(CoachConfig(enabled_only=frozenset({"guess"})))
    assert coach.check(DRAFT).rules() == {"guess"}


def test_severity_override_and_minimum_severity() -> None:
    config = CoachConfig(severity={"guess": Severity.INFO}, min_severity=Severity.WARNING)
    rules = Coach(config).check(DRAFT).rules()
    assert "guess" not in rules and {"argue", "cant"} <= rules


def test_unknown_rule_id_in_config_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown rule ids"):
        Coach(CoachConfig(disabled=frozenset({"argeu"})))


def test_config_file_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "coach.yml"
    path.write_text("disabled: [argue]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown config keys: disabled"):
        CoachConfig.from_file(path)


def _pack(tmp_path: Path) -> Path:
    pack = tmp_path / "acme"
    pack.mkdir()
    (pack / "cant-extra.yml").write_text(
        "extends: cant\npatterns: ['computer says no']\n", encoding="utf-8"
    )
    (pack / "brand.yml").write_text(
        "id: brand\nkind: substitution\nseverity: info\nsource: 004_d0ec11b22bc640a1.txt\n"
        "message: 'Write {replacement}, not {match}.'\nsuggestion: 'Use {replacement}.'\n"
        "swap: {'(?:ACME|acme|Acme Corp)': 'Acme'}\n"
        "examples: {fail: ['Thanks for choosing ACME.'], pass: ['Thanks for choosing Acme.']}\n",
        encoding="utf-8",
    )
    return pack


def test_organisation_pack_adds_phrases_to_a_base_rule(tmp_path: Path) -> None:
    coach = Coach(CoachConfig(packs=(_pack(tmp_path),)))
    assert "cant" in coach.check("Sorry, computer says no.").rules()
    assert "cant" not in check("Sorry, computer says no.").rules()  # base pack untouched


def test_organisation_pack_adds_a_brand_word_rule(tmp_path: Path) -> None:
    coach = Coach(CoachConfig(packs=(_pack(tmp_path),)))
    draft = "Thanks for choosing ACME. Your order ships today."
    finding = next(f for f in coach.check(draft).findings)
    assert (finding.rule, finding.message, finding.suggestion) == (
        "brand", "Write Acme, not ACME.", "Use Acme."
    )
    assert coach.check("Thanks for choosing Acme. Your order ships today.").findings == ()


def test_pack_rule_whose_id_does_not_match_its_file_is_refused(tmp_path: Path) -> None:
    pack = tmp_path / "bad"
    pack.mkdir()
    (pack / "tone.yml").write_text(
        "id: other\nkind: phrase\nseverity: info\nmessage: m\nsource: s\npatterns: [x]\n"
        "examples: {fail: [x], pass: [y]}\n",
        encoding="utf-8",
    )
    with pytest.raises(PackError, match="does not match the file name"):
        Coach(CoachConfig(packs=(pack,)))
