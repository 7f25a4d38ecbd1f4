"""Every insights figure on a desk with known events (tests/integration/insights_desk.py),
on SQLite and PostgreSQL: the rollups kept by the audit trail give the exact numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tests.conftest import Seeded
from tests.integration.insights_desk import KnownDesk, build

from frontliner.store import insight_rollup
from frontliner.store.insight_figures import figure
from frontliner.store.insight_queries import Filters
from frontliner.store.uow import SqlUnitOfWork

WEEK = Filters(start=date(2026, 3, 2), end=date(2026, 3, 8))
LATER = datetime(2026, 3, 9, tzinfo=UTC)


@pytest.fixture
def desk(uow_factory: Callable[[], SqlUnitOfWork], seeded: Seeded, engine: Engine) -> KnownDesk:
    known = build(uow_factory, seeded)
    with Session(engine) as session:
        insight_rollup.catch_up(session, LATER)
        session.commit()
    return known


def summary(engine: Engine, key: str, flt: Filters = WEEK) -> dict[str, object]:
    with Session(engine) as session:
        return figure(session, key, flt).summary


def table(engine: Engine, key: str, name: str, flt: Filters = WEEK) -> list[list[object]]:
    with Session(engine) as session:
        found = {t.key: t.rows for t in figure(session, key, flt).tables}
    return found[name]


def test_volume_counts_cases_opened_by_channel_and_category(desk: KnownDesk,
                                                            engine: Engine) -> None:
    assert summary(engine, "volume") == {"cases_opened": 4}
    assert table(engine, "volume", "volume-by-channel") == [
        ["chat", 1], ["email", 1], ["phone", 1], ["web", 1]]
    assert table(engine, "volume", "volume-by-category") == [
        ["(none)", 1], ["billing", 2], ["delivery", 1]]
    trend = table(engine, "volume", "volume-trend")
    assert trend[:3] == [["2026-03-02", 2], ["2026-03-03", 1], ["2026-03-04", 1]]
    assert len(trend) == 7


def test_time_to_first_reply_has_median_and_90th_percentile(desk: KnownDesk,
                                                            engine: Engine) -> None:
    # 10 min, 30 min, and 3 h 5 min (counted in the bucket up to 4 hours)
    assert summary(engine, "first-reply") == {
        "count": 3, "median_seconds": 1800, "p90_seconds": 14400, "mean_seconds": 4500}


def test_time_to_confirmed_solution_counts_only_customer_confirmations(
        desk: KnownDesk, engine: Engine) -> None:
    # A: 2 hours; C: one day; B was resolved by an exception, so it is not here
    assert summary(engine, "solution") == {
        "count": 2, "median_seconds": 7200, "p90_seconds": 86400, "mean_seconds": 46800}


def test_first_contact_resolution_and_reopen_rate(desk: KnownDesk, engine: Engine) -> None:
    assert summary(engine, "resolution") == {
        "first_resolved": 3, "first_contact_resolutions": 1,
        "first_contact_resolution_rate": 33.3, "reopened": 1, "reopen_rate": 33.3}


def test_escalations_time_to_hand_back_and_follow_ups(desk: KnownDesk, engine: Engine) -> None:
    assert summary(engine, "escalations") == {
        "escalated": 1, "handed_back": 1, "hand_back_median_seconds": 7200,
        "hand_back_p90_seconds": 7200, "follow_ups_on_time": 1, "follow_ups_late": 0,
        "follow_ups_overdue": 0, "follow_ups_not_due": 0}


def test_approvals_asked_granted_declined_and_time_to_decision(desk: KnownDesk,
                                                               engine: Engine) -> None:
    assert summary(engine, "approvals") == {
        "asked": 1, "granted": 0, "declined": 1, "decision_median_seconds": 1800,
        "decision_p90_seconds": 1800}


def test_closing_exceptions_count_each_signed_exception(desk: KnownDesk,
                                                        engine: Engine) -> None:
    # B's exception counts although the customer's later message reopened B
    assert summary(engine, "closing") == {"resolved": 3, "exceptions": 1,
                                          "exception_rate": 33.3}


def test_satisfaction_distribution_average_and_comments(desk: KnownDesk,
                                                        engine: Engine) -> None:
    assert summary(engine, "satisfaction") == {"ratings": 2, "average": 3.5}
    assert table(engine, "satisfaction", "satisfaction-distribution") == [
        [1, 0], [2, 1], [3, 0], [4, 0], [5, 1]]
    assert table(engine, "satisfaction", "satisfaction-comments") == [
        ["2026-03-02", 5, "Quick and kind", _ref(engine, desk.cases["A"])]]
    trend = table(engine, "satisfaction", "satisfaction-trend")
    assert trend[0] == ["2026-03-02", 1, 5.0] and trend[2] == ["2026-03-04", 1, 2.0]


def test_share_of_messages_read_as_complaint_indirect_and_abuse(desk: KnownDesk,
                                                                engine: Engine) -> None:
    assert summary(engine, "messages") == {
        "inbound": 6, "complaint": 3, "complaint_share": 50.0, "indirect": 1,
        "indirect_share": 16.7, "abuse": 1, "abuse_share": 16.7}


def test_coach_findings_per_100_replies_per_rule_and_suggestions_taken(
        desk: KnownDesk, engine: Engine) -> None:
    import sqlalchemy as sa

    from frontliner.store.tables import sent_findings

    with engine.connect() as connection:  # what reply review kept when each was sent
        kept = {rule: n for rule, n in connection.execute(
            sa.select(sent_findings.c.rule, sa.func.count()).group_by(sent_findings.c.rule))}
    assert kept, "the blunt reply keeps findings"
    replies = 4  # three good replies and the blunt one, each with the coach's reading
    assert table(engine, "coach", "coach-rules") == [
        [rule, n, round(100 * n / replies, 1)] for rule, n in sorted(kept.items())]
    found = summary(engine, "coach")
    assert found["replies_sent"] == 4 and found["replies_with_reading"] == 4
    assert found["findings"] == sum(kept.values())
    assert found["suggestion_taken_rate"] is not None
    assert found["suggestions_taken"] == 1


def test_fires_top_recurring_with_cases_linked_and_credit(desk: KnownDesk,
                                                          engine: Engine) -> None:
    assert table(engine, "fires", "fires-top") == [
        ["Double charge on one order", 2, "yes", "Sam Agent", "2026-03-04"]]


def test_an_agent_sees_only_the_figures_about_them(desk: KnownDesk, engine: Engine) -> None:
    kim = Filters(start=WEEK.start, end=WEEK.end, agent_id=desk.kim)
    sam = Filters(start=WEEK.start, end=WEEK.end, agent_id=desk.sam)
    assert summary(engine, "volume", kim) == {"cases_opened": 1}
    assert summary(engine, "volume", sam) == {"cases_opened": 3}
    assert summary(engine, "approvals", kim)["asked"] == 1
    assert summary(engine, "approvals", sam)["asked"] == 0
    assert summary(engine, "first-reply", sam)["count"] == 2


def test_filters_by_team_channel_category_and_dates(desk: KnownDesk, engine: Engine) -> None:
    returns = Filters(start=WEEK.start, end=WEEK.end, team_id=desk.returns)
    assert summary(engine, "volume", returns) == {"cases_opened": 1}
    chat = Filters(start=WEEK.start, end=WEEK.end, channel="chat")
    assert summary(engine, "first-reply", chat)["median_seconds"] == 1800
    billing = Filters(start=WEEK.start, end=WEEK.end, category="billing")
    assert summary(engine, "messages", billing)["inbound"] == 2
    monday = Filters(start=date(2026, 3, 2), end=date(2026, 3, 2))
    assert summary(engine, "volume", monday) == {"cases_opened": 2}
    assert summary(engine, "satisfaction", monday) == {"ratings": 1, "average": 5.0}


def test_filters_combine_team_channel_and_category(desk: KnownDesk, engine: Engine) -> None:
    def only(**given: object) -> Filters:
        return Filters(start=WEEK.start, end=WEEK.end, **given)  # type: ignore[arg-type]

    # Billing's e-mail: case A (Sam's), answered after 10 minutes
    billing_email = only(team_id=desk.billing, channel="email")
    assert summary(engine, "volume", billing_email) == {"cases_opened": 1}
    assert summary(engine, "first-reply", billing_email)["median_seconds"] == 600
    assert summary(engine, "messages", billing_email)["inbound"] == 1
    # Billing's "billing" cases: A only (C is Kim's, in Returns)
    billing_billing = only(team_id=desk.billing, category="billing")
    assert summary(engine, "satisfaction", billing_billing) == {"ratings": 1, "average": 5.0}
    assert summary(engine, "solution", billing_billing)["median_seconds"] == 7200
    assert table(engine, "satisfaction", "satisfaction-comments", billing_billing) == [
        ["2026-03-02", 5, "Quick and kind", _ref(engine, desk.cases["A"])]]
    # "billing" by phone: case C, escalated, its refund declined, rated 2
    phone_billing = only(channel="phone", category="billing")
    assert summary(engine, "escalations", phone_billing)["escalated"] == 1
    assert summary(engine, "approvals", phone_billing)["declined"] == 1
    assert summary(engine, "satisfaction", phone_billing) == {"ratings": 1, "average": 2.0}
    assert table(engine, "satisfaction", "satisfaction-comments", phone_billing) == []
    # all three: case B, closed by Lee's exception
    chat_delivery = only(team_id=desk.billing, channel="chat", category="delivery")
    assert summary(engine, "closing", chat_delivery) == {
        "resolved": 1, "exceptions": 1, "exception_rate": 100.0}
    assert summary(engine, "volume", chat_delivery) == {"cases_opened": 1}
    assert table(engine, "volume", "volume-by-category", chat_delivery) == [["delivery", 1]]
    # no case is both in Returns and by e-mail
    nobody = only(team_id=desk.returns, channel="email")
    assert summary(engine, "volume", nobody) == {"cases_opened": 0}
    assert summary(engine, "first-reply", nobody)["count"] == 0
    assert summary(engine, "satisfaction", nobody)["ratings"] == 0


def test_a_later_change_moves_the_figures_once(desk: KnownDesk, engine: Engine,
                                               uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    from frontliner.desk import interactions
    from frontliner.desk.model import Channel

    with uow_factory() as uow:  # the customer writes again on A: it reopens
        interactions.record_inbound(uow, None, desk.cases["A"], "It broke again.",
                                    Channel.EMAIL, now=datetime(2026, 3, 5, 9, tzinfo=UTC))
        uow.commit()
    for _ in range(2):  # catching up twice adds the difference once
        with Session(engine) as session:
            insight_rollup.catch_up(session, LATER)
            session.commit()
    assert summary(engine, "resolution")["reopened"] == 2
    assert summary(engine, "solution")["count"] == 1  # A is no longer solved
    assert summary(engine, "messages")["inbound"] == 7


def test_rebuild_gives_the_same_figures_as_catching_up(desk: KnownDesk,
                                                       engine: Engine) -> None:
    """Rebuilding also finds the seeded case, which was written straight to the table
    with no audit trail (so catching up never heard of it): one more case opened."""
    keys = ["first-reply", "solution", "resolution", "escalations", "approvals",
            "closing", "satisfaction", "messages", "coach", "fires"]
    before = {key: summary(engine, key) for key in keys}
    with Session(engine) as session:
        for _ in insight_rollup.rebuild(session, LATER):
            pass
        session.commit()
    assert {key: summary(engine, key) for key in keys} == before
    assert summary(engine, "volume") == {"cases_opened": 5}


def _ref(engine: Engine, case_id: int) -> str:
    import sqlalchemy as sa

    from frontliner.store.tables import cases

    with engine.connect() as connection:
        return str(connection.scalar(sa.select(cases.c.ref).where(cases.c.id == case_id)))


def test_the_workers_job_rolls_up_what_changed_and_then_nothing(
        uow_factory: Callable[[], SqlUnitOfWork], seeded: Seeded, engine: Engine) -> None:
    from huey import MemoryHuey

    from frontliner.jobs import insights

    build(uow_factory, seeded)
    jobs = insights.install(MemoryHuey("insights-test", immediate=True), engine)
    assert jobs.refresh() == 4  # the four cases the desk's operations touched
    assert jobs.refresh() == 0
    assert summary(engine, "volume") == {"cases_opened": 4}
