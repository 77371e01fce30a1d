"""What the roster looks like at 80x24 and 120x36, in both languages.

Deterministic: the demo has a fixed seed and the app a fixed "today" (tests/support.py),
the database file is always branch.db and the operator "tester".
Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("language", "size"), [
    pytest.param(language, size, id=f"{language}-{size[0]}x{size[1]}")
    for size in ((80, 24), (120, 36)) for language in ("zh", "en")
])
def test_roster(settle, snap_compare, make_app, language, size):
    app = make_app(language, branch_name="上海陆家嘴营业部")
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_roster_with_filters_and_cursor(settle, snap_compare, make_app):
    app = make_app("zh", branch_name="上海陆家嘴营业部")

    async def filter_and_move(pilot):
        await settle(pilot)
        await pilot.press("d", "f")              # dormant only, filter bar open
        await settle(pilot)
        await pilot.press("escape")              # nothing else changes
        pilot.app.screen.query_one("#roster-table").focus()
        await pilot.press("down", "down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=filter_and_move)


def test_help_screen(settle, snap_compare, make_app):
    app = make_app("zh")

    async def open_help(pilot):
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_help)
