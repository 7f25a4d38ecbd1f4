"""The read side of imported attachments: listed with a case's e-mail attachments and
downloaded by the same route, as `imported-<id>` (access is checked on the case)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from frontliner.store.import_tables import imported_attachments
from frontliner.store.mail import Attachment

PREFIX = "imported-"


@dataclass(frozen=True)
class ImportedFile:
    name: str  # `imported-<id>`
    filename: str
    content_type: str
    size: int
    link: str | None  # the source's link, when the export had no bytes
    has_bytes: bool


def imported_files_of_case(connection: Connection, case_id: int,
                           limit: int = 200) -> list[ImportedFile]:
    """A case's imported attachments without their bytes, oldest first."""
    a = imported_attachments.c
    rows = connection.execute(
        sa.select(a.id, a.filename, a.content_type, a.size, a.url, a.data.is_not(None))
        .where(a.case_id == case_id).order_by(a.id).limit(limit)).all()
    return [ImportedFile(name=f"{PREFIX}{r[0]}", filename=r.filename,
                         content_type=r.content_type, size=r.size, link=r.url,
                         has_bytes=bool(r[5])) for r in rows]


def imported_file(connection: Connection, name: str) -> Attachment | None:
    """One imported attachment with its bytes, by `imported-<id>`; None when there is no
    such name or the export had only a link."""
    number = name.removeprefix(PREFIX)
    if not name.startswith(PREFIX) or not number.isdigit() or len(number) > 12:
        return None
    a = imported_attachments.c
    row = connection.execute(sa.select(a.filename, a.content_type, a.size, a.case_id, a.data)
                             .where(a.id == int(number))).first()
    if row is None or row.data is None:
        return None
    return Attachment(name=name, filename=row.filename, content_type=row.content_type,
                      size=row.size, case_id=row.case_id, data=bytes(row.data))
