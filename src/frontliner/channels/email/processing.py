"""From a stored message to the case it belongs on: parse, thread, record.

One transaction per message: the case message, its attachments and the mail row's new
status are committed together, so a crash leaves the mail `received` and the next run
(`process_waiting`, called when a receiver starts) simply does it again. With several
messages waiting, a receiver files them together (`batches.file_batch`, the same
`file_parsed` for each, one transaction for all).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from frontliner.channels.email import cleaning
from frontliner.channels.email.addresses import ids_from_message_id
from frontliner.channels.email.parsing import ParsedMail, Unreadable, parse, reachable_sender
from frontliner.channels.email.threading import find_case
from frontliner.config import Settings, get_settings
from frontliner.desk.errors import Conflict, DeskError
from frontliner.desk.held_mail import hold_message
from frontliner.desk.intake import open_case
from frontliner.desk.interactions import MAX_BODY, add_note, analyse, record_inbound
from frontliner.desk.model import Case, Channel, Interaction
from frontliner.store import mail as mail_store
from frontliner.store.mail_tables import MailStatus
from frontliner.store.uow import SqlUnitOfWork

log = logging.getLogger("frontliner.mail")
UowFactory = Callable[[], SqlUnitOfWork]
MAX_NATURE = 200


@dataclass(frozen=True)
class Outcome:
    """What became of one stored message."""

    mail_id: int
    status: MailStatus
    case_id: int | None = None
    interaction_id: int | None = None
    opened_case: bool = False
    auto_answer: bool = False  # may the desk acknowledge it by mail (RFC 3834)?
    reason: str | None = None


def process_mail(
    uow_factory: UowFactory,
    mail_id: int,
    *,
    settings: Settings | None = None,
    lenient: bool = False,
    now: datetime | None = None,
) -> Outcome:
    """Parse the stored message `mail_id` and put it on its case (or open one).

    Mail already processed is left alone (the same Outcome status comes back). An
    unreadable message, or one the desk refuses (e.g. an unusable sender address), is
    quarantined with the reason; a database outage leaves it `received` and re-raises.
    """
    s = settings or get_settings()
    at = now or datetime.now(UTC)
    sender: str | None = None  # whom to tell that their mail could not be read
    with uow_factory() as uow:
        connection = uow.session.connection()
        stored = mail_store.lock_for_processing(connection, mail_id)
        if stored is None:
            raise LookupError(f"no stored mail with id {mail_id}")
        if stored.status not in (MailStatus.RECEIVED, MailStatus.QUARANTINED):
            return Outcome(mail_id=mail_id, status=stored.status, reason="already processed")
        try:
            parsed = parse(stored.raw, stored.envelope_from, stored.envelope_to, s, lenient)
            outcome = file_parsed(uow, connection, mail_id, parsed, s, at)
            uow.commit()
            return outcome
        except OperationalError:
            raise
        except Unreadable as bad:
            reason = bad.reason
            sender = reachable_sender(stored.raw, stored.envelope_from, s)
        except (IntegrityError, Conflict) as error:
            if not _is_dedupe_race(error):
                # e.g. no agent can own a new case yet: kept for `mail quarantine retry`
                reason = f"the desk refused it: {getattr(error, 'message', error)}"
            else:
                uow.rollback()
                return _duplicate_after_race(uow_factory, mail_id)
        except DeskError as refused:
            reason = f"the desk refused it: {refused.message}"
        except Exception as error:  # never lose a message to a bug: keep it for a retry
            log.exception("processing mail %s failed", mail_id)
            reason = f"processing failed: {type(error).__name__}: {str(error)[:200]}"
    return _quarantine(uow_factory, mail_id, reason, sender)


def process_waiting(
    uow_factory: UowFactory, engine: Engine, *, settings: Settings | None = None, limit: int = 1000
) -> list[Outcome]:
    """Process mail that was accepted but not processed yet (e.g. before a crash)."""
    return [
        process_mail(uow_factory, mail_id, settings=settings)
        for mail_id in mail_store.waiting_ids(engine, MailStatus.RECEIVED, limit)
    ]


# The first copy already filed under a duplicate key: (its mail id, its case id).
FirstCopy = tuple[int, int | None]


def file_parsed(
    uow: SqlUnitOfWork,
    connection: Connection,
    mail_id: int,
    parsed: ParsedMail,
    s: Settings,
    at: datetime,
    filed_keys: dict[str, FirstCopy] | None = None,
) -> Outcome:
    """Put one parsed message on its case (or open one) and mark its row, in `uow`'s
    transaction. `filed_keys`: duplicate keys already looked up by the caller (a batch,
    which looks them all up at once); a key not in it is then known to be new."""
    common: dict[str, Any] = {
        "message_id": parsed.message_id,
        "subject": parsed.subject,
        "from_address": parsed.from_address[:320],
        "processed_at": at,
    }
    if parsed.loop is not None:
        return _finish(connection, mail_id, MailStatus.LOOP, common, reason=parsed.loop)
    if parsed.bounce is not None:
        return _note_bounce(uow, connection, mail_id, parsed, s, at, common)
    key = dedupe_key(parsed)
    if key is not None:
        if filed_keys is None:
            first = mail_store.first_with_dedupe_key(connection, key)
        else:
            first = filed_keys.get(key)
        if first is not None:
            return _finish(
                connection,
                mail_id,
                MailStatus.DUPLICATE,
                common,
                case_id=first[1],
                reason=f"same message as mail {first[0]}",
            )
        # Taken by the final update of this transaction: a copy processed at the same moment
        # elsewhere fails on the unique key there and is marked a duplicate.
        common["dedupe_key"] = key
    thread = find_case(uow, connection, parsed, s)
    body = _body(parsed)
    if thread.held is not None and thread.case is not None:
        return _hold(uow, connection, mail_id, parsed, thread.case, thread.held, body, common)
    case = thread.case
    opened = case is None
    if case is None:
        case = open_case(
            uow,
            None,
            nature=_nature(parsed),
            customer_name=parsed.from_name,
            contact=parsed.from_address,
            channel=Channel.EMAIL,
            message=body,
            now=at,
        )
        message = _first_message(uow, case)
    elif parsed.auto_reply:  # an out-of-office answer: worth knowing, not a customer reply
        message = add_note(uow, None, case.id or 0, f"Automatic reply received:\n{body}", now=at)
    else:
        message = record_inbound(uow, None, case.id or 0, body, Channel.EMAIL, now=at)
    _keep_attachments(connection, mail_id, case, parsed, at)
    facts = {
        "automatic": parsed.automatic,
        "quoted_chars": len(parsed.quoted),
        "attachments": len(parsed.attachments),
        "vouched_by": thread.vouched_by,
        # Notes (an out-of-office answer) are not read by the desk; every inbound mail is.
        "analysis": message.analysis if message.analysis is not None else analyse(body),
    }
    return _finish(
        connection,
        mail_id,
        MailStatus.PROCESSED,
        common,
        case_id=case.id,
        interaction_id=message.id,
        opened=opened,
        html_safe=parsed.html_safe,
        auto_answer=parsed.automatic is None,
        facts=facts,
    )


def _hold(
    uow: SqlUnitOfWork,
    connection: Connection,
    mail_id: int,
    parsed: ParsedMail,
    case: Case,
    why: str,
    body: str,
    common: dict[str, Any],
) -> Outcome:
    """Keep a message nobody vouches for out of the case, for staff to accept or reject;
    never answered automatically (the From line may name a victim, not the sender)."""
    held = hold_message(uow, case, channel=Channel.EMAIL, sender=parsed.from_address,
                        sender_name=parsed.from_name, subject=parsed.subject, body=body,
                        why=why, mail_id=mail_id, now=common["processed_at"])
    # The files stay out of every list and download until the message is accepted.
    _keep_attachments(connection, mail_id, case, parsed, common["processed_at"])
    return _finish(connection, mail_id, MailStatus.HELD, common, case_id=case.id,
                   reason=f"held for staff (held message {held.id}): {why}",
                   html_safe=parsed.html_safe,
                   facts={"automatic": parsed.automatic, "held_id": held.id})


def _first_message(uow: SqlUnitOfWork, case: Case) -> Interaction:
    """The message open_case just wrote: the case's first (an indexed lookup, whether
    open_case wrote it through the session or with plain statements; a batch's session
    holds many messages, so walking it would cost more with every one)."""
    found = uow.find(Interaction, limit=1, case_id=case.id)
    if not found:
        raise LookupError(f"open_case wrote no message on case {case.ref}")
    return found[0]


def _note_bounce(
    uow: SqlUnitOfWork,
    connection: Connection,
    mail_id: int,
    parsed: ParsedMail,
    s: Settings,
    at: datetime,
    common: dict[str, Any],
) -> Outcome:
    bounce = parsed.bounce
    assert bounce is not None
    for original in bounce.original_ids:
        ours = ids_from_message_id(original, s)
        case = None if ours is None else uow.get(Case, ours.case_id)
        if case is not None and case.id is not None:
            who = ", ".join(bounce.recipients) or "the customer"
            note = add_note(
                uow,
                None,
                case.id,
                f"Our mail to {who} could not be delivered. {bounce.diagnostic}".strip(),
                now=at,
            )
            return _finish(
                connection,
                mail_id,
                MailStatus.BOUNCE,
                common,
                case_id=case.id,
                interaction_id=note.id,
                reason="delivery report noted on the case",
            )
    return _finish(
        connection,
        mail_id,
        MailStatus.BOUNCE,
        common,
        reason="delivery report about no mail of ours",
    )


def _finish(
    connection: Connection,
    mail_id: int,
    status: MailStatus,
    values: dict[str, Any],
    *,
    case_id: int | None = None,
    interaction_id: int | None = None,
    opened: bool = False,
    auto_answer: bool = False,
    reason: str | None = None,
    html_safe: str | None = None,
    facts: dict[str, Any] | None = None,
) -> Outcome:
    mail_store.update_mail(
        connection,
        mail_id,
        status=status,
        case_id=case_id,
        interaction_id=interaction_id,
        auto_answer=auto_answer,
        reason=reason,
        html_safe=html_safe,
        facts=facts,
        **values,
    )
    return Outcome(
        mail_id=mail_id,
        status=status,
        case_id=case_id,
        interaction_id=interaction_id,
        opened_case=opened,
        auto_answer=auto_answer,
        reason=reason,
    )


def _keep_attachments(
    connection: Connection, mail_id: int, case: Case, parsed: ParsedMail, at: datetime
) -> None:
    for item in parsed.attachments:
        mail_store.add_attachment(
            connection,
            mail_id=mail_id,
            case_id=case.id,
            name=secrets.token_urlsafe(24),
            filename=item.filename,
            content_type=item.content_type[:127],
            size=len(item.data),
            data=item.data,
            created_at=at,
        )


def dedupe_key(parsed: ParsedMail) -> str | None:
    if parsed.message_id is None:
        return None  # identical bytes are still kept once (store_raw)
    # Only a true repeat is a duplicate: the same Message-ID and sender with another body
    # (a sender reusing ids, or someone replaying a known id) is a message of its own.
    text = f"{parsed.message_id.lower()}|{parsed.from_address}|{parsed.body_digest}"
    return hashlib.sha256(text.encode()).hexdigest()


def _body(parsed: ParsedMail) -> str:
    text = parsed.text.strip() or parsed.subject.strip() or "(an e-mail with no text)"
    if parsed.attachments:
        names = ", ".join(a.filename for a in parsed.attachments[:20])
        text += f"\n\n[attachments: {names}]"
    if len(text) > MAX_BODY:
        text = text[: MAX_BODY - 80] + "\n\n[... cut here; the whole message is kept as received]"
    return text


def _nature(parsed: ParsedMail) -> str:
    first_line = next((ln for ln in parsed.text.splitlines() if ln.strip()), "")
    nature = parsed.subject.strip() or first_line.strip() or "E-mail without a subject"
    return nature[:MAX_NATURE]


def _is_dedupe_race(error: Exception) -> bool:
    """Only a unique key taken by a copy filed at the same moment makes this mail a
    duplicate; any other conflict is a refusal to keep and retry."""
    return isinstance(error, IntegrityError) or (
        isinstance(error, Conflict) and "constraint" in error.details
    )


def _duplicate_after_race(uow_factory: UowFactory, mail_id: int) -> Outcome:
    with uow_factory() as uow:
        connection = uow.session.connection()
        mail_store.update_mail(
            connection,
            mail_id,
            status=MailStatus.DUPLICATE,
            reason="the same message was processed at the same moment",
        )
        uow.commit()
    return Outcome(mail_id=mail_id, status=MailStatus.DUPLICATE, reason="race")


def _quarantine(
    uow_factory: UowFactory, mail_id: int, reason: str, sender: str | None = None
) -> Outcome:
    """Keep the message for a retry. Mail that could not be read is answered once (the
    outbox's "we could not read your message", to `sender`, within the per-sender limit)
    so a real customer is not left waiting in silence; a refusal of the desk is not."""
    with uow_factory() as uow:
        connection = uow.session.connection()
        mail_store.bump_attempts(connection, mail_id)
        values: dict[str, Any] = {"auto_answer": sender is not None}
        if sender is not None:
            values["from_address"] = sender
        mail_store.update_mail(
            connection,
            mail_id,
            status=MailStatus.QUARANTINED,
            reason=cleaning.body_text(reason)[:2000],
            **values,
        )
        uow.commit()
    log.warning("mail %s quarantined: %s", mail_id, reason)
    return Outcome(mail_id=mail_id, status=MailStatus.QUARANTINED, reason=reason)
