"""A resolved case full of one customer's personal details, for practice tests."""

from __future__ import annotations

from collections.abc import Callable

from api_support import Desk

from frontliner.desk import closing, intake, interactions
from frontliner.desk.model import Case, User
from frontliner.store.uow import SqlUnitOfWork

PASSING_ANSWER = ("I'm sorry you were charged twice, and thank you for telling us. I've "
                  "refunded the second payment today; it reaches your card within five "
                  "working days. Shall I e-mail you the receipt?")


def resolved_case(uow_factory: Callable[[], SqlUnitOfWork], desk: Desk) -> Case:
    """Zofia Brandt's case: her name, e-mail, phone, address and order number in her
    message, the agent's name in the reply; resolved by a lead's exception."""
    with uow_factory() as uow:
        agent, lead = uow.get(User, desk.agent.id), uow.get(User, desk.lead.id)
        assert agent is not None and lead is not None
        case = intake.open_case(
            uow, agent, nature="Charged twice for Zofia Brandt's order",
            customer_name="Zofia Brandt", contact="zofia.brandt@example.org",
            message=("Hello, this is Zofia Brandt. You charged my card twice for order "
                     "#48213. Call me on +44 20 7946 0958 or write to zofia.brandt@example.org."
                     " I live at 12 Larch Lane, Leeds LS6 2AB."))
        assert case.id is not None
        interactions.record_outbound(
            uow, agent, case.id, "Hi Zofia, sorry about that. Sam from billing will refund "
            "it today.\n\nBest,\nSam Agent")
        closing.sign_exception(uow, lead, case.id, "customer no longer answers")
        uow.commit()
        return case
