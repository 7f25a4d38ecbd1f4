"""Files that came with customers' e-mail, served only as downloads.

An attachment is whatever a stranger chose to send: it is never shown inline, never
sniffed into HTML by the browser, and reached only through its generated name by someone
who may see its case (anyone else gets the same 404 as for a name that does not exist).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy import Connection

from frontliner.channels.email.cleaning import file_name
from frontliner.desk import access
from frontliner.desk.errors import NotFound
from frontliner.desk.model import Case
from frontliner.store.import_queries import imported_file, imported_files_of_case
from frontliner.store.mail import attachment_by_name, attachments_of_case
from frontliner.web.deps import CurrentUser, UowDep
from frontliner.web.lookup import case_for, case_id, session_of
from frontliner.web.schemas.common import ERRORS

router = APIRouter(tags=["attachments"], responses=ERRORS)
# Types a browser cannot turn into a page; anything else is served as plain bytes.
_SAFE_TYPES = {"image/png", "image/jpeg", "image/gif", "application/pdf", "text/plain"}


class AttachmentOut(BaseModel):
    name: str  # generated; use it in /attachments/{name}
    filename: str  # as the sender named it (shown only)
    content_type: str
    size: int
    url: str


@router.get(
    "/cases/{ref}/attachments",
    response_model=list[AttachmentOut],
    summary="Files that came with the case's e-mail or were imported with its history",
)
def list_attachments(ref: str, user: CurrentUser, uow: UowDep) -> Any:
    case = case_for(uow, user, ref)
    return files_of_case(session_of(uow).connection(), case_id(case))


def files_of_case(connection: Connection, case: int) -> list[AttachmentOut]:
    """What the API lists and the case pages show: the files mailed in, then those imported
    with the case's history; every name as the sender gave it, with bidi and control
    characters taken out (web pages and the API show the same)."""
    mailed = [
        AttachmentOut(
            name=a.name,
            filename=file_name(a.filename),
            content_type=a.content_type,
            size=a.size,
            url=f"/api/v1/attachments/{a.name}",
        )
        for a in attachments_of_case(connection, case)
    ]
    # Imported from another helpdesk: the bytes when the export had them, else its link.
    imported = [
        AttachmentOut(
            name=f.name,
            filename=file_name(f.filename),
            content_type=f.content_type,
            size=f.size,
            url=f"/api/v1/attachments/{f.name}" if f.has_bytes else f.link or "",
        )
        for f in imported_files_of_case(connection, case)
    ]
    return mailed + imported


@router.get(
    "/attachments/{name}",
    response_class=Response,
    summary="Download one attachment (always as a download, never shown inline)",
)
def download_attachment(name: str, user: CurrentUser, uow: UowDep) -> Response:
    connection = session_of(uow).connection()
    found = attachment_by_name(connection, name[:64]) or imported_file(connection, name[:64])
    case = None if found is None or found.case_id is None else uow.get(Case, found.case_id)
    if found is None or case is None or not access.can_see_case(user, case):
        raise NotFound("No such attachment.", {"name": name[:64]})
    kind = found.content_type if found.content_type in _SAFE_TYPES else "application/octet-stream"
    return Response(
        content=found.data,
        media_type=kind,
        headers={
            "Content-Disposition": _disposition(found.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


def _disposition(stored: str) -> str:
    # Names stored before bidi controls were removed on arrival are cleaned here too.
    filename = file_name(stored)
    ascii_name = (
        "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
        or "attachment"
    )
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
