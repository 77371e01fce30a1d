"""The app reads typed dates as the command line does (one parser): a follow-up on a day that
has just passed is refused in the dialog; an edited event's weekday is in the event's own week."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from support import TODAY

from branchdesk import datetimes
from branchdesk.screens.events import EventsScreen
from branchdesk.services import events, followups
from branchdesk.widgets.events.event_form import EventForm
from branchdesk.widgets.form_dialog import FormDialog

TZ = datetimes.zone("Asia/Shanghai")
NOW = datetime.combine(TODAY, time(15, 0), tzinfo=TZ)  # Wednesday 2026-11-25, 15:00


@pytest.fixture(autouse=True)
def clock_at_today(monkeypatch):
    monkeypatch.setattr(datetimes, "now", lambda: NOW)


@pytest.mark.parametrize(("language", "said"), [
    ("en", "“11-20” is 2026-11-20 (Fri), which has passed: type 2027-11-20 for the next one"),
    ("zh", "“11-20”是 2026-11-20（周五），已经过去：如指下一个，请输入 2027-11-20"),
])
async def test_a_follow_up_on_a_day_just_passed_keeps_the_dialog_open(settle, make_app,
                                                                    demo_store, language, said):
    app = make_app(language)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.screen.open_member(5)
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"11-20", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        assert said in str(app.screen.query_one("#form-error").render())
        assert followups.get_follow_up(demo_store, 5) is None
        await pilot.press("ctrl+u", *"11-28", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
    assert followups.get_follow_up(demo_store, 5).due_on.isoformat() == "2026-11-28"


async def test_editing_an_event_a_weekday_is_in_the_events_own_week(settle, make_app,
                                                                   demo_store):
    start = datetime(2026, 12, 19, 14, 0, tzinfo=TZ)  # a Saturday, three weeks on
    event = events.create_events(demo_store, "tester", {
        "kind": "salon", "title": "周末沙龙", "start": start, "end": start + timedelta(hours=2),
        "room": "301", "capacity": 30}, tz=TZ).events[0]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "e")
        await pilot.pause()
        agenda = app.screen
        assert isinstance(agenda, EventsScreen)
        agenda.agenda.select_event(event.id)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EventForm)
        await pilot.press("tab", "home", "ctrl+k", *"周日 10:00")
        await pilot.pause()
        assert "12-20 Sun 10:00" in str(app.screen.query_one("#hint-start").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is agenda
    moved = events.get_event(demo_store, event.id)
    assert (moved.start, moved.end - moved.start) == (datetime(2026, 12, 20, 10, 0, tzinfo=TZ),
                                                      timedelta(hours=2))
