"""Realistic demo data, made only through the desk's own operations.

Every case reaches its state the way a real one would (opened, acknowledged, remedied,
escalated, confirmed...), so the demo also exercises the service rules: a remedy above an
agent's limit really waits for a lead, an escalated case really has follow-ups due.
Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

from frontliner.desk import (
    closing,
    customers,
    empowerment,
    escalation,
    firelog,
    intake,
    interactions,
    knowledge,
    ownership,
    recognition,
    users,
)
from frontliner.desk.model import (
    ApprovalRequest,
    ApprovalStatus,
    Case,
    CaseStatus,
    Channel,
    Presence,
    Role,
    User,
)
from frontliner.desk.ports import UnitOfWork, UowFactory

T = TypeVar("T")
DEMO_PASSWORD = "frontliner-demo"
DEMO_DOMAIN = "demo.frontliner.test"
WAITING = 2  # customers' cases that wait in Unassigned as the demo opens

FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Esra", "Farid", "Grace", "Hugo", "Ines", "Jonas",
         "Keiko", "Liam", "Mia", "Nikos", "Olu", "Priya", "Quentin", "Rosa", "Sven", "Tariq",
         "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe"]
LAST = ["Almeida", "Brandt", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hansen",
        "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov"]

# (nature, category, skill needed or None, words of the customer's first message)
PROBLEMS: list[tuple[str, str, str | None, str]] = [
    ("Parcel marked delivered but never arrived", "delivery", None,
     "The tracking says delivered yesterday but nothing came. I needed it for a birthday."),
    ("Charged twice for the same order", "billing", "billing",
     "My card statement shows the same order twice. Please fix this."),
    ("Blender arrived with a cracked jug", "damaged", None,
     "Opened the box and the jug is cracked. Great start."),
    ("Cannot log in after password reset", "account", "technical",
     "Reset my password three times and still locked out. Never mind, I'll try later I guess."),
    ("Refund promised two weeks ago not received", "billing", "billing",
     "I was told the refund would be back in 5 days. It has been two weeks."),
    ("Wrong size sent", "fulfilment", None,
     "Ordered a medium, got an extra large. Can you swap it?"),
    ("Subscription renewed after cancelling", "billing", "billing",
     "I cancelled last month and you charged me again anyway."),
    ("App crashes when paying", "technical", "technical",
     "The app closes every time I press pay. Tried twice now."),
    ("Delivery driver left parcel in the rain", "delivery", None,
     "Parcel left outside in the rain, the box is soaked through."),
    ("Warranty repair taking too long", "repairs", "technical",
     "My laptop has been at your repair centre for a month with no news."),
    ("Heater smells of burning plastic", "safety", "technical",
     "The heater started smelling of burning plastic, this seems unsafe."),
    ("Invoice shows the wrong company name", "billing", "billing",
     "Our invoice has the wrong company name, accounts will not pay it."),
]

FIRES = [
    ("Parcel marked delivered but never arrived",
     "Parcels scanned as delivered at the depot, not at the door",
     "Checked the depot scan log; re-sent by courier with signature"),
    ("Charged twice for the same order",
     "Double charge when the payment page is refreshed",
     "Voided the duplicate authorisation the same day"),
    ("Cannot log in after password reset",
     "Reset links expire before the mail arrives for some providers",
     "Sent a fresh link and extended the expiry for the customer"),
]

ARTICLES = [
    ("How to trace a parcel marked delivered",
     "Check the depot scan, call the courier, re-send with signature if not found in 24 h."),
    ("Spotting and voiding duplicate charges",
     "Duplicate authorisations drop off in 3 to 5 days; void them at once from billing."),
    ("Unlocking an account after repeated resets", "Clear the reset throttle, send one link."),
    ("Replacing items damaged in transit", "No need to ask for the item back under 50 EUR."),
    ("Cancelling a subscription that renewed", "Refund the renewal and confirm the end date."),
    ("Safety reports: what to do first", "Ask the customer to stop using it; escalate to a lead."),
]

PREPARED = [
    ("Acknowledge a late parcel", "Thank you for letting us know, and I'm sorry it hasn't "
     "arrived. I'm checking with the depot now and will write back today with what I find."),
    ("Offer a replacement", "I'm sorry it arrived damaged. What I can do right now is send a "
     "replacement by express; would that work for you?"),
    ("Ask to confirm the fix", "I believe this is now sorted. Could you check and tell me "
     "whether everything works as it should?"),
    ("Refund on its way", "Thank you for your patience. I've issued the refund today; you'll "
     "see it on your statement within 3 to 5 working days, and I'll check it has landed."),
]

# The same problem in customers' own words, piling up in the demo's last days: the lead
# finds it as a suggested fire in the fire log.
JUG_WORDINGS = [
    "The jug of my blender cracked", "Cracked blender jug",
    "Blender jug has a crack in it after a week", "My blender's jug is cracking at the base",
    "Crack in the blender jug", "Blender jugs crack after two uses",
    "The jug on the blender I bought has cracked",
]

TARGETS = [  # state each demo case is walked to, with its weight
    (CaseStatus.NEW, 6), (CaseStatus.OPEN, 12), (CaseStatus.WAITING_ON_CUSTOMER, 6),
    (CaseStatus.ESCALATED, 8), (CaseStatus.AWAITING_CONFIRMATION, 8),
    (CaseStatus.RESOLVED, 25), (CaseStatus.CLOSED, 35),
]


@dataclass
class DemoCast:
    admin: User
    leads: list[User]
    agents: list[User]
    customers: list[tuple[int, User]] = field(default_factory=list)  # (customer id, login)


@dataclass(frozen=True)
class DemoSummary:
    logins: list[tuple[str, str, str]]  # (role, e-mail, password)
    cases: int
    customers: int
    token_email: str




def _in_uow(uow_factory: UowFactory, work: Callable[[UnitOfWork], T]) -> T:
    with uow_factory() as uow:
        result = work(uow)
        uow.commit()
        return result


def _email(first: str, last: str) -> str:
    plain = f"{first}.{last}".lower().translate(str.maketrans("éíóáç", "eioac"))
    return f"{plain}@example.com"


def make_cast(uow: UnitOfWork, now: datetime) -> DemoCast:
    front = users.create_team(uow, None, "Front line", now=now)
    specialists = users.create_team(uow, None, "Specialists", now=now)

    def staff(name: str, role: Role, team: int | None, skills: list[str]) -> User:
        email = name.split()[0].lower() + f"@{DEMO_DOMAIN}"
        return users.create_user(uow, None, name=name, email=email, role=role,
                                 password=DEMO_PASSWORD, team_id=team, skills=skills, now=now)

    admin = staff("Ada Admin", Role.ADMIN, None, [])
    leads = [staff("Lena Lead", Role.LEAD, front.id, ["billing", "technical"]),
             staff("Marco Manager", Role.LEAD, specialists.id, ["billing", "technical", "legal"])]
    agents = [staff("Alex Agent", Role.AGENT, front.id, ["billing"]),
              staff("Sam Support", Role.AGENT, front.id, []),
              staff("Kim Kowalski", Role.AGENT, front.id, ["technical"]),
              staff("Noor Haddad", Role.AGENT, specialists.id, ["billing", "technical"]),
              staff("Tom Becker", Role.AGENT, front.id, [])]
    basic = ["credit", "replacement", "expedite", "waive_fee", "extra_time"]
    empowerment.set_profile(uow, None, role=Role.AGENT, money_per_case=5000,
                            money_per_day=15000, extra_days=7, remedy_kinds=basic, now=now)
    empowerment.set_profile(uow, None, role=Role.LEAD, money_per_case=50000,
                            money_per_day=200000, extra_days=30,
                            remedy_kinds=[*basic, "refund", "discount"], now=now)
    empowerment.set_profile(uow, None, user_id=agents[3].id,
                            money_per_case=15000, money_per_day=40000, extra_days=14,
                            remedy_kinds=[*basic, "refund"], now=now)
    return DemoCast(admin=admin, leads=leads, agents=agents)


def make_customers(uow: UnitOfWork, cast: DemoCast, count: int, rng: random.Random,
                   now: datetime) -> None:
    seen: set[str] = set()
    while len(cast.customers) < count:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = _email(first, last)
        if email in seen:
            continue
        seen.add(email)
        contacts = [email]
        if rng.random() < 0.5:
            contacts.append(f"+44 7700 9{rng.randrange(10_000, 99_999)}")
        customer = customers.create_customer(uow, None, f"{first} {last}", contacts, now=now)
        assert customer.id is not None
        login = users.create_user(uow, None, name=customer.name, email=email, role=Role.CUSTOMER,
                                  password=DEMO_PASSWORD if len(cast.customers) < 2 else None,
                                  customer_id=customer.id, now=now)
        cast.customers.append((customer.id, login))


def make_case(uow: UnitOfWork, cast: DemoCast, rng: random.Random, opened: datetime,
              target: CaseStatus) -> Case:
    """Open one case and walk it to `target` through the desk's operations."""
    _, login = rng.choice(cast.customers)
    nature, category, skill, words = rng.choice(PROBLEMS)
    by_agent = rng.random() < 0.6
    opener = rng.choice(cast.agents) if by_agent else login
    channel = rng.choice([Channel.EMAIL, Channel.WEB, Channel.CHAT, Channel.PHONE])
    if not by_agent:
        _on_shift(uow, cast, opened)
    case = intake.open_case(uow, opener, nature=nature, customer_name=login.name,
                            contact=login.email, channel=channel, category=category,
                            required_skill=skill, message=words, now=opened)
    assert case.id is not None and case.owner_id is not None
    if target == CaseStatus.NEW:
        return case
    owner = uow.get(User, case.owner_id)
    assert owner is not None
    clock = _ticker(opened, rng)
    ownership.acknowledge(uow, owner, case.id, now=next(clock))
    _maybe_remedy(uow, owner, case, rng, next(clock))
    if target == CaseStatus.OPEN:
        if rng.random() < 0.15:
            other = rng.choice([a for a in cast.agents if a.id != owner.id])
            assert other.id is not None
            ownership.offer_handover(uow, owner, case.id, other.id,
                                     note="Going on leave; can you take this?", now=next(clock))
        return case
    if target == CaseStatus.WAITING_ON_CUSTOMER:
        interactions.record_outbound(uow, owner, case.id, "Thank you for telling us. Could "
                                     "you send a photo of the label so I can trace it?",
                                     channel=case.channel, wait_for_reply=True, now=next(clock))
        return case
    if target == CaseStatus.ESCALATED or rng.random() < 0.2:
        _escalate(uow, owner, case, rng, next(clock))
        if target == CaseStatus.ESCALATED:
            return case
        assert case.handler_id is not None
        handler = uow.get(User, case.handler_id)
        assert handler is not None
        escalation.hand_back(uow, handler, case.id, "Fixed on our side; please confirm with "
                             "the customer.", now=next(clock))
    _walk_closing(uow, owner, login, case, rng, target, clock)
    return case


def make_burst_case(uow: UnitOfWork, cast: DemoCast, rng: random.Random, opened: datetime,
                    nature: str) -> Case:
    """One of the recent cases about the same problem, owned and acknowledged."""
    _, login = rng.choice(cast.customers)
    opener = rng.choice(cast.agents)
    case = intake.open_case(uow, opener, nature=nature, customer_name=login.name,
                            contact=login.email, channel=rng.choice(list(Channel)[:4]),
                            category="damaged", message=nature, now=opened)
    assert case.id is not None
    ownership.acknowledge(uow, opener, case.id, now=opened + timedelta(minutes=5))
    return case
def _on_shift(uow: UnitOfWork, cast: DemoCast, at: datetime) -> None:
    """The agents are at work when a customer's case comes in (the demo's past days)."""
    for agent in cast.agents:
        present = uow.get(User, agent.id or 0)
        assert present is not None
        present.presence, present.last_seen_at = Presence.AVAILABLE, at


def settle_presence(uow: UnitOfWork, cast: DemoCast, at: datetime, waiting: int) -> None:
    """The desk as the demo opens: who is available, away, offline or full; a new agent
    added without a password (who can never get a case); a colleague who left, whose cases
    a lead keeps to reassign; and two customers' cases that wait in Unassigned because the
    agents with the skill they need are full or offline."""
    states = [Presence.AVAILABLE, Presence.AWAY, Presence.AVAILABLE, Presence.OFFLINE,
              Presence.AVAILABLE]
    for agent, state in zip(cast.agents, states, strict=True):
        now_here = uow.get(User, agent.id or 0)
        assert now_here is not None
        now_here.presence, now_here.last_seen_at = state, at
    kim = uow.get(User, cast.agents[2].id or 0)
    assert kim is not None and kim.id is not None
    kim.capacity = uow.staff_load([kim.id]).get(kim.id, 0)  # full: no new case for Kim
    newcomer = users.create_user(uow, None, name="Pat Newhire", role=Role.AGENT,
                                 email=f"pat@{DEMO_DOMAIN}", team_id=cast.agents[0].team_id,
                                 skills=["technical"], now=at)
    newcomer.presence, newcomer.last_seen_at = Presence.AVAILABLE, at  # yet no password
    users.deactivate_user(uow, None, cast.agents[4].id or 0, now=at)
    arrivals = ((25, cast.customers[2], Channel.WEB), (8, cast.customers[3], Channel.CHAT))
    for minutes, (_, login), channel in arrivals[:waiting]:
        nature, category, _, words = PROBLEMS[7]
        intake.open_case(uow, None, nature=nature, customer_name=login.name, channel=channel,
                         contact=login.email, category=category, required_skill="technical",
                         message=words, now=at - timedelta(minutes=minutes))


def _ticker(start: datetime, rng: random.Random) -> Iterator[datetime]:
    at = start
    while True:
        at += timedelta(minutes=rng.randrange(5, 240))
        yield at


def _maybe_remedy(uow: UnitOfWork, owner: User, case: Case, rng: random.Random,
                  at: datetime) -> None:
    if rng.random() < 0.35:
        assert case.id is not None
        kind, amount = rng.choice([("credit", 1500), ("replacement", 0), ("expedite", 0),
                                   ("credit", 9000), ("refund", 4000), ("waive_fee", 500)])
        empowerment.apply_remedy(uow, owner, case.id, kind, amount=amount,
                                 note="Offered while we sort it out", now=at)


def _escalate(uow: UnitOfWork, owner: User, case: Case, rng: random.Random,
              at: datetime) -> None:
    assert case.id is not None
    people = [{"name": "Depot supervisor", "contact": "depot@carrier.example"}]
    escalation.escalate(uow, owner, case.id, reason="Needs a lead's authority",
                        details="Customer reported it on the first contact; two checks done.",
                        people_involved=people, now=at)


def _walk_closing(uow: UnitOfWork, owner: User, login: User, case: Case, rng: random.Random,
                  target: CaseStatus, clock: Iterator[datetime]) -> None:
    assert case.id is not None
    for step in ("plan_shared", "permission_asked", "satisfaction_asked"):
        closing.mark_closing_step(uow, owner, case.id, step, now=next(clock))
    closing.request_confirmation(uow, owner, case.id, now=next(clock))
    if target == CaseStatus.AWAITING_CONFIRMATION:
        return
    _confirm(uow, owner, login, case, rng, clock)
    if rng.random() < 0.3:
        closing.record_lesson(uow, owner, case.id, "Check the depot scan before re-sending.",
                              now=next(clock))
    if rng.random() < 0.6:
        closing.rate_satisfaction(uow, login, case.id, rng.choice([3, 4, 5, 5, 5]),
                                  comment="Sorted quickly, thank you.", now=next(clock))
    if target == CaseStatus.CLOSED:
        closing.close_case(uow, owner, case.id, now=next(clock))


CONFIRMING_WORDS = [  # what customers say when it is solved, on the case's channel
    "Yes, that fixed it. Thank you!",
    "All working now, thanks for sorting it.",
    "It arrived this morning and everything is fine.",
]


def _confirm(uow: UnitOfWork, owner: User, login: User, case: Case, rng: random.Random,
             clock: Iterator[datetime]) -> None:
    """Most customers confirm themselves; for the others the owner records their words
    from their reply, or from a call logged on the phone channel, citing it."""
    assert case.id is not None
    if rng.random() < 0.7:
        closing.confirm_fixed(uow, login, case.id, now=next(clock))
        return
    words = rng.choice(CONFIRMING_WORDS)
    if case.channel == Channel.PHONE:
        said = interactions.record_inbound(uow, owner, case.id, f"On the phone: {words}",
                                           channel=Channel.PHONE, now=next(clock))
    else:
        said = interactions.record_inbound(uow, None, case.id, words, channel=case.channel,
                                           now=next(clock))
    closing.confirm_fixed(uow, owner, case.id, interaction_id=said.id, now=next(clock))


def make_knowledge(uow: UnitOfWork, cast: DemoCast, now: datetime) -> None:
    author = cast.leads[0]
    for title, body in ARTICLES:
        article = knowledge.write_article(uow, author, title, body, now=now)
        assert article.id is not None
        knowledge.publish_article(uow, author, article.id, now=now)
    for title, body in PREPARED:
        reply = knowledge.add_prepared_reply(uow, author, title, body, now=now)
        assert reply.id is not None
        knowledge.publish_prepared_reply(uow, author, reply.id)


def make_fires(uow: UnitOfWork, cast: DemoCast, now: datetime) -> None:
    for index, (title, problem, solution) in enumerate(FIRES):
        fire = firelog.start_fire(uow, cast.agents[index], title, now=now)
        assert fire.id is not None
        for agent in cast.agents[:3]:
            firelog.add_fire_note(uow, agent, fire.id, problem, solution, now=now)
        for case in uow.find(Case, limit=5, nature=title):
            assert case.id is not None
            firelog.link_case(uow, None, fire.id, case.id, now=now)
        if index == 1:
            firelog.mark_fixed_for_good(uow, cast.leads[0], fire.id,
                                        "Payment page now ignores a second submit.",
                                        author_id=cast.agents[index].id, now=now)


def make_kudos(uow: UnitOfWork, cast: DemoCast, now: datetime) -> None:
    lead = cast.leads[0]
    for agent, message in zip(cast.agents[:3], [
            "Turned an angry double-charge into a thank-you note.",
            "Followed up every day until the repair came back.",
            "Spotted the reset-link fire and wrote it up."], strict=True):
        assert agent.id is not None
        recognition.give_kudos(uow, lead, agent.id, message, now=now)


def decide_some_approvals(uow: UnitOfWork, cast: DemoCast, rng: random.Random,
                          now: datetime) -> None:
    """Leads answer the older requests; the newest stay pending for the demo's lead."""
    pending = uow.find(ApprovalRequest, limit=200, status=ApprovalStatus.PENDING)
    for request in pending[: len(pending) // 2]:
        assert request.id is not None
        approve = rng.random() < 0.8
        note = "Fair, go ahead." if approve else "Offer a replacement instead of a refund."
        empowerment.decide_approval(uow, cast.leads[0], request.id, approve, note=note, now=now)


def pick_target(rng: random.Random) -> CaseStatus:
    states = [state for state, _ in TARGETS]
    return rng.choices(states, [weight for _, weight in TARGETS])[0]


def seed_demo(
    uow_factory: UowFactory,
    cases: int = 300,
    customer_count: int = 150,
    seed: int = 2017,
    on_case: Callable[[], None] = lambda: None,
    now: datetime | None = None,
) -> DemoSummary:
    """Fill an empty desk. Cases are spread over the last 60 days, oldest first, each
    walked to its state by the operations; one transaction per case, as in real use."""
    rng = random.Random(seed)
    at = now or datetime.now(UTC)
    start = at - timedelta(days=60)

    def setup(uow: UnitOfWork) -> DemoCast:
        cast = make_cast(uow, start)
        make_customers(uow, cast, customer_count, rng, start)
        make_knowledge(uow, cast, start)
        return cast

    cast = _in_uow(uow_factory, setup)
    burst = JUG_WORDINGS[: min(len(JUG_WORDINGS), cases // 20)]
    waiting = WAITING if cases >= 10 and customer_count > WAITING + 2 else 0
    opened = sorted(start + timedelta(minutes=rng.randrange(0, 60 * 24 * 58))
                    for _ in range(cases - len(burst) - waiting))
    for when in opened:
        target = pick_target(rng)
        _in_uow(uow_factory, partial(make_case, cast=cast, rng=rng, opened=when, target=target))
        on_case()
    for index, nature in enumerate(burst):
        when = at - timedelta(days=3) + timedelta(hours=9 * index)
        _in_uow(uow_factory, partial(make_burst_case, cast=cast, rng=rng, opened=when,
                                     nature=nature))
        on_case()
    def finish(uow: UnitOfWork) -> None:
        decide_some_approvals(uow, cast, rng, at - timedelta(days=2))
        make_fires(uow, cast, at - timedelta(days=1))
        make_kudos(uow, cast, at - timedelta(hours=2))
        settle_presence(uow, cast, at, waiting)

    _in_uow(uow_factory, finish)
    logins = [(u.role.value, u.email, DEMO_PASSWORD)
              for u in [cast.admin, *cast.leads, *cast.agents[:2]]]
    logins += [("customer", login.email, DEMO_PASSWORD) for _, login in cast.customers[:2]]
    return DemoSummary(logins=logins, cases=cases, customers=customer_count,
                       token_email=cast.agents[0].email)
