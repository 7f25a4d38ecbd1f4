"""Practice scenarios, attempts and progress over the API. A scenario is written in the
same fields as a packaged scenario file (see docs/practice.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from frontliner.web.schemas.common import In


class TurnIn(In):
    from_: Literal["customer", "agent"] = Field(alias="from")
    text: str = Field(max_length=10_000)


class FactIn(In):
    label: str = Field(max_length=100)
    value: str = Field(max_length=500)


class ArticleIn(In):
    slug: str = Field(default="", max_length=80)
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=10_000)


class EmpowermentIn(In):
    money_per_case: int = Field(ge=0, le=100_000_000, description="cents")
    remedy_kinds: list[str] = Field(default_factory=list, max_length=10)
    extra_days: int = Field(default=0, ge=0, le=365)


class ExpectationIn(In):
    id: str = Field(default="", max_length=80)
    label: str = Field(max_length=200)
    why: str = Field(default="", max_length=1000)
    any: list[str] = Field(default_factory=list, max_length=20,
                           description="one of these case-insensitive regexes must match")
    none: list[str] = Field(default_factory=list, max_length=20,
                            description="none of these regexes may match")
    without: list[str] = Field(default_factory=list, max_length=20,
                               description="coach rule ids that must not be found")


class ScenarioIn(In):
    title: str = Field(max_length=200)
    situation: str = Field(max_length=500)
    channel: str = Field(default="email", max_length=20)
    thread: list[TurnIn] = Field(max_length=20)
    facts: list[FactIn] = Field(default_factory=list, max_length=20)
    empowerment: EmpowermentIn | None = Field(
        default=None, description="omit to use the practising agent's own profile")
    articles: list[ArticleIn] = Field(default_factory=list, max_length=20)
    expectations: list[ExpectationIn] = Field(default_factory=list, max_length=20)
    model_answer: str = Field(max_length=10_000)
    seed: str = Field(default="", max_length=100)
    practises: list[str] = Field(default_factory=list, max_length=20)
    topics: list[str] = Field(default_factory=list, max_length=20)

    def data(self) -> dict[str, Any]:
        out = self.model_dump(by_alias=True, exclude_none=True)
        return out


class ProgressOut(BaseModel):
    attempts: int
    best_score: int
    passed: bool


class ScenarioSummaryOut(BaseModel):
    key: str
    title: str
    situation: str
    origin: str
    practises: list[str]
    topics: list[str]
    progress: ProgressOut | None


class ScenarioListOut(BaseModel):
    items: list[ScenarioSummaryOut]
    next_cursor: str | None = Field(description="pages through the desk's own scenarios")


class ScenarioOut(BaseModel):
    key: str
    origin: str
    scenario: dict[str, Any] = Field(
        description="the scenario's fields; model_answer only after an attempt (or for "
                    "leads), bad_answer only for leads")
    empowerment: dict[str, Any] = Field(description="the empowerment that applies")
    progress: ProgressOut | None


class AttemptIn(In):
    reply: str = Field(max_length=10_000)


class AttemptOut(BaseModel):
    id: int
    scenario_key: str
    at: str
    reply: str
    score: int
    passed: bool
    grade: dict[str, Any]
    model_answer: str | None = None


class CaseDraftOut(BaseModel):
    case_ref: str
    scenario: dict[str, Any]
    removed: dict[str, int] = Field(description="personal details taken out, by kind")


class StoredScenarioOut(BaseModel):
    key: str
    title: str
    origin: str
    archived: bool
    scenario: dict[str, Any]
