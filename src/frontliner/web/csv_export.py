"""One CSV writer for every download the app offers.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, one that starts with a tab or a carriage return) as a formula. Text that came
from customers or staff can start that way, so each such text cell gets a leading
apostrophe: the spreadsheet shows the text as typed and runs nothing. Numbers are left
as numbers (a negative count is not a formula); only text is neutralised.

Use ``csv_response`` in a route, or ``csv_lines`` / ``csv_text`` when the caller needs
the text itself. Rows are consumed lazily, so a large export streams.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from starlette.responses import StreamingResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = object
"""A cell may be text, a number, a date or time, a bool, or None (an empty cell)."""


def neutralise(value: Cell) -> str | int | float | Decimal:
    """The value as a spreadsheet should get it: text never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _line(row: Sequence[Cell]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """The header line, then one line per row (RFC 4180 quoting, CRLF endings)."""
    yield _line(header)
    for row in rows:
        yield _line(row)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """The whole CSV document as one string (for small exports and tests)."""
    return "".join(csv_lines(header, rows))


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> StreamingResponse:
    """A download: UTF-8 with a byte-order mark so spreadsheets read accents right."""

    def body() -> Iterator[bytes]:
        yield "\ufeff".encode()
        for line in csv_lines(header, rows):
            yield line.encode("utf-8")

    safe_name = "".join(ch for ch in filename if ch.isalnum() or ch in "-_.") or "export.csv"
    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
    )
