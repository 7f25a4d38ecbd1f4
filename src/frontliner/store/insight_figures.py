"""The insights' figures, each put together from the rollups (`insight_queries.py`).

A `Figure` has headline numbers (`summary`) and tables; a table with a `chart` kind is
also drawn as a chart on the page, beside the table. The API returns figures as JSON,
the CSV export writes their tables, and the page renders both: one definition of each
figure for all three (docs/insights.md says in words what each number is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk import insight_facts as f
from frontliner.store import insight_queries as q
from frontliner.store.insight_queries import Filters
from frontliner.store.tables import fires, users

DAILY_UP_TO = 62  # days; longer ranges are shown week by week
TOP_FIRES = 10
Cell = str | int | float | None


@dataclass
class Table:
    key: str
    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    chart: str | None = None  # "bar" or "line": drawn from the first column's labels


@dataclass
class Figure:
    key: str
    title: str
    summary: dict[str, Cell] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)


def rate(part: int, whole: int) -> float | None:
    """part / whole as a percentage to one decimal; None when there is no whole."""
    return None if whole == 0 else round(100 * part / whole, 1)


def period_of(day: date, flt: Filters) -> date:
    """The period a day is shown in: the day itself, or its week's Monday."""
    if (flt.end - flt.start).days < DAILY_UP_TO:
        return day
    return day - timedelta(days=day.weekday())


def _periods(flt: Filters) -> list[date]:
    seen: list[date] = []
    day = flt.start
    while day <= flt.end:
        period = period_of(day, flt)
        if not seen or seen[-1] != period:
            seen.append(period)
        day += timedelta(days=1)
    return seen


def volume(session: Session, flt: Filters) -> Figure:
    by_channel = q.opened_by(session, flt, "channel")
    by_category = q.opened_by(session, flt, "category")
    trend = _per_period(flt, q.opened_by(session, flt, "day"))
    return Figure("volume", "Volume", {"cases_opened": sum(by_channel.values())}, [
        Table("volume-by-channel", "Cases opened by channel", ["Channel", "Cases"],
              [[k, v] for k, v in sorted(by_channel.items())], "bar"),
        Table("volume-by-category", "Cases opened by category", ["Category", "Cases"],
              [[k or "(none)", v] for k, v in sorted(by_category.items())], "bar"),
        Table("volume-trend", "Cases opened over time", ["Period", "Cases"],
              [[p.isoformat(), n] for p, n in trend], "line"),
    ])


def _per_period(flt: Filters, per_day: dict[date, int]) -> list[tuple[date, int]]:
    sums = dict.fromkeys(_periods(flt), 0)
    for day, n in per_day.items():
        sums[period_of(day, flt)] += n
    return list(sums.items())


def _duration_figure(session: Session, flt: Filters, metric: str, key: str,
                     title: str, what: str) -> Figure:
    per_day = q.daily_histogram(session, flt, metric)
    counts, total = q.totals(session, flt, [metric])[metric]
    merged: dict[int, int] = {}
    by_period: dict[date, dict[int, int]] = {p: {} for p in _periods(flt)}
    for day, pairs in per_day.items():
        for bucket, n in pairs:
            merged[bucket] = merged.get(bucket, 0) + n
            slot = by_period[period_of(day, flt)]
            slot[bucket] = slot.get(bucket, 0) + n
    summary: dict[str, Cell] = {
        "count": counts, "median_seconds": f.percentile(merged.items(), 0.5),
        "p90_seconds": f.percentile(merged.items(), 0.9),
        "mean_seconds": None if counts == 0 else round(total / counts)}
    trend = [[p.isoformat(), sum(h.values()), _minutes(f.percentile(h.items(), 0.5)),
              _minutes(f.percentile(h.items(), 0.9))] for p, h in by_period.items()]
    return Figure(key, title, summary, [
        Table(f"{key}-summary", title, ["Measure", "Value"], [
            [what, counts], ["Median (minutes)", _minutes(summary["median_seconds"])],
            ["90th percentile (minutes)", _minutes(summary["p90_seconds"])],
            ["Mean (minutes)", _minutes(summary["mean_seconds"])]]),
        Table(f"{key}-trend", f"{title} over time",
              ["Period", what, "Median (minutes)", "90th percentile (minutes)"], trend, "line"),
    ])


def _minutes(seconds: Cell) -> float | None:
    return None if not isinstance(seconds, int | float) else round(seconds / 60, 1)


def first_reply(session: Session, flt: Filters) -> Figure:
    return _duration_figure(session, flt, f.FIRST_REPLY, "first-reply", "Time to first reply",
                            "Cases with a first reply")


def solution(session: Session, flt: Filters) -> Figure:
    return _duration_figure(session, flt, f.CONFIRMED_SOLUTION, "solution",
                            "Time to a customer-confirmed solution",
                            "Cases the customer confirmed solved")


def resolution(session: Session, flt: Filters) -> Figure:
    t = q.totals(session, flt, [f.FIRST_RESOLVED, f.FIRST_CONTACT, f.REOPENED])
    first, fcr, reopened = (t[m][0] for m in (f.FIRST_RESOLVED, f.FIRST_CONTACT, f.REOPENED))
    per_day = q.daily(session, flt, [f.FIRST_RESOLVED, f.FIRST_CONTACT, f.REOPENED])
    rows: dict[date, list[int]] = {p: [0, 0, 0] for p in _periods(flt)}
    for day, values in per_day.items():
        slot = rows[period_of(day, flt)]
        for i, metric in enumerate((f.FIRST_RESOLVED, f.FIRST_CONTACT, f.REOPENED)):
            slot[i] += values.get(metric, 0)
    summary: dict[str, Cell] = {
        "first_resolved": first, "first_contact_resolutions": fcr,
        "first_contact_resolution_rate": rate(fcr, first), "reopened": reopened,
        "reopen_rate": rate(reopened, first)}
    return Figure("resolution", "First-contact resolution and reopens", summary, [
        Table("resolution-summary", "First-contact resolution and reopens",
              ["Measure", "Value"], [[k.replace("_", " ").capitalize(), v]
                                     for k, v in summary.items()]),
        Table("resolution-trend", "Resolutions over time",
              ["Period", "First resolved", "First-contact resolution (%)", "Reopened (%)"],
              [[p.isoformat(), a, rate(b, a), rate(c, a)] for p, (a, b, c) in rows.items()],
              "line"),
    ])


def escalations(session: Session, flt: Filters, now: datetime | None = None) -> Figure:
    handed = _duration_figure(session, flt, f.HAND_BACK, "hand-back", "Time to hand-back",
                              "Escalations handed back")
    t = q.totals(session, flt, [f.ESCALATED, f.FOLLOW_UP_ON_TIME, f.FOLLOW_UP_LATE])
    moment = int((now or datetime.now(UTC)).timestamp())
    overdue, not_due = q.count_below(session, flt, f.FOLLOW_UP_OPEN, moment)
    follow: list[list[Cell]] = [
        ["Done on time", t[f.FOLLOW_UP_ON_TIME][0]], ["Done late", t[f.FOLLOW_UP_LATE][0]],
        ["Not done, overdue", overdue], ["Not done, not due yet", not_due]]
    summary: dict[str, Cell] = {
        "escalated": t[f.ESCALATED][0], "handed_back": handed.summary["count"],
        "hand_back_median_seconds": handed.summary["median_seconds"],
        "hand_back_p90_seconds": handed.summary["p90_seconds"],
        "follow_ups_on_time": follow[0][1], "follow_ups_late": follow[1][1],
        "follow_ups_overdue": overdue, "follow_ups_not_due": not_due}
    return Figure("escalations", "Escalations and follow-ups", summary, [
        Table("escalations-summary", "Escalations", ["Measure", "Value"],
              [["Escalated", t[f.ESCALATED][0]], *handed.tables[0].rows]),
        Table("escalations-follow-ups", "Follow-ups by when they were due",
              ["Follow-ups", "Count"], follow, "bar"),
    ])


def approvals(session: Session, flt: Filters) -> Figure:
    decision = _duration_figure(session, flt, f.APPROVAL_DECISION, "decision",
                                "Time to decision", "Approvals decided")
    t = q.totals(session, flt, [f.APPROVAL_ASKED, f.APPROVAL_GRANTED, f.APPROVAL_DECLINED])
    asked, granted, declined = (t[m][0] for m in (f.APPROVAL_ASKED, f.APPROVAL_GRANTED,
                                                  f.APPROVAL_DECLINED))
    summary: dict[str, Cell] = {
        "asked": asked, "granted": granted, "declined": declined,
        "decision_median_seconds": decision.summary["median_seconds"],
        "decision_p90_seconds": decision.summary["p90_seconds"]}
    return Figure("approvals", "Approvals", summary, [
        Table("approvals-counts", "Approval requests", ["Approvals", "Count"],
              [["Asked", asked], ["Granted", granted], ["Declined", declined]], "bar"),
        Table("approvals-decision", "Time to decision", ["Measure", "Value"],
              decision.tables[0].rows),
    ])


def closing(session: Session, flt: Filters) -> Figure:
    t = q.totals(session, flt, [f.RESOLVED, f.EXCEPTION])
    resolved, exceptions = t[f.RESOLVED][0], t[f.EXCEPTION][0]
    per_day = q.daily(session, flt, [f.RESOLVED, f.EXCEPTION])
    rows: dict[date, list[int]] = {p: [0, 0] for p in _periods(flt)}
    for day, values in per_day.items():
        slot = rows[period_of(day, flt)]
        slot[0] += values.get(f.RESOLVED, 0)
        slot[1] += values.get(f.EXCEPTION, 0)
    summary: dict[str, Cell] = {"resolved": resolved, "exceptions": exceptions,
                                "exception_rate": rate(exceptions, resolved)}
    return Figure("closing", "Closing exceptions", summary, [
        Table("closing-trend", "Resolved cases and signed exceptions",
              ["Period", "Resolved", "Closing exceptions"],
              [[p.isoformat(), a, b] for p, (a, b) in rows.items()], "line"),
    ])


def satisfaction(session: Session, flt: Filters) -> Figure:
    scores = q.counts_by(session, flt, f.RATING, "bucket")
    per_day = q.daily_sums(session, flt, f.RATING)
    count = sum(scores.values())
    total = sum(score * n for score, n in scores.items())
    rows: dict[date, list[int]] = {p: [0, 0] for p in _periods(flt)}
    for day, (n, s) in per_day.items():
        slot = rows[period_of(day, flt)]
        slot[0] += n
        slot[1] += s
    comments = q.latest_comments(session, flt)
    summary: dict[str, Cell] = {"ratings": count,
                                "average": None if count == 0 else round(total / count, 2)}
    return Figure("satisfaction", "Satisfaction", summary, [
        Table("satisfaction-distribution", "Ratings by score", ["Score", "Ratings"],
              [[score, scores.get(score, 0)] for score in range(1, 6)], "bar"),
        Table("satisfaction-trend", "Average rating over time",
              ["Period", "Ratings", "Average"],
              [[p.isoformat(), n, None if n == 0 else round(s / n, 2)]
               for p, (n, s) in rows.items()], "line"),
        Table("satisfaction-comments", "Latest comments", ["Date", "Score", "Comment", "Case"],
              [[c["at"].date().isoformat(), c["score"], c["comment"], c["case"]]
               for c in comments]),
    ])


def messages(session: Session, flt: Filters) -> Figure:
    kinds = [(f.INBOUND_COMPLAINT, "Complaint"), (f.INBOUND_INDIRECT, "Indirect complaint"),
             (f.INBOUND_ABUSE, "Abuse")]
    t = q.totals(session, flt, [f.INBOUND, *(m for m, _ in kinds)])
    inbound = t[f.INBOUND][0]
    summary: dict[str, Cell] = {"inbound": inbound}
    for metric, _ in kinds:
        name = metric.removeprefix("inbound_")
        summary[name] = t[metric][0]
        summary[f"{name}_share"] = rate(t[metric][0], inbound)
    return Figure("messages", "How customers' messages were read", summary, [
        Table("messages-shares", f"Share of {inbound} customer messages",
              ["Read as", "Messages", "Share (%)"],
              [[label, t[m][0], rate(t[m][0], inbound)] for m, label in kinds], "bar"),
    ])


def coach(session: Session, flt: Filters) -> Figure:
    t = q.totals(session, flt, [f.REPLY_SENT, f.REPLY_READ, f.REPLY_WITH_SUGGESTION,
                                f.SUGGESTION_TAKEN])
    replies = t[f.REPLY_READ][0]
    per_rule_day = q.prefixed(session, flt, f.FINDING)
    per_rule: dict[str, int] = {}
    findings_per_period = dict.fromkeys(_periods(flt), 0)
    for (rule, day), n in per_rule_day.items():
        per_rule[rule] = per_rule.get(rule, 0) + n
        findings_per_period[period_of(day, flt)] += n
    replies_per_period = _per_period(flt, {d: v.get(f.REPLY_READ, 0) for d, v in
                                           q.daily(session, flt, [f.REPLY_READ]).items()})
    offered, taken = t[f.REPLY_WITH_SUGGESTION][0], t[f.SUGGESTION_TAKEN][0]
    summary: dict[str, Cell] = {
        "replies_sent": t[f.REPLY_SENT][0], "replies_with_reading": replies,
        "findings": sum(per_rule.values()),
        "findings_per_100_replies": _per_100(sum(per_rule.values()), replies),
        "replies_with_suggestion": offered, "suggestions_taken": taken,
        "suggestion_taken_rate": rate(taken, offered)}
    return Figure("coach", "Coach findings", summary, [
        Table("coach-rules", f"Findings per 100 of {replies} sent replies read by the coach",
              ["Rule", "Findings", "Per 100 replies"],
              [[rule, n, _per_100(n, replies)] for rule, n in sorted(per_rule.items())], "bar"),
        Table("coach-trend", "Findings per 100 replies over time",
              ["Period", "Replies", "Findings", "Per 100 replies"],
              [[p.isoformat(), r, findings_per_period[p], _per_100(findings_per_period[p], r)]
               for p, r in replies_per_period], "line"),
    ])


def _per_100(findings: int, replies: int) -> float | None:
    return None if replies == 0 else round(100 * findings / replies, 1)


def fire_figure(session: Session, flt: Filters) -> Figure:
    linked = q.counts_by(session, flt, f.FIRE_CASE, "bucket")
    top = sorted(linked.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_FIRES]
    found = {row.id: row for row in session.execute(
        sa.select(fires.c.id, fires.c.title, fires.c.fixed_for_good, fires.c.fixed_at,
                  users.c.name).outerjoin(users, users.c.id == fires.c.fixed_by_id)
        .where(fires.c.id.in_([fire_id for fire_id, _ in top])))} if top else {}
    rows: list[list[Cell]] = []
    for fire_id, n in top:
        row = found.get(fire_id)
        if row is None:
            continue
        rows.append([row.title, n, "yes" if row.fixed_for_good else "no",
                     row.name if row.fixed_for_good else None,
                     row.fixed_at.date().isoformat() if row.fixed_at else None])
    summary: dict[str, Cell] = {"cases_linked": sum(linked.values()),
                                "fires": len(linked),
                                "fixed_for_good": sum(1 for r in rows if r[2] == "yes")}
    return Figure("fires", "Fires: recurring problems", summary, [
        Table("fires-top", "The most recurring problems (cases opened in the range)",
              ["Fire", "Cases linked", "Fixed for good", "Fixed by", "Fixed on"], rows, "bar"),
    ])


FIGURES: dict[str, Callable[[Session, Filters], Figure]] = {
    "volume": volume,
    "first-reply": first_reply,
    "solution": solution,
    "resolution": resolution,
    "escalations": escalations,
    "approvals": approvals,
    "closing": closing,
    "satisfaction": satisfaction,
    "messages": messages,
    "coach": coach,
    "fires": fire_figure,
}


def figure(session: Session, key: str, flt: Filters) -> Figure:
    return FIGURES[key](session, flt)


def as_json(fig: Figure) -> dict[str, Any]:
    return {"key": fig.key, "title": fig.title, "summary": fig.summary,
            "tables": [{"key": t.key, "caption": t.caption, "columns": t.columns,
                        "rows": t.rows, "chart": t.chart} for t in fig.tables]}
