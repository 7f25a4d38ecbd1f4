"""Filing several stored messages in one transaction.

`process_mail` files one message per transaction: a lock read, a duplicate lookup, a
unit of work and a commit each. A receiver with mail waiting files it here instead, up
to a batch at a time: one lock read, one duplicate lookup and one commit for all of them,
the messages filed one after another on the same session, exactly as `process_mail`
would file them (a later message sees the cases the earlier ones opened).

Only the plain path is batched. A message that cannot be read, or that is not simply
`received` (a retry of quarantined mail), is left to `process_mail` alone. If filing any
message of the batch fails (the desk refuses it, a copy filed elsewhere at the same
moment, a bug), the whole batch is rolled back and every message is left to
`process_mail`, so each ends exactly as it would have on its own. The batch commits all
its messages or none: a crash leaves every one of them `received`, filed again at the
next start, and none filed twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.exc import OperationalError

from frontliner.channels.email.parsing import ParsedMail, Unreadable, parse
from frontliner.channels.email.processing import (
    FirstCopy,
    Outcome,
    UowFactory,
    dedupe_key,
    file_parsed,
)
from frontliner.config import Settings, get_settings
from frontliner.store import mail as mail_store
from frontliner.store.mail_tables import MailStatus

log = logging.getLogger("frontliner.mail")
# The outcomes whose row takes the message's duplicate key (`file_parsed`): loops and
# delivery reports are settled before it, duplicates never take it.
_TAKES_ITS_KEY = frozenset({MailStatus.PROCESSED, MailStatus.HELD})


@dataclass
class Batch:
    """What became of a batch: `filed` (committed together), and `alone`: the ids to
    hand to `process_mail` one by one (unreadable, not plainly `received`, or the batch
    failed); `left`: readable messages the batch stopped before (`enough`), still
    `received`, to file next."""

    filed: list[Outcome] = field(default_factory=list)
    alone: list[int] = field(default_factory=list)
    left: list[int] = field(default_factory=list)  # not filed yet: `enough` stopped it


def file_batch(
    uow_factory: UowFactory,
    mail_ids: Sequence[int],
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
    enough: Callable[[], bool] | None = None,
) -> Batch:
    """File the stored messages `mail_ids` in one transaction, oldest first.

    `enough`, asked after each message filed, may end the batch there (a receiver with
    senders waiting to be stored): what is filed is committed, the rest is `left`.

    A database outage (OperationalError) propagates with nothing committed, as in
    `process_mail`: the messages stay `received`.
    """
    s = settings or get_settings()
    ids = sorted(set(mail_ids))
    batch = Batch()
    try:
        with uow_factory() as uow:
            connection = uow.session.connection()
            stored = mail_store.lock_many_for_processing(connection, ids)
            readable: list[tuple[int, ParsedMail]] = []
            for mail_id in ids:
                raw = stored.get(mail_id)
                if raw is None or raw.status != MailStatus.RECEIVED:
                    batch.alone.append(mail_id)  # process_mail says what it is
                    continue
                try:
                    parsed = parse(raw.raw, raw.envelope_from, raw.envelope_to, s)
                except Unreadable:
                    batch.alone.append(mail_id)  # quarantined (and its sender told) there
                    continue
                readable.append((mail_id, parsed))
            keys = [k for _, parsed in readable if (k := dedupe_key(parsed)) is not None]
            filed_keys: dict[str, FirstCopy] = mail_store.first_with_dedupe_keys(
                connection, keys
            )
            for n, (mail_id, parsed) in enumerate(readable):
                if n and enough is not None and enough():
                    batch.left = [mail_id for mail_id, _ in readable[n:]]
                    break
                # Each message at its own moment, as alone: a batch takes a while, and
                # two messages on one case keep their order by time.
                at = now or datetime.now(UTC)
                outcome = file_parsed(uow, connection, mail_id, parsed, s, at, filed_keys)
                key = dedupe_key(parsed)
                if key is not None and outcome.status in _TAKES_ITS_KEY:
                    # A later copy in this batch is a duplicate of this one, as it would
                    # be once this one's row is committed.
                    filed_keys.setdefault(key, (mail_id, outcome.case_id))
                batch.filed.append(outcome)
            uow.commit()
    except OperationalError:
        raise
    except Exception as error:  # each message alone gets its own outcome, as ever
        log.info("a batch of %d messages is filed one by one: %s", len(ids), error)
        return Batch(alone=ids)
    return batch
