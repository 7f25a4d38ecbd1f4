"""The rejects file: every record that could not come in, in the input's own format
with its source id and reason beside it, so it can be fixed and imported again.

JSON lines get an `import_rejected` object (readers ignore fields they do not know); a
CSV gets two more columns, `import_reject_source_id` and `import_reject_reason`. The file
is written anew by each run (a re-run rejects the same records again).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any

from frontliner.imports.records import Item

REASON_FIELD = "import_rejected"
CSV_COLUMNS = ("import_reject_source_id", "import_reject_reason")


class Rejects:
    def __init__(self, path: Path, kind: str, write: bool = True) -> None:
        self.path, self.kind, self.write = path, kind, write  # a dry run only counts
        self.count = 0
        self.first: list[tuple[str, str]] = []  # the first few, for the summary
        self._handle: IO[str] | None = None
        self._csv: csv.DictWriter[str] | None = None

    def add(self, item: Item, reason: str, header: list[str] | None = None) -> None:
        self.count += 1
        if len(self.first) < 10:
            self.first.append((item.source_id, reason))
        if not self.write:
            return
        if self.kind == "csv":
            self._add_row(item.raw, reason, item.source_id, header or list(item.raw))
        else:
            self._add_line(item.raw, reason, item.source_id)

    def _open(self) -> IO[str]:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8", newline="")
        return self._handle

    def _add_line(self, raw: Any, reason: str, source_id: str) -> None:
        record: Any = (dict(raw, **{REASON_FIELD: {"source_id": source_id, "reason": reason}})
                       if isinstance(raw, dict) else
                       {"unreadable_line": raw, REASON_FIELD: {"source_id": source_id,
                                                               "reason": reason}})
        self._open().write(json.dumps(record, ensure_ascii=False) + "\n")

    def _add_row(self, raw: dict[str, Any], reason: str, source_id: str,
                 header: list[str]) -> None:
        if self._csv is None:
            columns = [c for c in header if c not in CSV_COLUMNS] + list(CSV_COLUMNS)
            self._csv = csv.DictWriter(self._open(), fieldnames=columns, extrasaction="ignore")
            self._csv.writeheader()
        self._csv.writerow({**raw, CSV_COLUMNS[0]: source_id, CSV_COLUMNS[1]: reason})

    def flush(self) -> None:
        if self._handle is not None:
            self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
