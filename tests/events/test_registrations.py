"""Invitations behind the suitability gate, the waitlist, the door, no-shows, last active."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from event_support import NOW, TZ

from branchdesk.errors import UserError
from branchdesk.models import MemberQuery
from branchdesk.services import events, registrations, roster
from branchdesk.store import audit


def members_at(store, risk: str | None, count: int) -> list[int]:
    if risk is None:
        rows = store.conn.execute("SELECT id FROM members WHERE risk_level IS NULL LIMIT ?", (count,))
    else:
        rows = store.conn.execute("SELECT id FROM members WHERE risk_level = ? ORDER BY id LIMIT ?",
                                  (risk, count))
    return [row[0] for row in rows]


def state_of(store, event_id: int, member_id: int) -> str | None:
    row = store.conn.execute("SELECT state FROM registrations WHERE event_id = ? AND member_id = ?",
                             (event_id, member_id)).fetchone()
    return row[0] if row else None


def test_the_gate_leaves_out_members_the_product_does_not_suit(demo_store, make_event):
    event = make_event(product_risk="R3")
    query = MemberQuery(community="解套互助群")
    result = registrations.invite(demo_store, "李娜", event.id, query, today=NOW.date(), now=NOW)
    levels = dict(demo_store.conn.execute("SELECT id, risk_level FROM members").fetchall())
    assert result.unsuitable and result.invited
    assert all(levels[i] in ("C4", "C5", "C3") for i in result.invited)
    assert all(levels[i] in ("C1", "C2", None) for i in result.unsuitable)
    assert result.matched == roster.count_members(demo_store, query, NOW.date())
    assert all(state_of(demo_store, event.id, i) is None for i in result.unsuitable)
    # Again: everyone already invited is left as they were; the unsuitable still left out.
    again = registrations.invite(demo_store, "李娜", event.id, query, today=NOW.date(), now=NOW)
    assert again.invited == [] and len(again.already) == len(result.invited)


def test_staff_may_include_unsuitable_members_with_a_reason(demo_store, make_event):
    event = make_event(product_risk="R5")
    query = MemberQuery(risk_level="C2")
    result = registrations.invite(demo_store, "李娜", event.id, query, today=NOW.date(), now=NOW,
                                  include_unsuitable="只介绍市场观点，不推介产品")
    assert result.included_unsuitable == result.invited and result.unsuitable == []
    row = demo_store.conn.execute(
        "SELECT after FROM audit_log WHERE action = 'event.invite'").fetchone()
    assert "只介绍市场观点" in row[0]


def test_a_dry_run_counts_and_writes_nothing(demo_store, make_event):
    event = make_event(product_risk="R4")
    result = registrations.invite(demo_store, "李娜", event.id, MemberQuery(), dry_run=True,
                                  today=NOW.date(), now=NOW)
    assert result.matched == 200 and len(result.invited) + len(result.unsuitable) == 200
    assert demo_store.conn.execute("SELECT count(*) FROM registrations").fetchone()[0] == 0


def test_the_unsuitable_register_only_with_a_reason(demo_store, make_event):
    event = make_event(product_risk="R4")
    [cautious] = members_at(demo_store, "C2", 1)
    with pytest.raises(UserError) as caught:
        registrations.register(demo_store, "李娜", event.id, cautious, now=NOW)
    assert caught.value.key == "events.unsuitable_member"
    done = registrations.register(demo_store, "李娜", event.id, cautious, now=NOW,
                                  include_unsuitable="客户坚持参加，已当面提示风险")
    assert done.state.value == "registered"


def test_waitlist_promotion_in_order_skipping_the_unsuitable(demo_store, make_event):
    event = make_event(capacity=2, product_risk="R3")
    seated = members_at(demo_store, "C4", 2)
    first, second = members_at(demo_store, "C3", 2)
    [low] = members_at(demo_store, "C1", 1)
    for member_id in seated:
        registrations.register(demo_store, "李娜", event.id, member_id, now=NOW)
    registrations.register(demo_store, "李娜", event.id, low, now=NOW,
                           include_unsuitable="x")  # joins first, but only with a reason
    demo_store.conn.execute("UPDATE registrations SET unsuitable_reason = NULL WHERE member_id = ?",
                            (low,))  # e.g. the reason was withdrawn: now unsuitable
    assert registrations.register(demo_store, "李娜", event.id, first, now=NOW).position == 2
    assert registrations.register(demo_store, "李娜", event.id, second, now=NOW).position == 3
    cancelled = registrations.cancel_registration(demo_store, "李娜", event.id, seated[0], now=NOW)
    assert [m["member_id"] for m in cancelled.promoted] == [first]
    assert state_of(demo_store, event.id, low) == "waitlisted"
    assert [m["member_id"] for m in registrations.moved_up(demo_store, event.id)] == [first]
    # Cancelling from the waitlist frees no seat: nobody moves.
    assert registrations.cancel_registration(demo_store, "李娜", event.id, second,
                                             now=NOW).promoted == []
    assert audit.verify(demo_store.conn).ok


def test_raising_the_capacity_moves_the_waitlist_up(demo_store, make_event):
    event = make_event(capacity=1)
    for member_id in (1, 2, 3):
        registrations.register(demo_store, "李娜", event.id, member_id, now=NOW)
    saved = events.update_event(demo_store, "李娜", event.id, {"capacity": 3}, tz=TZ, now=NOW)
    assert [m["member_id"] for m in saved.promoted] == [2, 3]


def test_registering_twice_or_cancelling_an_attendance_is_refused(demo_store, make_event):
    event = make_event()
    registrations.register(demo_store, "李娜", event.id, 5, now=NOW)
    with pytest.raises(UserError):
        registrations.register(demo_store, "李娜", event.id, 5, now=NOW)
    registrations.check_in(demo_store, "李娜", event.id, 5, tz=TZ, now=event.start)
    with pytest.raises(UserError) as caught:
        registrations.cancel_registration(demo_store, "李娜", event.id, 5, now=NOW)
    assert caught.value.key == "events.cannot_cancel"


def phone_of(store, member_id: int) -> str:
    return store.conn.execute("SELECT phone FROM members WHERE id = ?", (member_id,)).fetchone()[0]


def test_door_one_match_checks_in_at_once_and_a_repeat_changes_nothing(demo_store, make_event):
    event = make_event()
    registrations.register(demo_store, "李娜", event.id, 7, now=NOW)
    tail = phone_of(demo_store, 7)[-4:]
    found = registrations.door(demo_store, "门口", event.id, tail, tz=TZ, now=event.start)
    assert found.checked_in and found.checked_in.member_id == 7 and not found.checked_in.already
    assert "****" in found.checked_in.phone
    again = registrations.door(demo_store, "门口", event.id, tail, tz=TZ, now=event.start)
    assert again.checked_in.already
    assert demo_store.conn.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'registration.checkin'").fetchone()[0] == 1


def test_door_several_matches_are_listed_masked(demo_store, make_event):
    event = make_event()
    surname = demo_store.conn.execute(
        "SELECT substr(name, 1, 1) AS s FROM members GROUP BY s HAVING count(*) >= 2 LIMIT 1"
    ).fetchone()[0]
    ids = [r[0] for r in demo_store.conn.execute(
        "SELECT id FROM members WHERE name LIKE ? LIMIT 2", (surname + "%",))]
    for member_id in ids:
        registrations.register(demo_store, "李娜", event.id, member_id, now=NOW)
    found = registrations.door(demo_store, "门口", event.id, surname, tz=TZ, now=event.start)
    assert found.checked_in is None and {m["member_id"] for m in found.matches} >= set(ids)
    assert all("****" in m["phone"] for m in found.matches)
    assert all(state_of(demo_store, event.id, i) == "registered" for i in ids)


def test_walk_in_joins_the_roster_and_is_checked_in(demo_store, make_event):
    event = make_event()
    total = roster.total_members(demo_store)
    done = registrations.walk_in(demo_store, "门口", event.id, "新来宾", "139 0000 1111", tz=TZ,
                                 now=event.start)
    assert done.walk_in and roster.total_members(demo_store) == total + 1
    member = roster.get_member(demo_store, done.member_id)
    assert member.phone == "13900001111" and last_seen(demo_store, done.member_id) == event.start.date()
    actions = [r[0] for r in demo_store.conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-2:] == ["member.create", "registration.checkin"]
    with pytest.raises(UserError):
        registrations.walk_in(demo_store, "门口", event.id, "坏号码", "12345", tz=TZ,
                              now=event.start)
    assert roster.total_members(demo_store) == total + 1


def last_seen(store, member_id: int) -> date | None:
    """The day the roster shows as last active: the later of the imported date and the
    member's latest activity (an attendance is one)."""
    [seen] = store.conn.execute("SELECT last_seen_on FROM members WHERE id = ?", (member_id,)).fetchone()
    return date.fromisoformat(seen) if seen else None


def test_undo_puts_back_the_state_and_the_last_active_date(demo_store, make_event):
    event = make_event()
    demo_store.conn.execute("UPDATE members SET last_active_on = '2026-10-01' WHERE id = 9")
    [before] = demo_store.conn.execute("SELECT last_activity_on FROM members WHERE id = 9").fetchone()
    last_activity_before = date.fromisoformat(before) if before else date.min
    registrations.register(demo_store, "李娜", event.id, 9, now=NOW)
    registrations.check_in(demo_store, "门口", event.id, 9, tz=TZ, now=event.start)
    assert last_seen(demo_store, 9) == event.start.date()
    kinds = [r[0] for r in demo_store.conn.execute(
        "SELECT kind FROM activities WHERE member_id = 9 AND source = ?", (f"event:{event.id}",))]
    assert kinds == ["attendance"]
    registrations.undo_check_in(demo_store, "门口", event.id, 9, tz=TZ)
    assert state_of(demo_store, event.id, 9) == "registered"
    assert last_seen(demo_store, 9) == max(date(2026, 10, 1), last_activity_before)
    with pytest.raises(UserError):
        registrations.undo_check_in(demo_store, "门口", event.id, 9, tz=TZ)


def test_last_active_never_moves_backwards(demo_store, make_event):
    event = make_event()
    later = NOW.date() + timedelta(days=20)
    demo_store.conn.execute("UPDATE members SET last_active_on = ? WHERE id = 11",
                            (later.isoformat(),))
    registrations.check_in(demo_store, "门口", event.id, 11, tz=TZ, now=event.start)
    assert last_seen(demo_store, 11) == later


def test_closing_marks_the_registered_who_did_not_come(demo_store, make_event):
    event = make_event()
    for member_id in (1, 2, 3):
        registrations.register(demo_store, "李娜", event.id, member_id, now=NOW)
    registrations.invite(demo_store, "李娜", event.id, MemberQuery(search="4"), today=NOW.date(),
                         now=NOW)
    registrations.check_in(demo_store, "门口", event.id, 2, tz=TZ, now=event.start)
    with pytest.raises(UserError) as caught:
        events.close_event(demo_store, "李娜", event.id, now=NOW)
    assert caught.value.key == "events.not_started"
    closed, no_shows = events.close_event(demo_store, "李娜", event.id, now=event.end)
    assert sorted(no_shows) == [1, 3] and closed.counts["attended"] == 1
    assert closed.status(event.end).value == "done"
    with pytest.raises(UserError):
        registrations.check_in(demo_store, "门口", event.id, 1, tz=TZ, now=event.end)


def test_member_references_as_scripts_pass_them(demo_store):
    account, phone = demo_store.conn.execute(
        "SELECT account_no, phone FROM members WHERE id = 12").fetchone()
    assert registrations.find_member(demo_store, account) == 12
    assert registrations.find_member(demo_store, phone) == 12
    assert registrations.find_member(demo_store, "12") == 12
    with pytest.raises(UserError):
        registrations.find_member(demo_store, "99999")


def test_the_door_opens_two_hours_before_and_shuts_at_the_end_of_the_day(demo_store, make_event):
    event = make_event()  # Saturday 12-05 14:00–16:00
    registrations.register(demo_store, "李娜", event.id, 7, now=NOW)
    with pytest.raises(UserError) as caught:  # on Wednesday
        registrations.check_in(demo_store, "门口", event.id, 7, tz=TZ, now=NOW)
    assert caught.value.key == "event_clock.door_not_open"
    assert "12-05" in caught.value.message and "12:00" in caught.value.message
    with pytest.raises(UserError):
        registrations.door(demo_store, "门口", event.id, "7", tz=TZ, now=event.start - timedelta(
            hours=2, minutes=1))
    with pytest.raises(UserError) as caught:  # Sunday morning
        registrations.check_in(demo_store, "门口", event.id, 7, tz=TZ,
                               now=event.start + timedelta(hours=19))
    assert caught.value.key == "event_clock.door_over"
    assert state_of(demo_store, event.id, 7) == "registered"
    late_evening = event.start + timedelta(hours=9, minutes=59)  # 23:59 the same day
    assert not registrations.check_in(demo_store, "门口", event.id, 7, tz=TZ,
                                      now=late_evening).already


def test_an_event_is_closed_only_after_it_ends(demo_store, make_event):
    event = make_event()
    registrations.register(demo_store, "李娜", event.id, 3, now=NOW)
    with pytest.raises(UserError) as caught:
        events.close_event(demo_store, "李娜", event.id, now=event.start + timedelta(hours=1))
    assert caught.value.key == "event_clock.not_ended"
    assert "16:00" in caught.value.message and "close it after it ends" in caught.value.message
    assert state_of(demo_store, event.id, 3) == "registered"


def test_the_card_and_events_show_list_people_by_pinyin(demo_store, make_event):
    """丁 (ding), 安 (an), 张 (zhang): by code point 丁 安 张; a person reads 安 丁 张."""
    event = make_event()
    ids = members_at(demo_store, "C5", 3)
    for member_id, name in zip(ids, ("丁一", "张三", "安娜"), strict=True):
        roster.update_member(demo_store, "李娜", member_id, {"name": name})
        registrations.register(demo_store, "李娜", event.id, member_id, now=NOW)
    listed = [row["name"] for row in registrations.registrations(demo_store, event.id)]
    assert listed == ["安娜", "丁一", "张三"]


def test_who_moves_up_is_named_only_when_a_seat_would_be_free(demo_store, make_event):
    """The card's question on cancelling a place names who moves up — nobody when the event
    stays full without that seat (more seated than its capacity: walk-ins at the door)."""
    from branchdesk.services import waitlist

    event = make_event(capacity=3)
    for member_id in (1, 2, 3, 4):
        registrations.register(demo_store, "李娜", event.id, member_id, now=NOW)
    assert waitlist.next_up(demo_store, event.id)["member_id"] == 4
    demo_store.conn.execute("UPDATE events SET capacity = 1 WHERE id = ?", (event.id,))
    assert waitlist.next_up(demo_store, event.id) is None
    cancelled = registrations.cancel_registration(demo_store, "李娜", event.id, 1, now=NOW)
    assert cancelled.promoted == []  # as the question said
