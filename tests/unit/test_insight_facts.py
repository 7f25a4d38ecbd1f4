"""The insights' definitions without a database: duration buckets, nearest-rank
percentiles, and what a case adds (first-contact resolution, reopens, exceptions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontliner.desk import insight_facts as f

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_a_duration_counts_in_the_first_bucket_at_or_above_it() -> None:
    assert f.duration_bucket(0) == 60
    assert f.duration_bucket(60) == 60
    assert f.duration_bucket(61) == 120
    assert f.duration_bucket(3 * 3600 + 300) == 4 * 3600
    assert f.duration_bucket(86400) == 86400
    assert f.duration_bucket(31 * 86400 + 1) == 32 * 86400


def test_percentiles_take_the_nearest_rank() -> None:
    histogram = [(60, 1), (600, 2), (3600, 1)]  # four durations
    assert f.percentile(histogram, 0.5) == 600  # the 2nd of 4
    assert f.percentile(histogram, 0.9) == 3600  # the 4th (ceil 3.6)
    assert f.percentile([(60, 10)], 0.9) == 60
    assert f.percentile([], 0.5) is None


def _metrics(record: f.CaseRecord) -> list[str]:
    return sorted(fact.metric for fact in f.case_facts(record))


def test_one_message_then_a_confirmed_fix_is_a_first_contact_resolution() -> None:
    record = f.CaseRecord(opened_at=T, owner_id=7, resolved_at=T + H,
                          confirmed_by_customer=True, inbound=[(T, {"complaint": True})],
                          resolutions=[(T + H, "confirmed_by_customer")])
    assert f.FIRST_CONTACT in _metrics(record)
    assert f.EXCEPTION not in _metrics(record)


def test_a_second_message_or_an_escalation_or_a_reopen_is_not() -> None:
    base = {"opened_at": T, "owner_id": 7, "resolutions": [(T + 5 * H, "confirmed_by_customer")]}
    twice = f.CaseRecord(**base, inbound=[(T, None), (T + H, None)])  # type: ignore[arg-type]
    escalated = f.CaseRecord(**base, inbound=[(T, None)],  # type: ignore[arg-type]
                             escalations=[(T + H, T + 2 * H)])
    reopened = f.CaseRecord(**base, inbound=[(T, None)],  # type: ignore[arg-type]
                            reopens=[T + 6 * H])
    for record in (twice, escalated, reopened):
        assert f.FIRST_CONTACT not in _metrics(record)
    assert f.REOPENED in _metrics(reopened)


def test_an_exception_counts_on_the_day_it_was_signed_even_after_a_reopen() -> None:
    record = f.CaseRecord(opened_at=T, owner_id=7, inbound=[(T, None)],
                          resolutions=[(T + 24 * H, "exception_signed")], reopens=[T + 48 * H])
    exceptions = [fact for fact in f.case_facts(record) if fact.metric == f.EXCEPTION]
    assert [fact.day for fact in exceptions] == [(T + 24 * H).date()]


def test_findings_and_suggestions_count_per_reply_for_its_author() -> None:
    reply = f.Reply(at=T + H, author_id=3, read=True, rules=("cant", "policy"), suggested=True,
                    taken=True)
    facts = f.case_facts(f.CaseRecord(opened_at=T, owner_id=7, replies=[reply]))
    mine = sorted(fact.metric for fact in facts if fact.agent_id == 3)
    assert mine == ["finding:cant", "finding:policy", f.REPLY_READ, f.REPLY_SENT,
                    f.REPLY_WITH_SUGGESTION, f.SUGGESTION_TAKEN]


def test_a_reply_without_a_kept_reading_counts_as_sent_only() -> None:
    reply = f.Reply(at=T + H, author_id=3)
    facts = f.case_facts(f.CaseRecord(opened_at=T, owner_id=7, replies=[reply]))
    assert sorted(fact.metric for fact in facts if fact.agent_id == 3) == [f.REPLY_SENT]
