from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontliner.desk.clock import add_working_days, resolve_now
from frontliner.desk.refs import looks_like_case_ref, new_case_ref


def test_case_ref_shape_check_accepts_real_refs_and_rejects_junk() -> None:
    assert looks_like_case_ref(new_case_ref())
    for junk in ("", "FL-", "FL-1234-5678-9ABC-DEFG", "fl-2345-6789-ABCD-EFGH",
                 "FL-2345-6789-ABCD", "FL-2345-6789-ABCD-EFGH-JKMN", "1; DROP TABLE cases"):
        assert not looks_like_case_ref(junk), junk


def test_naive_times_are_refused_and_aware_ones_become_utc() -> None:
    with pytest.raises(ValueError):
        resolve_now(datetime(2026, 3, 2, 10, 0))
    paris = datetime(2026, 3, 2, 11, 0, tzinfo=UTC).astimezone()
    assert resolve_now(paris).tzinfo == UTC


def test_working_days_skip_the_weekend() -> None:
    friday = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    assert add_working_days(friday, 1) == friday + timedelta(days=3)
    assert add_working_days(friday, 2) == friday + timedelta(days=4)
    assert add_working_days(friday - timedelta(days=4), 2) == friday - timedelta(days=2)
