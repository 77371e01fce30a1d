"""The audit trail area and editing conflicts, driven the way a person uses them."""

from __future__ import annotations

import sqlite3

import openpyxl
from textual.widgets import DataTable, Input, Label, Static

from branchdesk.screens.audit_trail import AuditTrailScreen
from branchdesk.screens.member_card import MemberCardScreen
from branchdesk.services import roster
from branchdesk.store.database import Store
from branchdesk.widgets.form_dialog import FormDialog
from branchdesk.widgets.roster_table import RosterTable


async def open_trail(pilot, settle) -> AuditTrailScreen:
    await settle(pilot)
    await pilot.press("ctrl+p", *"audit trail", "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, AuditTrailScreen)
    await settle(pilot)  # the verification runs in a worker
    return screen


def status(screen) -> str:
    return str(screen.query_one("#audit-status", Label).render())


async def test_the_palette_opens_the_trail_verified(demo_store, make_app, settle):
    roster.update_member(demo_store, "李娜", 5, {"notes": "电话回访"})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_trail(pilot, settle)
        assert "Audit log verified" in status(screen)
        rows = screen.query_one(DataTable).row_count
        assert rows == 2  # the demo, then the edit (the last 7 days)
        await pilot.press("/")
        scope = screen.query_one("#audit-scope", Input)
        assert scope.has_focus
        scope.value = ""
        await pilot.press(*"member 5", "enter")
        await pilot.pause()
        assert screen.query_one(DataTable).row_count == 1
        change = str(screen.query_one("#audit-change", Static).render())
        assert "电话回访" in change


async def test_a_tampered_file_shows_as_not_verified(demo_store, make_app, settle):
    raw = sqlite3.connect(demo_store.path)
    raw.execute("UPDATE members SET name = '改过' WHERE id = 3")
    raw.commit()
    raw.close()
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_trail(pilot, settle)
        text = status(screen)
        assert "NOT verified" in text and "members" in text


async def test_the_trail_exports_to_excel(demo_store, make_app, settle, tmp_path):
    roster.update_member(demo_store, "李娜", 7, {"notes": "=HYPERLINK(\"x\")"})
    target = tmp_path / "trail.xlsx"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_trail(pilot, settle)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.set_value("path", str(target))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AuditTrailScreen)
    book = openpyxl.load_workbook(target)
    entries = book.worksheets[0]
    assert entries.max_row == 3  # header, the demo, the edit
    notes = [c.value for c in entries["G"] if c.value and "HYPERLINK" in str(c.value)]
    assert notes and all(c.data_type == "s" for c in entries["G"])  # text, never a formula


async def test_the_member_card_reaches_the_member_trail(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        member = app.screen.query_one(RosterTable).cursor_member
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MemberCardScreen)
        await pilot.press("ctrl+p", *"audit trail of this member", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AuditTrailScreen)
        assert app.screen.scope.member_id == member.id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MemberCardScreen)  # back where the trail was opened


async def test_an_edit_made_meanwhile_by_someone_else_is_not_overwritten(demo_store, make_app,
                                                                         settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        member = app.screen.query_one(RosterTable).cursor_member
        await pilot.press("enter")
        await pilot.pause()
        card = app.screen
        assert isinstance(card, MemberCardScreen)
        other = Store(demo_store.path)  # a colleague's BranchDesk, on another PC's session
        roster.update_member(other, "王芳", member.id, {"notes": "王芳刚改的"})
        other.close()
        notes = card.query_one("#field-notes", Input)
        notes.value = "我的修改"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MemberCardScreen)  # still open, with the message
        assert roster.get_member(demo_store, member.id).notes == "王芳刚改的"
        messages = [str(n.message) for n in app._notifications]
        assert any("王芳" in m and "not saved" in m for m in messages)


async def test_the_trail_reads_in_chinese_without_raw_names(demo_store, make_app, settle):
    roster.update_member(demo_store, "李娜", 5, {"advisor": "王丽华"})
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"审计记录", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AuditTrailScreen)
        await settle(pilot)
        table = screen.query_one(DataTable)
        actions = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert actions == ["编辑客户", "生成演示数据"]  # newest first
        change = str(screen.query_one("#audit-change", Static).render())
        assert change.startswith("服务人员: ") and "王丽华" in change
        assert "advisor" not in change


async def test_the_english_trail_names_fields_as_people_do(demo_store, make_app, settle):
    roster.update_member(demo_store, "李娜", 5, {"advisor": "王丽华"})
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_trail(pilot, settle)
        table = screen.query_one(DataTable)
        assert str(table.get_row_at(0)[3]) == "member edited"
        change = str(screen.query_one("#audit-change", Static).render())
        assert change.startswith("Advisor: ")


async def test_the_scope_hint_gives_examples_in_the_screen_language_that_work(demo_store, make_app,
                                                                             settle):
    import re

    from branchdesk.services import audit_trail

    roster.update_member(demo_store, "李娜", 5, {"notes": "电话回访"})
    for language in ("zh", "en"):
        app = make_app(language)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_trail(pilot, settle)
            hint = screen.query_one("#audit-scope", Input).placeholder
            *examples, _empty = hint.split(" · ")
            if language == "zh":
                assert not re.search("[A-Za-z]", hint), hint  # no English word on a Chinese screen
            kinds = [audit_trail.parse_scope(example).kind for example in examples]
            assert kinds == ["member", "message", "dates"]
            await pilot.press("/")
            screen.query_one("#audit-scope", Input).value = ""
            await pilot.press(*examples[0].replace("12", "5"), "enter")  # the hint, as typed
            await pilot.pause()
            assert screen.scope.member_id == 5
            assert screen.query_one(DataTable).row_count == 1
