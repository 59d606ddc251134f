"""Staff search: find items by what customers and staff wrote, and by their own fields.

`parse_search` turns URL parameters into a `SearchQuery` (pure: bad filter values fall back
to their defaults; a query that is too long or has too many words carries an `error` and is
not run). `search` runs it in the database and returns one `Hit` per item, newest activity
first, with a snippet of the matching text cut into (text, is_match) pieces so the template
escapes everything and wraps only the matches in <mark>.

What a query means, the same on SQLite and PostgreSQL:

- Words and "quoted phrases" are case-insensitive substrings (so "refund" finds "refunds",
  and Chinese needs no word splitting). Every term must appear in the same text: one
  message, or the item's subject / reference / order number, or the customer's name /
  e-mail / phone / company. A phone-like term also matches the phone's digits alone.
- Messages and internal notes are searched only through the index, so a query needs at
  least one term of 3 or more characters for them. Terms of 1–2 characters narrow what the
  longer terms found; a query made only of them searches the short fields (subject,
  reference, order number, customer) and says so.
- A hit in an item merged into another shows the item it was merged into.
- One known difference: SQLite's LIKE (the walk, the snippets, 1–2 character terms) folds
  the case of ASCII letters only, so there "ÉCOLE" finds "école" through the index but not
  through the walk. PostgreSQL's ILIKE folds them all.

The index: FTS5 tables with the trigram tokenizer on SQLite, pg_trgm GIN indexes for
ILIKE on PostgreSQL (migrations/0008_search_indexes.py; the expressions below must match
the indexed ones).
"""

from __future__ import annotations

import math
import re
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from feedback.models import OPEN_STATUSES, FeedbackItem, Kind, Status

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_INDEXED_LENGTH = 3  # what the trigram indexes can look up
PAGE_SIZE = 50
COUNT_CAP = 500
# How `search` finds the ids: "auto" picks "index" or "walk" per query (see `search`).
STRATEGY = "auto"
SAMPLE_ITEMS = 500
# How much dearer one index hit is than one walked item, per engine (bench/search_bench.py,
# 1M messages: SQLite about the same, PostgreSQL about 4x: the hits are rechecked in the
# heap and sorted).
HIT_COST = {"sqlite": 1.0, "postgres": 4.0}
SNIPPET_CONTEXT = 70  # characters either side of the first match
CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED)
STATUS_FILTERS = ("all", "open", "closed")

# Separators people type inside phone numbers; the same expression as the migration's.
_PHONE_DIGITS = (
    "replace(replace(replace(replace(replace(replace(replace("
    "{col}, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', ''), '/', '')"
)
_ITEM_TEXT = "({t}.subject || ' ' || {t}.reference || ' ' || {t}.order_reference)"
_CUSTOMER_TEXT = (
    "({t}.name || ' ' || {t}.email || ' ' || {t}.phone || ' ' || {t}.company || ' ' || "
    + _PHONE_DIGITS.format(col="{t}.phone")
    + ")"
)
# A customer record merged into another one (feedback.customer_merge) stands for that one: a
# search for the old address finds the items, which moved to the customer it was merged into.
_CUSTOMER_OR_MERGED_INTO = "COALESCE(c.merged_into_id, c.id)"
_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_PHONE_LIKE = re.compile(r"\+?[\d\s\-().\/]+")


class Scope(StrEnum):
    ALL = "all"
    MESSAGES = "messages"
    NOTES = "notes"
    CUSTOMER = "customer"


SCOPE_LABELS = {
    Scope.ALL: "everything",
    Scope.MESSAGES: "messages",
    Scope.NOTES: "internal notes",
    Scope.CUSTOMER: "customer details",
}


@dataclass(frozen=True)
class SearchQuery:
    """What the viewer asked for. `terms` is empty when there is nothing to run."""

    q: str = ""
    terms: tuple[str, ...] = ()
    status: str = "all"
    kind: str = ""
    scope: str = Scope.ALL.value
    after: int | None = None  # keyset: the last item id of the previous page
    error: str = ""

    def to_query(self, **extra: str) -> dict[str, str]:
        """URL parameters for this search, defaults left out (for the form and "More")."""
        query: dict[str, str] = {}
        for f in fields(self):
            if f.name in ("terms", "error", "after"):
                continue
            value = getattr(self, f.name)
            if value != f.default:
                query["in" if f.name == "scope" else f.name] = str(value)
        query.update(extra)
        return query

    def query_string(self, **extra: str) -> str:
        return urlencode(self.to_query(**extra))

    @property
    def runnable(self) -> bool:
        return bool(self.terms) and not self.error

    @property
    def long_terms(self) -> tuple[str, ...]:
        return tuple(t for t in self.terms if len(t) >= MIN_INDEXED_LENGTH)

    @property
    def short_terms(self) -> tuple[str, ...]:
        return tuple(t for t in self.terms if len(t) < MIN_INDEXED_LENGTH)

    @property
    def searches_messages(self) -> bool:
        """Whether messages and notes are searched (they need a term the index can use)."""
        return bool(self.long_terms) and self.scope in (Scope.ALL, Scope.MESSAGES, Scope.NOTES)


def split_terms(text: str) -> list[str]:
    """Words and "quoted phrases" (an unclosed quote runs to the end), duplicates dropped."""
    terms: list[str] = []
    for match in _TERM.finditer(text):
        phrase, word = match.groups()
        term = " ".join((phrase if phrase is not None else word).split())
        if term and term.casefold() not in {t.casefold() for t in terms}:
            terms.append(term)
    return terms


def _int_or_none(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def parse_search(params: Mapping[str, str]) -> SearchQuery:
    """A search from URL parameters. Filters fall back to defaults; the query is checked."""
    # NUL is dropped: PostgreSQL refuses it in text.
    raw = str(params.get("q", "") or "").replace("\x00", "")
    q = " ".join(raw.split())
    status = str(params.get("status", "") or "").strip()
    kind = str(params.get("kind", "") or "").strip()
    scope = str(params.get("in", params.get("scope", "")) or "").strip()
    base = SearchQuery(
        q=q[: MAX_QUERY_LENGTH * 2],
        status=status if status in STATUS_FILTERS else "all",
        kind=kind if kind in {k.value for k in Kind} else "",
        scope=scope if scope in {s.value for s in Scope} else Scope.ALL.value,
        after=_int_or_none(params.get("after")),
    )
    if len(q) > MAX_QUERY_LENGTH:
        return SearchQuery(
            **{**_plain(base), "q": q[:MAX_QUERY_LENGTH]},
            error=f"Searches are limited to {MAX_QUERY_LENGTH} characters "
            f"(yours has {len(q)}). Use fewer, more telling words.",
        )
    # A phone number typed with spaces ("020 7946 0958") is one term, not three.
    terms = [q] if len(_phone_digits(q)) >= 6 and " " in q else split_terms(q)
    if len(terms) > MAX_TERMS:
        return SearchQuery(
            **_plain(base),
            error=f"Use at most {MAX_TERMS} words or phrases (yours has {len(terms)}).",
        )
    return SearchQuery(**{**_plain(base), "terms": tuple(terms)})


def _plain(query: SearchQuery) -> dict[str, Any]:
    return {f.name: getattr(query, f.name) for f in fields(query) if f.name != "error"}


# -- snippets ----------------------------------------------------------------------------------

Snippet = list[tuple[str, bool]]


def make_snippet(text: str, terms: Sequence[str], context: int = SNIPPET_CONTEXT) -> Snippet:
    """A short passage of `text` around its first match, as (text, is_match) pieces.

    Matching is case-insensitive and every occurrence of every term in the passage is
    marked. Without a match the start of the text is returned, unmarked. Whitespace runs
    (line breaks included) collapse to one space.
    """
    flat = " ".join(text.split())
    if not flat:
        return []
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)  # longest first
    pattern = (
        re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE) if ordered else None
    )
    first = pattern.search(flat) if pattern else None
    if first is None:
        cut = flat[: context * 2]
        return [(cut + ("…" if len(flat) > len(cut) else ""), False)]
    start = max(0, first.start() - context)
    end = min(len(flat), first.end() + context)
    # Do not cut a word in half at the edges when a space is near.
    if start > 0:
        space = flat.find(" ", start, first.start())
        start = space + 1 if space != -1 else start
    if end < len(flat):
        space = flat.rfind(" ", first.end(), end)
        end = space if space != -1 else end
    pieces: Snippet = []
    if start > 0:
        pieces.append(("…", False))
    position = start
    assert pattern is not None
    for match in pattern.finditer(flat, start, end):
        if match.start() > position:
            pieces.append((flat[position : match.start()], False))
        pieces.append((match.group(), True))
        position = match.end()
    if position < end:
        pieces.append((flat[position:end], False))
    if end < len(flat):
        pieces.append(("…", False))
    return pieces


# -- SQL ---------------------------------------------------------------------------------------


class _Params:
    """Collects values and hands out the engine's placeholders."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return "?" if self.dialect == "sqlite" else f"${len(self.values)}"


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _phone_digits(term: str) -> str:
    """The digits of a phone-like term ("+44 20 7946-0958"), or "" when it is not one."""
    if not _PHONE_LIKE.fullmatch(term):
        return ""
    digits = re.sub(r"\D", "", term)
    return digits if len(digits) >= MIN_INDEXED_LENGTH and digits != term else ""


class _Builder:
    def __init__(self, query: SearchQuery, dialect: str) -> None:
        self.query = query
        self.sqlite = dialect == "sqlite"
        self.p = _Params(dialect)
        self.like = "LIKE" if self.sqlite else "ILIKE"

    def _likes(self, expression: str, terms: Iterable[str], *, phones: bool = False) -> list[str]:
        conditions = []
        for term in terms:
            condition = f"{expression} {self.like} {self.p(_like_pattern(term))} ESCAPE '\\'"
            digits = _phone_digits(term) if phones else ""
            if digits:
                alt = f"{expression} {self.like} {self.p(_like_pattern(digits))} ESCAPE '\\'"
                condition = f"({condition} OR {alt})"
            conditions.append(condition)
        return conditions

    def _match(self, terms: Sequence[str], *, phones: bool = False) -> str:
        parts = []
        for term in terms:
            digits = _phone_digits(term) if phones else ""
            phrase = _fts_phrase(term)
            parts.append(
                f"({phrase} OR phone_digits : {_fts_phrase(digits)})" if digits else phrase
            )
        return " AND ".join(parts)

    def _messages(self) -> str | None:
        q = self.query
        if not q.searches_messages:
            return None
        if self.sqlite:
            conditions = [
                "m.id IN (SELECT rowid FROM message_search WHERE message_search MATCH "  # noqa: S608 - placeholders only
                f"{self.p(self._match(q.long_terms))})",
                *self._likes("m.body", q.short_terms),
            ]
        else:
            conditions = self._likes("m.body", q.terms)
        conditions += self._scope_condition("m")
        return "SELECT m.item_id AS item_id FROM message AS m WHERE " + " AND ".join(conditions)  # noqa: S608 - placeholders only

    def _items(self) -> str | None:
        q = self.query
        if q.scope != Scope.ALL:
            return None
        text = _ITEM_TEXT.format(t="f")
        if self.sqlite and q.long_terms:
            conditions = [
                "f.id IN (SELECT rowid FROM item_search WHERE item_search MATCH "  # noqa: S608 - placeholders only
                f"{self.p(self._match(q.long_terms))})",
                *self._likes(text, q.short_terms),
            ]
        else:
            conditions = self._likes(text, q.terms)
        return "SELECT f.id AS item_id FROM feedback_item AS f WHERE " + " AND ".join(conditions)  # noqa: S608 - placeholders only

    def _customer_conditions(self) -> list[str]:
        q = self.query
        text = _CUSTOMER_TEXT.format(t="c")
        if self.sqlite and q.long_terms:
            return [
                "c.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH "  # noqa: S608 - placeholders only
                f"{self.p(self._match(q.long_terms, phones=True))})",
                *self._likes(text, q.short_terms, phones=True),
            ]
        return self._likes(text, q.terms, phones=True)

    def _customers(self) -> str | None:
        if self.query.scope not in (Scope.ALL, Scope.CUSTOMER):
            return None
        return (
            "SELECT f.id AS item_id FROM feedback_item AS f WHERE f.customer_id IN "  # noqa: S608 - placeholders only
            f"(SELECT {_CUSTOMER_OR_MERGED_INTO} FROM customer AS c WHERE "
            + " AND ".join(self._customer_conditions())
            + ")"
        )

    def _scope_condition(self, alias: str) -> list[str]:
        if self.query.scope == Scope.MESSAGES:
            return [f"{alias}.is_internal = {self.p(False)}"]
        if self.query.scope == Scope.NOTES:
            return [f"{alias}.is_internal = {self.p(True)}"]
        return []

    def _filters(self, t: str = "i", status_column: str = "") -> str:
        """Status, kind and the keyset, as " AND ..." on the item aliased `t`."""
        q = self.query
        status_column = status_column or f"{t}.status"
        statuses = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES}.get(q.status, ())
        filters = []
        if statuses:
            values = ", ".join(self.p(s.value) for s in statuses)
            filters.append(f"{status_column} IN ({values})")
        if q.kind:
            filters.append(f"{t}.kind = {self.p(q.kind)}")
        if q.after is not None:
            # (updated_at, id) after the previous page's last item, read from that item.
            moment = "(SELECT a.updated_at FROM feedback_item AS a WHERE a.id = {})"
            filters.append(
                f"({t}.updated_at < {moment.format(self.p(q.after))} OR "
                f"({t}.updated_at = {moment.format(self.p(q.after))} "
                f"AND {t}.id < {self.p(q.after)}))"
            )
        return "".join(f" AND {f}" for f in filters)

    def walk_sql(
        self,
        limit: int | None,
        *,
        since: Any = None,
        window: int | None = None,
        count: bool = False,
    ) -> str | None:
        """Item ids newest activity first, checking the items in that order until `limit`
        match: quick when matches are common. The same matching rules as `ids_sql`.

        `since`: only items active since then (an `updated_at` value as the database
        returns it). `window` with `count`: how many of the newest `window` items that pass
        the filters match (the sample `search` decides with)."""
        q = self.query
        if not q.searches_messages and q.scope not in (Scope.ALL, Scope.CUSTOMER):
            return None
        # On SQLite the unary + keeps the planner on the updated_at index (the order the
        # walk needs) rather than the status index. Placeholders in SQL order.
        status_column = "+i.status" if self.sqlite else "i.status"
        where = "i.merged_into_id IS NULL" + self._filters("i", status_column)
        if since is not None:
            where += f" AND i.updated_at >= {self.p(since)}"
        if window is not None:
            recent = (
                "SELECT w.id FROM feedback_item AS w WHERE w.merged_into_id IS NULL"  # noqa: S608 - placeholders only
                + self._filters("w", "+w.status" if self.sqlite else "w.status")
                + f" ORDER BY w.updated_at DESC, w.id DESC LIMIT {int(window)}"
            )
            where += f" AND i.id IN ({recent})"
        # Items merged into i, and items merged into those (two steps, as in ids_sql).
        family = (
            "(SELECT g.id FROM feedback_item AS g WHERE g.merged_into_id = i.id UNION ALL "
            "SELECT h.id FROM feedback_item AS h JOIN feedback_item AS g2 "
            "ON h.merged_into_id = g2.id WHERE g2.merged_into_id = i.id)"
        )
        alternatives = []
        if q.searches_messages:
            for owner in ("m.item_id = i.id", f"m.item_id IN {family}"):
                body = [*self._likes("m.body", q.terms), *self._scope_condition("m")]
                # OFFSET 0 keeps PostgreSQL from turning this into a hash of every
                # matching message (the cost the walk is there to avoid): it drops a
                # plain LIMIT inside EXISTS, but not an OFFSET.
                alternatives.append(
                    f"EXISTS (SELECT 1 FROM message AS m WHERE {owner} AND "  # noqa: S608 - placeholders only
                    + " AND ".join(body)
                    + " LIMIT 1 OFFSET 0)"
                )
        if q.scope == Scope.ALL:
            alternatives.append(
                "(" + " AND ".join(self._likes(_ITEM_TEXT.format(t="i"), q.terms)) + ")"
            )
            alternatives.append(
                f"EXISTS (SELECT 1 FROM feedback_item AS f WHERE f.id IN {family} AND "  # noqa: S608 - placeholders only
                + " AND ".join(self._likes(_ITEM_TEXT.format(t="f"), q.terms))
                + " LIMIT 1 OFFSET 0)"
            )
        if q.scope in (Scope.ALL, Scope.CUSTOMER):
            alternatives.append(
                f"i.customer_id IN (SELECT {_CUSTOMER_OR_MERGED_INTO} FROM customer AS c WHERE "  # noqa: S608 - placeholders only
                + " AND ".join(self._customer_conditions())
                + ")"
            )
        either = " OR ".join(alternatives)
        matches = f"SELECT i.id AS id FROM feedback_item AS i WHERE {where} AND ({either})"  # noqa: S608 - placeholders only
        if count:
            return (
                f"SELECT (SELECT count(*) FROM ({matches}) AS x) AS hits, "  # noqa: S608 - placeholders only
                "(SELECT max(id) FROM feedback_item) AS items"
            )
        return (
            matches
            + " ORDER BY i.updated_at DESC, i.id DESC"
            + (f" LIMIT {int(limit)}" if limit is not None else "")
        )

    def boundary_sql(self, offset: int) -> str:
        """The `updated_at` of the item `offset` places down the walk (none: it is shorter)."""
        status_column = "+w.status" if self.sqlite else "w.status"
        return (
            "SELECT w.updated_at AS moment FROM feedback_item AS w "  # noqa: S608 - placeholders only
            "WHERE w.merged_into_id IS NULL"
            + self._filters("w", status_column)
            + f" ORDER BY w.updated_at DESC, w.id DESC LIMIT 1 OFFSET {int(offset)}"
        )

    def ids_sql(self, limit: int) -> str | None:
        """Item ids to show, newest activity first: a hit in a merged item counts for the
        item it was merged into (followed two steps, as far as merges chain in practice)."""
        sources = [s for s in (self._messages(), self._items(), self._customers()) if s]
        if not sources:
            return None
        where = self._filters()
        return (
            "WITH hit AS (" + " UNION ".join(sources) + "), "  # noqa: S608 - placeholders only
            "shown AS (SELECT COALESCE(t.merged_into_id, f.merged_into_id, f.id) AS id "
            "FROM hit JOIN feedback_item AS f ON f.id = hit.item_id "
            "LEFT JOIN feedback_item AS t ON t.id = f.merged_into_id) "
            "SELECT i.id AS id FROM feedback_item AS i "
            f"WHERE i.id IN (SELECT id FROM shown){where} "
            f"ORDER BY i.updated_at DESC, i.id DESC LIMIT {int(limit)}"
        )

    def snippet_sql(self, item_ids: Sequence[int]) -> str:
        """The newest message per shown item (or per item merged into it) holding every
        term, within the scope: one row per item, for the snippet."""
        q = self.query
        # The items first (the shown ones and those merged into them), then their
        # messages through the item_id index. Placeholders in SQL order (SQLite's "?").
        ids = ", ".join(self.p(i) for i in item_ids)
        merged_ids = ", ".join(self.p(i) for i in item_ids)
        items = (
            f"SELECT f.id AS id, f.id AS shown_id, f.reference AS reference FROM feedback_item "  # noqa: S608 - placeholders only
            f"AS f WHERE f.id IN ({ids}) UNION ALL SELECT g.id, g.merged_into_id, g.reference "
            f"FROM feedback_item AS g WHERE g.merged_into_id IN ({merged_ids})"
        )
        # "|| ''" is not the indexed expression: PostgreSQL then reads these items' few
        # messages rather than every message the trigram index matches.
        conditions = [*self._likes("(m.body || '')", q.terms), *self._scope_condition("m")]
        return (
            "SELECT shown_id, body, is_internal, author_kind, reference FROM ("  # noqa: S608 - placeholders only
            "SELECT s.shown_id AS shown_id, m.body AS body, m.is_internal AS is_internal, "
            "m.author_kind AS author_kind, s.reference AS reference, ROW_NUMBER() OVER ("
            "PARTITION BY s.shown_id ORDER BY m.id DESC) AS rn "
            f"FROM ({items}) AS s JOIN message AS m ON m.item_id = s.id WHERE "
            + " AND ".join(conditions)
            + ") AS x WHERE rn = 1"
        )


# -- running -----------------------------------------------------------------------------------


SOURCE_LABELS = {
    "message": "in a message",
    "reply": "in a staff reply",
    "note": "in an internal note",
    "subject": "in the subject",
    "reference": "in the reference",
    "order": "in the order number",
    "customer": "in the customer's details",
}


@dataclass
class Hit:
    """One item in the results and why it matched."""

    item: FeedbackItem
    source: str  # a key of SOURCE_LABELS
    snippet: Snippet
    found_in: str = ""  # reference of the merged item the match was in, if not this one


@dataclass
class SearchResults:
    hits: list[Hit] = field(default_factory=list)
    total: int | None = None  # counted up to `cap` + 1 on the first page only
    next_after: int | None = None
    cap: int = COUNT_CAP

    @property
    def capped(self) -> bool:
        return self.total is not None and self.total > self.cap


@asynccontextmanager
async def _connection() -> AsyncIterator[Any]:
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect != "postgres":
        yield conn
        return
    async with in_transaction() as transaction:
        # These plans look expensive to the planner (it cannot know the walk stops early),
        # so PostgreSQL would JIT-compile them: ~60 ms, more than running them takes.
        await transaction.execute_script("SET LOCAL jit = off")
        yield transaction


async def search(
    query: SearchQuery,
    *,
    page_size: int = PAGE_SIZE,
    cap: int = COUNT_CAP,
    strategy: str | None = None,
) -> SearchResults:
    """Run `query`: the matching ids (counted up to `cap` + 1 on the first page), then the
    items with customer and owner, then the snippets.

    The ids come one of two ways, with the same result (`strategy`, default STRATEGY):

    - "index": collect every hit from the index, then sort. Cost grows with the hits, so
      it suits specific queries (an order number, an e-mail, a rare word).
    - "walk": check the items newest first and stop once enough match. Cost grows with how
      far the walk must go, so it suits common words, which would otherwise collect
      hundreds of thousands of hits to show fifty; and queries the index cannot help with
      (1–2 characters).
    - "auto": count the matches among the newest SAMPLE_ITEMS items. With a share `d` of
      matching items out of N, walking costs about limit / d items and the index about
      d * N hits, each HIT_COST times dearer: walk when d² * N * HIT_COST >= limit, and
      only that far (twice the estimate), else — or when the walk ends short — use the
      index.
    """
    if not query.runnable:
        return SearchResults()
    async with _connection() as conn:
        return await _search(conn, query, page_size, cap, strategy)


async def _search(
    conn: Any, query: SearchQuery, page_size: int, cap: int, strategy: str | None
) -> SearchResults:
    dialect = conn.capabilities.dialect
    first_page = query.after is None
    limit = max(cap, page_size) + 1 if first_page else page_size + 1
    strategy = strategy or STRATEGY
    if not query.long_terms:
        strategy = "walk"
    builder = _Builder(query, dialect)
    since = None
    if strategy == "auto":
        strategy, since = await _choose(conn, query, limit)
    sql = builder.ids_sql(limit) if strategy == "index" else builder.walk_sql(limit, since=since)
    if sql is None:
        return SearchResults(total=0 if first_page else None, cap=cap)
    rows = await conn.execute_query_dict(sql, builder.p.values)
    if since is not None and len(rows) < limit:
        # The walk was cut short and found too few: the index knows the rest.
        builder = _Builder(query, dialect)
        rows = await conn.execute_query_dict(str(builder.ids_sql(limit)), builder.p.values)
    ids = [int(row["id"]) for row in rows]
    page_ids = ids[:page_size]
    results = SearchResults(
        total=len(ids) if first_page else None,
        cap=cap,
        next_after=page_ids[-1] if len(ids) > page_size else None,
    )
    if not page_ids:
        return results
    items = {
        item.id: item
        for item in await FeedbackItem.filter(id__in=page_ids).select_related("customer", "owner")
    }
    messages: dict[int, dict[str, Any]] = {}
    if query.searches_messages:
        snippets = _Builder(query, conn.capabilities.dialect)
        snippet_sql = snippets.snippet_sql(page_ids)
        for row in await conn.execute_query_dict(snippet_sql, snippets.p.values):
            messages[int(row["shown_id"])] = row
    results.hits = [_hit(items[i], messages.get(i), query) for i in page_ids if i in items]
    return results


async def _choose(conn: Any, query: SearchQuery, limit: int) -> tuple[str, Any]:
    """("walk", how far back to walk) or ("index", None), from a sample of recent items."""
    dialect = conn.capabilities.dialect
    sample = _Builder(query, dialect)
    sample_sql = sample.walk_sql(None, window=SAMPLE_ITEMS, count=True)
    if sample_sql is None:
        return "index", None
    [row] = await conn.execute_query_dict(sample_sql, sample.p.values)
    share = int(row["hits"]) / SAMPLE_ITEMS
    if share * share * int(row["items"] or 0) * HIT_COST.get(dialect, 1.0) < limit:
        return "index", None
    bound = _Builder(query, dialect)
    reach = math.ceil(2 * limit / share)
    moments = await conn.execute_query_dict(bound.boundary_sql(reach), bound.p.values)
    if not moments:  # fewer items than that: walk them all
        return "walk", None
    return "walk", moments[0]["moment"]


def _hit(item: FeedbackItem, message: dict[str, Any] | None, query: SearchQuery) -> Hit:
    terms = query.terms
    if message is not None:
        found_in = message["reference"] if message["reference"] != item.reference else ""
        if message["is_internal"]:
            source = "note"
        else:
            source = "reply" if message["author_kind"] == "staff" else "message"
        return Hit(item, source, make_snippet(message["body"], terms), found_in)
    customer = item.customer
    candidates: list[tuple[str, str]] = []
    if query.scope == Scope.ALL:
        candidates += [
            ("subject", item.subject),
            ("reference", item.reference),
            ("order", item.order_reference),
        ]
    phone = customer.phone
    candidates += [
        ("customer", f"{customer.name} <{customer.email}>"),
        ("customer", f"{customer.name}, {phone}" if phone else ""),
        ("customer", f"{customer.name}, {customer.company}" if customer.company else ""),
    ]
    for source, text in candidates:
        if text and any(t.casefold() in text.casefold() for t in terms):
            return Hit(item, source, make_snippet(text, terms))
    # Matched through a phone's digits, a merged item's own fields, or the index's wider
    # case folding: show the subject, unmarked.
    return Hit(item, "subject", make_snippet(item.subject, ()))
