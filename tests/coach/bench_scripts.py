"""The scripts in bench/ (not a package) for tests of their functions, and the real data
set some of them read."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
# The data set lives outside the repository (it holds real handles); CI may point here.
DATA = Path(
    os.environ.get("FRONTLINER_TWITTER_CARE_DATA", "/work/shared/data/twitter-care/test.json")
)
# Named in the skip reason, so a run without the data says so rather than passing quietly.
needs_data = pytest.mark.skipif(
    not DATA.exists(),
    reason=f"twitter-care data not found at {DATA} (it lives outside the repo; "
    "set FRONTLINER_TWITTER_CARE_DATA to its test.json)",
)


@contextmanager
def bench_module(name: str) -> Iterator[ModuleType]:
    """`bench/<name>.py` as a module, with bench/ on the path only while it is used."""
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCH))
