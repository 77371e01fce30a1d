"""English screens give English examples: the new-event form's hints (dated from today, never
in the past) and the Today screen's headings."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from textual.widgets import Input

from branchdesk.datetimes import parse_datetime, zone
from branchdesk.widgets.events.event_form import EventForm, examples

TZ = zone("Asia/Shanghai")
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def test_the_example_date_is_the_coming_saturday():
    assert examples(date(2026, 12, 7))["date"] == "2026-12-12"     # a Monday
    assert examples(date(2026, 12, 12))["date"] == "2026-12-19"    # a Saturday: the next one
    assert examples(date(2026, 12, 7))["until"] == "2027-03-06"


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_the_new_event_form_hints_in_the_users_language_and_dated_ahead(make_app, settle,
                                                                              language):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "e")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EventForm)
        hints = {i.id: i.placeholder for i in form.query(Input)}
        hints["time"] = str(form.query_one("#hint-start").render())
    today = datetime.now(TZ).date()
    shown = date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", hints["field-start"]).group())
    assert today < shown <= today + timedelta(days=7) and shown.weekday() == 5
    assert shown.isoformat() in hints["time"]
    if language == "en":
        for name in ("field-title", "field-start", "field-room", "field-needs",
                     "field-experience", "time"):
            assert not CJK.search(hints[name]), (name, hints[name])
        assert "Sat 14:00" in hints["time"]
        if today.weekday() != 5:  # the example says what typing it does
            assert parse_datetime("Sat 14:00", TZ).date() == shown
    else:
        assert "周六 14:00" in hints["time"]


async def test_the_english_today_screen_has_no_chinese_heading(make_app, settle):
    from branchdesk.screens.followups import FollowUpsScreen

    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "t")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpsScreen)
        heading = str(app.screen.query_one("#birthdays-heading").render())
    assert "Birthdays" in heading and not CJK.search(heading)
