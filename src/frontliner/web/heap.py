"""The collector's settings for a long-running app worker (`frontliner serve`).

Measured on the case page at 20,000 cases (PostgreSQL, one worker): Python's cyclic
garbage collector took some 9 ms of each request's ~30 ms of CPU. Most of it was full
collections, each walking every object the worker holds (some 250,000: the modules,
SQLAlchemy's mappers, the compiled templates, the coach's lexicons), and each request
allocates enough ORM state to trigger a young collection several times.

Two changes, the ones CPython's documentation suggests for such servers: once started,
the objects alive then are moved out of the collector's sight (`gc.freeze`: they live
as long as the process anyway), and the young generation is allowed to grow further
before it is collected (most of a request's objects are freed by reference counting
when it ends, so fewer collections find the same garbage). Cycles are still collected.

Only the served app settles its heap: tests build many apps in one process, and objects
frozen there would never be collected.
"""

from __future__ import annotations

import gc

# CPython's default is 700 allocations; a request to the case page makes tens of
# thousands. The older generations keep their defaults.
YOUNG_THRESHOLD = 10_000


def settle() -> None:
    """Freeze what the started worker holds and loosen the young generation's trigger."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
