"""A desk with known events for the insights tests, written through the desk's own
operations (so the rollups read what the desk really writes).

Monday 2 March 2026 (T0 = 09:30 UTC). Two teams: Billing (Sam, an agent; Lee, a lead)
and Returns (Kim, an agent).

- Case A, e-mail, "billing", Sam: complaint; replied after 10 minutes; the customer
  confirms it solved after 2 hours; rated 5 "Quick and kind" the same day; Sam then
  sends a blunt reply (the coach finds several things in it) after using the coach's
  suggestion for "feelings" while drafting.
- Case B, chat, "delivery", Sam, opened at 10:30: indirect complaint; replied after 30
  minutes; the customer writes again (11:30); Lee signs an exception the next day;
  the customer writes again two days after T0 (reopened; still open).
- Case C, phone, "billing", Kim, opened the next day at 09:30: abusive message; replied
  after 3 h 5 min; Kim escalates at 13:30 (a follow-up is due a working day later);
  Lee hands it back at 15:30; Kim asks for a 10,000.00 refund, above her limit, at 16:00, Lee
  declines it at 16:30; the customer confirms it solved on day 3 at 09:30, and rates 2.
- Case D, web, no category, Sam, opened day 3 at 12:00: a neutral question, never
  answered.
- Lee logs the fire "Double charge on one order" on day 3, links cases A and C, and marks
  it fixed for good with Sam's fix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from tests.conftest import T0, Seeded, on_duty

from frontliner.desk import closing, empowerment, escalation, firelog, intake, interactions
from frontliner.desk.model import Channel, Role, Team, User
from frontliner.store.uow import SqlUnitOfWork

COMPLAINT = "I was charged twice for one order and nobody answers my emails. This is wrong."
INDIRECT = "Oh great, another week without my parcel. Never mind, I will just wait forever."
ABUSE = "You are a useless idiot and I know where you live."
NEUTRAL = "Hi, where can I change my address?"
REPLY = ("Thank you for telling us, and I am sorry. I have refunded the second charge "
         "today; I will write again on Friday to check it reached you.")
BLUNT = "As I already said, that is our policy, so I can't help you with that."


@dataclass(frozen=True)
class KnownDesk:
    sam: int
    kim: int
    lee: int
    billing: int
    returns: int
    cases: dict[str, int]


def build(uow_factory: Callable[[], SqlUnitOfWork], seeded: Seeded) -> KnownDesk:
    m = timedelta(minutes=1)
    h = timedelta(hours=1)
    d = timedelta(days=1)
    with uow_factory() as uow:
        returns = Team(name="Returns")
        uow.add(returns)
        uow.flush()
        kim = on_duty(User(name="Kim Agent", email="kim@desk.test", role=Role.AGENT,
                           team_id=returns.id, skills=["billing"], created_at=T0))
        uow.add(kim)
        uow.commit()
        kim_id = kim.id
    assert kim_id is not None

    def act(user_id: int, operation: Callable[[SqlUnitOfWork, User], object]) -> object:
        with uow_factory() as uow:
            actor = uow.get(User, user_id)
            assert actor is not None
            result = operation(uow, actor)
            uow.commit()
            return result

    def open_case(by: int, channel: Channel, category: str | None, words: str,
                  at: object) -> int:
        case = act(by, lambda uow, who: intake.open_case(
            uow, who, nature=words[:60], customer_name="Ann Lee", contact="ann@example.com",
            channel=channel, category=category, message=words, now=at))
        return int(case.id)  # type: ignore[attr-defined]

    sam, lee, ann = seeded.agent_id, seeded.lead_id, seeded.customer_user_id
    a = open_case(sam, Channel.EMAIL, "billing", COMPLAINT, T0)
    act(sam, lambda uow, who: interactions.record_outbound(uow, who, a, REPLY, now=T0 + 10 * m))
    act(ann, lambda uow, who: closing.confirm_fixed(uow, who, a, now=T0 + 2 * h))
    act(ann, lambda uow, who: closing.rate_satisfaction(uow, who, a, 5, "Quick and kind",
                                                        now=T0 + 3 * h))
    act(sam, lambda uow, who: interactions.record_outbound(
        uow, who, a, BLUNT, now=T0 + 4 * h, suggestions_used=["feelings"]))

    b = open_case(sam, Channel.CHAT, "delivery", INDIRECT, T0 + h)
    act(sam, lambda uow, who: interactions.record_outbound(uow, who, b, REPLY,
                                                           now=T0 + h + 30 * m))
    act(sam, lambda uow, who: interactions.record_inbound(uow, None, b, NEUTRAL, Channel.CHAT,
                                                          now=T0 + 2 * h))
    act(lee, lambda uow, who: closing.sign_exception(uow, who, b, "customer left the chat",
                                                     now=T0 + d))
    act(sam, lambda uow, who: interactions.record_inbound(uow, None, b, NEUTRAL, Channel.CHAT,
                                                          now=T0 + 2 * d))

    c = open_case(kim_id, Channel.PHONE, "billing", ABUSE, T0 + d)
    act(kim_id, lambda uow, who: interactions.record_outbound(uow, who, c, REPLY,
                                                              now=T0 + d + 3 * h + 5 * m))
    act(kim_id, lambda uow, who: escalation.escalate(
        uow, who, c, "refund above my limit", "charged twice on the 1st", handler_id=lee,
        people_involved=[{"name": "Ann Lee", "contact": "ann@example.com"}],
        now=T0 + d + 4 * h))
    act(lee, lambda uow, who: escalation.hand_back(uow, who, c, "refund approved by finance",
                                                   now=T0 + d + 6 * h))
    remedy = act(kim_id, lambda uow, who: empowerment.apply_remedy(
        uow, who, c, "refund", amount=1_000_000, note="double charge", now=T0 + d + 6 * h + 30 * m))
    approval_id = _approval_of(uow_factory, int(remedy.id))  # type: ignore[attr-defined]
    act(lee, lambda uow, who: empowerment.decide_approval(
        uow, who, approval_id, False, "finance refunds this", now=T0 + d + 7 * h))
    act(ann, lambda uow, who: closing.confirm_fixed(uow, who, c, now=T0 + 2 * d))
    act(ann, lambda uow, who: closing.rate_satisfaction(uow, who, c, 2, "", now=T0 + 2 * d + h))

    dd = open_case(sam, Channel.WEB, None, NEUTRAL, T0 + 2 * d + 150 * m)

    fire = act(lee, lambda uow, who: firelog.start_fire(uow, who, "Double charge on one order",
                                                        now=T0 + 2 * d))
    fire_id = int(fire.id)  # type: ignore[attr-defined]
    for case_id in (a, c):
        act(lee, lambda uow, who, case_id=case_id: firelog.link_case(uow, who, fire_id, case_id,
                                                                     now=T0 + 2 * d))
    act(lee, lambda uow, who: firelog.mark_fixed_for_good(
        uow, who, fire_id, "payment retries are idempotent now", author_id=sam,
        now=T0 + 2 * d + h))
    return KnownDesk(sam=sam, kim=kim_id, lee=lee, billing=seeded.team_id,
                     returns=int(returns.id or 0), cases={"A": a, "B": b, "C": c, "D": dd})


def _approval_of(uow_factory: Callable[[], SqlUnitOfWork], remedy_id: int) -> int:
    from frontliner.desk.model import ApprovalRequest

    with uow_factory() as uow:
        found = uow.find(ApprovalRequest, limit=1, remedy_id=remedy_id)
        assert found, "the refund above Kim's limit waits for a lead"
        return int(found[0].id or 0)
