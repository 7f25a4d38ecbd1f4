"""Two people editing the same case at once: one wins, the other is told, nothing is lost."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.conftest import Seeded

from frontliner.desk.errors import Conflict
from frontliner.desk.model import Case, CaseStatus
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]


def _load(uow: SqlUnitOfWork, case_id: int) -> Case:
    case = uow.get(Case, case_id)
    assert case is not None
    return case


def test_second_writer_of_a_stale_case_gets_a_conflict_and_the_first_write_stays(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as first, uow_factory() as second:
        mine = _load(first, seeded.case_id)
        theirs = _load(second, seeded.case_id)
        assert mine.version == theirs.version == 1
        mine.status = CaseStatus.OPEN
        first.commit()
        theirs.lesson = "check the retry log first"
        with pytest.raises(Conflict) as raised:
            second.commit()
    assert raised.value.details["stale"] == [{"ref": seeded.case_ref, "version": 1}]
    with uow_factory() as uow:
        case = _load(uow, seeded.case_id)
        assert case.status is CaseStatus.OPEN  # the first write is not lost
        assert case.lesson is None  # the stale write did not sneak in
        assert case.version == 2


def test_retrying_after_a_conflict_on_a_fresh_read_succeeds(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as first, uow_factory() as second:
        _load(first, seeded.case_id).status = CaseStatus.OPEN
        _load(second, seeded.case_id).lesson = "stale"
        first.commit()
        with pytest.raises(Conflict):
            second.commit()
    with uow_factory() as retry:
        _load(retry, seeded.case_id).lesson = "check the retry log first"
        retry.commit()
    with uow_factory() as uow:
        case = _load(uow, seeded.case_id)
        assert (case.status, case.lesson, case.version) == (
            CaseStatus.OPEN,
            "check the retry log first",
            3,
        )


def test_every_saved_change_bumps_the_version(uow_factory: UowFactory, seeded: Seeded) -> None:
    for step in range(3):
        with uow_factory() as uow:
            _load(uow, seeded.case_id).lesson = f"lesson {step}"
            uow.commit()
    with uow_factory() as uow:
        assert _load(uow, seeded.case_id).version == 4


def test_concurrent_writers_that_retry_on_conflict_lose_no_update(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    writers, each = 4, 5

    def add_reasons(writer: int) -> int:
        conflicts = 0
        for n in range(each):
            while True:
                try:
                    with uow_factory() as uow:
                        _load(uow, seeded.case_id).size_reasons.append(f"w{writer}-{n}")
                        uow.commit()
                    break
                except Conflict:
                    conflicts += 1
        return conflicts

    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(add_reasons, range(writers)))
    with uow_factory() as uow:
        case = _load(uow, seeded.case_id)
        assert sorted(case.size_reasons) == sorted(
            f"w{w}-{n}" for w in range(writers) for n in range(each)
        )
        assert case.version == 1 + writers * each
