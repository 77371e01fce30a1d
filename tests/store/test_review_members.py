"""The weekly review's member figures (store/review_members.py, bit masks and segments) against
the rule evaluated member by member, week by week, in plain SQL: on random small branches,
for 2, 8 and more weeks than one pass takes, for few and many dormant days, on the week that
holds today and on past weeks."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branchdesk import datetimes
from branchdesk.engagement_enums import CONTACT_KINDS
from branchdesk.member_fields import DEFAULT_TIER_THRESHOLDS
from branchdesk.services.iso_week import IsoWeek
from branchdesk.services.weekly_review import span_of
from branchdesk.store import dormancy
from branchdesk.store import members as member_rows
from branchdesk.store.database import Store
from branchdesk.store.reactivation import tier_rank
from branchdesk.store.review_members import MAX_WEEKS, MEMBER_FIGURES, member_figures

KINDS = [k.value for k in CONTACT_KINDS]
ALL_KINDS = ("chat", "call", "visit", "reply", "attendance", "other")
BASE = date(2026, 9, 1)


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("review") / "branch.db")
    yield store
    store.close()


def _fill(store: Store, seed: int, members: int, orphan: bool) -> None:
    """Members joined long ago and lately, some with an imported last-active date, and their
    activities (any kind, any gap) from well before the weeks to a few days ahead of today."""
    rng = random.Random(seed)
    conn = store.conn
    with store.transaction() as tx:
        tx.execute("DELETE FROM activities")
        tx.execute("DELETE FROM members")
        rows = [member_rows.to_db({
            "name": f"m{i}", "phone": None, "account_no": None,
            "advisor": rng.choice((None, "甲", "乙")), "needs": [], "tags": [], "communities": [],
            "extra": {}, "total_assets": rng.choice((None, 5_000, 200_000, 800_000, 4_000_000)),
            "last_active_on": rng.choice((None, BASE + timedelta(days=rng.randint(-200, 120))))})
            for i in range(members)]
        ids = member_rows.insert_many(tx, rows)
        for member_id in ids:
            joined = datetime.combine(BASE + timedelta(days=rng.choice(
                (-400, rng.randint(-60, 120)))), time(rng.randint(0, 23), 30), tzinfo=UTC)
            tx.execute("UPDATE members SET created_at = ? WHERE id = ?",
                       (joined.isoformat(timespec="seconds"), member_id))
            for _ in range(rng.choice((0, 1, 3, 8))):
                day = BASE + timedelta(days=rng.randint(-90, 125))
                tx.execute(
                    "INSERT INTO activities (member_id, kind, channel, at, on_date, staff, gap_days,"
                    " created_at) VALUES (?, ?, 'other', ?, ?, 'x', ?, ?)",
                    (member_id, rng.choice(ALL_KINDS), f"{day.isoformat()}T02:00:00+00:00",
                     day.isoformat(), rng.choice((None, 0, 3, 20, 40, 100)), "2026-01-01"))
    if orphan and ids:  # a member's row gone, their activities left (foreign keys off)
        conn.execute("PRAGMA foreign_keys = OFF")
        with store.transaction() as tx:
            tx.execute("DELETE FROM members WHERE id = ?", (ids[0],))
        conn.execute("PRAGMA foreign_keys = ON")


def _by_the_rule(conn, spans, days):
    """Per (tier, advisor) and week, each member tested on its own."""
    group = f"{tier_rank(DEFAULT_TIER_THRESHOLDS)}, coalesce(m.advisor, '')"
    kinds = ", ".join("?" * len(KINDS))
    out: dict[tuple, dict] = {}
    contacts = []
    for k, span in enumerate(spans):
        cut = dormancy.cutoff(span.as_of, days).isoformat()
        start, end = span.start.isoformat(), span.end.isoformat()
        latest = ("(SELECT max(x.on_date) FROM activities AS x WHERE x.member_id = m.id"
                  f" AND x.on_date BETWEEN '{cut}' AND '{end}')")
        asleep, asleep_params = dormancy.dormant_as_of(span.as_of, days, latest, "m")
        during = "a.member_id = m.id AND a.on_date BETWEEN ? AND ?"
        rows = conn.execute(
            f"SELECT {group}, count(*) FILTER (WHERE m.created_at < ?),"
            " count(*) FILTER (WHERE m.created_at >= ? AND m.created_at < ?),"
            f" count(*) FILTER (WHERE EXISTS (SELECT 1 FROM activities AS a WHERE {during})),"
            f" count(*) FILTER (WHERE m.created_at < ? AND {asleep}),"
            f" count(*) FILTER (WHERE EXISTS (SELECT 1 FROM activities AS a WHERE {during}"
            " AND a.gap_days > ?)),"
            f" sum((SELECT count(*) FROM activities AS a WHERE {during} AND a.kind IN ({kinds})))"
            " FROM members AS m GROUP BY 1, 2",
            [span.as_of_after_utc, span.start_utc, span.after_utc, start, end,
             span.as_of_after_utc, *asleep_params, start, end, days, start, end, *KINDS])
        week_contacts = 0
        for tier, advisor, *figures, contacted in rows:
            into = out.setdefault((tier, advisor), {})
            into.update({f"{name}_{k}": value for name, value in zip(MEMBER_FIGURES, figures, strict=True)})
            if k == len(spans) - 1:
                into["contacts"] = contacted
            week_contacts += contacted
        contacts.append(week_contacts)
    return out, contacts


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), members=st.integers(0, 25), orphan=st.booleans(),
       today=st.integers(0, 100), back=st.integers(0, 3),
       weeks=st.sampled_from((2, 8, MAX_WEEKS + 3)), days=st.sampled_from((0, 3, 30, 45)))
def test_member_figures_follow_the_rule_member_by_member(branch, seed, members, orphan, today,
                                                          back, weeks, days):
    _fill(branch, seed, members, orphan)
    day = BASE + timedelta(days=today)
    week = IsoWeek.containing(day).shift(-back)
    spans = [span_of(week.shift(k - weeks + 1), day, datetimes.branch_zone()) for k in range(weeks)]
    got = member_figures(branch.conn, spans, days, DEFAULT_TIER_THRESHOLDS, KINDS)
    expected, contacts = _by_the_rule(branch.conn, spans, days)
    assert got.contacts == contacts
    assert {(g["tier"], g["advisor"]): {k: v for k, v in g.items() if k not in ("tier", "advisor")}
            for g in got.groups} == expected
