"""Asking a chat customer "is it solved?" inside the conversation itself.

E-mail, web-form, phone and API customers are asked by e-mail (the outbox notices the
`confirmation_requested` entry and writes the mail); a chat customer is asked where they
are: the question becomes a message of the chat, and the widget puts its "Yes, it's
solved" / "Not yet" buttons under it.
"""

from __future__ import annotations

from datetime import datetime

from frontliner.desk import interactions
from frontliner.desk.model import Case, Channel, User, id_of
from frontliner.desk.ports import UnitOfWork

CHAT_QUESTION = ("We believe your problem is solved now. Is it? Please tell us with the "
                 "buttons below; if it is not, tell us what is still wrong and we will "
                 "keep working on it.")


def ask_in_chat(uow: UnitOfWork, actor: User | None, case: Case, at: datetime) -> None:
    """On a chat case, the question as our message in the conversation; else nothing."""
    if case.channel != Channel.CHAT:
        return
    interactions.record_outbound(uow, actor, id_of(case), CHAT_QUESTION, channel=Channel.CHAT,
                                 now=at, agent_words=False)
