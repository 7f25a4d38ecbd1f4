"""`frontliner import`: sample exports of each format (written from the formats' public
documentation, in tests/fixtures/imports) come in whole, a second run adds nothing, and
broken records go to a rejects file in the input's own format. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from api_support import (
    API,
    Desk,
    api_fixture,  # noqa: F401 - fixture, used by name
    desk_fixture,  # noqa: F401 - fixture, used by name
)
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tests.conftest import Seeded
from typer.testing import CliRunner

from frontliner.cli import app
from frontliner.store import insight_rollup
from frontliner.store.import_tables import case_tags, import_keys, imported_attachments, tags
from frontliner.store.insight_figures import figure
from frontliner.store.insight_queries import Filters
from frontliner.store.search import SearchFilter, search
from frontliner.store.tables import cases, contacts, customers, interactions, users

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"


def run(database_url: str, *args: str) -> Any:
    result = CliRunner().invoke(app, ["import", *args, "--url", database_url],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result


def copy(tmp_path: Path, name: str) -> Path:
    """A copy of a sample export, so the rejects file lands in the test's own folder."""
    return Path(shutil.copytree(FIXTURES / name, tmp_path / name))


def count(engine: Engine, table: sa.Table, *where: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(sa.select(sa.func.count()).select_from(table).where(*where))
                   or 0)


def case_of(engine: Engine, source: str, source_id: str) -> Any:
    k = import_keys.c
    with engine.connect() as conn:
        return conn.execute(sa.select(cases).join(
            import_keys, sa.and_(k.target_id == cases.c.id, k.kind == "case"))
            .where(k.source == source, k.source_id == source_id)).one()


def messages_of(engine: Engine, case_id: int) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(interactions).where(
            interactions.c.case_id == case_id).order_by(interactions.c.at)))


def test_zendesk_export_brings_in_cases_messages_notes_attachments_and_tags(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    result = run(database_url, "zendesk", str(copy(tmp_path, "zendesk")))
    assert "6 cases" in result.output.replace(",", "")
    assert count(engine, import_keys, import_keys.c.kind == "case") == 6
    damaged = case_of(engine, "zendesk", "1")
    assert damaged.nature == "Parcel arrived damaged"
    thread = messages_of(engine, damaged.id)
    assert [m.direction for m in thread] == ["inbound", "outbound", "note"]
    assert thread[0].analysis["complaint"] is True  # read by the inbound analyser
    assert thread[1].author_id is not None and thread[2].author_id == thread[1].author_id
    with engine.connect() as conn:
        files = {a.filename: a for a in conn.execute(sa.select(imported_attachments))}
        names = set(conn.scalars(sa.select(tags.c.name).join(case_tags).where(
            case_tags.c.case_id == damaged.id)))
    assert files["receipt.txt"].data == b"Return label RL-559812\n"  # the file beside it
    assert files["photo.jpg"].data is None and files["photo.jpg"].url.startswith("https://")
    assert names == {"damaged", "shipping", "organization:Example Ltd"}


def test_solved_tickets_come_in_resolved_under_a_signed_exception_never_as_confirmed(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    run(database_url, "zendesk", str(copy(tmp_path, "zendesk")))
    states = {sid: case_of(engine, "zendesk", sid) for sid in "123456"}
    assert {sid: c.status for sid, c in states.items()} == {
        "1": "resolved", "2": "waiting_on_customer", "3": "open", "4": "new",
        "5": "closed", "6": "open"}
    for solved in (states["1"], states["5"]):
        assert solved.confirmed_by_customer is False and solved.confirmed_via is None
        assert solved.exception_by_id == seeded.lead_id
        assert "confirmation was not recorded" in solved.exception_reason
    assert states["4"].owner_id is None  # unassigned at the source: Unassigned here
    assert states["6"].waiting_since is not None  # the customer's words are unanswered


def test_customers_are_merged_by_address_whatever_its_case(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    run(database_url, "zendesk", str(copy(tmp_path, "zendesk")))
    # Ann@Example.COM and ann@example.com (two Zendesk users) are the desk's Ann Lee
    assert case_of(engine, "zendesk", "1").customer_id == seeded.customer_id
    assert case_of(engine, "zendesk", "2").customer_id == seeded.customer_id
    assert count(engine, contacts, contacts.c.value == "ann@example.com") == 1
    assert count(engine, customers) == 2  # Ann, and the caller known by phone


def test_running_again_adds_nothing(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    export = copy(tmp_path, "zendesk")
    run(database_url, "zendesk", str(export))
    before = [count(engine, t) for t in (cases, interactions, customers, users,
                                         imported_attachments, case_tags, import_keys)]
    again = run(database_url, "zendesk", str(export))
    after = [count(engine, t) for t in (cases, interactions, customers, users,
                                        imported_attachments, case_tags, import_keys)]
    assert after == before
    assert "0 cases, 0 messages" in again.output


def test_a_new_comment_on_a_ticket_already_in_is_added_to_its_case(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    export = copy(tmp_path, "zendesk")
    run(database_url, "zendesk", str(export))
    lines = (export / "tickets.json").read_text().splitlines()
    ticket = json.loads(lines[5])
    ticket["comments"].append({"id": 5999, "author_id": 201, "public": True,
                               "body": "Still locked out, please hurry.",
                               "created_at": "2025-04-05T10:00:00Z"})
    (export / "tickets.json").write_text("\n".join([*lines[:5], json.dumps(ticket)]) + "\n")
    run(database_url, "zendesk", str(export))
    chat = case_of(engine, "zendesk", "6")
    assert [m.body for m in messages_of(engine, chat.id)][-1] == "Still locked out, please hurry."
    assert count(engine, cases) == 7  # the seeded case and six imported, none twice


def test_freshdesk_export_maps_statuses_sources_and_private_notes(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    run(database_url, "freshdesk", str(copy(tmp_path, "freshdesk")))
    got = {sid: case_of(engine, "freshdesk", sid) for sid in "1234"}
    assert {s: (c.status, c.channel) for s, c in got.items()} == {
        "1": ("resolved", "email"), "2": ("open", "chat"),
        "3": ("waiting_on_customer", "phone"), "4": ("closed", "web")}
    assert got["1"].exception_by_id == seeded.lead_id and not got["1"].confirmed_by_customer
    assert [m.direction for m in messages_of(engine, got["1"].id)] == [
        "inbound", "outbound", "note"]
    assert got["2"].owner_id is None
    assert got["1"].customer_id == seeded.customer_id  # ANN@example.com
    with engine.connect() as conn:
        attachment = conn.execute(sa.select(imported_attachments)).one()
    assert attachment.filename == "screenshot.png" and attachment.data is None


def test_csv_export_with_a_mapping_file(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    export = copy(tmp_path, "csv")
    run(database_url, "csv", str(export / "messages.csv"), "--mapping",
        str(export / "mapping.yml"))
    wrong_size = case_of(engine, "csv", "T-100")
    assert wrong_size.status == "resolved" and wrong_size.exception_by_id == seeded.lead_id
    assert [m.direction for m in messages_of(engine, wrong_size.id)] == [
        "inbound", "outbound", "note"]
    # GWEN@example.net on T-101 is the same customer as gwen@example.net on T-100
    assert case_of(engine, "csv", "T-101").customer_id == wrong_size.customer_id
    assert case_of(engine, "csv", "T-102").contact_value == "+441614960000"
    with engine.connect() as conn:
        label = conn.execute(sa.select(imported_attachments)).one()
        agent = conn.execute(sa.select(users).where(users.c.email == "eve@acme.test")).one()
    assert label.data == b"Return label for T-100\n"
    assert wrong_size.owner_id == agent.id and agent.role == "agent"


def test_csv_columns_can_be_named_by_flags(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    export = tmp_path / "calls.csv"
    export.write_text("case,time,caller,said\n"
                      "C1,2025-07-01T08:00:00+02:00,zoe@example.net,The kettle leaks.\n")
    run(database_url, "csv", str(export), "--column", "ticket_id=case",
        "--column", "created_at=time", "--column", "customer_email=caller",
        "--column", "body=said")
    case = case_of(engine, "csv", "C1")
    assert case.status == "open" and case.contact_value == "zoe@example.net"
    assert messages_of(engine, case.id)[0].at.hour == 6  # kept in UTC


def test_broken_records_go_to_a_rejects_file_that_imports_once_fixed(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    export = copy(tmp_path, "zendesk_broken")
    result = run(database_url, "zendesk", str(export))
    assert "4 rejected" in result.output
    assert count(engine, import_keys, import_keys.c.kind == "case") == 1  # the good one
    rejects = export / "tickets.rejects.jsonl"
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    reasons = {r["import_rejected"]["source_id"]: r["import_rejected"]["reason"]
               for r in lines}
    assert reasons["12"] == "unknown status 'archived'"
    assert reasons["13"] == "requester 999 is not in users.json"
    assert "not an ISO 8601 time" in reasons["14"] and reasons["?"].startswith("not JSON")
    fixed = [r for r in lines if r["import_rejected"]["source_id"] == "12"]
    fixed[0]["status"] = "solved"
    rejects.write_text(json.dumps(fixed[0]) + "\n")
    run(database_url, "zendesk", str(rejects))
    assert case_of(engine, "zendesk", "12").status == "resolved"


def test_broken_csv_rows_are_rejected_with_the_reason_in_an_extra_column(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    export = copy(tmp_path, "csv")
    result = run(database_url, "csv", str(export / "broken.csv"), "--mapping",
                 str(export / "mapping.yml"))
    assert "4 rejected" in result.output
    rejects = (export / "broken.rejects.csv").read_text().splitlines()
    assert rejects[0].endswith(",import_reject_source_id,import_reject_reason")
    assert [line.split(",")[0] for line in rejects[1:]] == ["T-201", "T-202", "T-203", "T-204"]
    fixed = (export / "broken.rejects.csv").read_text().replace("not a date",
                                                                  "2025-06-05 09:00:00")
    (export / "broken.rejects.csv").write_text(fixed)
    again = run(database_url, "csv", str(export / "broken.rejects.csv"), "--mapping",
                str(export / "mapping.yml"))
    assert "3 rejected" in again.output
    assert case_of(engine, "csv", "T-201").nature == "Bad time"


def test_dry_run_says_what_would_come_in_and_writes_nothing(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    export = copy(tmp_path, "zendesk_broken")
    result = run(database_url, "zendesk", str(export), "--dry-run")
    assert "Dry run: nothing was written." in result.output
    assert "rejected 12: unknown status 'archived'" in result.output
    assert count(engine, import_keys) == 0 and count(engine, cases) == 1  # the seeded one
    assert not (export / "tickets.rejects.jsonl").exists()


def test_an_import_without_a_lead_to_sign_exceptions_is_refused(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["import", "zendesk", str(copy(tmp_path, "zendesk")),
                                      "--url", database_url], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "Nobody to sign the closing exceptions" in result.output
    assert count(engine, cases) == 0


def test_imported_attachments_are_listed_and_downloaded_with_the_case(
    api: TestClient, desk: Desk, database_url: str, engine: Engine, tmp_path: Path
) -> None:
    run(database_url, "zendesk", str(copy(tmp_path, "zendesk")))
    refund, damaged = case_of(engine, "zendesk", "2"), case_of(engine, "zendesk", "1")
    (receipt,) = api.get(f"{API}/cases/{refund.ref}/attachments", headers=desk.lead.auth).json()
    assert receipt["filename"] == "receipt.txt"
    got = api.get(receipt["url"], headers=desk.ann.auth)  # Ann's own case
    assert got.status_code == 200 and got.content == b"Return label RL-559812\n"
    assert api.get(receipt["url"], headers=desk.bob.auth).status_code == 404
    (photo,) = api.get(f"{API}/cases/{damaged.ref}/attachments", headers=desk.lead.auth).json()
    assert photo["url"].startswith("https://acme.zendesk.com/")  # a link, never fetched


def test_imported_messages_and_notes_are_searchable_and_counted_in_the_insights(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    run(database_url, "zendesk", str(copy(tmp_path, "zendesk")))
    damaged = case_of(engine, "zendesk", "1")
    with Session(engine) as session:
        found = {(h.matched, h.id) for h in search(session, "crushed", SearchFilter())}
        noted = {(h.matched, h.id) for h in search(session, "courier pickup", SearchFilter())}
        insight_rollup.catch_up(session, datetime(2026, 1, 1, tzinfo=UTC))
        session.commit()
        opened = figure(session, "volume", Filters(start=date(2025, 3, 1),
                                                   end=date(2025, 4, 30))).summary
    assert ("message", damaged.id) in found
    assert ("note", damaged.id) in noted  # staff search sees internal notes
    assert opened == {"cases_opened": 6}
