"""Listings of the roster that stream: `branchdesk members` and `members --json` write members
as they are read, so a listing of 1,000,000 members holds a batch of them at a time, never all.

No pydantic here: what the database holds was validated when it was written. The JSON of each
member is built by SQLite (`json_object`), in C, with phones and account numbers masked unless
revealed; a table row is formatted from the stored values with labels looked up once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from branchdesk import datetimes
from branchdesk.datetimes import week_of
from branchdesk.enums import Experience, Need
from branchdesk.i18n import t
from branchdesk.member_fields import BY_NAME, FIELDS, mask_account, mask_phone
from branchdesk.member_query import MemberQuery
from branchdesk.store import audit, dormancy, member_listing, member_lookups, member_search
from branchdesk.store import members as member_rows
from branchdesk.store.database import Store

BATCH = 2000  # rows fetched and written at a time


def _stars(length_sql: str) -> str:
    """SQL: that many asterisks."""
    return f"replace(hex(zeroblob(max({length_sql}, 0))), '00', '*')"


# The masks of member_fields.py in SQL (a test holds the two together), the usual lengths
# first: a mobile number, an account number of 9 to 40 characters.
_STARS = "*" * 33
_MASKED_PHONE = (
    "CASE WHEN length(members.phone) >= 11"
    " THEN substr(members.phone, 1, 3) || '****' || substr(members.phone, -4)"
    " WHEN members.phone IS NULL OR members.phone = '' THEN NULL"
    f" ELSE {_stars('length(members.phone) - 2')} || substr(members.phone, -2) END")
_MASKED_ACCOUNT = (
    "CASE WHEN length(members.account_no) BETWEEN 9 AND 40 THEN substr(members.account_no, 1, 3)"
    f" || substr('{_STARS}', 1, length(members.account_no) - 7) || substr(members.account_no, -4)"
    " WHEN members.account_no IS NULL OR members.account_no = '' THEN NULL"
    " WHEN length(members.account_no) > 40 THEN substr(members.account_no, 1, 3)"
    f" || {_stars('length(members.account_no) - 7')} || substr(members.account_no, -4)"
    f" ELSE {_stars('length(members.account_no) - 2')} || substr(members.account_no, -2) END")


def _tier(query: MemberQuery) -> str:
    """SQL: the asset tier of member_fields.value_tier_for."""
    silver, gold, diamond = (repr(float(x)) for x in query.tier_thresholds)
    return (f"CASE WHEN members.total_assets IS NULL THEN NULL"
            f" WHEN members.total_assets >= {diamond} THEN 'diamond'"
            f" WHEN members.total_assets >= {gold} THEN 'gold'"
            f" WHEN members.total_assets >= {silver} THEN 'silver' ELSE 'basic' END")


def _json_value(name: str, kind: str, reveal: bool) -> str:
    if name == "last_active_on":  # the day last heard from, activities included
        return "members.last_seen_on"
    if BY_NAME[name].sensitive and not reveal:  # masked by its kind (member_fields)
        return _MASKED_PHONE if kind == "phone" else _MASKED_ACCOUNT
    if kind == "words":
        return (f"json(CASE WHEN json_valid(members.{name}) THEN members.{name}"
                " ELSE '[]' END)")
    if kind == "extra":
        return (f"json(CASE WHEN json_valid(members.{name}) THEN members.{name}"
                " ELSE '{}' END)")
    return f"members.{name}"


def json_sql(query: MemberQuery, reveal: bool, today: date) -> tuple[str, list]:
    """SQL of one member as the JSON object `members --json` prints, with its parameters:
    every field in the declared order, the asset tier after the total, phone and account
    masked unless revealed, and whether the member is dormant and reactivated this week."""
    pairs = ["'id', members.id"]
    for field in FIELDS:
        pairs.append(f"'{field.name}', {_json_value(field.name, field.kind, reveal)}")
        if field.name == "total_assets":
            pairs.append(f"'value_tier', {_tier(query)}")
    dormant, dormant_params = dormancy.dormant(today, query.dormant_days)
    woke, woke_params = dormancy.reactivated_flag(*week_of(today), query.dormant_days)
    pairs.append(f"'dormant', json(CASE WHEN ({dormant}) THEN 'true' ELSE 'false' END)")
    pairs.append(f"'reactivated', json(CASE WHEN ({woke}) THEN 'true' ELSE 'false' END)")
    return "json_object(" + ", ".join(pairs) + ")", [*dormant_params, *woke_params]


def json_batches(store: Store, query: MemberQuery, *, reveal: bool = False,
                 limit: int | None = None, today: date | None = None) -> Iterator[list[str]]:
    """The members of the query as JSON texts, a batch at a time."""
    today = today or datetimes.today()
    columns, params = json_sql(query, reveal, today)
    rows = member_listing.rows(store.conn, query, today, 0, -1 if limit is None else limit,
                            columns=columns, column_params=params)
    while batch := rows.fetchmany(BATCH):
        yield [text for (text,) in batch]


_TABLE_COLUMNS = ("name", "phone", "account_no", "risk_level", "experience", "needs", "advisor",
                  "last_active_on")
_TABLE_SQL = ", ".join("last_seen_on" if c == "last_active_on" else c for c in _TABLE_COLUMNS)


def table_headers() -> list[str]:
    return [t(f"roster_fields.field.{c}") for c in _TABLE_COLUMNS]


def table_rows(store: Store, query: MemberQuery, *, reveal: bool = False,
               limit: int | None = None, today: date | None = None) -> Iterator[list[list[str]]]:
    """The members of the query as table cells (the columns of `table_headers`), a batch at
    a time; phones and account numbers masked unless revealed."""
    experience = {e.value: e.label() for e in Experience}
    need_labels = {n.value: n.label() for n in Need}
    needs_text: dict[str | None, str] = {}

    def needs(stored: str | None) -> str:
        text = needs_text.get(stored)
        if text is None:
            codes = member_rows.decode_list(stored)
            text = needs_text[stored] = "/".join(need_labels.get(c, c) for c in codes)
        return text

    phone = (lambda p: p or "") if reveal else mask_phone
    account = (lambda a: a or "") if reveal else mask_account
    rows = member_listing.rows(store.conn, query, today or datetimes.today(), 0,
                            -1 if limit is None else limit, columns=_TABLE_SQL)
    while batch := rows.fetchmany(BATCH):
        yield [[name, phone(ph), account(acc), risk or "", experience.get(exp, exp or ""),
                needs(need), advisor or "", last or ""]
               for name, ph, acc, risk, exp, need, advisor, last in batch]


def count(store: Store, query: MemberQuery, today: date | None = None) -> int:
    return member_listing.count(store.conn, query, today or datetimes.today())


def total(store: Store) -> int:
    return member_rows.total(store.conn)


def names_numbers(query: MemberQuery) -> bool:
    """Whether the query's search names numbers (a look-up that `audit_number_search` may
    record, so the listing needs to write)."""
    return bool(member_search.parse(query.search).numbers)


def audit_number_search(store: Store, operator: str, query: MemberQuery) -> bool:
    """A search that names a whole phone number, or a member's whole account number, is a
    look-up of personal data: audited like a reveal (who, which members it found). The audit
    row holds the number masked, never in clear. True when a row was written."""
    numbers = member_search.parse(query.search).numbers
    if not numbers:
        return False
    with store.transaction() as conn:
        found = member_lookups.members_by_number(conn, numbers)
        named = [n for n in numbers if member_search.is_whole_mobile(n) or found.get(n)]
        if not named:
            return False
        audit.append(conn, operator=operator, action="members.search_number", entity="member",
                     after={"numbers": [mask_phone(n) if member_search.is_whole_mobile(n)
                                        else mask_account(n) for n in named],
                            "found": sorted({i for n in named for i in found.get(n, ())})})
    return True


def record_reveal(store: Store, operator: str, count: int, query: MemberQuery) -> None:
    """A listing with full phone and account numbers (`members --reveal`) is audited like a
    card reveal, before anything is shown."""
    with store.transaction() as conn:
        audit.append(conn, operator=operator, action="members.reveal_phones", entity="member",
                     after={"count": count, "query": logged_query(query)})


def logged_query(query: MemberQuery) -> dict:
    """A query as an audit row keeps it: whole numbers in its search masked."""
    data = query.to_json()
    search = data.get("search")
    if isinstance(search, str):
        for number in member_search.parse(search).numbers:
            masked = mask_phone(number) if member_search.is_whole_mobile(number) \
                else mask_account(number)
            search = search.replace(number, masked)
        data["search"] = search
    return data
