"""Scheduling: conflicts, series and one-occurrence changes, bad values, cancel and close."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from event_support import NOW, TZ, at

from branchdesk.errors import UserError
from branchdesk.services import events
from branchdesk.store import audit


def salon(**values):
    begin = at(values.pop("start", "12-05 14:00"))
    return {"kind": "salon", "title": "新品沙龙", "start": begin,
            "end": begin + timedelta(hours=values.pop("hours", 2)), "room": "301",
            "capacity": 20, **values}


def count_events(store) -> int:
    return store.conn.execute("SELECT count(*) FROM events").fetchone()[0]


def test_a_booked_room_refuses_naming_the_other_event(demo_store, make_event):
    first = make_event("价值投资沙龙")
    with pytest.raises(UserError) as caught:
        events.create_events(demo_store, "李娜", salon(start="12-05 15:00"), tz=TZ, now=NOW)
    assert f"#{first.id}" in caught.value.message and "价值投资沙龙" in caught.value.message
    assert count_events(demo_store) == 1


def test_a_booked_speaker_refuses_even_in_another_room(demo_store, make_event):
    make_event("A", speaker="周明远")
    with pytest.raises(UserError) as caught:
        events.create_events(demo_store, "李娜", salon(room="502", speaker=" 周明远 "), tz=TZ, now=NOW)
    assert caught.value.key == "events.conflict_speaker"


def test_touching_intervals_pass(demo_store, make_event):
    make_event("A", speaker="周明远")
    after = events.create_events(demo_store, "李娜", salon(start="12-05 16:00", speaker="周明远"),
                                 tz=TZ, now=NOW)
    before = events.create_events(demo_store, "李娜", salon(start="12-05 12:00"), tz=TZ, now=NOW)
    assert len(after.events) == len(before.events) == 1


def test_a_cancelled_event_conflicts_with_nothing(demo_store, make_event):
    first = make_event("A")
    events.cancel_event(demo_store, "李娜", first.id, now=NOW)
    assert events.create_events(demo_store, "李娜", salon(), tz=TZ, now=NOW).events


def test_a_conflict_confirmed_with_a_reason_is_audited(demo_store, make_event):
    first = make_event("A")
    saved = events.create_events(demo_store, "李娜", salon(), tz=TZ, now=NOW,
                                 allow_conflict="两场合并举办")
    assert saved.overridden[0].other.id == first.id
    row = demo_store.conn.execute(
        "SELECT action, after FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert row[0] == "event.create" and "两场合并举办" in row[1]
    assert audit.verify(demo_store.conn).ok


def test_an_audience_shared_at_the_same_time_is_a_warning(demo_store, make_event):
    make_event("A", audience={"communities": ["解套互助群"], "needs": ["recovery"]})
    saved = events.create_events(
        demo_store, "李娜", salon(room="502", audience={"communities": "解套互助群, 新手成长营"}),
        tz=TZ, now=NOW)
    assert saved.warnings and "#1" in saved.warnings[0]
    other = events.create_events(
        demo_store, "李娜", salon(room="503", audience={"needs": ["profit"], "communities": ["ETF定投群"]}),
        tz=TZ, now=NOW)
    assert not other.warnings


def test_a_weekly_series_makes_one_event_per_date(demo_store):
    saved = events.create_events(demo_store, "李娜", salon(), tz=TZ, now=NOW, repeat="weekly", count=4)
    days = [e.start.astimezone(TZ).date() for e in saved.events]
    assert days == [date(2026, 12, 5) + timedelta(days=7 * i) for i in range(4)]
    assert len({e.series_id for e in saved.events}) == 1 and saved.events[0].series_id
    fortnight = events.create_events(demo_store, "李娜", salon(room="9", start="12-06 10:00"),
                                     tz=TZ, now=NOW, repeat="fortnightly", until=date(2027, 1, 3))
    assert [e.start.astimezone(TZ).day for e in fortnight.events] == [6, 20, 3]


def test_moving_one_occurrence_leaves_the_others(demo_store):
    series = events.create_events(demo_store, "李娜", salon(), tz=TZ, now=NOW, repeat="weekly", count=3)
    second = series.events[1]
    events.update_event(demo_store, "李娜", second.id,
                        {"start": second.start + timedelta(hours=1),
                         "end": second.end + timedelta(hours=1)}, tz=TZ, now=NOW)
    hours = [events.get_event(demo_store, e.id).start.astimezone(TZ).hour for e in series.events]
    assert hours == [14, 15, 14]


def test_a_change_to_this_and_later_ones(demo_store):
    series = events.create_events(demo_store, "李娜", salon(), tz=TZ, now=NOW, repeat="weekly", count=4)
    second = series.events[1]
    saved = events.update_event(demo_store, "李娜", second.id,
                                {"start": second.start - timedelta(hours=1),
                                 "end": second.end - timedelta(hours=1), "title": "改期沙龙"},
                                tz=TZ, later=True, now=NOW)
    assert len(saved.events) == 3
    after = [events.get_event(demo_store, e.id) for e in series.events]
    assert [e.start.astimezone(TZ).hour for e in after] == [14, 13, 13, 13]
    assert [e.title for e in after] == ["新品沙龙", "改期沙龙", "改期沙龙", "改期沙龙"]
    assert after[1].sequence == 1 and after[0].sequence == 0


def test_cancelling_one_or_later_occurrences(demo_store):
    series = events.create_events(demo_store, "李娜", salon(), tz=TZ, now=NOW, repeat="weekly", count=4)
    events.cancel_event(demo_store, "李娜", series.events[0].id, now=NOW)
    events.cancel_event(demo_store, "李娜", series.events[2].id, later=True, now=NOW)
    statuses = [events.get_event(demo_store, e.id).status(NOW).value for e in series.events]
    assert statuses == ["cancelled", "planned", "cancelled", "cancelled"]


@pytest.mark.parametrize(("change", "key"), [
    ({"end": at("12-05 13:00")}, "events.end_before_start"),
    ({"capacity": "0"}, "events.bad_capacity"),
    ({"capacity": None}, "events.capacity_needed"),
    ({"link": "https://x.example/1"}, "events.room_or_link"),
    ({"room": None, "link": "meeting 123"}, "events.bad_link"),
    ({"kind": "party"}, "events.bad_choice"),
    ({"product_risk": "R9"}, "events.bad_choice"),
    ({"audience": {"communities": ["没有这个群"]}}, "events.no_such_community"),
    ({"title": "  "}, "events.title_needed"),
])
def test_bad_values_change_nothing(demo_store, change, key):
    with pytest.raises(UserError) as caught:
        events.create_events(demo_store, "李娜", {**salon(), **change}, tz=TZ, now=NOW)
    assert caught.value.key == key
    assert count_events(demo_store) == 0


def test_an_online_event_needs_no_capacity(demo_store):
    saved = events.create_events(demo_store, "李娜", {**salon(), "kind": "lecture", "room": None,
                                                      "capacity": None,
                                                      "link": "https://meeting.example/42"},
                                 tz=TZ, now=NOW)
    assert saved.events[0].capacity is None and saved.events[0].place().startswith("https://")


def test_capacity_below_the_registered_refuses(demo_store, make_event):
    from branchdesk.services import registrations

    event = make_event(capacity=5)
    for member_id in (1, 2, 3):
        registrations.register(demo_store, "李娜", event.id, member_id, now=NOW)
    with pytest.raises(UserError) as caught:
        events.update_event(demo_store, "李娜", event.id, {"capacity": 2}, tz=TZ, now=NOW)
    assert caught.value.key == "events.capacity_below"
    assert events.get_event(demo_store, event.id).capacity == 5


def test_status_follows_registrations_and_time(demo_store, make_event):
    from branchdesk.services import registrations

    event = make_event(capacity=1)
    assert event.status(NOW).value == "planned"
    registrations.register(demo_store, "李娜", event.id, 1, now=NOW)
    assert events.get_event(demo_store, event.id).status(NOW).value == "full"
    assert events.get_event(demo_store, event.id).status(event.end).value == "done"


def test_an_event_held_yesterday_is_kept_and_said_to_be_in_the_past(demo_store):
    saved = events.create_events(demo_store, "李娜", salon(start="2026-12-01 14:00"), tz=TZ,
                                 now=NOW)
    assert count_events(demo_store) == 1
    assert saved.warnings == ["it starts in the past (12-01 Tue 14:00): recorded as already held."]
    later = events.create_events(demo_store, "李娜", salon(room="502"), tz=TZ, now=NOW)
    assert later.warnings == []


def test_moving_an_event_into_the_past_warns_as_scheduling_it_there_does(demo_store, make_event):
    event = make_event("周末沙龙")  # 12-05, after NOW
    moved = events.update_event(demo_store, "李娜", event.id, {"start": at("2026-12-01 14:00"),
                                                               "end": at("2026-12-01 16:00")},
                                tz=TZ, now=NOW)
    assert moved.warnings == ["it starts in the past (12-01 Tue 14:00): recorded as already held."]
    assert events.get_event(demo_store, event.id).start == at("2026-12-01 14:00")  # kept, as a new one
    other = make_event("讲座", start="12-06 14:00", room="302")
    renamed = events.update_event(demo_store, "李娜", other.id, {"title": "新讲座"}, tz=TZ,
                                  now=NOW)
    assert renamed.warnings == []  # the start did not move: nothing new to say
    later = events.update_event(demo_store, "李娜", other.id, {"start": at("12-07 14:00"),
                                                               "end": at("12-07 16:00")},
                                tz=TZ, now=NOW)
    assert later.warnings == []


def test_events_without_an_audience_do_not_compete_for_one(demo_store, make_event):
    make_event("A")  # no audience set
    online = {"room": None, "link": "https://meeting.example/1", "capacity": None}
    plain = events.create_events(demo_store, "李娜", salon(**online), tz=TZ, now=NOW)
    assert plain.warnings == []  # neither says who it is for
    aimed = events.create_events(demo_store, "李娜", salon(
        **{**online, "link": "https://meeting.example/2"},
        audience={"communities": ["解套互助群"]}), tz=TZ, now=NOW)
    assert aimed.warnings == []  # only one of them says
    both = events.create_events(demo_store, "李娜", salon(
        **{**online, "link": "https://meeting.example/3"},
        audience={"communities": ["解套互助群"]}), tz=TZ, now=NOW)
    assert len(both.warnings) == 1 and f"#{aimed.events[0].id}" in both.warnings[0]
