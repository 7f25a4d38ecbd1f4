"""What practice pages and the practice API share: a scenario with the empowerment that
applies (the scenario's own, or the practising agent's real profile), the coach the
desk runs in production, and the list of scenarios with one agent's progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from frontliner import coach
from frontliner.desk.empowerment import limits_for
from frontliner.desk.errors import Invalid
from frontliner.desk.model import EmpowermentProfile, User
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.practice.grading import Grade, grade
from frontliner.desk.practice.library import library
from frontliner.desk.practice.operations import find_scenario, stored_scenario
from frontliner.desk.practice.records import PracticeProgress
from frontliner.desk.practice.scenario import Scenario
from frontliner.desk.triage import format_money
from frontliner.store import practice_queries
from frontliner.web.lookup import session_of
from frontliner.web.pages.coaching import check_draft, desk_coach, remedy_offers


@dataclass(frozen=True)
class PracticeScene:
    scenario: Scenario
    profile: EmpowermentProfile
    stated: bool  # the scenario states the empowerment (else: the agent's own)
    offers: list[str]

    @property
    def options(self) -> coach.Options:
        return coach.Options(remedies=tuple(self.offers),
                             articles=tuple(a.title for a in self.scenario.articles))

    def grade(self, session: Session, reply: str) -> Grade:
        """The grade by the desk's production coach (the lead's rule settings apply)."""
        try:
            return grade(desk_coach(session), self.scenario, reply, self.options)
        except coach.InputTooLarge as exc:
            raise Invalid(str(exc), {"body": "too long"}) from None

    def check(self, session: Session, draft: str) -> coach.Report:
        """What the live coach shows while the agent types: the composer's own check."""
        return check_draft(session, draft, self.scenario.customer_message or None,
                           self.offers, [a.title for a in self.scenario.articles])

    def empowerment_dict(self, currency: str) -> dict[str, Any]:
        p = self.profile
        return {"stated_by_scenario": self.stated, "money_per_case": p.money_per_case,
                "money_per_case_text": f"{format_money(p.money_per_case)} {currency}",
                "extra_days": p.extra_days, "remedy_kinds": list(p.remedy_kinds)}


def load_practice(uow: UnitOfWork, user: User, key: str, currency: str) -> PracticeScene:
    scenario = find_scenario(uow, key)
    stated = scenario.empowerment
    if stated is not None:
        profile = EmpowermentProfile(name="stated by the scenario",
                                     money_per_case=stated.money_per_case,
                                     money_per_day=stated.money_per_case,
                                     extra_days=stated.extra_days,
                                     remedy_kinds=list(stated.remedy_kinds))
    else:
        profile = limits_for(uow, user)
    offers = remedy_offers(profile, profile.money_per_case, currency)
    return PracticeScene(scenario, profile, stated is not None, offers)


@dataclass(frozen=True)
class ListedScenario:
    scenario: Scenario
    progress: PracticeProgress | None


def listed(uow: UnitOfWork, user: User, cursor: str | None = None,
           limit: int | None = None) -> tuple[list[ListedScenario], str | None]:
    """The library (on the first page) then the desk's own scenarios, newest first, each
    with this user's progress; the cursor pages through the desk's own."""
    session = session_of(uow)
    assert user.id is not None
    progress = practice_queries.progress_of(session, user.id)
    page = practice_queries.desk_scenarios(session, cursor=cursor, limit=limit)
    scenarios = [] if cursor else list(library())
    scenarios += [stored_scenario(s) for s in page.items]
    return ([ListedScenario(s, progress.get(s.key)) for s in scenarios], page.next_cursor)
