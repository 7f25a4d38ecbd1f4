"""The second labeller's check on the first (bench/label_agreement.py): Cohen's kappa, the
per-field counts, and the refusals of label folders that do not belong together."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tests.coach.bench_scripts import DATA, bench_module, needs_data

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "label_agreement.py"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    # A wide console, so Rich never wraps a checked phrase across lines.
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


@pytest.fixture
def agreement() -> Iterator[ModuleType]:
    with bench_module("label_agreement") as module:
        yield module


def conversation(session_id: str) -> dict[str, Any]:
    return {
        "dialogHeader": {"sessionID": session_id},
        "dialogContent": [{"client": "someone", "message": f"message {session_id}"}],
        "agentURL": {"url_utterance": f"reply {session_id}"},
    }


def label(session_id: str, reply: list[str], **customer: Any) -> dict[str, Any]:
    fields = {"complaint": True, "indirect": False, "abuse": False, "abuse_kinds": []}
    fields |= {"frustration": "low", "urgency": "normal"} | customer
    return {"id": session_id, "reply": reply, "customer": fields}


def write_case(
    tmp_path: Path, first: list[dict[str, Any]], second: list[dict[str, Any]]
) -> tuple[Path, Path, Path]:
    data = tmp_path / "test.json"
    data.write_text(json.dumps([conversation(f"s{n}") for n in range(1, 7)]))
    folders = []
    for name, labels in (("first", first), ("second", second)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "part.jsonl").write_text("".join(json.dumps(x) + "\n" for x in labels))
        folders.append(folder)
    return data, folders[0], folders[1]


# --- kappa on hand-made cases --------------------------------------------------------------


def test_kappa_is_one_for_perfect_agreement(agreement: ModuleType) -> None:
    assert agreement.cohen_kappa([True, False, True, False], [True, False, True, False]) == 1.0
    assert agreement.cohen_kappa(["low", "high", "normal"], ["low", "high", "normal"]) == 1.0


def test_kappa_is_zero_when_agreement_is_what_chance_gives(agreement: ModuleType) -> None:
    # each says yes half the time, independently: p_o = p_e = 0.5
    assert agreement.cohen_kappa([True, True, False, False], [True, False, True, False]) == 0.0


def test_kappa_is_negative_for_systematic_disagreement(agreement: ModuleType) -> None:
    assert agreement.cohen_kappa([True, False, True, False], [False, True, False, True]) == -1.0


def test_kappa_matches_the_textbook_two_by_two(agreement: ModuleType) -> None:
    # 50 items: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> p_o 0.7, p_e 0.5, kappa 0.4
    first = [True] * 25 + [False] * 25
    second = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15

    assert agreement.cohen_kappa(first, second) == pytest.approx(0.4)
    assert agreement.agreement(first, second) == pytest.approx(0.7)


def test_kappa_over_three_levels(agreement: ModuleType) -> None:
    first = ["low", "low", "normal", "high"]
    second = ["low", "normal", "normal", "high"]
    # p_o 3/4; p_e = (2*1 + 1*2 + 1*1) / 16 = 5/16 -> (12/16 - 5/16) / (11/16) = 7/11
    assert agreement.cohen_kappa(first, second) == pytest.approx(7 / 11)


def test_kappa_is_undefined_when_both_only_ever_say_the_same(agreement: ModuleType) -> None:
    assert agreement.cohen_kappa([False, False, False], [False, False, False]) is None
    assert agreement.cohen_kappa([], []) is None
    with pytest.raises(ValueError):
        agreement.cohen_kappa([True], [True, False])


def test_binary_counts_and_the_ceiling_of_the_first_against_the_second(
    agreement: ModuleType,
) -> None:
    first = [True, True, True, False, False]
    second = [True, True, False, True, False]

    m = agreement.binary(first, second)

    assert (m["both"], m["only_first"], m["only_second"], m["neither"]) == (2, 1, 1, 1)
    assert m["agreement"] == pytest.approx(0.6)
    assert m["ceiling_precision"] == pytest.approx(2 / 3)  # first's yes that second shares
    assert m["ceiling_recall"] == pytest.approx(2 / 3)  # second's yes that first found


# --- the script ----------------------------------------------------------------------------


def test_script_reports_rules_fields_and_levels_on_the_shared_conversations(
    tmp_path: Path,
) -> None:
    first = [
        label("s1", ["no-thanks"]),
        label("s2", ["cant", "policy"], urgency="high"),
        label("s3", [], complaint=False, frustration="medium"),
        label("s4", ["guess"]),  # only the first labelled s4: left out
    ]
    second = [
        label("s1", ["no-thanks"]),
        label("s2", ["policy"], urgency="high"),
        label("s3", ["blame"], complaint=True, frustration="medium"),
    ]
    data, one, two = write_case(tmp_path, first, second)

    result = run_script("--data", str(data), "--first", str(one), "--second", str(two), "--json")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["conversations"] == 3
    rules = report["rules"]
    assert set(rules) == {"cant", "policy", "no-thanks", "blame", "all rules (micro)"}
    assert (rules["cant"]["only_first"], rules["cant"]["ceiling_precision"]) == (1, 0.0)
    assert rules["policy"]["kappa"] == 1.0
    assert (rules["blame"]["only_second"], rules["blame"]["ceiling_recall"]) == (1, 0.0)
    assert rules["all rules (micro)"]["both"] == 2
    complaint = report["inbound"]["complaint"]
    assert (complaint["both"], complaint["only_second"], complaint["agreement"]) == (2, 1, 2 / 3)
    assert report["inbound"]["abuse"]["kappa"] is None  # nobody ever said abuse
    assert report["levels"]["urgency"]["agreement"] == 1.0


def test_script_prints_tables_and_lists_disagreements(tmp_path: Path) -> None:
    data, one, two = write_case(
        tmp_path, [label("s1", ["cant"]), label("s2", [])], [label("s1", []), label("s2", [])]
    )
    base = ("--data", str(data), "--first", str(one), "--second", str(two))

    table = run_script(*base)
    listed = run_script(*base, "--disagreements", "cant")

    assert table.returncode == 0, table.stderr
    assert "reply rules" in table.stdout and "cant" in table.stdout
    assert listed.returncode == 0, listed.stderr
    assert "cant: 1 disagreements of 2" in listed.stdout
    assert "s1" in listed.stdout and "message s1" in listed.stdout


def test_script_refuses_second_labels_the_first_never_made(tmp_path: Path) -> None:
    data, one, two = write_case(
        tmp_path, [label("s1", [])], [label("s1", []), label("s5", []), label("s6", [])]
    )

    result = run_script("--data", str(data), "--first", str(one), "--second", str(two))

    assert result.returncode == 2
    assert "2 of 3 second labels have no first label (s5, s6)" in result.stderr
    assert "do not label the same conversations" in result.stderr


def test_script_refuses_invalid_labels_and_says_which_side(tmp_path: Path) -> None:
    data, one, two = write_case(
        tmp_path, [label("s1", [])], [label("s1", ["cant-help"], frustration="furious")]
    )

    result = run_script("--data", str(data), "--first", str(one), "--second", str(two))

    assert result.returncode == 2
    assert f"the second labels in {two} are invalid" in result.stderr
    assert "part.jsonl:1: cant-help also counts as cant: list both" in result.stderr
    assert "customer.frustration must be one of low, medium, high" in result.stderr


def test_script_refuses_one_folder_given_twice(tmp_path: Path) -> None:
    data, one, _ = write_case(tmp_path, [label("s1", [])], [label("s1", [])])

    result = run_script("--data", str(data), "--first", str(one), "--second", str(one))

    assert result.returncode == 2
    assert "same folder" in result.stderr


def test_main_bench_does_not_read_the_second_labels_subfolder(
    agreement: ModuleType, tmp_path: Path
) -> None:
    # bench/coach_accuracy.py reads bench/labels through the same function
    (tmp_path / "second").mkdir()
    (tmp_path / "a.jsonl").write_text("{}\n")
    (tmp_path / "second" / "sample.jsonl").write_text("{}\n")

    assert [where for where, _ in agreement.read_label_lines(tmp_path)] == ["a.jsonl:1"]


@needs_data
def test_committed_second_labels_pair_up_with_the_first() -> None:
    result = run_script("--data", str(DATA), "--json")

    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["conversations"] == 120
