"""Bringing an export in by batches.

Each batch is read and checked first; the inbound analyser then reads the customers'
messages that are not in yet (outside any write transaction: it is the slow part);
then one transaction writes the batch (`store.imports.write_batch`) and commits. A
batch the database refuses is written again one ticket at a time, so one bad ticket
goes to the rejects file and the rest still come in.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from frontliner.desk.errors import Invalid
from frontliner.desk.imports import Ticket, check_ticket
from frontliner.desk.interactions import analyse
from frontliner.desk.model import Direction
from frontliner.imports.records import Item, Reader
from frontliner.imports.rejects import Rejects
from frontliner.store.imports import (
    Added,
    Batch,
    Seen,
    known_keys,
    plan_batch,
    refresh_statistics,
    write_batch,
)

log = logging.getLogger("frontliner.imports")
DEFAULT_BATCH = 500  # tickets per transaction


@dataclass
class Tally:
    """The run so far: records read, rejected, and what was (or would be) added."""

    read: int = 0
    rejected: int = 0
    added: Added = field(default_factory=Added)
    readings: int = 0  # customer messages the analyser read
    batches: int = 0  # batches written (or tried)


@dataclass(frozen=True)
class Options:
    dry_run: bool = False
    batch_size: int = DEFAULT_BATCH
    signer_id: int | None = None  # who signs the closing exceptions of solved tickets
    analyser_processes: int = 1  # 0: read in this process


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def run_import(reader: Reader, engine: Engine, rejects: Rejects, options: Options,
               progress: Callable[[Tally], None] = lambda _: None) -> Tally:
    """Read, check and write every batch; while one batch is written, the analyser reads
    the next one's customer messages in a second process (the machine's other core)."""
    tally, seen, at = Tally(), Seen(), datetime.now(UTC)
    pending: tuple[list[tuple[Item, Ticket]], Future[dict[str, dict[str, Any]]]] | None = None
    with _analyser_pool(options) as pool:
        for items in _batches(reader.items(), options.batch_size):
            tally.read += len(items)
            good = _checked(items, rejects, reader)
            if options.dry_run:
                with engine.connect() as conn:
                    tally.added.add(plan_batch(conn, reader.source, [t for _, t in good], seen))
                _done_batch(tally, rejects, progress)
                continue
            bodies = new_customer_messages(engine, reader.source, [t for _, t in good])
            reading = pool.submit(read_messages, bodies)
            if pending is not None:
                _write(engine, reader, pending[0], pending[1].result(), rejects, options,
                       tally, at)
                _done_batch(tally, rejects, progress)
            pending = (good, reading)
        if pending is not None:
            _write(engine, reader, pending[0], pending[1].result(), rejects, options, tally, at)
    _done_batch(tally, rejects, progress)
    return tally


def _analyser_pool(options: Options) -> Executor:
    if options.dry_run or options.analyser_processes < 1:
        return _InProcess()
    return ProcessPoolExecutor(max_workers=options.analyser_processes,
                               mp_context=multiprocessing.get_context("fork"))


class _InProcess(Executor):
    """Reads in this process (the dry run reads nothing; tests may choose this)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _done_batch(tally: Tally, rejects: Rejects, progress: Callable[[Tally], None]) -> None:
    tally.rejected = rejects.count
    rejects.flush()
    progress(tally)


def _checked(items: list[Item], rejects: Rejects, reader: Reader) -> list[tuple[Item, Ticket]]:
    good: list[tuple[Item, Ticket]] = []
    header = getattr(reader, "header", None)
    for item in items:
        if item.ticket is None:
            rejects.add(item, item.reason or "unreadable", header)
            continue
        try:
            check_ticket(item.ticket)
        except Invalid as error:
            rejects.add(item, error.message, header)
            continue
        good.append((item, item.ticket))
    return good


def new_customer_messages(engine: Engine, source: str,
                          tickets: list[Ticket]) -> list[tuple[str, str]]:
    """(source id, body) of the customer messages not imported yet (a read-only look)."""
    inbound = [m for t in tickets for m in t.messages if m.direction == Direction.INBOUND]
    with engine.connect() as conn:
        done = known_keys(conn, source, "message", (m.source_id for m in inbound))
    return list({m.source_id: m.body for m in inbound if m.source_id not in done}.items())


def read_messages(bodies: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """The analyser's reading of each message, as intake stores it
    (`desk.interactions.analyse`), by source id."""
    readings: dict[str, dict[str, Any]] = {}
    for source_id, body in bodies:
        reading = analyse(body)
        if reading is not None:
            readings[source_id] = reading
    return readings


def _write(engine: Engine, reader: Reader, good: list[tuple[Item, Ticket]],
           readings: dict[str, dict[str, Any]], rejects: Rejects, options: Options,
           tally: Tally, at: datetime) -> None:
    tally.batches += 1
    if tally.batches & (tally.batches - 1) == 0:  # batches 1, 2, 4, 8...: as the tables grow
        with engine.begin() as conn:
            refresh_statistics(conn)
    tickets = [t for _, t in good]
    tally.readings += len(readings)
    try:
        tally.added.add(_commit(engine, reader, tickets, readings, options, at))
        return
    except (IntegrityError, StatementError, DBAPIError) as error:
        if getattr(error, "connection_invalidated", False):
            raise
        log.info("a batch was refused (%s); writing its tickets one by one", error)
    header = getattr(reader, "header", None)
    for item, ticket in good:
        try:
            tally.added.add(_commit(engine, reader, [ticket], readings, options, at))
        except (IntegrityError, StatementError, DBAPIError) as error:
            if getattr(error, "connection_invalidated", False):
                raise
            rejects.add(item, f"refused by the database: {_short(error)}", header)


def _commit(engine: Engine, reader: Reader, tickets: list[Ticket],
            readings: dict[str, dict[str, Any]], options: Options, at: datetime) -> Added:
    batch = Batch(source=reader.source, label=reader.label, tickets=tickets,
                  readings=readings, signer_id=options.signer_id, at=at)
    with engine.begin() as conn:
        return write_batch(conn, batch)


def _short(error: Exception) -> str:
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error)
    return " ".join(text.split())[:300]
