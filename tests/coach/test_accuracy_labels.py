"""The hand labels that measure the coach, and the script that scores it against them
(bench/coach_accuracy.py), through its command line and its metric functions."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from tests.coach.bench_scripts import DATA, bench_module, needs_data

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "coach_accuracy.py"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT
    )


@pytest.fixture
def accuracy() -> Iterator[ModuleType]:
    with bench_module("coach_accuracy") as module:
        yield module


def conversation(session_id: str, customer: str, reply: str) -> dict[str, Any]:
    return {
        "dialogHeader": {"sessionID": session_id},
        "dialogContent": [{"client": "someone", "message": customer}],
        "agentURL": {"url_utterance": reply},
    }


def label(session_id: str, reply: list[str], **customer: Any) -> dict[str, Any]:
    fields = {"complaint": True, "indirect": False, "abuse": False, "abuse_kinds": []}
    fields |= {"frustration": "low", "urgency": "normal"} | customer
    return {"id": session_id, "reply": reply, "customer": fields}


def write_case(tmp_path: Path, labels: list[dict[str, Any]]) -> tuple[Path, Path]:
    data = tmp_path / "test.json"
    data.write_text(
        json.dumps([conversation("s1", "broken", "sorry"), conversation("s2", "late", "thanks")])
    )
    folder = tmp_path / "labels"
    folder.mkdir()
    (folder / "part.jsonl").write_text("".join(json.dumps(x) + "\n" for x in labels))
    return data, folder


@needs_data
def test_committed_labels_are_valid_against_the_twitter_care_data() -> None:
    result = run_script("--data", str(DATA), "--check-labels")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "500 labels, 0 problems" in result.stdout


def test_label_check_names_every_bad_line(tmp_path: Path) -> None:
    bad = [
        label("s1", ["no-apology"]),
        label("s1", ["cant"]),  # the same conversation twice
        label("nope", ["can't"]),  # unknown conversation and rule id
        label("s2", ["cant-help"], frustration="furious", abuse=True),
    ]
    data, folder = write_case(tmp_path, bad)

    result = run_script("--data", str(data), "--labels", str(folder), "--check-labels")

    assert result.returncode == 1
    out = result.stdout
    assert "part.jsonl:2: duplicate id s1 (first at part.jsonl:1)" in out
    assert "part.jsonl:3: id nope is not in the data" in out
    assert 'part.jsonl:3: unknown rule id "can\'t"' in out
    assert "part.jsonl:4: cant-help also counts as cant: list both" in out
    assert "part.jsonl:4: customer.frustration must be one of low, medium, high" in out
    assert "part.jsonl:4: customer.abuse_kinds must be non-empty exactly when abuse is true" in out
    assert "4 labels, 6 problems" in out


def test_label_check_refuses_notes_that_copy_the_data(tmp_path: Path) -> None:
    data = tmp_path / "test.json"
    said = "my parcel never arrived and nobody answers the phone at all"
    data.write_text(json.dumps([conversation("s1", said, "sorry")]))
    folder = tmp_path / "labels"
    folder.mkdir()
    notes = ["parcel never arrived and nobody answers the phone", "see @someone at http://x"]
    lines = [label("s1", ["no-thanks"]) | {"note": note} for note in notes]
    (folder / "a.jsonl").write_text(json.dumps(lines[0]) + "\n")
    (folder / "b.jsonl").write_text(json.dumps(lines[1]) + "\n")

    result = run_script("--data", str(data), "--labels", str(folder), "--check-labels")

    assert result.returncode == 1
    assert "a.jsonl:1: note repeats 6+ words of the conversation: paraphrase it" in result.stdout
    assert "b.jsonl:1: note must not hold handles, addresses or links" in result.stdout


def test_missing_data_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run_script("--data", str(tmp_path / "absent.json"), "--check-labels")

    assert result.returncode == 2
    assert "cannot read the data file" in result.stderr


def test_cant_help_finding_counts_for_cant_and_per_rule_counts_add_up(
    accuracy: ModuleType, tmp_path: Path
) -> None:
    data, folder = write_case(
        tmp_path, [label("s1", ["cant", "cant-help"]), label("s2", ["no-thanks"])]
    )
    conversations = accuracy.load_conversations(data)
    labels = accuracy.to_labels(accuracy.read_label_lines(folder))

    def check(draft: str, customer: str | None = None) -> SimpleNamespace:
        rules = ["cant-help"] if draft == "sorry" else ["no-apology"]
        return SimpleNamespace(findings=[SimpleNamespace(rule=r) for r in rules])

    def read(message: str) -> dict[str, Any]:
        return {
            "complaint": message == "broken",
            "indirect": False,
            "abuse": False,
            "abuse_kinds": [],
            "frustration": 0.1,
            "urgency": "normal",
        }

    scored = accuracy.score_all(labels, conversations, check, read)
    rules = accuracy.rule_metrics(scored)
    inbound = accuracy.inbound_metrics(scored)

    counts = ("support", "tp", "fp", "fn", "precision", "recall", "f1", "target")
    assert {k: rules["cant"][k] for k in counts} == {
        "support": 1,
        "tp": 1,
        "fp": 0,
        "fn": 0,
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "target": "too few (1)",  # one example judges nothing
    }
    assert (rules["no-thanks"]["fn"], rules["no-apology"]["fp"]) == (1, 1)
    assert rules["all rules (micro)"]["tp"] == 2
    assert inbound["complaint"]["recall"] == 0.5
    assert inbound["urgency_accuracy"] == 1.0


def test_spearman_ranks_ties_and_orders(accuracy: ModuleType) -> None:
    assert accuracy.spearman([0, 1, 2], [0.1, 0.5, 0.9]) == pytest.approx(1.0)
    assert accuracy.spearman([0, 1, 2], [0.9, 0.5, 0.1]) == pytest.approx(-1.0)
    # gold low, low, high vs a reading that ties the last two: ranks (1.5,1.5,3) vs (1,2.5,2.5)
    assert accuracy.spearman([0, 0, 2], [0.1, 0.7, 0.7]) == pytest.approx(0.5)
    assert accuracy.spearman([1, 1, 1], [0.1, 0.2, 0.3]) is None


def test_holdout_is_the_first_sha256_byte_below_52(accuracy: ModuleType) -> None:
    ids = [f"session{n}" for n in range(200)]
    held = [i for i in ids if accuracy.is_holdout(i)]

    assert held == [i for i in ids if hashlib.sha256(i.encode()).digest()[0] < 52]
    assert 20 < len(held) < 60  # about one in five


def test_script_scores_the_real_coach_and_splits_dev_from_holdout(tmp_path: Path) -> None:
    data, folder = write_case(tmp_path, [label("s1", ["no-thanks"]), label("s2", [])])

    result = run_script("--data", str(data), "--labels", str(folder), "--json")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    held = sum(hashlib.sha256(s.encode()).digest()[0] < 52 for s in ("s1", "s2"))
    assert report["holdout"]["conversations"] == held
    assert report["dev"]["conversations"] == 2 - held
    assert report["all"]["rules"]["no-thanks"]["support"] == 1
    assert report["all"]["inbound"]["read"] == 2


def test_sentence_labels_score_every_agent_sentence_in_its_part(tmp_path: Path) -> None:
    data, folder = write_case(tmp_path, [label("s1", ["guess"]), label("s2", [])])
    raw = json.loads(data.read_text())
    raw[0]["agentURL"]["url_utterance"] = "Hopefully it arrives soon. Thanks for waiting."
    data.write_text(json.dumps(raw))
    (folder / "sentences").mkdir()
    line = {"id": "s1", "utterance": 1, "sentences": [[0, 26, ["guess"]], [27, 46, []]]}
    (folder / "sentences" / "part.jsonl").write_text(json.dumps(line) + "\n")

    result = run_script("--data", str(data), "--labels", str(folder), "--json")

    assert result.returncode == 0, result.stderr
    byte = hashlib.sha256(b"s1").digest()[0]
    part = "holdout" if byte < 52 else "aside" if byte < 78 else "dev"
    guess = json.loads(result.stdout)["sentences"][part]["guess"]
    assert (guess["support"], guess["tp"], guess["fp"]) == (1, 1, 0)


def test_sentence_labels_outside_the_message_are_refused(tmp_path: Path) -> None:
    data, folder = write_case(tmp_path, [label("s1", []), label("s2", [])])
    (folder / "sentences").mkdir()
    line = {"id": "s1", "utterance": 1, "sentences": [[0, 500, ["guess"]]]}
    (folder / "sentences" / "part.jsonl").write_text(json.dumps(line) + "\n")

    result = run_script("--data", str(data), "--labels", str(folder))

    assert result.returncode == 2
    assert "bad sentence" in result.stderr
