"""The shared CSV writer: what a spreadsheet would run as a formula arrives as plain text,
everything else arrives exactly as it was."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

from fastapi import FastAPI
from fastapi.testclient import TestClient

from frontliner.web.csv_export import csv_response, csv_text


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_cells_a_spreadsheet_would_run_as_formulas_are_shown_as_text() -> None:
    hostile = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    rows = _read(csv_text(["value"], [[cell] for cell in hostile]))
    assert [row[0] for row in rows[1:]] == ["'" + cell for cell in hostile]


def test_ordinary_text_numbers_dates_and_empty_cells_are_unchanged() -> None:
    when = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    text = csv_text(
        ["subject", "count", "amount", "delta", "when", "none", "flag"],
        [["Parcel, late \"again\"", 3, Decimal("12.50"), -4, when, None, True]],
    )
    assert _read(text)[1] == [
        'Parcel, late "again"', "3", "12.50", "-4", "2026-03-02T10:00:00+00:00", "", "yes",
    ]
    assert text.endswith("\r\n")


def test_a_download_is_utf8_with_a_bom_and_an_attachment_name() -> None:
    app = FastAPI()

    @app.get("/x.csv")
    def download() -> object:
        return csv_response("report 1/x.csv", ["who"], iter([["Zoë"], ["=1"]]))

    response = TestClient(app).get("/x.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="report1x.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert _read(response.content.decode("utf-8")) == [["who"], ["Zoë"], ["'=1"]]
