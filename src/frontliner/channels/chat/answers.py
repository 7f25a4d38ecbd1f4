"""The chat visitor's say on how their case ends: "is it solved?" in the widget.

The widget learns where the case stands from a `confirmation` frame (`state`: `asked`
while the case waits for the visitor's word, `rate` once it is solved and not yet rated,
`none` otherwise), sent after the history on every (re)connect and whenever it changes.
It answers with `confirm` (`answer`: `yes` or `not_yet`, with what is still wrong as
`body`) and `rate` (`score` 1..5, `comment`) frames, which go to the desk's
`customer_answers` operations for the case and customer the chat token names.
"""

from __future__ import annotations

from typing import Any

from frontliner.channels.chat.conversation import MAX_MESSAGE
from frontliner.desk import customer_answers
from frontliner.desk.closing import MAX_COMMENT
from frontliner.desk.customer_answers import AnswerVia
from frontliner.desk.errors import Invalid
from frontliner.desk.model import Case, CaseStatus
from frontliner.desk.ports import UnitOfWork

ANSWER_FRAMES = ("confirm", "rate")


def confirmation_state(uow: UnitOfWork, case: Case) -> str:
    if case.status == CaseStatus.AWAITING_CONFIRMATION:
        return "asked"
    if case.status in customer_answers.DONE and customer_answers.rating_of(uow, case) is None:
        return "rate"
    return "none"


def confirmation_event(uow: UnitOfWork, case: Case) -> dict[str, Any]:
    return {"type": "confirmation", "state": confirmation_state(uow, case)}


def take_answer(uow: UnitOfWork, case_id: int, customer_id: int,
                frame: dict[str, Any]) -> str:
    """Carry out one answer frame; what was answered (`yes`, `not_yet`, `rating`). Bad
    frames raise Invalid; an answer that no longer fits the case raises Conflict."""
    if frame.get("type") == "rate":
        score, comment = frame.get("score"), frame.get("comment", "")
        if not isinstance(score, int) or isinstance(score, bool) or not isinstance(comment, str):
            raise Invalid("Send a rating as a whole number from 1 to 5.", {"score": "1 to 5"})
        if len(comment) > MAX_COMMENT:
            raise Invalid(f"The comment is longer than {MAX_COMMENT} characters.",
                          {"comment": "too long"})
        customer_answers.customer_rates(uow, case_id, customer_id, score, comment,
                                        AnswerVia.CHAT)
        return "rating"
    answer, body = frame.get("answer"), frame.get("body", "")
    if answer == "yes":
        customer_answers.customer_confirms(uow, case_id, customer_id, AnswerVia.CHAT)
        return "yes"
    if answer != "not_yet" or not isinstance(body, str):
        raise Invalid('Answer with "yes" or "not_yet" (and what is still wrong as "body").',
                      {"answer": "yes or not_yet"})
    if len(body) > MAX_MESSAGE:
        raise Invalid(f"A chat message can be at most {MAX_MESSAGE} characters.",
                      {"body": "too long"})
    customer_answers.customer_not_fixed(uow, case_id, customer_id, body, AnswerVia.CHAT)
    return "not_yet"
