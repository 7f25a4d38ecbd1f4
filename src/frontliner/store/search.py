"""Full-text search over cases (reference, contact, problem), their messages and internal
notes, customers (names and contacts) and knowledge articles, ranked, with highlighted
snippets.

SQLite reads the FTS5 index of `search_index`; PostgreSQL matches the stored tsvector
columns of problems and messages (migration 0027) and the expressions of its other GIN
indexes (pg_trgm for references, addresses and parts of names). The user's text is never
passed on as query syntax: it is cut into words, and words written together ("FL-00012",
"jo@example.com") must appear together. The last word also matches as a prefix, so a
search finds as you type.

Snippets come back with MARK_START/MARK_END around each match: the caller escapes the
text and turns the marks into <mark> (`highlight_html`), so stored text never becomes
markup.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import CaseStatus, Channel
from frontliner.store import snippets
from frontliner.store.search_index import DOCS_TABLE, FTS_TABLE, PG_VECTOR, Kind, owner_token
from frontliner.store.snippets import MARK_END, MARK_START
from frontliner.store.tables import cases, contacts, customers, interactions, knowledge_articles

MAX_CHUNKS = 12  # words written apart; more are ignored (a search box, not a document)
MAX_TOKENS = 24
CANDIDATES = 200  # matches ranked before grouping them by case
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchFilter:
    statuses: Sequence[CaseStatus] | None = None
    owner_id: int | None = None
    channel: Channel | None = None
    opened_from: datetime | None = None
    opened_to: datetime | None = None
    # A customer searching: only their own cases, only what their portal shows.
    customer_id: int | None = None

    @property
    def cases_only(self) -> bool:
        return self.customer_id is not None or any(
            v is not None
            for v in (self.statuses, self.owner_id, self.channel, self.opened_from, self.opened_to)
        )


@dataclass
class Hit:
    kind: str  # "case", "customer" or "article"
    matched: str  # problem, reference, message, note, customer, contact, article
    id: int  # the case's, customer's or article's id
    score: float  # higher is better
    snippet: str = ""  # with MARK_START/MARK_END around matched words
    source_id: int | None = None  # the message or contact the snippet is from
    facts: dict[str, Any] = field(default_factory=dict)  # ref, status, title...


def chunks(text: str) -> list[list[str]]:
    """The user's words: each whitespace-separated chunk as its word tokens."""
    found: list[list[str]] = []
    budget = MAX_TOKENS
    for piece in text.split()[:MAX_CHUNKS]:
        tokens = [t.lower() for t in _WORD.findall(piece)][:budget]
        if tokens:
            found.append(tokens)
            budget -= len(tokens)
        if budget <= 0:
            break
    return found


def highlight_html(snippet: str) -> str:
    """A marked snippet as safe HTML: the text escaped, the matches in <mark>."""
    marked = html.escape(snippet, quote=True)
    return marked.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def plain(snippet: str) -> str:
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


def search(session: Session, text: str, f: SearchFilter, limit: int = 20) -> list[Hit]:
    """The best `limit` hits for `text`, one per case, customer or article."""
    words = chunks(text)
    if not words:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        found = _sqlite(session, words, f)
    else:
        found = _postgres(session, text, words, f)
    hits = _best_per_item(found)[:limit]
    if dialect == "sqlite":
        _sqlite_snippets(session, words, hits)
    _add_facts(session, hits)
    if dialect != "sqlite":
        _pg_snippets(session, words, hits)
    return hits


def _best_per_item(found: list[Hit]) -> list[Hit]:
    best: dict[tuple[str, int], Hit] = {}
    for hit in sorted(found, key=lambda h: -h.score):
        best.setdefault((hit.kind, hit.id), hit)
    return list(best.values())


def _case_conditions(f: SearchFilter) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if f.customer_id is not None:
        conditions.append(cases.c.customer_id == f.customer_id)
    if f.statuses:
        conditions.append(cases.c.status.in_(list(f.statuses)))
    if f.owner_id is not None:
        conditions.append(cases.c.owner_id == f.owner_id)
    if f.channel is not None:
        conditions.append(cases.c.channel == f.channel)
    if f.opened_from is not None:
        conditions.append(cases.c.opened_at >= f.opened_from)
    if f.opened_to is not None:
        conditions.append(cases.c.opened_at < f.opened_to)
    return conditions


# -- SQLite (FTS5) ----------------------------------------------------------------------

_fts = sa.table(FTS_TABLE, sa.column("rowid", sa.Integer))
_docs = sa.table(
    DOCS_TABLE,
    sa.column("id", sa.Integer),
    sa.column("kind", sa.Integer),
    sa.column("source_id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("customer_id", sa.Integer),
)
_MATCHED = {
    Kind.CASE: "problem",
    Kind.MESSAGE: "message",
    Kind.NOTE: "note",
    Kind.CUSTOMER: "customer",
    Kind.CONTACT: "contact",
    Kind.ARTICLE: "article",
}
# Ranking costs time for every match: a word in most documents would rank them all. Staff
# searches rank the RANK_WINDOW most recently written matches (a customer's searches rank
# all of theirs).
RANK_WINDOW = 2_000


def fts5_query(words: list[list[str]], customer_id: int | None = None) -> str:
    """FTS5 query text: each chunk a quoted phrase (quotes are not word characters, so a
    token never breaks out), all required, the last one also as a prefix; searched in
    the text columns, and for a customer only among the documents their token owns."""
    phrases = [f'"{" ".join(tokens)}"' for tokens in words]
    phrases[-1] += "*"
    query = "{title body} : (" + " ".join(phrases) + ")"
    if customer_id is not None:
        query = f'owner : "{owner_token(customer_id)}" AND {query}'
    return query


def _match(text: str) -> Any:
    return sa.text(f"{FTS_TABLE} MATCH :match").bindparams(match=text)


def _sqlite(session: Session, words: list[list[str]], f: SearchFilter) -> list[Hit]:
    match = fts5_query(words, f.customer_id)
    rank: Any = sa.literal_column(f"bm25({FTS_TABLE}, 4.0, 1.0, 0.0)")
    query = (
        sa.select(_docs.c.kind, _docs.c.case_id, _docs.c.customer_id, _docs.c.source_id,
                  _fts.c.rowid, rank)
        .select_from(_fts.join(_docs, _docs.c.id == _fts.c.rowid)
                     .outerjoin(cases, cases.c.id == _docs.c.case_id))
        .where(_match(match), *_case_conditions(f))
        .order_by(rank)
        .limit(CANDIDATES)
    )
    if f.customer_id is not None:
        # The owner token already narrowed it; the kinds and the case's customer (in
        # _case_conditions) say it again, so an index entry alone never decides.
        query = query.where(_docs.c.kind.in_([Kind.CASE, Kind.MESSAGE]))
    else:
        if f.cases_only:
            query = query.where(_docs.c.kind.in_([Kind.CASE, Kind.MESSAGE, Kind.NOTE]))
        floor = session.execute(
            sa.select(_fts.c.rowid).where(_match(match)).order_by(_fts.c.rowid.desc())
            .limit(1).offset(RANK_WINDOW - 1)
        ).scalar()
        if floor is not None:
            query = query.where(_fts.c.rowid >= floor)
    return [_fts_hit(*row) for row in session.execute(query)]


def _fts_hit(kind: int, case_id: int | None, customer_id: int | None, source_id: int,
             rowid: int, rank: float) -> Hit:
    k = Kind(kind)
    hit = Hit("case", _MATCHED[k], int(case_id or 0), -rank, "", source_id)
    hit.facts["rowid"] = rowid
    if k in (Kind.CUSTOMER, Kind.CONTACT):
        hit.kind, hit.id = "customer", int(customer_id or 0)
    elif k == Kind.ARTICLE:
        hit.kind, hit.id = "article", source_id
    return hit


def _sqlite_snippets(session: Session, words: list[list[str]], hits: list[Hit]) -> None:
    """Snippets of the hits shown, cut from their documents here: asking FTS5 for them
    would evaluate the whole query again for each row."""
    rowids = [h.facts.pop("rowid") for h in hits]
    if not rowids:
        return
    rows = session.execute(sa.text(
        f"SELECT id, title, body FROM {DOCS_TABLE} WHERE id IN ({','.join(map(str, rowids))})"
    ))
    texts = {row[0]: (row[1], row[2]) for row in rows}
    for hit, rowid in zip(hits, rowids, strict=True):
        title, body = texts.get(rowid, ("", ""))
        in_body = snippets.cut(body, words)
        hit.snippet = in_body if MARK_START in in_body else snippets.cut(title, words)
        if hit.matched == "problem" and MARK_START not in in_body:
            hit.matched = "reference"


# -- PostgreSQL (tsvector and pg_trgm) --------------------------------------------------


def tsquery_text(words: list[list[str]]) -> str:
    """to_tsquery text: words of a chunk adjacent (<->), chunks all required (&), the
    last word also as a prefix. Tokens are word characters only, so they cannot carry
    tsquery operators."""
    phrases = [" <-> ".join(tokens) for tokens in words]
    phrases[-1] += ":*"
    return " & ".join(f"({p})" for p in phrases)


def _tsv(column: Any) -> Any:
    return sa.func.to_tsvector(sa.literal_column("'english'"), column)


# Ranking reads every match's vector: a common word ("refund") is in a tenth of a
# million problems. Each branch ranks the PG_RANK_WINDOW newest matches, as SQLite
# ranks its RANK_WINDOW newest. A staff search looks first among the newest PG_RECENT
# rows (the GIN index and the primary key's range together: only matching rows of the
# slice are read), and over the whole table only when the slice holds fewer than
# PG_ENOUGH matches, which then are few everywhere (a rare word, a misestimate no more).
# A customer's search reads their own rows (a few hundred at most) and matches each
# one's stored vector, never the whole desk's word lists (`_own`).
PG_RANK_WINDOW = 500
PG_RECENT = {"cases": 10_000, "interactions": 25_000}
PG_ENOUGH = 20  # a page of results
_NO_SOURCE: Any = sa.cast(sa.null(), sa.Integer)  # a branch whose item is its own source
_case_vector: Any = sa.literal_column(f"cases.{PG_VECTOR}")
_message_vector: Any = sa.literal_column(f"interactions.{PG_VECTOR}")


def _own(vector: Any) -> Any:
    """The vector as an expression no index holds: the planner then reads a customer's
    rows through their own index and tests each, instead of intersecting with the word's
    list over the whole desk (a third of all messages for "refund": 90 ms)."""
    return sa.func.coalesce(vector, sa.text("''::tsvector"))


def _newest_matches(select: sa.Select[Any], key: Any, whole_table: bool) -> sa.Subquery:
    """The PG_RANK_WINDOW newest rows `select` finds. Over a whole table the matches are
    few (the slice of the newest rows had too few), but the planner may guess many and
    walk the primary key backwards through every row (4.4 s for two words no message
    holds): ordered by `key + 0`, which no index holds, it takes them from the GIN index."""
    newest_first = key + 0 if whole_table else key
    return select.order_by(newest_first.desc()).limit(PG_RANK_WINDOW).subquery()


def _likes(column: Any, words: list[list[str]]) -> sa.ColumnElement[bool]:
    """Every chunk as a substring (served by a pg_trgm index), taken literally."""
    def literal(tokens: list[str]) -> str:
        return "%" + "%".join(tokens) + "%"
    return sa.and_(*(column.ilike(literal(tokens)) for tokens in words))


def _postgres(session: Session, raw: str, words: list[list[str]], f: SearchFilter) -> list[Hit]:
    tsq = sa.func.to_tsquery(sa.literal_column("'english'"), tsquery_text(words))
    conds = _case_conditions(f)
    floors = _recent_floors(session, f)

    def problems(floor: int | None) -> sa.Select[Any]:
        vector = _case_vector if f.customer_id is None else _own(_case_vector)
        found = sa.select(cases.c.id, _case_vector.label("v")).where(
            vector.op("@@")(tsq), *conds)
        if floor is not None:
            found = found.where(cases.c.id > floor)
        newest = _newest_matches(found, cases.c.id, floor is None)
        rank = sa.func.ts_rank_cd(newest.c.v, tsq) * 2 + 0.5
        return sa.select(newest.c.id, _NO_SOURCE, rank.label("s"),
                         sa.literal("problem").label("matched"))

    def messages(floor: int | None) -> sa.Select[Any]:
        """Messages and notes in one pass (a customer's: never a note)."""
        vector = _message_vector if f.customer_id is None else _own(_message_vector)
        found = sa.select(interactions.c.case_id, interactions.c.id, interactions.c.direction,
                          _message_vector.label("v")).where(vector.op("@@")(tsq))
        if f.customer_id is not None:
            # Their own messages (found through the timeline's index: a word's count is
            # often misjudged), on cases that are theirs (checked again just below).
            found = found.where(interactions.c.direction != "note",
                                interactions.c.customer_id == f.customer_id)
        if conds:  # the case's own facts (its customer first of all) decide
            found = found.join(cases, cases.c.id == interactions.c.case_id).where(*conds)
        if floor is not None:
            found = found.where(interactions.c.id > floor)
        newest = _newest_matches(found, interactions.c.id, floor is None)
        is_note = newest.c.direction == "note"
        rank = sa.func.ts_rank_cd(newest.c.v, tsq) + sa.case((is_note, 0.2), else_=0.3)
        matched = sa.case((is_note, "note"), else_="message")
        return sa.select(newest.c.case_id, newest.c.id, rank.label("s"), matched.label("matched"))

    # Every branch in one statement (UNION ALL of each branch's own best CANDIDATES):
    # one round trip instead of seven, each of which may wait for a core on a busy host.
    words_in = ((problems, floors["cases"]), (messages, floors["interactions"]))
    branches = [("case", build(floor)) for build, floor in words_in]
    branches += _substring_branches(raw, words, f, conds, tsq)
    rows = session.execute(_union([select for _, select in branches])).all()
    # A word rare among the newest rows: the table whose slice held too few is searched
    # whole (the matches are few there too, see _newest_matches); both in one statement.
    short = [index for index, (_, floor) in enumerate(words_in) if floor is not None
             and sum(1 for row in rows if row.branch == index) < PG_ENOUGH]
    if short:
        whole = session.execute(_union([words_in[index][0](None) for index in short])).all()
        tagged: list[tuple[Any, ...]] = [tuple(row) for row in rows if row.branch not in short]
        tagged += [(short[row.branch], *row[1:]) for row in whole]
    else:
        tagged = [tuple(row) for row in rows]
    return [_union_hit(branches[row[0]][0], row) for row in tagged]


def _substring_branches(raw: str, words: list[list[str]], f: SearchFilter,
                        conds: list[sa.ColumnElement[bool]], tsq: Any) -> list[tuple[str, Any]]:
    """References, contacts, customers' names (substrings, pg_trgm) and articles:
    (kind of item, select of item id, source id, score, what matched)."""
    branches: list[tuple[str, Any]] = []
    # Substring matches need three characters to use the trigram indexes.
    if all(len("".join(t)) >= 3 for t in words):
        typed = "".join(ch for ch in raw if ch.isprintable()).strip()
        # The whole reference typed: through its unique index (references are written
        # in capitals). Apart from it, parts of references all score alike, so any
        # CANDIDATES of them will do: no sort of every match (8,000 rows for six digits
        # of the 1M bench desk's references, 35 ms).
        branches.append(("case", sa.select(
            cases.c.id, _NO_SOURCE, sa.literal(10.0).label("s"),
            sa.literal("reference").label("matched"),
        ).where(cases.c.ref.in_(sorted({typed, typed.upper(), typed.lower()})), *conds)))
        branches.append(("case", sa.select(
            cases.c.id, _NO_SOURCE, sa.literal(3.0).label("s"),
            sa.literal("reference").label("matched"),
        ).where(_likes(cases.c.ref, words), *conds)))
        contact = cases.c.contact_name + " " + cases.c.contact_value
        branches.append(("case", sa.select(
            cases.c.id, _NO_SOURCE, sa.literal(2.0).label("s"),
            sa.literal("reference").label("matched"),
        ).where(_likes(contact, words), *conds)))
        if not f.cases_only:
            branches.append(("customer", sa.select(
                customers.c.id, _NO_SOURCE, sa.literal(2.5).label("s"),
                sa.literal("customer").label("matched"),
            ).where(_likes(customers.c.name, words))))
            branches.append(("customer", sa.select(
                contacts.c.customer_id, contacts.c.id, sa.literal(2.5).label("s"),
                sa.literal("contact").label("matched"),
            ).where(_likes(contacts.c.value, words))))
    if not f.cases_only:
        text = _tsv(knowledge_articles.c.title + " " + knowledge_articles.c.body)
        branches.append(("article", sa.select(
            knowledge_articles.c.id, _NO_SOURCE,
            (sa.func.ts_rank_cd(text, tsq) + 0.5).label("s"),
            sa.literal("article").label("matched"),
        ).where(text.op("@@")(tsq))))
    return branches


def _union(selects: list[Any]) -> Any:
    """Each select's best CANDIDATES, tagged with its place in the list (`branch`)."""
    parts = []
    for index, select in enumerate(selects):
        best = select.order_by(sa.desc("s")).limit(CANDIDATES).subquery()
        parts.append(sa.select(sa.literal(index).label("branch"), *best.c))
    return sa.union_all(*parts)


def _union_hit(kind: str, row: Any) -> Hit:
    _, item, source, score, matched = row
    return Hit(kind, str(matched), int(item), float(score), "", source)


def _recent_floors(session: Session, f: SearchFilter) -> dict[str, int | None]:
    """Per table, the id above which its PG_RECENT newest rows lie; None for a customer's
    search (their own cases are found through their index) or a table smaller than that.

    Read at most every FLOORS_SECONDS per database: a floor a little old only widens the
    slice by the rows written since, and one that is wrong (a table emptied meanwhile)
    leaves the slice short, so the whole table is searched: the results stay right."""
    if f.customer_id is not None:
        return {"cases": None, "interactions": None}
    bind = session.get_bind()
    key = (id(bind), str(bind.engine.url))
    now = time.monotonic()
    known = _floors_read.get(key)
    if known is None or now - known[0] > FLOORS_SECONDS:
        newest = session.execute(sa.select(
            sa.select(sa.func.max(cases.c.id)).scalar_subquery(),
            sa.select(sa.func.max(interactions.c.id)).scalar_subquery())).one()
        known = (now, {table: top - PG_RECENT[table] if top and top > PG_RECENT[table] else None
                       for table, top in zip(("cases", "interactions"), newest, strict=True)})
        _floors_read[key] = known
    return dict(known[1])


FLOORS_SECONDS = 30.0
_floors_read: dict[tuple[int, str], tuple[float, dict[str, int | None]]] = {}


def _pg_snippets(session: Session, words: list[list[str]], hits: list[Hit]) -> None:
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8"
    tsq = sa.func.to_tsquery(sa.literal_column("'english'"), tsquery_text(words))

    def headlines(id_col: Any, text_col: Any, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        line = sa.func.ts_headline(sa.literal_column("'english'"), text_col, tsq, options)
        rows = session.execute(sa.select(id_col, line).where(id_col.in_(ids)))
        return {row[0]: row[1] for row in rows}

    def ids(*matched: str) -> list[int]:
        return [h.source_id if h.source_id else h.id for h in hits if h.matched in matched]

    messages = headlines(interactions.c.id, interactions.c.body, ids("message", "note"))
    problems = headlines(cases.c.id, cases.c.nature, ids("problem"))
    contact_ids = ids("contact")
    values = {row[0]: row[1] for row in session.execute(
        sa.select(contacts.c.id, contacts.c.value).where(contacts.c.id.in_(contact_ids))
    )} if contact_ids else {}
    for h in hits:
        if h.matched in ("message", "note"):
            h.snippet = messages.get(h.source_id or 0, "")
        elif h.matched == "problem":
            h.snippet = problems.get(h.id, "")
        elif h.matched == "contact":
            h.snippet = _mark_substrings(values.get(h.source_id or 0, ""), words)
        elif h.matched == "reference":
            f = h.facts
            line = f"{f.get('ref', '')} {f.get('contact_name', '')} {f.get('contact_value', '')}"
            h.snippet = _mark_substrings(line, words)
        else:
            h.snippet = _mark_substrings(str(h.facts.get("title", "")), words)


def _mark_substrings(text: str, words: list[list[str]]) -> str:
    """Mark each chunk's occurrences in `text` (case-insensitively, punctuation free
    between its words), as the substring match found them."""
    for tokens in words:
        pattern = r"\W*".join(re.escape(t) for t in tokens)
        text = re.sub(f"({pattern})", f"{MARK_START}\\1{MARK_END}", text, flags=re.IGNORECASE)
    return text


# -- facts of the items found -----------------------------------------------------------


def _add_facts(session: Session, hits: list[Hit]) -> None:
    case_ids = [h.id for h in hits if h.kind == "case"]
    if case_ids:
        rows = session.execute(sa.select(
            cases.c.id, cases.c.ref, cases.c.nature, cases.c.status, cases.c.channel,
            cases.c.opened_at, cases.c.owner_id, cases.c.contact_name, cases.c.contact_value,
        ).where(cases.c.id.in_(case_ids))).mappings()
        by_id = {row["id"]: dict(row) for row in rows}
        for h in hits:
            if h.kind == "case":
                h.facts = by_id.get(h.id, {})
                h.facts["title"] = h.facts.get("nature", "")
    _titles(session, hits, "customer", customers.c.id, customers.c.name)
    _titles(session, hits, "article", knowledge_articles.c.id, knowledge_articles.c.title)


def _titles(session: Session, hits: list[Hit], kind: str, id_col: Any, title_col: Any) -> None:
    ids = [h.id for h in hits if h.kind == kind]
    if not ids:
        return
    rows = session.execute(sa.select(id_col, title_col).where(id_col.in_(ids)))
    titles: dict[int, str] = {row[0]: row[1] for row in rows}
    for h in hits:
        if h.kind == kind:
            h.facts["title"] = titles.get(h.id, "")
