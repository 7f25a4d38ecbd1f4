"""`frontliner coach export-reviews`: leads' reviews of sent replies as labelled data,
one JSON line per reviewed reply in the coach's label format (docs/coach.md).

Imported only when the command runs (the coach's own commands start without a database).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from frontliner.config import get_settings
from frontliner.store.engine import make_engine
from frontliner.store.review_queries import export_items, label_json
from frontliner.store.uow import uow_factory


def export_reviews(out: Path, team_id: int | None = None, since: datetime | None = None,
                   database_url: str | None = None) -> int:
    """Write every review (of `team_id`'s replies, reviewed since `since`) to `out`;
    the number of lines written. The file is written whole or not at all."""
    engine = make_engine(database_url or get_settings().database_url)
    partial = out.with_name(out.name + ".part")
    written = 0
    try:
        with uow_factory(engine)() as uow, partial.open("w", encoding="utf-8") as file:
            for item in export_items(uow.session, team_id=team_id, since=since):
                file.write(label_json(item) + "\n")
                written += 1
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
        engine.dispose()
    return written


def parse_since(value: str | None) -> datetime | None:
    """A date (2026-12-01) or an ISO moment; naive means UTC."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
