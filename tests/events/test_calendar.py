"""The .ics export parsed back with icalendar: every event, the zone, stable UIDs."""

from __future__ import annotations

from datetime import timedelta

import icalendar
from event_support import NOW, TZ

from branchdesk.exports.calendar import write_calendar
from branchdesk.models import MemberQuery
from branchdesk.services import events, registrations
from branchdesk.services.events import list_events


def export(store, path):
    found = list_events(store, TZ)
    write_calendar(store, found, path, tz=TZ, calendar_name="上海陆家嘴营业部", now=NOW)
    return icalendar.Calendar.from_ical(path.read_bytes()), found


def test_every_event_with_the_zone_and_stable_uids(demo_store, make_event, tmp_path):
    series = events.create_events(
        demo_store, "李娜", {"kind": "lecture", "title": "周三讲座", "start": NOW + timedelta(days=1),
                             "end": NOW + timedelta(days=1, hours=1),
                             "link": "https://meeting.example/9", "speaker": "林晓雯"},
        tz=TZ, now=NOW, repeat="weekly", count=3).events
    salon = make_event("线下沙龙", product_risk="R3")
    registrations.invite(demo_store, "李娜", salon.id, MemberQuery(), today=NOW.date(), now=NOW)
    first, found = export(demo_store, tmp_path / "a.ics")
    entries = first.walk("VEVENT")
    assert len(entries) == len(found) == 4
    by_uid = {str(e["UID"]): e for e in entries}
    for event in found:
        entry = next(e for e in entries if str(e["SUMMARY"]) == event.title
                     and e.decoded("DTSTART") == event.start)
        assert entry.decoded("DTEND") == event.end
        assert str(entry["DTSTART"].params["TZID"]) == "Asia/Shanghai"
    zones = first.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"]
    text = (tmp_path / "a.ics").read_text(encoding="utf-8")
    assert "ATTENDEE" not in text
    phones = [r[0] for r in demo_store.conn.execute("SELECT phone FROM members")]
    assert not any(phone in text for phone in phones)
    # Edit and cancel: the same UIDs, SEQUENCE up, CANCELLED shown.
    events.update_event(demo_store, "李娜", series[1].id, {"title": "改期讲座"}, tz=TZ, now=NOW)
    events.cancel_event(demo_store, "李娜", series[2].id, now=NOW)
    second, _ = export(demo_store, tmp_path / "b.ics")
    again = {str(e["UID"]): e for e in second.walk("VEVENT")}
    assert set(again) == set(by_uid)
    changed = next(e for e in again.values() if str(e["SUMMARY"]) == "改期讲座")
    assert int(changed["SEQUENCE"]) == int(by_uid[str(changed["UID"])]["SEQUENCE"]) + 1
    assert sorted(str(e["STATUS"]) for e in again.values()) == \
        ["CANCELLED", "CONFIRMED", "TENTATIVE", "TENTATIVE"]


def test_a_file_that_is_not_ics_is_refused(demo_store, tmp_path):
    import pytest

    from branchdesk.errors import UserError

    with pytest.raises(UserError):
        write_calendar(demo_store, [], tmp_path / "x.txt", tz=TZ, calendar_name="x")
    assert not (tmp_path / "x.txt").exists()
