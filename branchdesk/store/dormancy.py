"""The dormant rule (沉睡客户), declared once; every list, filter, marker and count uses it.

A member was last *heard from* on the later of their latest activity and the last-active date a
roster import gave them (`members.last_seen_on`); a member with neither was last heard from on
the day they joined the roster. They are **dormant** when that day is more than `days` days
(config ``dormant_days``, default 30) before today — so a member imported today is not dormant.

An activity **reactivates** a member when the member was dormant on the day of that activity:
the last time they were heard from before it lies more than `days` days earlier (its
`gap_days`, kept by store/activities.py with `gap_sql` below). A member counts as reactivated in
the week of that activity.

Only SQL fragments live here (the store owns SQL); the services and screens ask the store.
"""

from __future__ import annotations

from datetime import date, timedelta

from branchdesk.datetimes import day_start_utc, utc_offset_minutes


def cutoff(today: date, days: int) -> date:
    """Members last heard from before this day are dormant on `today`."""
    return today - timedelta(days=days)


def joined_on(alias: str = "members") -> str:
    """SQL: the day (in the branch's time zone) a member joined the roster."""
    return f"date({alias}.created_at, '{utc_offset_minutes():+d} minutes')"


def heard_on(alias: str = "members") -> str:
    """SQL: the day a member was last heard from (see the module's docstring)."""
    return f"coalesce({alias}.last_seen_on, {joined_on(alias)})"


def dormant(today: date, days: int, alias: str = "members") -> tuple[str, list[str]]:
    """SQL condition (and its parameter): the member is dormant on `today`."""
    return f"{heard_on(alias)} < ?", [cutoff(today, days).isoformat()]


def days_asleep(today: date, alias: str = "members") -> tuple[str, list[str]]:
    """SQL: whole days since the member was last heard from."""
    return f"CAST(julianday(?) - julianday({heard_on(alias)}) AS INTEGER)", [today.isoformat()]


def woke(days: int, alias: str = "activities") -> tuple[str, list[int]]:
    """SQL condition: this activity found its member dormant (so it reactivated them)."""
    return f"{alias}.gap_days > ?", [days]


def reactivated(first: date, last: date, days: int,
                alias: str = "members") -> tuple[str, list[object]]:
    """SQL condition (and parameters): an activity on one of the days first..last
    reactivated the member."""
    woke_sql, params = woke(days, "a")
    return (f"{alias}.id IN (SELECT a.member_id FROM activities AS a"
            f" WHERE a.on_date BETWEEN ? AND ? AND {woke_sql})",
            [first.isoformat(), last.isoformat(), *params])


def reactivated_flag(first: date, last: date, days: int,
                     alias: str = "members") -> tuple[str, list[object]]:
    """The same test as `reactivated`, for one member at a time (a listing's marker): it walks
    that member's activities of those days only, where `reactivated` reads the whole week."""
    woke_sql, params = woke(days, "a")
    return (f"EXISTS (SELECT 1 FROM activities AS a WHERE a.member_id = {alias}.id"
            f" AND a.at >= ? AND a.at < ? AND {woke_sql})",
            [day_start_utc(first), day_start_utc(last + timedelta(days=1)), *params])


def gap_sql(on_date: str, previous_activity: str, imported: str, joined: str) -> str:
    """SQL: days between an activity and the last time its member was heard from before it —
    their previous activity or their imported last-active date (when before the day of this
    activity: an imported date on that very day is this contact), else the day they joined
    the roster (when not after it); NULL when none is known. Each argument is an SQL
    expression."""
    before = (f"max(coalesce({previous_activity}, ''),"
              f" CASE WHEN {imported} < {on_date} THEN {imported} ELSE '' END)")
    known = (f"CASE WHEN {before} != '' THEN {before}"
             f" WHEN {joined} <= {on_date} THEN {joined} END")
    return f"CAST(julianday({on_date}) - julianday({known}) AS INTEGER)"


def dormant_as_of(day: date, days: int, latest_activity: str,
                  alias: str = "members") -> tuple[str, list[object]]:
    """SQL condition (and parameters): the member was dormant on `day` (a past day: the weekly
    review's weeks) — the same rule as `dormant`, with what was known on that day: their latest
    activity on or before it (`latest_activity`, an SQL expression the caller computes, NULL
    when none lies between `cutoff(day, days)` and `day`), the imported last-active date if
    not after it, else the day they joined. On today it is `dormant(today, days)`.
    The caller keeps members who joined after `day` out."""
    limit, on = cutoff(day, days).isoformat(), day.isoformat()
    # the day heard from, NULL when neither an activity nor an imported date is known; each
    # part is evaluated once per member, the activity probe only when it can decide
    heard = (f"nullif(max(coalesce({latest_activity}, ''), CASE WHEN {alias}.last_active_on <= ?"
             f" THEN {alias}.last_active_on ELSE '' END), '')")
    return (f"coalesce({heard} < ?, CASE WHEN {joined_on(alias)} < ? THEN 1"
            f" ELSE EXISTS (SELECT 1 FROM activities AS x"
            f" WHERE x.member_id = {alias}.id AND x.on_date <= ?) END)",
            [on, limit, limit, on])
