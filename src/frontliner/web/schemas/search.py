"""Search results: one hit per case, customer or article, best first."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from frontliner.desk.model import CaseStatus, Channel
from frontliner.web.schemas.common import Out


class SearchHitOut(Out):
    kind: Literal["case", "customer", "article"]
    matched: Literal["problem", "reference", "message", "note", "customer", "contact", "article"]
    id: int = Field(description="The case's, customer's or article's id")
    title: str = Field(description="Case: the problem; customer: the name; article: the title")
    snippet: str = Field(description="The words around the match, as plain text")
    snippet_html: str = Field(description="The same, HTML-escaped, each match in <mark>")
    score: float = Field(description="Higher is better; only comparable within one search")
    url: str = Field(description="Where the hit opens in the pages")
    ref: str | None = None
    status: CaseStatus | None = None
    channel: Channel | None = None
    opened_at: datetime | None = None


class SearchOut(Out):
    query: str
    items: list[SearchHitOut]
