"""The weekly review's member figures (周报: on the roster, new, active, dormant, reactivated,
contacts) for a run of weeks, in two passes whatever the number of weeks.

The days read — from the earliest dormant cut-off of the weeks (or the first week's first day)
to the last day — are cut into *segments* at every day a figure changes its mind: each week's
first day, the day after its last and its dormant cut-off. A segment lies wholly inside or
outside each week and each "heard from since the cut-off" window, so each activity's day maps
(a binary search over the segment bounds) to three masks of a bit per week: the week it is in,
the weeks it keeps its member awake in, the weeks whose last day knows of it.

1. The activities of those days are read once, through the activity-day index, into one row
   per member: their masks OR-ed together as they are read (an upsert, no sort), the weeks an
   activity woke them, their contacts of the last week.
2. The members are read once: each becomes one key — tier and five week masks (on the roster,
   joined, active, dormant, woke) — counted per advisor and key in a small keyed table as they
   are read (no sort of 100,000 rows); the keys' bits are then summed per tier and advisor.

The dormant rule is store/dormancy.py's `dormant_as_of`, taken as it is for members who joined
within the weeks' reach. For everyone else (nearly everyone) it reduces to: dormant on a day when
neither an activity nor the imported last-active date falls between its cut-off and the day
(an activity up to the week's last day, as `dormant_as_of`'s caller gives it): one test per week
on the member's masks and date. tests/store/test_review_members.py checks that on random
branches against the rule evaluated member by member.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from branchdesk.store import dormancy
from branchdesk.store.reactivation import tier_rank

if TYPE_CHECKING:
    from branchdesk.store.weekly_review import Span

MEMBER_FIGURES = ("total", "new", "active", "dormant", "reactivated")  # the masks' order
# weeks per pass: a member's five masks of a bit per week and their tier must fit one integer
MAX_WEEKS = 12


@dataclass(frozen=True)
class MemberRows:
    """`groups`: per (tier rank, advisor) a dict of `tier`, `advisor`, for each week k (oldest
    first) the figures `<name>_<k>` of MEMBER_FIGURES, and `contacts` (logged in the last week
    with those members). `contacts`: contacts logged in each week with members on the roster."""

    groups: list[dict[str, Any]]
    contacts: list[int]


def member_figures(conn: sqlite3.Connection, spans: Sequence[Span], days: int,
                   thresholds: tuple[float, float, float],
                   contact_kinds: Sequence[str]) -> MemberRows:
    if len(spans) > MAX_WEEKS:
        return _merge([member_figures(conn, spans[i:i + MAX_WEEKS], days, thresholds, contact_kinds)
                       for i in range(0, len(spans), MAX_WEEKS)])
    weeks = _Weeks(spans, days)
    n = len(spans)
    params: dict[str, Any] = {"first": weeks.first.isoformat(), "last": weeks.last.isoformat(),
                              "days": days, "last_week": spans[-1].start.isoformat()}
    params.update({f"b{i}": day.isoformat() for i, day in enumerate(weeks.bounds)})
    kinds = ", ".join(f":kind{i}" for i in range(len(contact_kinds)))
    params.update({f"kind{i}": kind for i, kind in enumerate(contact_kinds)})
    woke = dormancy.woke(days, "a")[0].replace("?", ":days")
    # per segment: the weeks it is in, the weeks it keeps a member awake in, the weeks whose
    # as_of day knows of it — three masks of n bits in one integer
    packed = [active | awake << n | known << 2 * n for active, awake, known in zip(
        weeks.segment_weeks(weeks.week_bits), weeks.segment_weeks(weeks.awake_bits),
        weeks.segment_weeks(weeks.known_bits), strict=True)]
    active = [bits & ((1 << n) - 1) for bits in packed]
    conn.execute("DROP TABLE IF EXISTS temp.review_members")
    # scratch, in memory (so this works on a read-only database): one row per member with an
    # activity in the days read, their masks OR-ed together as the activities are read in
    conn.execute("CREATE TEMP TABLE review_members (member_id INTEGER PRIMARY KEY,"
                 " bits INTEGER NOT NULL, woke INTEGER NOT NULL, contacts INTEGER NOT NULL)")
    try:
        conn.execute(
            f"INSERT INTO temp.review_members (member_id, bits, woke, contacts)"
            f" SELECT a.member_id, {_lookup('a.on_date', packed)},"
            f" CASE WHEN {woke} THEN {_lookup('a.on_date', active)} ELSE 0 END,"
            f" a.kind IN ({kinds}) AND a.on_date >= :last_week"
            " FROM activities AS a WHERE a.on_date BETWEEN :first AND :last"
            " ON CONFLICT (member_id) DO UPDATE SET bits = bits | excluded.bits,"
            " woke = woke | excluded.woke, contacts = contacts + excluded.contacts", params)
        groups, found = _count_members(conn, weeks, spans, days, thresholds)
        gone = found < conn.execute("SELECT count(*) FROM temp.review_members").fetchone()[0]
        contacts = _contacts(conn, weeks, params, kinds, gone)
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.review_members")
    return MemberRows(groups, contacts)


class _Weeks:
    """The segments of the days read, and each week's segments as bit masks."""

    def __init__(self, spans: Sequence[Span], days: int) -> None:
        cutoffs = [dormancy.cutoff(s.as_of, days) for s in spans]
        self.cutoffs, self.earliest_cutoff = cutoffs, min(cutoffs)
        # the days read: from the earliest cut-off (or first day, for fewer dormant days than
        # a week has) to the last day
        self.first = min(self.earliest_cutoff, min(s.start for s in spans))
        self.last = max(s.end for s in spans)
        # bounds[i] is the first day of segment i; the last bound is the day after the last
        self.bounds = sorted({self.first, self.last + timedelta(days=1),
                              *(c for c in cutoffs if c > self.first),
                              *(s.start for s in spans if self.first < s.start <= self.last),
                              *(s.end + timedelta(days=1) for s in spans)})
        self.week_bits = [self.bits(s.start, s.end) for s in spans]
        # an activity on these days keeps the member awake on the week's as_of day
        self.awake_bits = [self.bits(c, s.end) for c, s in zip(cutoffs, spans, strict=True)]
        # an activity on these days is known on that day (`dormant_as_of`'s latest activity)
        self.known_bits = [self.bits(self.first, s.end) for s in spans]

    def bits(self, first: date, last: date) -> int:
        """The segments of the days first..last (each wholly inside or outside them)."""
        out = 0
        for i, (begin, after) in enumerate(zip(self.bounds, self.bounds[1:], strict=False)):
            if first <= begin and after - timedelta(days=1) <= last:
                out |= 1 << i
        return out

    def segment_weeks(self, per_week: Sequence[int]) -> list[int]:
        """Per segment: the weeks k whose per_week[k] holds it, as bits."""
        return [sum(1 << k for k, bits in enumerate(per_week) if bits >> i & 1)
                for i in range(len(self.bounds) - 1)]

    def segment(self, day: date) -> int:
        return bisect_right(self.bounds, day) - 1


def _lookup(column: str, values: Sequence[int]) -> str:
    """SQL: values[i] for the segment i of a day in first..last — a binary search over the
    bounds :b1.. (a few comparisons per activity, however many weeks)."""
    def search(low: int, high: int) -> str:  # the day lies in segments low..high
        if low == high:
            return str(values[low])
        middle = (low + high + 1) // 2
        return (f"CASE WHEN {column} < :b{middle} THEN {search(low, middle - 1)}"
                f" ELSE {search(middle, high)} END")

    return search(0, len(values) - 1)


def _count_members(conn: sqlite3.Connection, weeks: _Weeks, spans: Sequence[Span], days: int,
                   thresholds: tuple[float, float, float]) -> tuple[list[dict[str, Any]], int]:
    """The groups of MemberRows, and how many members with an activity were found on the
    roster."""
    n = len(spans)
    full = (1 << n) - 1
    params: dict[str, Any] = {}
    for k, span in enumerate(spans):
        params.update({f"su{k}": span.start_utc, f"eu{k}": span.after_utc,
                       f"au{k}": span.as_of_after_utc, f"d{k}": span.as_of.isoformat(),
                       f"c{k}": weeks.cutoffs[k].isoformat()})
    params.update(au_min=min(s.as_of_after_utc for s in spans),
                  su_min=min(s.start_utc for s in spans),
                  c_min=weeks.earliest_cutoff.isoformat(),
                  d_max=max(s.as_of for s in spans).isoformat(),
                  # joined (in any time zone) more than a day before the first cut-off
                  settled=f"{(weeks.earliest_cutoff - timedelta(days=2)).isoformat()}T00:00:00+00:00")
    counted = " | ".join(f"((m.created_at < :au{k}) << {k})" for k in range(n))
    joined = " | ".join(f"((m.created_at >= :su{k} AND m.created_at < :eu{k}) << {k})"
                        for k in range(n))
    imported = " | ".join(f"((m.last_active_on BETWEEN :c{k} AND :d{k}) << {k})" for k in range(n))
    # members who joined before the first cut-off: dormant unless heard from since the cut-off
    settled = (f"({full} & ~((coalesce(r.bits, 0) >> {n}) | CASE WHEN m.last_active_on IS NULL"
               f" OR m.last_active_on < :c_min OR m.last_active_on > :d_max THEN 0"
               f" ELSE {imported} END))")
    # everyone else: the rule as it is, given the day of an activity known by then (any day
    # on or after the cut-off when one falls there, else any day before it)
    recent: list[str] = []
    for k in range(n):
        latest = (f"CASE WHEN r.bits & {1 << (n + k)} THEN :c{k}"
                  f" WHEN r.bits & {1 << (2 * n + k)} THEN :before{k} END")
        params[f"before{k}"] = (weeks.cutoffs[k] - timedelta(days=1)).isoformat()
        asleep, asleep_params = dormancy.dormant_as_of(spans[k].as_of, days, latest, "m")
        for index, value in enumerate(asleep_params):
            params[f"x{k}_{index}"] = value
            asleep = asleep.replace("?", f":x{k}_{index}", 1)
        recent.append(f"((m.created_at < :au{k} AND {asleep}) << {k})")
    # each member as one key: tier rank (+1: three bits), then the five masks of n bits in
    # MEMBER_FIGURES' order; members counted per advisor and distinct key (a few thousand) in
    # a small table as they are read (cheaper than sorting them), whose bits are then summed
    # per tier and advisor
    masks = [f"CASE WHEN m.created_at < :au_min THEN {full} ELSE {counted} END",
             f"CASE WHEN m.created_at < :su_min THEN 0 ELSE {joined} END",
             f"coalesce(r.bits & {full}, 0)",
             f"CASE WHEN m.created_at < :settled THEN {settled} ELSE {' | '.join(recent)} END",
             "coalesce(r.woke, 0)"]
    key = " | ".join([f"({tier_rank(thresholds)} + 1)",
                      *(f"(({mask}) << {3 + i * n})" for i, mask in enumerate(masks))])
    per_week = ", ".join(f"sum(n * (key >> {3 + i * n + k} & 1))" for i in range(len(masks))
                         for k in range(n))
    conn.execute("DROP TABLE IF EXISTS temp.review_groups")
    conn.execute("CREATE TEMP TABLE review_groups (advisor TEXT NOT NULL, key INTEGER NOT NULL,"
                 " n INTEGER NOT NULL, contacts INTEGER NOT NULL, found INTEGER NOT NULL,"
                 " PRIMARY KEY (advisor, key)) WITHOUT ROWID")
    try:
        conn.execute(
            f"INSERT INTO temp.review_groups SELECT coalesce(m.advisor, ''), {key}, 1,"
            " coalesce(r.contacts, 0), r.member_id IS NOT NULL"
            " FROM members AS m LEFT JOIN temp.review_members AS r ON r.member_id = m.id"
            " WHERE true ON CONFLICT (advisor, key) DO UPDATE SET n = n + 1,"
            " contacts = contacts + excluded.contacts, found = found + excluded.found", params)
        rows = conn.execute(
            f"SELECT (key & 7) - 1 AS tier, advisor, {per_week}, sum(contacts), sum(found)"
            " FROM temp.review_groups GROUP BY 1, 2").fetchall()
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.review_groups")
    names = [f"{name}_{k}" for name in MEMBER_FIGURES for k in range(n)]
    return ([{"tier": row[0], "advisor": row[1], **dict(zip(names, row[2:-2], strict=True)),
              "contacts": row[-2]} for row in rows], sum(row[-1] for row in rows))


def _contacts(conn: sqlite3.Connection, weeks: _Weeks, params: dict[str, Any], kinds: str,
              gone: bool) -> list[int]:
    """Contacts logged in each week with members on the roster: per day through the activity
    index, less those of members no longer there (`gone`: some are not; none are, unless a
    member's row was removed without their activities)."""
    per_day = f"a.on_date BETWEEN :first AND :last AND a.kind IN ({kinds}) GROUP BY a.on_date"
    counts = conn.execute(f"SELECT a.on_date, count(*) FROM activities AS a WHERE {per_day}",
                          params).fetchall()
    if gone:
        for (member_id,) in conn.execute(
                "SELECT r.member_id FROM temp.review_members AS r"
                " WHERE NOT EXISTS (SELECT 1 FROM members AS m WHERE m.id = r.member_id)").fetchall():
            counts += [(day, -count) for day, count in conn.execute(
                f"SELECT a.on_date, count(*) FROM activities AS a WHERE a.member_id = :member AND"
                f" {per_day}", {**params, "member": member_id})]
    per_segment = [0] * (len(weeks.bounds) - 1)
    for day, count in counts:
        per_segment[weeks.segment(date.fromisoformat(day))] += count
    return [sum(count for seg, count in enumerate(per_segment) if bits >> seg & 1)
            for bits in weeks.week_bits]


def _merge(parts: list[MemberRows]) -> MemberRows:
    """Runs of weeks computed apart, as one (the advisors' contacts are the last week's)."""
    out: dict[tuple[int, str], dict[str, Any]] = {}
    weeks = 0
    for index, part in enumerate(parts):
        count = len(part.contacts)
        for group in part.groups:
            into = out.setdefault((group["tier"], group["advisor"]),
                                  {"tier": group["tier"], "advisor": group["advisor"], "contacts": 0})
            for k in range(count):
                for name in MEMBER_FIGURES:
                    into[f"{name}_{weeks + k}"] = group[f"{name}_{k}"]
            if index == len(parts) - 1:
                into["contacts"] = group["contacts"]
        weeks += count
    for into in out.values():
        for k in range(weeks):
            for name in MEMBER_FIGURES:
                into.setdefault(f"{name}_{k}", 0)
    return MemberRows(list(out.values()), [c for part in parts for c in part.contacts])
