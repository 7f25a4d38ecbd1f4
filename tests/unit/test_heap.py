"""The served worker's collector settings (web/heap.py)."""

from __future__ import annotations

import gc
import weakref

from frontliner.web import heap


class _Node:
    other: object = None


def test_a_settled_worker_freezes_its_startup_objects_and_still_collects_new_cycles() -> None:
    before = gc.get_threshold()
    startup_object = {"loaded": "at start"}
    try:
        heap.settle()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == heap.YOUNG_THRESHOLD
        assert gc.get_threshold()[1:] == before[1:]
        assert startup_object not in gc.get_objects()  # out of the collector's walks

        cycle = _Node()
        cycle.other = cycle  # only the cyclic collector can free this
        gone = weakref.ref(cycle)
        del cycle
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
