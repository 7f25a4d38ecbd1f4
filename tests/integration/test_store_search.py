"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector and pg_trgm): what it
finds, how it ranks, what it shows, and what it keeps from whom."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import Seeded

from frontliner.desk.model import (
    ArticleStatus,
    Case,
    CaseStatus,
    Channel,
    Contact,
    ContactKind,
    Customer,
    Direction,
    Interaction,
    KnowledgeArticle,
)
from frontliner.store.migrate import upgrade
from frontliner.store.search import Hit, SearchFilter, highlight_html, plain, search
from frontliner.store.uow import SqlUnitOfWork

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
UowFactory = Callable[[], SqlUnitOfWork]


def _case(uow: SqlUnitOfWork, customer_id: int, nature: str, ref: str, **facts: object) -> int:
    case = Case(
        ref=ref,
        customer_id=customer_id,
        nature=nature,
        channel=facts.pop("channel", Channel.EMAIL),  # type: ignore[arg-type]
        opened_at=facts.pop("opened_at", T0),  # type: ignore[arg-type]
        owner_id=facts.pop("owner_id", None),  # type: ignore[arg-type]
        contact_name=str(facts.pop("contact_name", "Someone")),
        contact_value=str(facts.pop("contact_value", "someone@example.com")),
        updated_at=T0,
    )
    for key, value in facts.items():
        setattr(case, key, value)
    uow.add(case)
    uow.flush()
    assert case.id is not None
    return case.id


def _message(uow: SqlUnitOfWork, case_id: int, customer_id: int, body: str,
             direction: Direction = Direction.INBOUND) -> int:
    message = Interaction(case_id=case_id, customer_id=customer_id, at=T0,
                          channel=Channel.EMAIL, direction=direction, body=body)
    uow.add(message)
    uow.flush()
    assert message.id is not None
    return message.id


def _find(uow_factory: UowFactory, text: str, f: SearchFilter | None = None) -> list[Hit]:
    with uow_factory() as uow:
        return search(uow.session, text, f or SearchFilter())


def _refs(hits: list[Hit]) -> list[str]:
    return [str(h.facts["ref"]) for h in hits if h.kind == "case"]


def test_words_in_a_message_find_its_case_with_the_words_highlighted(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        case_id = _case(uow, seeded.customer_id, "kitchen appliance", "FL-AAAA-BBBB-CCCC-DDDD")
        _message(uow, case_id, seeded.customer_id,
                 "The jug of my new blender cracked on the first use.")
        uow.commit()
    hits = _find(uow_factory, "jug blender")
    assert _refs(hits) == ["FL-AAAA-BBBB-CCCC-DDDD"]
    assert hits[0].matched == "message"
    shown = highlight_html(hits[0].snippet)
    assert "<mark>jug</mark>" in shown and "<mark>blender</mark>" in shown
    assert "cracked" in plain(hits[0].snippet)


def test_a_word_in_the_problem_finds_the_case_and_a_missing_word_finds_nothing(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    hits = _find(uow_factory, "charged twice")
    assert _refs(hits) == [seeded.case_ref]
    assert hits[0].matched == "problem"
    assert _find(uow_factory, "charged refrigerator") == []


def test_a_typed_part_of_a_reference_finds_its_case(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        _case(uow, seeded.customer_id, "lost parcel", "FL-K7M2-PQ4R-T8WX-Z9AB")
        _case(uow, seeded.customer_id, "another parcel", "FL-2345-6789-ABCD-EFGH")
        uow.commit()
    assert _refs(_find(uow_factory, "FL-K7M2-PQ4R-T8WX-Z9AB")) == ["FL-K7M2-PQ4R-T8WX-Z9AB"]
    assert _refs(_find(uow_factory, "pq4r-t8wx")) == ["FL-K7M2-PQ4R-T8WX-Z9AB"]


def test_a_whole_reference_typed_in_small_letters_ranks_its_own_case_first(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        _case(uow, seeded.customer_id, "refund asked again", "FL-3456-789A-BCDE-FGHJ",
              contact_name="Re FL-K7M2-PQ4R-T8WX-Z9AB")  # quotes the other case
        _case(uow, seeded.customer_id, "lost parcel", "FL-K7M2-PQ4R-T8WX-Z9AB")
        uow.commit()
    found = _refs(_find(uow_factory, "fl-k7m2-pq4r-t8wx-z9ab"))
    assert found[0] == "FL-K7M2-PQ4R-T8WX-Z9AB"
    assert "FL-3456-789A-BCDE-FGHJ" in found


def test_words_only_in_older_cases_are_found_past_the_newest_slice(
    uow_factory: UowFactory, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL looks first among the newest rows and then, when they hold too few
    matches, through the whole table: both the problems and the messages branch here."""
    from frontliner.store import search as store_search

    monkeypatch.setattr(store_search, "PG_RECENT", {"cases": 1, "interactions": 1})
    monkeypatch.setattr(store_search, "_floors_read", {})  # no bounds read before
    with uow_factory() as uow:
        in_problem = _case(uow, seeded.customer_id, "zeppelin model arrived bent",
                           "FL-AAAA-2222-3333-4444")
        in_message = _case(uow, seeded.customer_id, "late parcel", "FL-BBBB-2222-3333-4444")
        _message(uow, in_message, seeded.customer_id, "It was a zeppelin kit, now in pieces.")
        for n in range(3):  # newer rows without the word
            newer = _case(uow, seeded.customer_id, "charger broken",
                          f"FL-CCC{n + 2}-2222-3333-4444")
            _message(uow, newer, seeded.customer_id, "The charger does not work.")
        assert in_problem
        uow.commit()
    hits = _find(uow_factory, "zeppelin")
    assert sorted((h.facts["ref"], h.matched) for h in hits) == [
        ("FL-AAAA-2222-3333-4444", "problem"), ("FL-BBBB-2222-3333-4444", "message")]
    assert "<mark>zeppelin</mark>" in highlight_html(hits[0].snippet).lower()


def test_a_customer_name_and_a_contact_find_the_customer_and_their_cases(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        customer = Customer(name="Marisol Okonkwo-Baptiste", created_at=T0)
        uow.add(customer)
        uow.flush()
        assert customer.id is not None
        uow.add(Contact(customer_id=customer.id, kind=ContactKind.EMAIL,
                        value="marisol.ob@example.org", is_primary=True))
        _case(uow, customer.id, "a late order", "FL-MMMM-NNNN-PPPP-QQQQ",
              contact_name="Marisol Okonkwo-Baptiste", contact_value="marisol.ob@example.org")
        uow.commit()
        customer_id = customer.id
    by_name = _find(uow_factory, "okonkwo")
    assert ("customer", customer_id) in [(h.kind, h.id) for h in by_name]
    assert "FL-MMMM-NNNN-PPPP-QQQQ" in _refs(by_name)
    customer_hit = next(h for h in by_name if h.kind == "customer")
    assert customer_hit.facts["title"] == "Marisol Okonkwo-Baptiste"
    assert "<mark>" in highlight_html(customer_hit.snippet)
    by_address = _find(uow_factory, "marisol.ob@example")
    assert ("customer", customer_id) in [(h.kind, h.id) for h in by_address]


def test_the_case_that_speaks_most_of_the_words_ranks_first(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        long_one = _case(uow, seeded.customer_id, "general question", "FL-LONG-LONG-LONG-LONG")
        _message(uow, long_one, seeded.customer_id, " ".join(
            ["I wrote about my account, my address, my newsletter and my invoices."] * 8
            + ["Also the toaster."]))
        short_one = _case(uow, seeded.customer_id, "toaster broken", "FL-SHRT-SHRT-SHRT-SHRT")
        _message(uow, short_one, seeded.customer_id, "Toaster burns, toaster smokes, toaster dead.")
        uow.commit()
    assert _refs(_find(uow_factory, "toaster")) == [
        "FL-SHRT-SHRT-SHRT-SHRT", "FL-LONG-LONG-LONG-LONG"]


def test_staff_find_internal_notes_but_a_customer_finds_only_their_own_visible_words(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        _message(uow, seeded.case_id, seeded.customer_id, "suspect fraudulent chargeback pattern",
                 Direction.NOTE)
        _message(uow, seeded.case_id, seeded.customer_id, "my parcel never arrived")
        other = Customer(name="Bo Other", created_at=T0)
        uow.add(other)
        uow.flush()
        assert other.id is not None
        theirs = _case(uow, other.id, "parcel never arrived either", "FL-THEM-THEM-THEM-THEM")
        _message(uow, theirs, other.id, "where is my parcel")
        uow.commit()
    staff = _find(uow_factory, "chargeback")
    assert _refs(staff) == [seeded.case_ref] and staff[0].matched == "note"
    mine = SearchFilter(customer_id=seeded.customer_id)
    assert _find(uow_factory, "chargeback", mine) == []
    assert _refs(_find(uow_factory, "parcel", mine)) == [seeded.case_ref]
    assert set(_refs(_find(uow_factory, "parcel"))) == {seeded.case_ref, "FL-THEM-THEM-THEM-THEM"}
    # A customer never gets other customers or articles, even by their own name.
    assert [h.kind for h in _find(uow_factory, "Ann Lee", mine)] in ([], ["case"])


def test_filters_narrow_by_status_owner_channel_and_date(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        _case(uow, seeded.customer_id, "printer jams", "FL-CHAT-CHAT-CHAT-CHAT",
              channel=Channel.CHAT, opened_at=T0 + timedelta(days=10))
        _case(uow, seeded.customer_id, "printer smudges", "FL-OWND-OWND-OWND-OWND",
              owner_id=seeded.agent_id, status=CaseStatus.CLOSED)
        uow.commit()
    assert set(_refs(_find(uow_factory, "printer"))) == {
        "FL-CHAT-CHAT-CHAT-CHAT", "FL-OWND-OWND-OWND-OWND"}
    assert _refs(_find(uow_factory, "printer", SearchFilter(channel=Channel.CHAT))) == [
        "FL-CHAT-CHAT-CHAT-CHAT"]
    assert _refs(_find(uow_factory, "printer", SearchFilter(owner_id=seeded.agent_id))) == [
        "FL-OWND-OWND-OWND-OWND"]
    assert _refs(_find(uow_factory, "printer", SearchFilter(statuses=[CaseStatus.CLOSED]))) == [
        "FL-OWND-OWND-OWND-OWND"]
    later = SearchFilter(opened_from=T0 + timedelta(days=5))
    assert _refs(_find(uow_factory, "printer", later)) == ["FL-CHAT-CHAT-CHAT-CHAT"]


def test_articles_are_found_by_title_for_staff(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        uow.add(KnowledgeArticle(title="Resetting a frozen thermostat", body="Hold the button.",
                                 author_id=seeded.agent_id, created_at=T0,
                                 status=ArticleStatus.PUBLISHED))
        uow.commit()
    hits = _find(uow_factory, "thermostat")
    assert [(h.kind, h.facts["title"]) for h in hits] == [
        ("article", "Resetting a frozen thermostat")]


def test_the_index_follows_the_write_in_its_own_transaction(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        _message(uow, seeded.case_id, seeded.customer_id, "the zeppelin model is missing")
        # Before commit, the same transaction already finds it...
        assert _refs(search(uow.session, "zeppelin", SearchFilter())) == [seeded.case_ref]
        uow.rollback()
    # ...and after a rollback nobody does.
    assert _find(uow_factory, "zeppelin") == []
    with uow_factory() as uow:
        case = uow.get(Case, seeded.case_id)
        assert case is not None
        case.nature = "a wobbly trampoline"
        uow.commit()
    assert _find(uow_factory, "charged twice") == []
    assert _refs(_find(uow_factory, "trampoline")) == [seeded.case_ref]


def test_a_snippet_never_becomes_markup(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        _message(uow, seeded.case_id, seeded.customer_id,
                 'my <script>alert("x")</script> widget & "gadget" broke')
        uow.commit()
    hits = _find(uow_factory, "widget")
    shown = highlight_html(hits[0].snippet)
    # (PostgreSQL's headline drops the tag; SQLite's keeps it as text: neither runs it.)
    assert "<" not in shown.replace("<mark>", "").replace("</mark>", "")
    assert "<mark>widget</mark>" in shown and "&amp;" in shown


HOSTILE = ['"', '""', "*", "NEAR(a b)", "') OR 1=1 --", "a:* & !b", "title:x", "^x",
           "-", "AND OR NOT", "\\", "%_%", "x" * 5000, "ünïcödé façade", "🙂", "\x00\x07",
           "FL-", "{a b}", "a + b", "col : x", "NOT", "<->", "(((", "'; DROP TABLE cases; --"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_text_is_only_ever_words(
    uow_factory: UowFactory, seeded: Seeded, text: str
) -> None:
    hits = _find(uow_factory, text)
    assert all(h.kind in ("case", "customer", "article") for h in hits)
    # The desk is intact afterwards.
    assert _refs(_find(uow_factory, "charged")) == [seeded.case_ref]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=80))
def test_any_text_at_all_gives_results_or_none_never_an_error(
    uow_factory: UowFactory, seeded: Seeded, text: str
) -> None:
    with uow_factory() as uow:
        search(uow.session, text, SearchFilter())
        search(uow.session, text, SearchFilter(customer_id=seeded.customer_id))


def test_an_upgrade_restores_triggers_a_rebuilt_table_lost_and_reindexes_it(
    uow_factory: UowFactory, seeded: Seeded, engine: Any
) -> None:
    sqlite = engine.dialect.name == "sqlite"  # (PostgreSQL's indexes need no triggers)
    if sqlite:
        with engine.begin() as connection:  # what a batch migration rebuilding it does
            connection.exec_driver_sql("DROP TRIGGER search_interactions_ai")
    with uow_factory() as uow:
        _message(uow, seeded.case_id, seeded.customer_id, "the gyroscope wobbles")
        uow.commit()
    assert _refs(_find(uow_factory, "gyroscope")) == ([] if sqlite else [seeded.case_ref])
    upgrade(engine)
    assert _refs(_find(uow_factory, "gyroscope")) == [seeded.case_ref]
    with uow_factory() as uow:
        _message(uow, seeded.case_id, seeded.customer_id, "and the flywheel too")
        uow.commit()
    assert _refs(_find(uow_factory, "flywheel")) == [seeded.case_ref]
