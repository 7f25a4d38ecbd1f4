"""Fire log, knowledge articles and prepared replies."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from frontliner.desk.model import ArticleStatus
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import In, Out


class FireIn(In):
    title: str = Field(max_length=500)


class FireOut(Out):
    id: int
    title: str
    key: str
    created_at: datetime
    fixed_for_good: bool
    fixed_by_id: int | None
    fixed_at: datetime | None
    fix: str


class FireNoteIn(In):
    problem: str = Field(max_length=20_000)
    solution: str = Field(max_length=20_000)
    case_ref: str | None = Field(default=None, max_length=40)


class FireNoteOut(Out):
    id: int
    fire_id: int
    author_id: int
    at: datetime
    problem: str
    solution: str
    case_id: int | None


class LinkCaseIn(In):
    case_ref: str = Field(max_length=40)


class FixedIn(In):
    fix: str = Field(max_length=20_000)
    author_id: Id | None = Field(default=None, description="Who found the fix (default: you)")


class ArticleIn(In):
    title: str = Field(max_length=200)
    body: str = Field(max_length=50_000)
    source_case_ref: str | None = Field(default=None, max_length=40)


class ArticleEditIn(In):
    title: str | None = Field(default=None, max_length=200)
    body: str | None = Field(default=None, max_length=50_000)


class ArticleOut(Out):
    id: int
    title: str
    body: str
    author_id: int
    created_at: datetime
    status: ArticleStatus
    source_case_id: int | None
    updated_at: datetime | None


class ReplyIn(In):
    title: str = Field(max_length=200)
    body: str = Field(max_length=50_000)
    tags: list[str] = Field(default_factory=list, max_length=30)


class ReplyEditIn(In):
    title: str | None = Field(default=None, max_length=200)
    body: str | None = Field(default=None, max_length=50_000)
    tags: list[str] | None = Field(default=None, max_length=30)


class ReplyOut(Out):
    id: int
    title: str
    body: str
    author_id: int
    created_at: datetime
    tags: list[str]
    status: ArticleStatus


class ThresholdsIn(In):
    min_cases: int = Field(ge=2, le=500, description="how many similar cases make a fire")
    days: int = Field(ge=1, le=90, description="within how many days")


class ThresholdsOut(Out):
    min_cases: int
    days: int


class SuggestedCaseOut(Out):
    case_id: int
    ref: str
    nature: str
    opened_at: datetime


class SuggestionOut(Out):
    key: str = Field(description="the problem's core words; names the suggestion")
    title: str = Field(description="the shortest way a customer put it")
    cases: list[SuggestedCaseOut]


class SuggestionsOut(Out):
    min_cases: int
    days: int
    items: list[SuggestionOut]


class OpenSuggestionIn(In):
    key: str = Field(max_length=300)
    title: str | None = Field(default=None, max_length=300)


class DismissSuggestionIn(In):
    key: str = Field(max_length=300)
    case_ids: list[Id] | None = Field(
        default=None, max_length=2_000, description="only these cases (default: all of it)")


class DismissedOut(Out):
    key: str
    case_ids: list[int]
