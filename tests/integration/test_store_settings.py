"""Desk-wide settings: stored once per key, the newest value wins, absent reads as None."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Seeded

from frontliner.store.settings_tables import get_setting, put_setting
from frontliner.store.uow import SqlUnitOfWork


def test_a_setting_is_absent_until_stored_then_the_newest_value_wins(
    uow_factory: Callable[[], SqlUnitOfWork], seeded: Seeded
) -> None:
    with uow_factory() as uow:
        assert get_setting(uow.session, "coach_errors") is None
        put_setting(uow.session, "coach_errors", "block", seeded.lead_id)
        uow.commit()
    with uow_factory() as uow:
        assert get_setting(uow.session, "coach_errors") == "block"
        put_setting(uow.session, "coach_errors", "warn", seeded.lead_id)
        uow.commit()
    with uow_factory() as uow:
        assert get_setting(uow.session, "coach_errors") == "warn"
        assert get_setting(uow.session, "something_else") is None
