"""`frontliner coach check|read`: the command-line contract of DESIGN.md, checked by
running the real command (subprocess) against golden files in tests/coach/golden/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from frontliner.coach import MAX_CHARS, check

GOLDEN = Path(__file__).with_name("golden")
FRONTLINER = str(Path(sys.executable).with_name("frontliner"))


def run(
    *args: str, stdin: str | None = None, cwd: Path = GOLDEN, columns: int = 80
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FRONTLINER, "coach", *args], input=stdin, capture_output=True, text=True, cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": str(columns), "TERM": "dumb"},
    )


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def test_check_prints_linter_lines_with_position_rule_and_suggestion() -> None:
    result = run("check", "--customer", "customer.txt", "draft.txt")
    assert result.returncode == 0, result.stderr
    assert result.stdout == golden("check.expected.txt")


def test_check_json_is_the_contract_and_uses_the_given_options() -> None:
    result = run(
        "check", "--json", "--customer", "customer.txt",
        "--remedy", "a replacement", "--article", "Returns made easy", "draft.txt",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == golden("check.expected.json")
    data = json.loads(result.stdout)
    assert any("offer you a replacement" in (f["suggestion"] or "") for f in data["findings"])


def test_cli_json_equals_the_library_result() -> None:
    draft, customer = golden("draft.txt"), golden("customer.txt")
    result = run("check", "--json", "--customer", "customer.txt", "draft.txt")
    assert json.loads(result.stdout) == check(draft, customer=customer).to_dict()


def test_read_prints_the_reading_and_its_json() -> None:
    assert run("read", "customer.txt").stdout == golden("read.expected.txt")
    result = run("read", "--json", "-", stdin=golden("customer.txt"))
    assert result.returncode == 0
    assert result.stdout == golden("read.expected.json")


def test_check_reads_the_draft_from_standard_input() -> None:
    result = run("check", "--json", "-", stdin="Calm down, please.")
    assert result.returncode == 0
    assert json.loads(result.stdout)["findings"][0]["rule"] == "feelings"


def test_jsonl_gives_one_result_per_line_and_names_bad_lines() -> None:
    result = run("check", "--jsonl", "batch.jsonl")
    assert result.stdout == golden("batch.expected.jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == len(golden("batch.jsonl").splitlines())
    assert json.loads(lines[2])["line"] == 3 and "line 3" in result.stderr
    assert json.loads(lines[4])["findings"][0]["rule"] == "feelings"  # went on after errors
    assert result.returncode == 2


def test_read_jsonl_streams_from_standard_input() -> None:
    stdin = '"My order is late again!!"\n"What are your hours?"\n'
    result = run("read", "--jsonl", "-", stdin=stdin)
    assert result.returncode == 0
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["complaint"] and not second["complaint"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "missing.txt"), "missing.txt: cannot open"),
        (("read", "missing.txt"), "missing.txt: cannot open"),
        (("check", "--config", "missing.yml", "draft.txt"), "cannot read config"),
    ],
)
def test_unusable_input_exits_2_with_a_clear_message(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_input_above_the_size_limit_exits_2_without_a_crash(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x" * (1024 * 1024), encoding="utf-8")
    result = run("check", str(big))
    assert result.returncode == 2
    assert f"at most {MAX_CHARS:,}" in result.stderr
    assert "Traceback" not in result.stderr


def test_non_utf8_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Désolé, we can't".encode("latin-1"))
    # A narrow terminal must not wrap the message: scripts match it on one line.
    result = run("check", str(bad), columns=24)
    assert result.returncode == 2 and "not UTF-8" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_config_file_disables_rules_and_changes_severity(tmp_path: Path) -> None:
    config = tmp_path / "coach.yml"
    config.write_text("disable: [argue]\nseverity: {cant: info}\n", encoding="utf-8")
    result = run("check", "--json", "--config", str(config), "draft.txt")
    rules = {f["rule"]: f["severity"] for f in json.loads(result.stdout)["findings"]}
    assert "argue" not in rules and rules["cant"] == "info"


def test_jsonl_streams_each_result_before_the_next_line_arrives() -> None:
    """A batch is processed line by line (constant memory), never read whole first: the
    first result is readable while the input is still open."""
    process = subprocess.Popen(
        [FRONTLINER, "coach", "read", "--jsonl", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write('"My order is late again!!"\n')
    process.stdin.flush()
    first = json.loads(process.stdout.readline())
    assert first["complaint"] is True
    process.stdin.write('"What are your hours?"\n')
    process.stdin.close()
    assert json.loads(process.stdout.readline())["complaint"] is False
    assert process.wait(timeout=60) == 0
