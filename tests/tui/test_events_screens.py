"""The events area driven by keys: plan an event in the form, invite a segment, check
people in at the door, in both languages and at 80x24."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from textual.widgets import Footer, OptionList
from textual.widgets._footer import FooterKey

from branchdesk.datetimes import parse_datetime, zone
from branchdesk.models import MemberQuery
from branchdesk.screens.checkin import CheckInScreen
from branchdesk.screens.event_card import EventCardScreen
from branchdesk.screens.events import EventsScreen
from branchdesk.screens.help import HelpScreen
from branchdesk.services import events, registrations
from branchdesk.widgets.events.event_form import EventForm
from branchdesk.widgets.events.invite_dialog import InviteDialog

TZ = zone("Asia/Shanghai")


def event_rows(store) -> list[tuple]:
    return store.conn.execute("SELECT id, title, starts_at, room, capacity FROM events").fetchall()


async def open_events(pilot, settle) -> EventsScreen:
    await settle(pilot)
    await pilot.press("down", "e")  # off the search box, then the events area
    await pilot.pause()
    assert isinstance(pilot.app.screen, EventsScreen)
    return pilot.app.screen


def plan(store, title="价值投资沙龙", days=1, start=None, **values):
    start = start or datetime.now(TZ).replace(hour=14, minute=0, second=0, microsecond=0) + \
        timedelta(days=days)
    return events.create_events(store, "tester", {
        "kind": "salon", "title": title, "start": start, "end": start + timedelta(hours=2),
        "room": "301", "capacity": 30, **values}, tz=TZ).events[0]


async def test_plan_an_event_with_the_keyboard(make_app, settle, demo_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        agenda = await open_events(pilot, settle)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, EventForm)
        await pilot.press(*"周末沙龙", "tab", *"明天 19:30", "tab", *"21:00", "tab",
                          *"301", "tab", *"40")
        await pilot.pause()
        hint = str(app.screen.query_one("#hint-start").render())
        expected = parse_datetime("明天 19:30", TZ)
        assert f"{expected:%m-%d}" in hint and "19:30" in hint
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is agenda
        [(event_id, title, starts, room, capacity)] = event_rows(demo_store)
        assert (title, room, capacity) == ("周末沙龙", "301", 40)
        assert datetime.fromisoformat(starts) == expected
        assert agenda.agenda.event_id == event_id
        assert any("周末沙龙" in n.message for n in app._notifications)


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_a_salon_held_yesterday_is_saved_with_a_warning(make_app, settle, demo_store,
                                                              language):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        agenda = await open_events(pilot, settle)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"补记沙龙", "tab", *"昨天 14:00", "tab", *"16:00", "tab",
                          *"301", "tab", *"40", "ctrl+s")
        await pilot.pause()
        assert app.screen is agenda
        assert [row[1] for row in event_rows(demo_store)] == ["补记沙龙"]
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
    said = "按已举办的活动记录" if language == "zh" else "recorded as already held"
    assert len(warnings) == 1 and said in warnings[0] and "14:00" in warnings[0]


async def test_a_bad_end_keeps_the_form_open_with_the_reason(make_app, settle, demo_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_events(pilot, settle)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"讲座", "tab", *"明天 19:30", "tab", *"18:00", "tab", *"301",
                          "tab", *"40", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EventForm)
        assert "is not after the start" in str(app.screen.query_one("#event-form-error").render())
        assert event_rows(demo_store) == []


async def test_a_booked_room_asks_for_a_reason_then_books(make_app, settle, demo_store):
    first = plan(demo_store)
    app = make_app()
    start = first.start.astimezone(TZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_events(pilot, settle)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"加场", "tab", *f"{start:%Y-%m-%d} 15:00", "tab", *"17:00", "tab",
                          *"301", "tab", *"10", "ctrl+s")
        await pilot.pause()
        error = str(app.screen.query_one("#event-form-error").render())
        assert f"#{first.id}" in error and len(event_rows(demo_store)) == 1
        assert app.screen.query_one("#field-reason").has_focus
        await pilot.press(*"合并举办", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EventForm) and len(event_rows(demo_store)) == 2


async def test_invite_a_segment_from_the_card(make_app, settle, demo_store):
    event = plan(demo_store, product_risk="R4", audience={"communities": ["解套互助群"]})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_events(pilot, settle)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EventCardScreen)
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, InviteDialog)
        await app.workers.wait_for_complete()
        await pilot.pause()
        preview = str(dialog.query_one("#invite-preview").render())
        expected = registrations.invite(demo_store, "x", event.id,
                                        MemberQuery(community="解套互助群"), dry_run=True)
        assert f"{len(expected.invited)} will be invited" in preview
        assert f"{len(expected.unsuitable)} left out" in preview
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EventCardScreen)
        invited = demo_store.conn.execute(
            "SELECT count(*) FROM registrations WHERE state = 'invited'").fetchone()[0]
        assert invited == len(expected.invited) > 0
        assert "Invited" in str(app.screen.query_one("#view-invited").label)


def in_an_hour() -> datetime:
    """A start the door is open for on the real clock (the screen reads it)."""
    return datetime.now(TZ).replace(second=0, microsecond=0) + timedelta(hours=1)


async def test_check_people_in_at_the_door(make_app, settle, demo_store):
    event = plan(demo_store, start=in_an_hour())
    conn = demo_store.conn
    surname = conn.execute("SELECT substr(name, 1, 1) s FROM members GROUP BY s"
                           " HAVING count(*) >= 2 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    pair = [r[0] for r in conn.execute("SELECT id FROM members WHERE name LIKE ? ORDER BY id"
                                       " LIMIT 2", (surname + "%",))]
    single = conn.execute("SELECT id, phone, name FROM members WHERE name NOT LIKE ?"
                          " ORDER BY id LIMIT 1", (surname + "%",)).fetchone()
    for member_id in (*pair, single[0]):
        registrations.register(demo_store, "tester", event.id, member_id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_events(pilot, settle)
        await pilot.press("d")
        await pilot.pause()
        door = app.screen
        assert isinstance(door, CheckInScreen)
        text = str(door.query_one("#door-result").render())
        assert single[2] not in text and not door.query_one("#door-matches").display
        await pilot.press(*single[1][-4:], "enter")        # one match: in at once
        await pilot.pause()
        result = str(door.query_one("#door-result").render())
        assert single[2] in result and "checked in" in result and "****" in result
        assert door.query_one("#door-input").value == ""
        await pilot.press(*single[1][-4:], "enter")        # again: told, nothing new
        await pilot.pause()
        assert "already" in str(door.query_one("#door-result").render())
        await pilot.press(surname, "enter")                # several: a masked list
        await pilot.pause()
        matches = door.query_one("#door-matches", OptionList)
        assert matches.display and matches.option_count >= 2 and matches.has_focus
        assert all("****" in str(matches.get_option_at_index(i).prompt)
                   for i in range(matches.option_count))
        await pilot.press("enter")
        await pilot.pause()
        assert "checked in" in str(door.query_one("#door-result").render())
        await pilot.press("ctrl+n")                         # a walk-in
        await pilot.pause()
        await pilot.press(*"现场来宾", "tab", *"13900009999", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        assert "现场来宾" in str(door.query_one("#door-result").render())
        await pilot.press("ctrl+z")                         # undo the walk-in's check-in
        await pilot.pause()
        states = dict(conn.execute("SELECT member_id, state FROM registrations"
                                   " WHERE event_id = ?", (event.id,)).fetchall())
    attended = [m for m, s in states.items() if s == "attended"]
    assert single[0] in attended and len(attended) == 2
    last = conn.execute("SELECT last_seen_on FROM members WHERE id = ?", (single[0],)).fetchone()
    assert last[0] == datetime.now(TZ).date().isoformat()


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_the_door_of_a_later_event_says_when_it_opens(make_app, settle, demo_store,
                                                          language):
    event = plan(demo_store)  # tomorrow 14:00: the door opens at 12:00
    member = demo_store.conn.execute("SELECT id, phone FROM members ORDER BY id LIMIT 1").fetchone()
    registrations.register(demo_store, "tester", event.id, member[0])
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(CheckInScreen(event.id))
        await pilot.pause()
        await pilot.press(*member[1][-4:], "enter")
        await pilot.pause()
        result = str(app.screen.query_one("#door-result").render())
    opens = f"{event.start - timedelta(hours=2):%m-%d}"
    assert opens in result and "12:00" in result
    assert ("签到在" in result and "开放" in result) if language == "zh" else "opens at" in result
    assert demo_store.conn.execute("SELECT state FROM registrations WHERE member_id = ?",
                                   (member[0],)).fetchone()[0] == "registered"


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_events_screens_fit_at_80x24(make_app, settle, demo_store, language):
    plan(demo_store)
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_events(pilot, settle)
        for keys in ((), ("enter",), ("d",)):
            await pilot.press(*keys)
            await pilot.pause()
            footer_keys = list(app.screen.query_one(Footer).query(FooterKey))
            assert footer_keys and max(k.region.right for k in footer_keys) <= 80
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        assert ("Walk-in" if language == "en" else "现场来宾") in text


async def test_the_palette_reaches_the_events_area(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Go to Events", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EventsScreen)
        titles = [c[0] for c in app.screen.palette_commands()]
        assert "Plan a new event" in titles and "Export the calendar (.ics)" in titles


async def test_language_switch_relabels_the_agenda(make_app, settle, demo_store):
    plan(demo_store)
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_events(pilot, settle)
        assert "1 event ·" in str(screen.query_one("#agenda-heading").render())
        await pilot.press("f2")
        await settle(pilot)
        assert "共 1 场" in str(screen.query_one("#agenda-heading").render())


async def test_switching_language_in_the_form_keeps_what_was_typed(make_app, settle):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_events(pilot, settle)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"读书会", "tab", *"明天 19:30")
        await pilot.press("ctrl+p", *"切换到中文", "enter")  # F2 stops at a dialog; the palette not
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EventForm)
        assert form.query_one("#field-title").value == "读书会"
        assert form.query_one("#field-start").value == "明天 19:30"
        assert str(form.query_one("#label-title").render()) == "标题"
        assert "周" in str(form.query_one("#hint-start").render())


async def test_moving_an_event_in_the_form_keeps_its_length(make_app, settle, demo_store):
    event = plan(demo_store)
    later = event.start.astimezone(TZ) + timedelta(days=1, hours=2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_events(pilot, settle)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EventForm)
        await pilot.press("tab", "end", "ctrl+u", *f"{later:%Y-%m-%d %H:%M}", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EventForm)
    moved = events.get_event(demo_store, event.id)
    assert moved.start == later and moved.end - moved.start == timedelta(hours=2)
    assert moved.sequence == 1


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_moving_an_event_into_the_past_is_saved_with_a_warning(make_app, settle, demo_store,
                                                                     language):
    event = plan(demo_store, title="周末沙龙", days=2)
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        agenda = await open_events(pilot, settle)
        agenda.agenda.select_event(event.id)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EventForm)
        await pilot.press("tab", "home", "ctrl+k", *"昨天 14:00", "ctrl+s")
        await pilot.pause()
        assert app.screen is agenda
        moved = events.get_event(demo_store, event.id).start
        assert moved == parse_datetime("昨天 14:00", TZ)
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
    said = "按已举办的活动记录" if language == "zh" else "recorded as already held"
    assert len(warnings) == 1 and said in warnings[0] and "14:00" in warnings[0]
