"""The import wizard, driven from the roster with the keyboard: files made here, in tmp_path."""

from __future__ import annotations

import threading

import pytest
from openpyxl import Workbook
from textual.widgets import DirectoryTree

from branchdesk.errors import UserError
from branchdesk.screens.import_wizard import ImportWizardScreen
from branchdesk.screens.roster import RosterScreen
from branchdesk.services import import_prepare, import_undo, roster
from branchdesk.store import staging_apply
from branchdesk.widgets.import_wizard_tables import IssuesTable, MappingTable

HEADER = ["序号", "客户姓名", "手机号码", "资金账号", "风险等级", "跟进记录"]
ROWS = [
    [1, "测试甲", "13700000001", "880000000001", "C3", "喜欢沙龙"],
    [2, "测试乙", "13700000002", "880000000002", "C4", ""],
    [3, "测试丙", "13700000003", "", "C2", "电话回访"],
    [4, "测试丁", "12345", "", "C1", ""],                 # bad phone, no account: invalid
]


def workbook(path, sheets: dict[str, list[list]]) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


@pytest.fixture
def roster_file(tmp_path, monkeypatch):
    """名单.xlsx alone in the folder the app starts in (the file picker starts there)."""
    folder = tmp_path / "files"
    folder.mkdir()
    monkeypatch.chdir(folder)
    path = folder / "名单.xlsx"
    workbook(path, {"客户名单": [["某营业部客户名单"], HEADER, *ROWS]})
    return path


async def settle_all(pilot) -> None:
    """Every worker finished (file reads, the apply, the roster's pages) and the screen redrawn.
    The file tree's loader is left out: it waits for folders to read as long as the tree lives."""
    for _ in range(3):
        busy = [w for w in pilot.app.workers if not isinstance(w.node, DirectoryTree)]
        if busy:  # an empty list would mean "all of them", the tree's loader too
            await pilot.app.workers.wait_for_complete(busy)
        await pilot.pause()


async def open_wizard(pilot, settle) -> ImportWizardScreen:
    await settle(pilot)
    await pilot.press("i")                            # i in the list: import
    await settle_all(pilot)
    wizard = pilot.app.screen
    assert isinstance(wizard, ImportWizardScreen)
    tree = wizard.query_one(DirectoryTree)
    for _ in range(100):                              # the tree reads the folder in a thread
        if tree.root.children:
            break
        await pilot.pause(0.02)
    return wizard


async def type_path(pilot, path) -> None:
    """Type the file's name (relative to the folder the app started in) and Enter."""
    await pilot.press("shift+tab")                    # from the file tree up to the path box
    await pilot.press(*path.name, "enter")
    await settle_all(pilot)


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_import_a_small_workbook_end_to_end_then_undo(demo_store, make_app, settle,
                                                           roster_file):
    before = roster.total_members(demo_store)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot, settle)
        await pilot.press("down", "enter")            # the only file under the folder
        await settle_all(pilot)
        assert wizard.step == "mapping"
        mapping = wizard.query_one(MappingTable)
        assert mapping.has_focus and mapping.row_count == len(HEADER)
        assert "row 2" in text(wizard, "#header-info")   # under the title row
        await pilot.press("p")
        assert wizard.step == "preview"
        assert "3 new" in text(wizard, "#preview-counts")
        issues = wizard.query_one(IssuesTable)
        assert [(i.row, i.column) for error, i in issues.issues if error] == [(6, "手机号码")]
        assert "Row 6, 手机号码 “12345”" in text(wizard, "#issue-detail")   # 测试丁, in full
        await pilot.press("a")
        await settle_all(pilot)
        assert wizard.step == "summary"
        assert roster.total_members(demo_store) == before + 3
        batch = import_undo.list_batches(demo_store)[0]
        assert batch["created"] == 3 and f"#{batch['id']}" in text(wizard, "#summary")
        await pilot.press("ctrl+z", "y")              # undo this import, confirmed
        await settle_all(pilot)
        assert roster.total_members(demo_store) == before
        assert wizard.step == "file"
        await pilot.press("escape")                   # close: back on the roster
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)


async def test_change_a_column_mapping_with_the_keyboard(demo_store, make_app, settle,
                                                        roster_file):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot, settle)
        await type_path(pilot, roster_file)
        mapping = wizard.query_one(MappingTable)
        notes_row = HEADER.index("跟进记录")
        assert str(mapping.get_row_at(notes_row)[2]) == "(extra column)"
        await pilot.press(*["down"] * notes_row, "enter")   # that column: which field?
        await pilot.pause()
        await pilot.press("end", "enter")             # the last field offered: notes
        await settle_all(pilot)
        assert str(mapping.get_row_at(notes_row)[2]) == "Notes"
        await pilot.press("p", "a")
        await settle_all(pilot)
    created = roster.list_members(demo_store, roster.MemberQuery(search="测试甲"))
    assert [m.notes for m in created] == ["喜欢沙龙"]


async def test_choose_another_sheet(demo_store, make_app, settle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "两个月.xlsx"
    workbook(path, {"一月": [HEADER, *ROWS[:1]], "二月": [HEADER, *ROWS[:3]]})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot, settle)
        await type_path(pilot, path)
        first = wizard.checked.loaded.sheet.name
        await pilot.press("shift+tab", "enter")       # the sheet list
        await pilot.press("down" if first == "一月" else "up", "enter")
        await settle_all(pilot)
        assert wizard.checked.loaded.sheet.name != first
        assert wizard.checked.report.created == (3 if first == "一月" else 1)


async def test_a_bad_file_shows_the_cli_message_and_the_app_keeps_running(
        demo_store, make_app, settle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(200))     # a download that did not finish
    with pytest.raises(UserError) as raised:          # what the CLI prints for that name
        import_prepare.load(path.name)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot, settle)
        await type_path(pilot, path)
        assert wizard.step == "file"
        assert text(wizard, "#file-message") == raised.value.message
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)   # still running, still usable
        await pilot.press("i")
        await settle_all(pilot)
        assert isinstance(app.screen, ImportWizardScreen)


async def test_cancel_an_import_leaves_the_database_as_it_was(
        demo_store, make_app, settle, tmp_path, monkeypatch):
    """Esc while the new members are being written: apply rolls back, nothing changes."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "大名单.csv"
    lines = ["客户姓名,手机号码"] + [f"客户{i},139{i:08d}" for i in range(6000)]
    path.write_text("\n".join(lines), encoding="utf-8")
    writing, release = threading.Event(), threading.Event()
    copy_new_members = staging_apply.copy_new_members

    def slow_copy(*args):
        writing.set()
        release.wait(10)                              # hold the new members until Esc is in
        return copy_new_members(*args)

    monkeypatch.setattr(staging_apply, "copy_new_members", slow_copy)
    before = roster.total_members(demo_store)
    audit_rows = demo_store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot, settle)
        await type_path(pilot, path)
        await pilot.press("p", "a")
        for _ in range(200):
            if writing.is_set():
                break
            await pilot.pause(0.02)
        assert wizard.step == "applying"
        await pilot.press("escape")                   # cancel
        release.set()
        await settle_all(pilot)
        assert wizard.step == "preview"
        assert "nothing was changed" in text(wizard, "#preview-status")
    assert roster.total_members(demo_store) == before
    assert import_undo.list_batches(demo_store) == []
    assert demo_store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_rows


async def test_language_switch_keeps_the_step_and_the_file(demo_store, make_app, settle,
                                                          roster_file):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot, settle)
        await type_path(pilot, roster_file)
        await pilot.press("p", "f2")
        await pilot.pause()
        assert app.screen is wizard and wizard.step == "preview"
        assert "新增 3" in text(wizard, "#preview-counts")
        assert "第 3 步" in text(wizard, "#wizard-title")
        assert {b.description for _, b in wizard._bindings} >= {"导入", "返回"}


async def test_applying_a_file_the_roster_already_holds_writes_no_batch(demo_store, make_app,
                                                                       settle, roster_file):
    from branchdesk.services import importing

    importing.import_roster(demo_store, roster_file, "tester")
    batches_before = len(import_undo.list_batches(demo_store))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot, settle)
        await pilot.press("down", "enter")
        await settle_all(pilot)
        await pilot.press("p", "a")
        await settle_all(pilot)
        assert wizard.step == "summary"
        summary = text(wizard, "#summary")
        assert "Nothing new in 名单.xlsx" in summary and "Nothing was written" in summary
        assert "ctrl+z" not in summary and "#None" not in summary
    assert len(import_undo.list_batches(demo_store)) == batches_before
