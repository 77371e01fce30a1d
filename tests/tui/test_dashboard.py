"""The dashboard as a manager uses it: opened by a key from the roster, the week's figures (the
same as the weekly review's), `[` and `]` to move a week, the overdue complaints and today's
follow-ups one key away, the workbook exported with a progress bar, both languages."""

from __future__ import annotations

import openpyxl
import pytest
from screens_tour import settle_all
from support import TODAY
from textual.widgets import DataTable, Label, ProgressBar

from branchdesk.screens.complaints import ComplaintsScreen
from branchdesk.screens.dashboard import DashboardScreen
from branchdesk.screens.followups import FollowUpsScreen
from branchdesk.services.iso_week import IsoWeek
from branchdesk.services.weekly_review import ReviewSettings, compute_review


async def _open(pilot):
    await pilot.press("b")
    await settle_all(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


def _heading(screen) -> str:
    return str(screen.query_one("#dashboard-heading", Label).content)


def _cell(screen, label: str) -> list[str]:
    table = screen.query_one("#dashboard-figures", DataTable)
    for row in range(table.row_count):
        cells = [str(c).strip() for c in table.get_row_at(row)]
        if cells[0] == label:
            return cells[1:]
    raise AssertionError(label)


async def test_opens_on_this_week_with_the_reviews_figures(make_app, settle, demo_store):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = await _open(pilot)
        this_week = IsoWeek.containing(TODAY)
        assert screen.review.week == this_week
        assert this_week.label in _heading(screen) and "this week" in _heading(screen)
        review = compute_review(demo_store, this_week, ReviewSettings(), today=TODAY)
        assert screen.review == review
        members = review.current.members
        assert _cell(screen, "Members on the roster")[:2] == [f"{members.total:,}",
                                                              f"{review.previous.members.total:,}"]
        assert _cell(screen, "Dormant members")[0] == f"{members.dormant:,}"
        advisors = screen.query_one("#dashboard-advisors", DataTable)
        assert advisors.row_count == len(review.advisors)
        assert "Overdue complaints" in str(screen.query_one("#dashboard-overdue", Label).content)


async def test_brackets_move_a_week(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await _open(pilot)
        this_week = IsoWeek.containing(TODAY)
        await pilot.press("left_square_bracket")
        await settle_all(pilot)
        assert screen.review.week == this_week.shift(-1)
        assert this_week.shift(-1).label in _heading(screen) and "this week" not in _heading(screen)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle_all(pilot)
        assert screen.review.week == this_week.shift(-3)
        assert [w.week for w in screen.review.trend][-1] == this_week.shift(-3).label
        await pilot.press("right_square_bracket")
        await settle_all(pilot)
        assert screen.review.week == this_week.shift(-2)
        await pilot.press("0")
        await settle_all(pilot)
        assert screen.review.week == this_week
        await pilot.press("right_square_bracket")  # no week after this one: said, not guessed
        await settle_all(pilot)
        assert screen.review.week == this_week
        assert any("latest week" in str(n.message) for n in pilot.app._notifications)


async def test_o_opens_the_overdue_complaints(make_app, settle, demo_store):
    with demo_store.transaction() as conn:  # one complaint late since 11-20, one in time
        for due in ("2026-11-20", "2026-12-20"):
            conn.execute(
                "INSERT INTO complaints (member_id, channel, category, summary, opened_at, opened_on,"
                " first_response_due, resolution_due, responded_at, created_by, created_at,"
                " updated_at) VALUES (1, 'phone', 'service', '等太久', '2026-11-10T02:00:00+00:00',"
                " '2026-11-10', '2026-11-11', ?, '2026-11-11T02:00:00+00:00', 't', ?, ?)",
                (due, "2026-11-10T02:00:00+00:00", "2026-11-10T02:00:00+00:00"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await _open(pilot)
        overdue = screen.counts.complaints_overdue
        assert overdue > 0  # the demo has late complaints
        await pilot.press("o")
        await settle_all(pilot)
        assert isinstance(app.screen, ComplaintsScreen) and app.screen.view == "overdue"
        assert app.screen.list.source.count() == overdue
        assert all(c.overdue for c in app.screen.list.source.items)


async def test_clicking_todays_follow_ups_opens_them(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _open(pilot)
        await pilot.click("#dashboard-follow-ups")
        await settle_all(pilot)
        assert isinstance(app.screen, FollowUpsScreen)


@pytest.mark.filterwarnings("ignore:Sparkline Group extension")
async def test_export_from_the_app_with_a_progress_bar(make_app, settle, tmp_path):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await _open(pilot)
        assert not screen.query_one("#dashboard-export", ProgressBar).display
        await pilot.press("x")
        await pilot.pause()
        target = tmp_path / "week.xlsx"
        field = app.screen.query_one("Input")
        field.value = str(target)
        await pilot.press("enter")
        await settle_all(pilot)
        assert app.screen is screen
        book = openpyxl.load_workbook(target)
        assert book.sheetnames[0] == "Summary"
        summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows(min_row=6, max_row=40)}
        assert summary["Members on the roster"] == screen.review.current.members.total
        assert not screen.query_one("#dashboard-export", ProgressBar).display


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_help_lists_the_keys(make_app, settle, language):
    app = make_app(language)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _open(pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = str(app.screen.query_one("#help-keys").content)
        for words in (("[", "]", "上一周", "逾期投诉", "导出周报") if language == "zh"
                      else ("[", "]", "earlier", "overdue", "follow-ups", "export")):
            assert words in text


def _footer_keys(app) -> dict[str, str]:
    return {key: active.binding.description for key, active in app.screen.active_bindings.items()
            if active.binding.show}


@pytest.mark.parametrize(("key", "area", "back_label"), [
    ("o", ComplaintsScreen, "Dashboard"), ("t", FollowUpsScreen, "Dashboard"),
])
async def test_esc_from_a_list_the_dashboard_opened_goes_back_to_it(make_app, settle, key, area,
                                                                     back_label):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _open(pilot)
        await pilot.press(key)
        await settle_all(pilot)
        assert isinstance(app.screen, area)
        assert _footer_keys(app)["escape"] == back_label  # the footer says where Esc goes
        await pilot.press("escape")
        await settle_all(pilot)
        assert isinstance(app.screen, DashboardScreen)
        # The same list opened from the roster another time: Esc goes to the roster.
        await pilot.press("escape")
        await settle_all(pilot)
        await pilot.press("k" if area is ComplaintsScreen else "t")
        await settle_all(pilot)
        assert isinstance(app.screen, area)
        assert _footer_keys(app)["escape"] == "Roster"
        await pilot.press("escape")
        await settle_all(pilot)
        assert app.current_mode == "roster"


async def test_esc_after_a_member_card_over_the_list_still_goes_back_to_the_dashboard(
        make_app, settle):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _open(pilot)
        await pilot.press("o")
        await settle_all(pilot)
        complaints_screen = app.screen
        assert _footer_keys(app)["escape"] == "看板"
        complaints_screen.open_member(1)  # a card over the list, then closed
        await settle_all(pilot)
        await pilot.press("escape")
        await settle_all(pilot)
        assert app.screen is complaints_screen
        await pilot.press("escape")
        await settle_all(pilot)
        assert isinstance(app.screen, DashboardScreen)


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_every_card_title_fits_at_80x24(make_app, settle, language):
    from rich.cells import cell_len

    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await _open(pilot)
        titles = list(screen.query(".kpi-title").results(Label))
        assert len(titles) == 7
        for title in titles:
            text = str(title.content)
            assert text and "…" not in text
            assert cell_len(text) <= title.content_region.width, text


@pytest.mark.parametrize(("language", "name"), [("zh", "周报-{week}.xlsx"),
                                                ("en", "weekly-review-{week}.xlsx")])
async def test_the_export_file_is_named_in_the_screen_language(make_app, settle, language, name):
    app = make_app(language)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await _open(pilot)
        await pilot.press("x")
        await pilot.pause()
        path = app.screen.query_one("Input").value
        assert path.endswith(name.format(week=screen.review.week.label))
    from branchdesk.widgets.member_export.dialog import default_path

    assert default_path(TODAY).name.startswith("客户-" if language == "zh" else "Members-")


async def test_b_shows_a_busy_sign_at_once_until_the_dashboard_is_up(make_app, settle,
                                                                     monkeypatch):
    from branchdesk.screens.roster import RosterScreen

    app = make_app("zh")
    while_building = []
    built = DashboardScreen.__init__

    def building(screen) -> None:  # what the user sees while the dashboard is being built
        while_building.append((type(app.screen), app.screen.loading))
        built(screen)

    monkeypatch.setattr(DashboardScreen, "__init__", building)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        roster = app.screen
        await _open(pilot)
        assert while_building == [(RosterScreen, True)]
        assert not roster.loading                  # gone once the dashboard is up
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is roster and not roster.loading
