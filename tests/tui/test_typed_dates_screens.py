"""The app reads typed dates as the command line does (one parser): a follow-up on a day that
has just passed is refused in the dialog."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from support import TODAY

from branchdesk import datetimes
from branchdesk.services import followups
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
