"""The case lifecycle under random sequences of operations by random people.

Hypothesis drives every desk operation on a few cases, as owners, colleagues, leads,
the customer, another customer and the system, in any order. Refused operations are
rolled back (as the web does); accepted ones are committed. After every step:

1. an unresolved case has exactly one owner, an active member of staff, and ownership
   changed only through an accepted handover, a take or a lead's assignment of an
   unassigned case, or a deactivation that gave it back to a lead; the only unowned
   cases are new ones automatic assignment could give nobody, said so in their trail;
2. a resolved or closed case was confirmed by the customer or carries a lead's signed
   exception with a reason; a confirmation staff recorded cites an inbound message of
   that case (the customer's own, or a logged call) and came after the closing checklist,
   never on a new case;
3. the audit trail replays to the current status: one entry for each transition;
4. a remedy above the agent's limits is never applied without a lead's approval.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from frontliner.desk import (
    assignment,
    closing,
    empowerment,
    escalation,
    intake,
    interactions,
    ownership,
    presence,
    unassigned,
    users,
)
from frontliner.desk.access import UNRESOLVED
from frontliner.desk.customers import create_customer
from frontliner.desk.errors import DeskError
from frontliner.desk.model import (
    ApprovalRequest,
    ApprovalStatus,
    AuditEntry,
    Case,
    CaseStatus,
    Channel,
    Direction,
    FollowUp,
    Handover,
    HandoverStatus,
    Interaction,
    Remedy,
    RemedyKind,
    RemedyStatus,
    Role,
    User,
)
from frontliner.desk.users import create_user
from tests.unit.conftest import MONDAY
from tests.unit.fakes import FakeUnitOfWork

PER_CASE, PER_DAY, KINDS = 3_000, 5_000, ["refund", "credit"]
NATURES = ["kettle broken", "parcel late", "charged twice", "charger caught fire", "rude reply"]
RIGHT = 8  # `who` values from here on mean "the right person for this step"
WHO = st.integers(0, 11)
PEOPLE = [{"name": "Courier Carl", "contact": "carl@example.com"}]
OWNERSHIP_MOVES = {"left_unassigned", "taken", "assigned", "handover_accepted",
                   "owner_replaced", "returned_to_lead"}


class CaseLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.uow = FakeUnitOfWork()
        self.step = 0
        made = {name: create_user(self.uow, None, name=name, email=f"{name}@desk.example",
                                  role=role, skills=skills, now=MONDAY)
                for name, role, skills in (("lee", Role.LEAD, []), ("lou", Role.LEAD, []),
                                           ("avery", Role.AGENT, ["billing"]),
                                           ("blake", Role.AGENT, ["electrical"]))}
        self.staff: list[User] = list(made.values())
        for member in self.staff:
            member.password_hash = "set"  # they can sign in (no hashing in unit tests)
        self.uow.settings[assignment.KEY_IDLE] = "600"  # present for a few steps
        empowerment.set_profile(self.uow, None, role=Role.AGENT, money_per_case=PER_CASE,
                                money_per_day=PER_DAY, extra_days=2, remedy_kinds=KINDS)
        ann = create_customer(self.uow, None, "Ann", ["ann@example.com"], now=MONDAY)
        bob = create_customer(self.uow, None, "Bob", ["bob@example.com"], now=MONDAY)
        self.ann = create_user(self.uow, None, name="Ann", email="ann@example.com",
                               role=Role.CUSTOMER, customer_id=ann.id, now=MONDAY)
        self.bob = create_user(self.uow, None, name="Bob", email="bob@example.com",
                               role=Role.CUSTOMER, customer_id=bob.id, now=MONDAY)
        self.uow.commit()
        self.cases: list[int] = []
        self.expected_owner: dict[int, int | None] = {}

    # --- plumbing -----------------------------------------------------------------------

    def now(self) -> Any:
        self.step += 1
        return MONDAY + timedelta(minutes=97 * self.step)

    def attempt(self, op: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one operation like a request: commit on success, roll back on refusal."""
        before = len(self.uow.all(AuditEntry))
        try:
            result = op(self.uow, *args, now=self.now(), **kwargs)
        except DeskError:
            self.uow.rollback()
            return None
        self.uow.commit()
        # The desk itself moves a case whose owner left: back to a lead on deactivation,
        # to someone present when a departed owner's case comes back to life.
        for entry in self.uow.all(AuditEntry)[before:]:
            if entry.action in ("returned_to_lead", "owner_replaced"):
                self.expected_owner[entry.case_id] = entry.detail["to_owner_id"]
            elif entry.action == "left_unassigned":  # nobody left to give it to
                self.expected_owner[entry.case_id] = None
        return result

    def actor(self, index: int) -> User | None:
        """Anyone, including the system itself (None), for operations that accept it."""
        people: list[User | None] = [*self.staff, self.ann, self.bob, None]
        return people[index % len(people)]

    def person(self, index: int) -> User:
        """Anyone logged in, for operations that need a person."""
        people = [*self.staff, self.ann, self.bob]
        return people[index % len(people)]

    def pick(self, who: int, right: User | None) -> User:
        """Often the person the step is meant for (owner, handler, lead, customer), so
        sequences get deep; otherwise anybody, so refusals are exercised too."""
        if who >= RIGHT and right is not None:
            return right
        return self.person(who)

    def owner(self, case: Case) -> User | None:
        return self.uow.get(User, case.owner_id) if case.owner_id is not None else None

    def customer_of(self, case: Case) -> User:
        return self.ann if case.customer_id == self.ann.customer_id else self.bob

    def case(self, index: int) -> Case:
        found = self.uow.get(Case, self.cases[index % len(self.cases)])
        assert found is not None
        return found

    has_cases = precondition(lambda self: bool(self.cases))

    # --- rules --------------------------------------------------------------------------

    @rule(who=WHO, nature=st.sampled_from(NATURES),
          skill=st.sampled_from([None, "billing", "electrical"]))
    def open_case(self, who: int, nature: str, skill: str | None) -> None:
        case = self.attempt(intake.open_case, self.actor(who), nature=nature,
                            customer_name="Ann", contact="ann@example.com",
                            channel=Channel.EMAIL, required_skill=skill)
        if case is not None:
            self.cases.append(case.id)
            self.expected_owner[case.id] = case.owner_id

    @rule(who=st.integers(0, 3), state=st.sampled_from(["available", "away", "offline"]))
    def set_presence(self, who: int, state: str) -> None:
        self.attempt(presence.set_presence, self.staff[who], state)

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO)
    def take(self, c: int, who: int) -> None:
        case = self.case(c)
        if self.attempt(unassigned.take_case, self.person(who), case.id) is not None:
            self.expected_owner[case.id] = case.owner_id

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO, to=st.integers(0, 5))
    def assign(self, c: int, who: int, to: int) -> None:
        case = self.case(c)
        if self.attempt(unassigned.assign_case, self.pick(who, self.staff[0]), case.id,
                        self.person(to).id) is not None:
            self.expected_owner[case.id] = case.owner_id

    @rule(who=st.integers(1, 3))
    def deactivate(self, who: int) -> None:
        """Someone leaves (never everyone: lee stays): their cases go back to a lead."""
        self.attempt(users.deactivate_user, None, self.staff[who].id)

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO)
    def acknowledge(self, c: int, who: int) -> None:
        case = self.case(c)
        self.attempt(ownership.acknowledge, self.pick(who, self.owner(case)), case.id)

    @has_cases
    @rule(c=st.integers(0, 9), who=st.integers(4, 11), to=st.integers(0, 5),
          answer=st.sampled_from([None, True, False]), answerer=WHO)
    def offer_handover(
        self, c: int, who: int, to: int, answer: bool | None, answerer: int
    ) -> None:
        case = self.case(c)
        target = self.person(to)  # mostly staff, sometimes a customer (refused)
        offered = self.attempt(ownership.offer_handover, self.pick(who, self.owner(case)),
                               case.id, target.id)
        if offered is not None and answer is not None:
            # answered at once (mostly by the right colleague), or left pending
            self.answer_handover(RIGHT if answerer >= 4 else answerer, answer)

    @rule(who=WHO, accept=st.booleans())
    def answer_handover(self, who: int, accept: bool) -> None:
        offered = self.uow.find(Handover, limit=1, status=HandoverStatus.OFFERED)
        if not offered:
            return
        pending = offered[0]
        op = ownership.accept_handover if accept else ownership.decline_handover
        done = self.attempt(op, self.pick(who, self.uow.get(User, pending.to_user_id)), pending.id)
        if done is not None and done.status == HandoverStatus.ACCEPTED:
            self.expected_owner[pending.case_id] = done.to_user_id

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO,
          kind=st.sampled_from(list(RemedyKind)), amount=st.integers(0, 6_000))
    def apply_remedy(self, c: int, who: int, kind: RemedyKind, amount: int) -> None:
        case = self.case(c)
        self.attempt(empowerment.apply_remedy, self.pick(who, self.owner(case)), case.id, kind,
                     amount=amount)

    @rule(who=WHO, approve=st.booleans())
    def decide_approval(self, who: int, approve: bool) -> None:
        pending = self.uow.find(ApprovalRequest, limit=1, status=ApprovalStatus.PENDING)
        if pending:
            lee, lou = self.staff[0], self.staff[1]
            lead = lee if pending[0].requested_by_id != lee.id else lou
            self.attempt(empowerment.decide_approval, self.pick(who, lead), pending[0].id,
                         approve=approve, note="decided")

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO, people=st.booleans())
    def escalate(self, c: int, who: int, people: bool) -> None:
        case = self.case(c)
        self.attempt(escalation.escalate, self.pick(who, self.owner(case)), case.id,
                     reason="needs a lead",
                     details="what happened", people_involved=PEOPLE if people else None)

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO)
    def hand_back(self, c: int, who: int) -> None:
        case = self.case(c)
        handler = self.uow.get(User, case.handler_id) if case.handler_id else None
        self.attempt(escalation.hand_back, self.pick(who, handler), case.id, note="done")

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO, wait=st.booleans())
    def reply(self, c: int, who: int, wait: bool) -> None:
        case = self.case(c)
        actor = self.pick(who, self.owner(case)) if who >= RIGHT else self.actor(who)
        self.attempt(interactions.record_outbound, actor, case.id,
                     "Thank you, here is what happens next.", wait_for_reply=wait)

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO)
    def customer_writes(self, c: int, who: int) -> None:
        case = self.case(c)
        actor = self.customer_of(case) if who >= RIGHT else self.actor(who)
        self.attempt(interactions.record_inbound, actor, case.id,
                     "Any news?")

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO)
    def request_confirmation(self, c: int, who: int) -> None:
        case = self.case(c)
        self.attempt(closing.request_confirmation, self.pick(who, self.owner(case)), case.id)

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO, step=st.sampled_from(list(closing.ClosingStep)))
    def mark_closing_step(self, c: int, who: int, step: closing.ClosingStep) -> None:
        case = self.case(c)
        self.attempt(closing.mark_closing_step, self.pick(who, self.owner(case)), case.id, step)

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO)
    def log_a_call(self, c: int, who: int) -> None:
        case = self.case(c)
        actor = self.pick(who, self.owner(case))
        self.attempt(interactions.record_inbound, actor, case.id,
                     "Caller says it works now.", channel=Channel.PHONE)

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO)
    def whole_checklist(self, c: int, who: int) -> None:
        case = self.case(c)
        for step in closing.ClosingStep:
            self.attempt(closing.mark_closing_step, self.pick(who, self.owner(case)), case.id,
                         step)

    @has_cases
    @rule(c=st.integers(0, 9), by_phone=st.booleans())
    def owner_records_the_customers_words(self, c: int, by_phone: bool) -> None:
        """The whole proper path at once (each step may still be refused by the state the
        random steps left): acknowledge, the customer's words, the checklist, record."""
        case = self.case(c)
        owner = self.owner(case)
        if owner is None:
            return
        self.attempt(ownership.acknowledge, owner, case.id)
        said = (self.attempt(interactions.record_inbound, owner, case.id, "Works now, thanks",
                             channel=Channel.PHONE) if by_phone else
                self.attempt(interactions.record_inbound, None, case.id, "All fixed, ta"))
        for step in closing.ClosingStep:
            self.attempt(closing.mark_closing_step, owner, case.id, step)
        if said is not None:
            self.attempt(closing.confirm_fixed, owner, case.id, interaction_id=said.id)

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO, evidence=st.sampled_from(["", "on call"]),
          cite=st.one_of(st.none(), st.just("latest"), st.integers(1, 40)))
    def confirm_fixed(self, c: int, who: int, evidence: str, cite: int | str | None) -> None:
        """The customer confirms, or someone records it citing the case's latest message
        (often the customer's words), any message at all, or none."""
        case = self.case(c)
        actor = self.customer_of(case) if who >= RIGHT - 1 else self.actor(who)
        if who >= RIGHT + 1:
            actor = self.pick(who, self.owner(case))
        cited = cite if not isinstance(cite, str) else max(
            (m.id or 0 for m in self.uow.all(Interaction) if m.case_id == case.id), default=None)
        self.attempt(closing.confirm_fixed, actor, case.id, evidence=evidence,
                     interaction_id=cited)

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO)
    def report_not_fixed(self, c: int, who: int) -> None:
        case = self.case(c)
        actor = self.customer_of(case) if who >= RIGHT else self.actor(who)
        self.attempt(closing.report_not_fixed, actor, case.id)

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO, reason=st.sampled_from(["", "gone quiet"]))
    def sign_exception(self, c: int, who: int, reason: str) -> None:
        self.attempt(closing.sign_exception, self.pick(who, self.staff[0]), self.case(c).id,
                     reason=reason)

    @has_cases
    @rule(c=st.integers(0, 9), who=WHO)
    def close(self, c: int, who: int) -> None:
        case = self.case(c)
        actor = self.pick(who, self.owner(case)) if who >= RIGHT else self.actor(who)
        self.attempt(closing.close_case, actor, case.id)

    @rule(who=WHO)
    def follow_up(self, who: int) -> None:
        due = self.uow.find(FollowUp, limit=1, done_at=None)
        if due:
            owner = self.uow.get(User, due[0].owner_id)
            self.attempt(escalation.complete_follow_up, self.pick(who, owner), due[0].id)

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def one_active_owner_while_unresolved_moved_only_by_handover(self) -> None:
        for case in self.uow.all(Case):
            assert case.owner_id == self.expected_owner[case.id]  # type: ignore[index]
            trail = [e.action for e in self.uow.all(AuditEntry) if e.case_id == case.id]
            if case.owner_id is None:
                # Owned by nobody only while waiting for someone, and the trail says so:
                # the last word on ownership is "left_unassigned".
                moves = [a for a in trail if a in OWNERSHIP_MOVES]
                assert moves and moves[-1] == "left_unassigned", moves
            elif case.status in UNRESOLVED:
                owner = self.uow.get(User, case.owner_id)
                assert owner is not None and owner.active
                assert owner.role in (Role.AGENT, Role.LEAD, Role.ADMIN)
            pending = [h for h in self.uow.all(Handover)
                       if h.case_id == case.id and h.status == HandoverStatus.OFFERED]
            assert len(pending) <= 1

    @invariant()
    def never_resolved_without_confirmation_or_signed_exception(self) -> None:
        for case in self.uow.all(Case):
            if case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
                signed = case.exception_by_id is not None and bool(case.exception_reason)
                assert case.confirmed_by_customer or signed
                assert case.resolved_at is not None

    @invariant()
    def recorded_confirmations_cite_the_customers_words_after_the_checklist(self) -> None:
        for entry in self.uow.all(AuditEntry):
            if entry.detail.get("via") != closing.Via.AGENT_RECORDED:
                continue
            assert entry.detail["from"] != CaseStatus.NEW.value
            cited = self.uow.get(Interaction, entry.detail["interaction_id"])
            assert cited is not None and cited.case_id == entry.case_id
            assert cited.direction == Direction.INBOUND
            author = self.uow.get(User, cited.author_id) if cited.author_id else None
            assert author is None or author.role == Role.CUSTOMER or (
                cited.channel == Channel.PHONE)
            steps = {e.action for e in self.uow.all(AuditEntry)
                     if e.case_id == entry.case_id and e.id < entry.id}  # type: ignore[operator]
            assert {s.value for s in closing.ClosingStep} <= steps

    @invariant()
    def audit_trail_replays_to_the_current_status(self) -> None:
        for case in self.uow.all(Case):
            entries = [e for e in self.uow.all(AuditEntry) if e.case_id == case.id]
            assert entries and entries[0].action == "opened"
            status = CaseStatus.NEW.value
            for entry in entries:
                if "to" in entry.detail:
                    assert entry.detail["from"] == status, (entry.action, entry.detail)
                    status = entry.detail["to"]
            assert status == case.status.value

    @invariant()
    def remedies_above_limits_are_never_applied_without_approval(self) -> None:
        remedies = self.uow.all(Remedy)
        approvals = {a.remedy_id: a for a in self.uow.all(ApprovalRequest)}
        for remedy in remedies:
            approval = approvals.get(remedy.id)  # type: ignore[arg-type]
            if remedy.status != RemedyStatus.APPLIED:
                continue
            if approval is not None:
                assert approval.status == ApprovalStatus.APPROVED
                continue
            requester = self.uow.get(User, remedy.requested_by_id)
            assert requester is not None
            if requester.role != Role.AGENT:
                continue  # leads have their own (default) profile
            assert remedy.kind.value in KINDS
            assert remedy.applied_at is not None
            before = [r for r in remedies if r.status == RemedyStatus.APPLIED
                      and r.applied_at is not None and r.applied_at <= remedy.applied_at]
            on_case = sum(r.amount for r in before if r.case_id == remedy.case_id)
            same_day = sum(r.amount for r in before if r.requested_by_id == requester.id
                           and r.applied_at.date() == remedy.applied_at.date())  # type: ignore[union-attr]
            assert remedy.amount == 0 or on_case <= PER_CASE
            assert remedy.amount == 0 or same_day <= PER_DAY


TestCaseLifecycle = CaseLifecycle.TestCase
TestCaseLifecycle.settings = settings(
    max_examples=100, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
