"""Desk-wide settings: stored once per key, the newest value wins, absent reads as None."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from tests.conftest import T0, Seeded

from frontliner.desk import assignment
from frontliner.desk.empowerment import limits_for, set_profile
from frontliner.desk.model import Role, User
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


# --- settings and empowerment profiles kept in memory (store/config_cache.py) ----------

def _in_another_process(database_url: str, sql: str) -> None:
    """Run one write in a separate Python process, as another app worker would."""
    script = (
        "import sys, sqlalchemy as sa\n"
        "from frontliner.store.engine import make_engine\n"
        "engine = make_engine(sys.argv[1])\n"
        "with engine.begin() as c:\n"
        "    c.execute(sa.text(sys.argv[2]))\n"
    )
    subprocess.run([sys.executable, "-c", script, database_url, sql], check=True, timeout=120)


def test_a_setting_kept_in_memory_is_read_again_once_another_process_changes_it(
    uow_factory: Callable[[], SqlUnitOfWork], database_url: str, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        assert uow.setting("assignment.idle_minutes") is None  # now kept, as absent
    _in_another_process(database_url, "INSERT INTO desk_settings (key, value, updated_at) "
                                      "VALUES ('assignment.idle_minutes', '7', "
                                      "CURRENT_TIMESTAMP)")
    with uow_factory() as uow:
        assert uow.setting("assignment.idle_minutes") == "7"
    _in_another_process(database_url, "UPDATE desk_settings SET value = '9'")
    with uow_factory() as uow:
        assert assignment.rules(uow).idle_minutes == 9
    _in_another_process(database_url, "DELETE FROM desk_settings")
    with uow_factory() as uow:
        assert assignment.rules(uow).idle_minutes == assignment.IDLE_MINUTES


def test_an_empowerment_limit_kept_in_memory_follows_a_change_made_elsewhere(
    uow_factory: Callable[[], SqlUnitOfWork], database_url: str, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        agent = uow.get(User, seeded.agent_id)
        assert agent is not None
        set_profile(uow, None, role=Role.AGENT, money_per_case=1_000, money_per_day=5_000)
        uow.commit()
    with uow_factory() as uow:
        assert limits_for(uow, agent).money_per_case == 1_000
        assert limits_for(uow, agent).money_per_case == 1_000  # the kept copy
    _in_another_process(database_url, "UPDATE empowerment_profiles SET money_per_case = 2500")
    with uow_factory() as uow:
        assert limits_for(uow, agent).money_per_case == 2_500
    with uow_factory() as uow:  # an override of the agent's own, written by this process
        set_profile(uow, None, user_id=seeded.agent_id, money_per_case=300, money_per_day=900)
        assert limits_for(uow, agent).money_per_case == 300  # its own write, at once
        uow.commit()
    with uow_factory() as uow:
        assert limits_for(uow, agent).money_per_case == 300
    _in_another_process(database_url, "DELETE FROM empowerment_profiles WHERE user_id IS NOT NULL")
    with uow_factory() as uow:
        assert limits_for(uow, agent).money_per_case == 2_500


def test_a_setting_written_and_rolled_back_is_not_kept(
    uow_factory: Callable[[], SqlUnitOfWork], seeded: Seeded
) -> None:
    with uow_factory() as uow:
        uow.put_setting("assignment.idle_minutes", "3", seeded.lead_id, T0)
        assert uow.setting("assignment.idle_minutes") == "3"  # its own write, unsaved yet
        uow.rollback()
        assert uow.setting("assignment.idle_minutes") is None
    with uow_factory() as uow:
        assert uow.setting("assignment.idle_minutes") is None


def test_a_kept_setting_costs_one_token_read_per_unit_of_work(
    uow_factory: Callable[[], SqlUnitOfWork], engine: Engine, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        uow.put_setting("assignment.idle_minutes", "12", seeded.lead_id, T0)
        uow.commit()
    with uow_factory() as uow:
        assignment.rules(uow)  # read once into this process's memory
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        with uow_factory() as uow:
            assert assignment.rules(uow).idle_minutes == 12
            assert uow.setting("assignment.idle_minutes") == "12"
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert [s for s in seen if "desk_settings" in s] == []
    assert len([s for s in seen if "desk_config_version" in s]) == 1
