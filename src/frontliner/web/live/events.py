"""What the agents' live view says about each change: audit entries -> socket frames.

Two kinds of frame come from here (both staff-only; customers never get the agent
socket):

- `message`: a customer's message, our reply or an internal note on a case, in the same
  shape the chat has always announced (`channels.chat.live.agent_event`), so a page can
  append it to the conversation.
- `case`: any other change (opened, escalated, handed back, handover offered, approval
  answered, reopened...), with the case's facts as they are now.

Each frame carries `event_id` (the audit entry's id), who it is `for` when it deserves a
notice (`notice.to`: user ids, or null for every agent) and who should refresh their
queue counts (`people`, `unowned`). Pure functions: no I/O, easy to test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from frontliner.channels.chat.live import agent_event
from frontliner.desk.model import Direction, Interaction
from frontliner.store.live_queries import LiveRow

Event = dict[str, Any]

MESSAGE_ACTIONS = frozenset({"message_received", "reply_sent", "note_added"})
# The detail keys that name a person whose queues the change may move a case in or out of.
PEOPLE_KEYS = ("owner_id", "handler_id", "to_user_id", "from_user_id", "from_owner_id",
               "to_owner_id", "requested_by_id")
# The abuse policy flow's audit actions (desk/abuse.py): notices for the leads.
ABUSE_ACTIONS = {"conversation_ended": "ended the conversation over abuse",
                 "abuse_reported": "reported a message as abuse"}
MAX_NOTE = 300  # characters of a note quoted in a notice; the case page has the rest


def case_href(ref: str) -> str:
    return f"/work/cases/{ref}"


def build_events(rows: Iterable[LiveRow], messages: Mapping[int, Interaction]) -> list[Event]:
    """The frames for `rows` (oldest first). A case's first message arrives with its
    "opened" entry, which already gives the notice; the message itself still comes."""
    events: list[Event] = []
    opened: set[int] = set()
    for row in rows:
        message = messages.get(_int(row.detail.get("interaction_id")) or -1)
        if row.action in MESSAGE_ACTIONS and message is not None:
            events.append(message_event(row, message, quiet=row.case_id in opened))
        else:
            events.append(case_event(row))
        if row.action == "opened":
            opened.add(row.case_id)
    return events


def message_event(row: LiveRow, message: Interaction, quiet: bool = False) -> Event:
    event = agent_event(message, None)
    event.update(event_id=row.id, case_ref=row.case_ref, nature=row.nature,
                 owner_id=row.owner_id, handler_id=row.handler_id, actor_id=row.actor_id,
                 author_name=row.actor_name)
    inbound = message.direction == Direction.INBOUND
    event["notice"] = None if quiet or not inbound else _notice(
        f"{row.contact_name or 'The customer'} wrote on case {row.case_ref}: "
        f"{_short(message.body)}", row, _present(row.owner_id, row.handler_id))
    return event


def case_event(row: LiveRow) -> Event:
    people = _people(row)
    return {
        "type": "case", "event_id": row.id, "action": row.action, "case_id": row.case_id,
        "case_ref": row.case_ref, "nature": row.nature, "channel": row.channel,
        "status": row.status, "owner_id": row.owner_id, "handler_id": row.handler_id,
        "actor_id": row.actor_id, "actor_name": row.actor_name, "at": row.at.isoformat(),
        "detail": row.detail, "people": sorted(people), "unowned": row.owner_id is None,
        "notice": notice_for(row),
    }


def notice_for(row: LiveRow) -> dict[str, Any] | None:
    """The quiet notice a change deserves, and for whom; None when it deserves none."""
    who = row.actor_name or "Someone"
    detail = row.detail
    note = _short(str(detail.get("note") or ""))
    if row.action == "opened":
        return _opened(row)
    if row.action == "handed_back":
        return _notice(f"{who} handed case {row.case_ref} back: {note}", row,
                       _present(row.owner_id))
    if row.action == "escalated":
        reason = _short(str(detail.get("reason") or ""))
        return _notice(f"{who} escalated case {row.case_ref} to you: {reason}", row,
                       _present(_int(detail.get("handler_id"))))
    if row.action == "handover_offered":
        text = f"{who} offers you case {row.case_ref}" + (f": {note}" if note else "")
        return _notice(text, row, _present(_int(detail.get("to_user_id"))))
    if row.action in ("approval_approved", "approval_declined"):
        verb = "approved" if row.action == "approval_approved" else "declined"
        text = f"{who} {verb} the remedy on case {row.case_ref}" + (f": {note}" if note else "")
        return _notice(text, row, _present(_int(detail.get("requested_by_id"))))
    if row.action == "reopened":
        return _notice(f"Case {row.case_ref} reopened: {detail.get('reason') or ''}", row,
                       _present(row.owner_id))
    if row.action in ABUSE_ACTIONS:
        return _abuse_notice(row, who)
    if row.action == "owner_replaced":
        return _notice(f"Case {row.case_ref} is now yours: {detail.get('reason') or ''}", row,
                       _present(_int(detail.get("to_owner_id"))))
    return None


def _abuse_notice(row: LiveRow, who: str) -> dict[str, Any]:
    """Abuse reported or a conversation ended over it: the leads are told (`roles`; the
    page shows it to a user of those roles), with a link to the case."""
    kinds = ", ".join(str(k) for k in row.detail.get("kinds") or []) or "abuse"
    reason = _short(str(row.detail.get("reason") or ""))
    did = ABUSE_ACTIONS[row.action]
    return {"text": f"{who} {did} on case {row.case_ref} ({kinds}): {reason}", "to": None,
            "roles": ["lead", "admin"], "href": case_href(row.case_ref)}


def _opened(row: LiveRow) -> dict[str, Any]:
    """A new chat or case: for its owner, or for every agent while nobody owns it."""
    to = _present(row.owner_id) if row.owner_id is not None else None
    if row.channel == "chat":
        text = f"New chat from {row.contact_name}: {_short(row.nature)}"
    elif to is None:
        text = f"New case {row.case_ref} waits in Unassigned: {_short(row.nature)}"
    else:
        text = f"New case {row.case_ref} for you: {_short(row.nature)}"
    return {"text": text, "to": to, "href": case_href(row.case_ref)}


def _notice(text: str, row: LiveRow, to: list[int]) -> dict[str, Any] | None:
    if not to:
        return None
    return {"text": text, "to": to, "href": case_href(row.case_ref)}


def _people(row: LiveRow) -> set[int]:
    """Whose queue counts this change may move (the case's people now and in the detail,
    and the one who acted, who may have it open in another tab)."""
    found = {row.owner_id, row.handler_id, row.actor_id,
             *(_int(row.detail.get(key)) for key in PEOPLE_KEYS)}
    return {i for i in found if i is not None}


def _present(*ids: int | None) -> list[int]:
    return sorted({i for i in ids if i is not None})


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_NOTE else flat[: MAX_NOTE - 1].rstrip() + "…"
