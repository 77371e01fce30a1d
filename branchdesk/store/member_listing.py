"""The roster's filtered, sorted pages: the one filter implementation (`_where`) for the
roster, invitations and exports, and how a search is read so a page comes back fast.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from branchdesk.datetimes import week_of
from branchdesk.member_fields import tier_bounds
from branchdesk.store import dormancy, erased, member_search
from branchdesk.store.members import ROW_SQL, from_db

if TYPE_CHECKING:
    from branchdesk.member_query import MemberQuery


def _where(conn: sqlite3.Connection, query: MemberQuery, today: date,
           terms: member_search.SearchTerms | None = None,
           *, how: str = member_search.LOOKUP) -> tuple[str, list[Any]]:
    """The WHERE clause of a query (the one filter implementation for the roster, invitations
    and exports). `terms`: the query's search, already parsed; `how`: see `_reading`.
    Erased members are never listed (store/erased.py)."""
    clauses, params = member_search.where(terms or member_search.parse(query.search), how=how)
    gone, gone_params = erased.not_erased(conn)
    if gone:
        clauses.append(gone)
        params.extend(gone_params)
    for column, value in (("experience", query.experience), ("risk_level", query.risk_level),
                          ("advisor", query.advisor)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(getattr(value, "value", value))
    for column, value in (("needs", query.need), ("communities", query.community),
                          ("tags", query.tag)):
        if value is not None:
            clauses.append(f"EXISTS (SELECT 1 FROM json_each(members.{column}) WHERE value = ?)")
            params.append(getattr(value, "value", value))
    tier = getattr(query, "value_tier", None)
    if tier is not None:
        low, high = tier_bounds(tier, query.tier_thresholds)
        if low is not None:
            clauses.append("total_assets >= ?")
            params.append(low)
        if high is not None:
            clauses.append("total_assets < ?")
            params.append(high)
    if query.dormant_only:
        condition, values = dormancy.dormant(today, query.dormant_days)
        clauses.append(condition)
        params.extend(values)
    if query.reactivated_only:
        condition, values = dormancy.reactivated(*week_of(today), query.dormant_days)
        clauses.append(condition)
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def flag_columns(query: MemberQuery, today: date) -> tuple[str, list[Any]]:
    """SQL of the values a listing adds to a row, with their parameters: the day last heard
    from, dormant, reactivated this week."""
    dormant, dormant_params = dormancy.dormant(today, query.dormant_days)
    woke, woke_params = dormancy.reactivated_flag(*week_of(today), query.dormant_days)
    return f"last_seen_on, ({dormant}), ({woke})", [*dormant_params, *woke_params]


def _listed(row: Sequence[Any]) -> dict[str, Any]:
    """A listing row: its last-active date is the day last heard from (activities included)."""
    data = from_db(row[:-3])
    seen, dormant, woke = row[-3:]
    data["last_active_on"] = date.fromisoformat(seen) if seen else None
    data["dormant"], data["reactivated"] = bool(dormant), bool(woke)
    return data


def count(conn: sqlite3.Connection, query: MemberQuery, today: date) -> int:
    terms = member_search.parse(query.search)
    if terms.words and not terms.numbers and not _filters(query) and not erased.any_erased(conn):
        # A search alone: its matches are counted in the index, without a look-up each
        # (a digit matches a fifth of the roster: 22 ms on 100,000 members -> ~1 ms).
        return conn.execute("SELECT count(*) FROM member_search WHERE member_search MATCH ?",
                            (terms.match_text(terms.words),)).fetchone()[0]
    where, params = _where(conn, query, today, terms)
    return conn.execute("SELECT count(*) FROM members" + where, params).fetchone()[0]


def _filters(query: MemberQuery) -> bool:
    """Whether anything but the search narrows the query."""
    return query.dormant_only or query.reactivated_only or any(
        getattr(query, name, None) is not None
        for name in ("need", "experience", "risk_level", "value_tier", "advisor", "community",
                     "tag"))


# A search matching at most this many members is looked up and sorted (10,000 on 1,000,000
# members: 20-45 ms); one matching more reads the sort order and stops when the page is full.
SELECTIVE_MATCHES = 20_000
FEW_MATCHES = 2_000  # always looked up, whatever the words
# The stored column a sort field orders by: names by pinyin, last active by the day last
# heard from (activities included).
_SORT_COLUMNS = {"name": "name_key", "last_active_on": "last_seen_on"}


def _reading(conn: sqlite3.Connection, terms: member_search.SearchTerms) -> str:
    """How a page of this search is read (member_search.LOOKUP, WALK or SCAN). Few matches:
    look them up and sort them (a walk would pass every row before a surname's: 200-350 ms on
    1,000,000 members). Many: read the sort order; digits (tails of numbers, spread evenly
    over any order) test each row's text, which fills a page after a few hundred rows, where
    gathering 190,000 matches first took 90 ms (and counting the matches of a one-digit
    prefix, 30 ms)."""
    if terms.numbers or not terms.words:
        return member_search.LOOKUP
    if all(w.isdigit() and len(w) <= 2 for w in terms.words):
        return member_search.SCAN  # one or two digits start ~1 tail in 50: no need to count
    found = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM member_search WHERE member_search MATCH ? LIMIT ?)",
        (terms.match_text(terms.words), SELECTIVE_MATCHES + 1)).fetchone()[0]
    if found <= FEW_MATCHES:
        return member_search.LOOKUP
    if all(w.isdigit() for w in terms.words):
        return member_search.SCAN
    return member_search.LOOKUP if found <= SELECTIVE_MATCHES else member_search.WALK


def _order_by(query: MemberQuery, *, sort_matches: bool) -> str:
    direction = "DESC" if query.descending else "ASC"
    if query.sort == "id":
        return f" ORDER BY id {direction}"
    column = _SORT_COLUMNS.get(query.sort, query.sort)
    if sort_matches:  # "+": SQLite sorts what the search found instead of walking the index
        column = f"+{column}"
    return f" ORDER BY {column} {direction} NULLS LAST, id {direction}"


def page(
    conn: sqlite3.Connection, query: MemberQuery, today: date, offset: int, limit: int
) -> list[dict[str, Any]]:
    """One page of the segment in the user's order; ties broken by id so pages never overlap."""
    flags, flag_params = flag_columns(query, today)
    return [_listed(row) for row in rows(conn, query, today, offset, limit,
                                         columns=ROW_SQL + ", " + flags,
                                         column_params=flag_params)]


def rows(conn: sqlite3.Connection, query: MemberQuery, today: date, offset: int = 0,
         limit: int = -1, columns: str = ROW_SQL,
         column_params: Sequence[Any] = ()) -> sqlite3.Cursor:
    """A cursor over the segment in the user's order, as stored (`columns`: SQL of the
    values each row holds, with `column_params` for its placeholders; `id` and the
    DATA_COLUMNS by default, as `from_db` reads them). Rows are read as the cursor is
    iterated: a listing of every member never holds them all."""
    terms = member_search.parse(query.search)
    how = _reading(conn, terms)
    where, params = _where(conn, query, today, terms, how=how)
    order = _order_by(query, sort_matches=bool(terms.words or terms.numbers)
                      and how == member_search.LOOKUP)
    return conn.execute(f"SELECT {columns} FROM members" + where + order + " LIMIT ? OFFSET ?",
                        [*column_params, *params, limit, offset])


def ids(conn: sqlite3.Connection, query: MemberQuery, today: date) -> list[int]:
    where, params = _where(conn, query, today)
    return [row[0] for row in conn.execute("SELECT id FROM members" + where, params)]
