"""The import wizard for someone new to it: the tree goes up and to other places and starts
where the last roster came from; a text file named .xlsx gets the CLI's message; a totals
row at the foot of the sheet is said to be left out; counts read as English."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from openpyxl import Workbook
from textual.widgets import OptionList

from branchdesk.cli import main
from branchdesk.errors import UserError
from branchdesk.services import import_prepare, import_undo, importing, roster
from branchdesk.widgets.import_wizard_dialogs import PlaceChooserScreen
from branchdesk.widgets.import_wizard_file_tree import RosterFileTree, places

_spec = importlib.util.spec_from_file_location(
    "wizard_steps", Path(__file__).with_name("test_import_wizard.py"))
steps = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(steps)

HEADER = ["客户姓名", "手机号码", "资金账号"]
ROWS = [["测试甲", "13700000001", "880000000001"], ["测试乙", "13700000002", "880000000002"]]


def workbook(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "名单"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def folders(tmp_path, monkeypatch):
    """The app starts in start/; a roster waits in elsewhere/ (a sibling folder)."""
    start, elsewhere = tmp_path / "start", tmp_path / "elsewhere"
    start.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(start)
    return start, elsewhere


def tree(wizard) -> RosterFileTree:
    return wizard.query_one(RosterFileTree)


async def test_backspace_goes_up_a_folder(demo_store, make_app, settle, folders):
    start, _elsewhere = folders
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await steps.open_wizard(pilot, settle)
        assert Path(tree(wizard).path) == start
        await pilot.press("backspace")
        await steps.settle_all(pilot)
        assert Path(tree(wizard).path) == start.parent
        assert str(start.parent) in str(tree(wizard).border_title)
        names = {node.label.plain for node in tree(wizard).root.children}
        assert {"start", "elsewhere"} <= names


async def test_ctrl_d_offers_other_places_and_goes_there(demo_store, make_app, settle, folders,
                                                        monkeypatch):
    _start, elsewhere = folders
    monkeypatch.setattr("branchdesk.widgets.import_wizard_file_tree.places",
                        lambda: [Path.home(), elsewhere])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await steps.open_wizard(pilot, settle)
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, PlaceChooserScreen)
        assert app.screen.query_one(OptionList).option_count == 2
        await pilot.press("down", "enter")
        await steps.settle_all(pilot)
        assert app.screen is wizard and Path(tree(wizard).path) == elsewhere


def test_places_are_folders_that_exist():
    found = places()
    assert Path.home() in found and all(p.is_dir() for p in found)


async def test_the_tree_starts_where_the_last_roster_came_from(demo_store, make_app, settle,
                                                              folders):
    _start, elsewhere = folders
    workbook(elsewhere / "名单.xlsx", [HEADER, *ROWS])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await steps.open_wizard(pilot, settle)
        await pilot.press("shift+tab", *"../elsewhere/名单.xlsx", "enter")
        await steps.settle_all(pilot)
        assert wizard.step == "mapping"
    app = make_app()                                          # the next run of the app
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await steps.open_wizard(pilot, settle)
        assert Path(tree(wizard).path) == elsewhere


async def test_a_text_file_named_xlsx_gets_the_clis_message(demo_store, make_app, settle,
                                                           folders, capsys):
    start, _ = folders
    path = start / "名单.xlsx"
    path.write_text("客户名单\n请见附件\n", encoding="utf-8")     # notes saved as .xlsx
    with pytest.raises(UserError) as raised:
        import_prepare.load(path.name)
    assert main(["import", "roster", path.name, "--dry-run"]) == 2
    assert raised.value.message in capsys.readouterr().err
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await steps.open_wizard(pilot, settle)
        await steps.type_path(pilot, path)
        assert wizard.step == "file"
        assert steps.text(wizard, "#file-message") == raised.value.message


async def test_the_report_says_which_totals_row_it_left_out(demo_store, make_app, settle,
                                                           folders, capsys):
    start, _ = folders
    path = workbook(start / "名单.xlsx", [HEADER, *ROWS, ["合计", "2 人", ""]])
    assert main(["import", "roster", path.name, "--dry-run"]) == 0
    assert "Row 4 (合计 2 人) is a totals or notes row: left out." in capsys.readouterr().out
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await steps.open_wizard(pilot, settle)
        await steps.type_path(pilot, path)
        await pilot.press("p")
        assert "Row 4 (合计 2 人) is a totals or notes row" in steps.text(wizard, "#preview-counts")
        await pilot.press("a")
        await steps.settle_all(pilot)
        assert wizard.step == "summary"
        assert "Row 4 (合计 2 人)" in steps.text(wizard, "#summary")
    assert roster.count_members(demo_store, roster.MemberQuery(search="合计")) == 0


def test_counts_of_one_read_as_english(demo_store, tmp_path, monkeypatch):
    from branchdesk.store import batches

    path = workbook(tmp_path / "名单.xlsx", [HEADER, *ROWS])
    report = importing.import_roster(demo_store, path, "tester")
    # One member edited since (told apart by time stamps to the second: stood in for here).
    monkeypatch.setattr(batches, "edited_since", lambda *args: 1)
    with pytest.raises(UserError) as refused:
        import_undo.undo(demo_store, report.batch_id, "tester")
    assert refused.value.message.startswith(
        f"1 member of import batch {report.batch_id} was edited after it")
