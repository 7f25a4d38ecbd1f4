"""Keyset pagination: every row exactly once, even while new rows arrive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from tests.conftest import T0, Seeded

from frontliner.desk import model as m
from frontliner.desk.errors import Invalid
from frontliner.store import queries
from frontliner.store.pagination import MAX_LIMIT, Page
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]


def _add_cases(uow_factory: UowFactory, s: Seeded, refs: list[str], minutes: list[int]) -> None:
    with uow_factory() as uow:
        for ref, minute in zip(refs, minutes, strict=True):
            at = T0 + timedelta(minutes=minute)
            uow.add(
                m.Case(
                    ref=ref,
                    customer_id=s.customer_id,
                    nature="late parcel",
                    channel=m.Channel.WEB,
                    opened_at=at,
                    updated_at=at,
                    owner_id=s.agent_id,
                )
            )
        uow.commit()


def _all_pages(fetch: Callable[[str | None], Page[m.Case]]) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = fetch(cursor)
        pages.append([case.ref for case in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def _list(session: Session, cursor: str | None, limit: int = 4) -> Page[m.Case]:
    return queries.list_cases(session, queries.CaseFilter(), cursor=cursor, limit=limit)


def test_pages_cover_every_case_once_newest_first_even_with_equal_times(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    # Several cases share an updated_at: the id breaks the tie, so none is skipped.
    refs = [f"C-{i:02d}" for i in range(10)]
    _add_cases(uow_factory, seeded, refs, [1, 1, 1, 2, 2, 3, 3, 3, 3, 4])
    with uow_factory() as uow:
        pages = _all_pages(lambda cursor: _list(uow.session, cursor))
    flat = [ref for page in pages for ref in page]
    assert [len(p) for p in pages] == [4, 4, 3]
    assert sorted(flat) == sorted([*refs, seeded.case_ref])
    assert flat[0] == "C-09" and flat[-1] == seeded.case_ref
    assert flat[1:5] == ["C-08", "C-07", "C-06", "C-05"]  # same time: higher id first


def test_cases_added_between_pages_neither_repeat_nor_hide_the_others(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    _add_cases(uow_factory, seeded, [f"C-{i}" for i in range(6)], list(range(1, 7)))
    with uow_factory() as uow:
        first = _list(uow.session, None, limit=3)
    _add_cases(uow_factory, seeded, ["C-NEW1", "C-NEW2"], [60, 60])  # newer than all
    with uow_factory() as uow:
        rest = _all_pages(lambda cursor: _list(uow.session, cursor or first.next_cursor, 3))
    seen = [c.ref for c in first.items] + [ref for page in rest for ref in page]
    assert seen == ["C-5", "C-4", "C-3", "C-2", "C-1", "C-0", seeded.case_ref]


def test_a_page_never_holds_more_than_the_maximum(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        for i in range(MAX_LIMIT + 5):
            uow.add(m.Customer(name=f"c{i:03d}", created_at=T0))
        uow.commit()
    with uow_factory() as uow:
        page = queries.list_customers(uow.session, limit=10_000)
        assert len(page.items) == MAX_LIMIT and page.next_cursor is not None
        assert len(queries.list_customers(uow.session, limit=0).items) == 1


def test_a_tampered_cursor_is_a_clear_error(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        for bad in ["not-a-cursor", "W10", "WyJ4IiwieSJd"]:  # junk, [], ["x","y"]
            with pytest.raises(Invalid) as raised:
                _list(uow.session, bad)
            assert raised.value.details == {"fields": {"cursor": "not a cursor from this list"}}


def test_customers_page_by_name_then_id(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        for name in ["Bea", "Al", "Bea", "Cy"]:
            uow.add(m.Customer(name=name, created_at=T0))
        uow.commit()
    with uow_factory() as uow:
        names: list[str] = []
        cursor = None
        while True:
            page = queries.list_customers(uow.session, cursor=cursor, limit=2)
            names += [c.name for c in page.items]
            if not (cursor := page.next_cursor):
                break
    assert names == ["Al", "Ann Lee", "Bea", "Bea", "Cy"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    minutes=st.lists(st.integers(min_value=0, max_value=5), min_size=0, max_size=25),
    size=st.integers(min_value=1, max_value=7),
)
def test_walking_every_page_yields_the_whole_list_in_order(
    uow_factory: UowFactory, seeded: Seeded, minutes: list[int], size: int
) -> None:
    with uow_factory() as uow:  # each example starts from the seeded case alone
        for case in uow.find(m.Case, limit=1000):
            if case.ref != seeded.case_ref:
                uow.session.delete(case)
        uow.commit()
    _add_cases(uow_factory, seeded, [f"C-{i}" for i in range(len(minutes))], minutes)
    with uow_factory() as uow:
        pages = _all_pages(lambda cursor: _list(uow.session, cursor, size))
        everything = _list(uow.session, None, MAX_LIMIT).items
    expected = [c.ref for c in sorted(everything, key=lambda c: (c.updated_at, c.id), reverse=True)]
    assert [ref for page in pages for ref in page] == expected
    assert len(expected) == len(minutes) + 1
    assert all(len(page) == size for page in pages[:-1])
