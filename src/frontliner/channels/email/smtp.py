"""`frontliner smtp`: the inbound SMTP server (aiosmtpd).

Answering 250 is a promise that the message is kept, so DATA is answered only after
`intake.accept` has committed the raw bytes; a storage failure is answered 451 (the
sender retries later) and a message over the size limit 552, by aiosmtpd itself.
Processing (parse, thread, case) happens after the answer, on one worker thread, so a
slow or hostile message never holds a sender; whatever was accepted but not processed
when the process stopped is processed when it starts again.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy.engine import Engine

from frontliner.channels.email.intake import accept
from frontliner.channels.email.processing import Outcome, UowFactory, process_mail
from frontliner.config import Settings
from frontliner.store.mail import waiting_ids
from frontliner.store.mail_tables import MailStatus

log = logging.getLogger("frontliner.smtp")
STORE_THREADS = 4


class Processor:
    """One worker thread that processes accepted mail in the order it was accepted."""

    def __init__(
        self,
        uow_factory: UowFactory,
        engine: Engine,
        settings: Settings,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self._uow_factory, self._engine, self._settings = uow_factory, engine, settings
        self._on_outcome = on_outcome
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="mail-processor", daemon=True)

    def start(self) -> None:
        """Start, after queueing whatever was accepted but never processed (a crash)."""
        for mail_id in waiting_ids(self._engine, MailStatus.RECEIVED, limit=100_000):
            self._queue.put(mail_id)
        self._thread.start()

    def submit(self, mail_id: int) -> None:
        self._queue.put(mail_id)

    def stop(self) -> None:
        """Finish what is queued, then stop."""
        self._queue.put(None)
        self._thread.join()

    def join(self) -> None:
        """Wait until everything submitted so far is processed."""
        self._queue.join()

    def _run(self) -> None:
        while True:
            mail_id = self._queue.get()
            try:
                if mail_id is None:
                    return
                self._process(mail_id)
            finally:
                self._queue.task_done()

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

    def __init__(self, engine: Engine, processor: Processor) -> None:
        self._engine = engine
        self._processor = processor
        self._pool = ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="mail-store")

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            stored = await loop.run_in_executor(self._pool, self._store, data, envelope)
        except Exception:
            log.exception("could not store an inbound message; answering 451")
            return "451 4.3.0 Could not store the message now; please try again later"
        self._processor.submit(stored)
        return "250 2.0.0 Message accepted for delivery"

    def _store(self, data: bytes, envelope: Envelope) -> int:
        stored = accept(
            self._engine,
            data,
            envelope_from=envelope.mail_from or "",
            envelope_to=list(envelope.rcpt_tos),
            source="smtp",
        )
        return stored.mail_id

    def close(self) -> None:
        self._pool.shutdown(wait=True)


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
        self.processor = Processor(uow_factory, engine, settings, on_outcome)
        self.handler = MailHandler(engine, self.processor)
        self._loop = asyncio.new_event_loop()
        self._server: Any = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="smtp", daemon=True)

    def start(self) -> int:
        self.processor.start()
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
        self.handler.close()
        self.processor.stop()
