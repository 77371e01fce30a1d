"""What every screen looks like at 80x24 and 120x36, in both languages.

Deterministic under load: the demo has a fixed seed and the app a fixed "today"
(tests/support.py), the database file is always branch.db and the operator "tester";
messages carry a fixed time and the review screen a fixed clock; every worker is waited
for and no cursor blinks; the file tree shows a folder made here, named without its
temporary path.
Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from screens_tour import TOUR, settle_all
from textual.widgets import Footer, Input, TextArea

from branchdesk.services import messages

SIZES = ((80, 24), (120, 36))
LANGUAGES = ("zh", "en")
SCREENS = ("roster", "help", "compose-checked", "review", "rules", "staff", "communities",
           "member-card", "community-picker", "import-wizard", "rule-editor", "dashboard")
MESSAGE_TIME = "2026-11-25T02:00:00+00:00"
BLOCKED = "保证年化15%，稳赚不赔，名额有限速来"


class FrozenClock(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return datetime(2026, 11, 25, 2, 30, tzinfo=UTC)


@pytest.fixture
def steady(monkeypatch, tmp_path, demo_store):
    """A submitted message for the review and communities screens, made at a fixed time; a
    fixed clock for the review's "age"; a folder with one roster file for the wizard."""
    monkeypatch.setattr("branchdesk.store.messages.now_text", lambda: MESSAGE_TIME)
    monkeypatch.setattr("branchdesk.screens.review.datetime", FrozenClock)
    row = messages.save_draft(demo_store, "小李", BLOCKED, "解套互助群")
    messages.submit(demo_store, "小李", row["id"])
    folder = tmp_path / "名单"
    folder.mkdir()
    (folder / "客户名单.csv").write_text("客户姓名,手机号码\n王芳,13812345678\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setattr("branchdesk.widgets.import_wizard_file_tree.folder_title",
                        lambda path: path.name)
    return demo_store


async def _steady_screen(pilot) -> None:
    """Workers done, no blinking cursor, and the footer drawn from the keys active now (it
    redraws itself a refresh after they change, which a loaded machine can push past the
    screenshot)."""
    await settle_all(pilot)
    screen = pilot.app.screen
    for widget in screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
        if isinstance(widget, TextArea):
            # Textual caches a TextArea's lines under a key that, with blinking off, leaves
            # out whether the cursor is drawn: a line drawn in a blink's "off" half (which a
            # loaded machine makes likely) would be reused without its cursor. Draw afresh.
            widget._line_cache.clear()
            widget.refresh()
    for footer in pilot.app.screen_stack[-1].query(Footer):
        footer.call_later(footer.recompose)  # in the footer's own context
    await settle_all(pilot)
    await pilot.pause()


@pytest.mark.parametrize(("screen", "language", "size"), [
    pytest.param(screen, language, size, id=f"{screen}-{language}-{size[0]}x{size[1]}")
    for screen in SCREENS for size in SIZES for language in LANGUAGES
])
def test_every_screen(steady, settle, snap_compare, make_app, screen, language, size):
    app = make_app(language, branch_name="上海陆家嘴营业部")

    async def go(pilot):
        await settle(pilot)
        await TOUR[screen](pilot)
        await _steady_screen(pilot)

    assert snap_compare(app, terminal_size=size, run_before=go)


def test_roster_with_filters_and_cursor(settle, snap_compare, make_app):
    app = make_app("zh", branch_name="上海陆家嘴营业部")

    async def filter_and_move(pilot):
        await settle(pilot)
        await pilot.press("d", "f")              # dormant only, filter bar open
        await settle(pilot)
        pilot.app.screen.query_one("#roster-table").focus()  # the bar stays open
        await pilot.press("down", "down")
        await settle(pilot)
        await _steady_screen(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=filter_and_move)


def test_an_open_filter_list(settle, snap_compare, make_app):
    app = make_app("en", branch_name="上海陆家嘴营业部")

    async def open_risk_list(pilot):
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        pilot.app.screen.query_one("#filter-risk_level").focus()
        await pilot.press("enter")
        await _steady_screen(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_risk_list)
