"""The in-memory unit of work must offer everything the real one does, or the unit
tests would pass against a seam the store does not implement."""

from __future__ import annotations

import inspect

from frontliner.desk.model import Case, Channel
from frontliner.desk.ports import UnitOfWork
from tests.unit.conftest import MONDAY
from tests.unit.fakes import FakeUnitOfWork


def test_fake_implements_every_port_method_with_the_same_parameters() -> None:
    for name, member in inspect.getmembers(UnitOfWork, inspect.isfunction):
        if name.startswith("_"):
            continue
        fake = getattr(FakeUnitOfWork, name, None)
        assert fake is not None, f"fake lacks {name}"
        assert list(inspect.signature(fake).parameters) == list(
            inspect.signature(member).parameters
        ), name


def test_rollback_forgets_uncommitted_changes_and_commit_bumps_case_version() -> None:
    uow = FakeUnitOfWork()
    case = Case(ref="FL-X", customer_id=1, nature="late", channel=Channel.WEB, opened_at=MONDAY)
    uow.add(case)
    uow.commit()
    case.nature = "very late"
    uow.rollback()
    assert case.nature == "late"
    case.nature = "lost"
    uow.commit()
    assert case.version == 2
    uow.commit()
    assert case.version == 2  # nothing changed, no new version
