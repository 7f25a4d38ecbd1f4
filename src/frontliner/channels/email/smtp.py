"""`frontliner smtp`: the inbound SMTP server (aiosmtpd).

Answering 250 is a promise that the message is kept, so DATA is answered only after
`intake.accept` has committed the raw bytes; a storage failure is answered 451 (the
sender retries later) and a message over the size limit 552, by aiosmtpd itself.
Processing (parse, thread, case) happens after the answer, so a slow or hostile message
never holds a sender; whatever was accepted but not processed when the process stopped
is processed when it starts again. The storing uses the same transaction shape as
`intake.accept` (which IMAP uses), batched: see `MailWorker`.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy.engine import Engine

from frontliner.channels.email.batches import file_batch
from frontliner.channels.email.processing import Outcome, UowFactory, process_mail
from frontliner.config import Settings
from frontliner.store.mail import Incoming, store_raw_batch, waiting_ids
from frontliner.store.mail_tables import MailStatus

log = logging.getLogger("frontliner.smtp")


class MailWorker:
    """The one thread that writes mail: it stores what the server accepts, in batches (one
    commit answers every message waiting for it), and between them files stored mail,
    oldest first, also in batches (`batches.file_batch`: one transaction for several).

    One writer, because SQLite has one write lock: several threads taking turns at it
    spend their time waiting, not writing. Storing always goes first: a filing batch
    ends early once a sender is waiting and it has run for `YIELD_AFTER`, so a sender
    waits for about that plus one message being filed.
    """

    BATCH = 200  # messages stored per commit, at most
    # Messages filed per transaction, at most: enough to share a commit and the lookups
    # among many, few enough that a sender waiting to be stored (and, on SQLite, any
    # other writer) waits a fraction of a second, not more.
    FILE_BATCH = 20
    YIELD_AFTER = 0.05  # seconds a filing batch goes on while a sender waits to be stored

    def __init__(
        self,
        engine: Engine,
        uow_factory: UowFactory,
        settings: Settings,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self._engine, self._uow_factory, self._settings = engine, uow_factory, settings
        self._on_outcome = on_outcome
        self._incoming: queue.Queue[tuple[Incoming, Future[int]] | None] = queue.Queue()
        self._to_process: deque[int] = deque()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="mail-worker", daemon=True)

    def start(self) -> None:
        """Start, after queueing whatever was accepted but never processed (a crash)."""
        self._to_process.extend(waiting_ids(self._engine, MailStatus.RECEIVED, limit=100_000))
        self._thread.start()

    def store(self, item: Incoming) -> Future[int]:
        """The mail id once `item` is committed (or the storage error)."""
        done: Future[int] = Future()
        self._incoming.put((item, done))
        return done

    def stop(self) -> None:
        """Store what is waiting, process everything stored, then stop."""
        self._incoming.put(None)
        self._thread.join()

    def _run(self) -> None:
        while True:
            batch = self._take_batch(block=not self._to_process)
            if batch:
                self._store(batch)
            elif self._to_process:
                self._file_some()
            elif self._stopping:
                return

    def _take_batch(self, block: bool) -> list[tuple[Incoming, Future[int]]]:
        batch: list[tuple[Incoming, Future[int]]] = []
        try:
            first = self._incoming.get(block=block and not self._stopping, timeout=None)
        except queue.Empty:
            return batch
        while True:
            if first is None:
                self._stopping = True
            else:
                batch.append(first)
            if len(batch) >= self.BATCH:
                return batch
            try:
                first = self._incoming.get_nowait()
            except queue.Empty:
                return batch

    def _store(self, batch: list[tuple[Incoming, Future[int]]]) -> None:
        try:
            stored = store_raw_batch(self._engine, [item for item, _ in batch])
        except Exception as error:  # nothing committed: every sender is told to retry
            for _, done in batch:
                done.set_exception(error)
            return
        for (_, done), kept in zip(batch, stored, strict=True):
            done.set_result(kept.mail_id)
            if kept.created:
                self._to_process.append(kept.mail_id)

    def _file_some(self) -> None:
        take = min(len(self._to_process), self.FILE_BATCH)
        ids = [self._to_process.popleft() for _ in range(take)]
        if len(ids) == 1:
            self._process(ids[0])
            return
        started = time.monotonic()

        def senders_waiting() -> bool:
            return not self._incoming.empty() and time.monotonic() - started > self.YIELD_AFTER

        try:
            batch = file_batch(
                self._uow_factory, ids, settings=self._settings, enough=senders_waiting
            )
        except Exception:  # the database: the mail stays `received`, filed at the next start
            log.exception("mail %s could not be filed now; it stays stored", ids)
            return
        for outcome in batch.filed:
            if self._on_outcome is not None:
                self._on_outcome(outcome)
        self._to_process.extendleft(reversed(batch.left))  # next, before newer mail
        for mail_id in batch.alone:
            self._process(mail_id)

    def _process(self, mail_id: int) -> None:
        try:
            outcome = process_mail(self._uow_factory, mail_id, settings=self._settings)
        except Exception:  # the mail stays `received`: processed again at the next start
            log.exception("mail %s could not be processed now; it stays stored", mail_id)
            return
        if self._on_outcome is not None:
            self._on_outcome(outcome)


class MailHandler:
    """aiosmtpd handler: store, commit, then answer."""

    def __init__(self, worker: MailWorker) -> None:
        self._worker = worker

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "surrogateescape")
        item = Incoming(data, envelope.mail_from or "", list(envelope.rcpt_tos), "smtp")
        try:
            await asyncio.wrap_future(self._worker.store(item))
        except Exception:
            log.exception("could not store an inbound message; answering 451")
            return "451 4.3.0 Could not store the message now; please try again later"
        return "250 2.0.0 Message accepted for delivery"


class SmtpService:
    """The server on its own event-loop thread: `start()` returns the port it listens on."""

    def __init__(
        self,
        engine: Engine,
        uow_factory: UowFactory,
        settings: Settings,
        host: str | None = None,
        port: int | None = None,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.settings = settings
        self.host = host or settings.smtp_listen_host
        self.port = settings.smtp_listen_port if port is None else port
        self.worker = MailWorker(engine, uow_factory, settings, on_outcome)
        self.handler = MailHandler(self.worker)
        self._loop = asyncio.new_event_loop()
        self._server: Any = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="smtp", daemon=True)

    def start(self) -> int:
        self.worker.start()
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        self.port = future.result(timeout=30)
        return self.port

    async def _listen(self) -> int:
        s = self.settings
        self._server = await self._loop.create_server(
            lambda: SMTP(
                self.handler,
                data_size_limit=s.mail_max_bytes,
                enable_SMTPUTF8=True,
                hostname=s.mail_domain,
                ident="Frontliner",
            ),
            host=self.host,
            port=self.port,
        )
        return int(self._server.sockets[0].getsockname()[1])

    def stop(self) -> None:
        """Stop listening, let the answers in flight finish, process what was accepted."""

        async def close() -> None:
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self.worker.stop()
