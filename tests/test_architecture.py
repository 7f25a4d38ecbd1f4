"""The layers point inward: coach <- desk <- store <- channels/jobs <- web <- cli.

Runs import-linter with the contracts declared in pyproject.toml, so a wrong-way import
fails the test suite, not just a linter nobody ran.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_layer_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
