"""Exporting the roster's current filter from the app: ctrl+e, a file name, a progress bar in a
worker; numbers masked unless revealed, and the reveal audited."""

from __future__ import annotations

import openpyxl
from textual.widgets import Checkbox, Input

from branchdesk.services import roster
from branchdesk.store import audit
from branchdesk.widgets.member_export.dialog import MemberExportDialog


async def _export(pilot, settle, path, *, reveal: bool) -> None:
    await pilot.press("ctrl+e")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, MemberExportDialog)
    dialog.query_one("#export-path", Input).value = str(path)
    dialog.query_one("#export-reveal", Checkbox).value = reveal
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_ctrl_e_exports_the_current_filter_masked(demo_store, make_app, settle, tmp_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")  # dormant only
        await settle(pilot)
        shown = app.screen.source.count(app.screen.current_query())
        await _export(pilot, settle, tmp_path / "dormant.xlsx", reveal=False)
        assert not isinstance(app.screen, MemberExportDialog)  # closed when done
    rows = list(openpyxl.load_workbook(tmp_path / "dormant.xlsx").active.iter_rows(values_only=True))
    header = rows[0]
    dormant = header.index("Dormant")
    assert len(rows) > 1 and {r[dormant] for r in rows[1:]} == {"yes"}
    assert len(rows) - 1 == shown
    phones = [r[header.index("Mobile")] for r in rows[1:] if r[header.index("Mobile")]]
    assert phones and all("****" in p for p in phones)
    assert not audit.entries_where(demo_store.conn, "action = 'members.reveal_phones'", ())


async def test_a_revealed_export_is_audited(demo_store, make_app, settle, tmp_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _export(pilot, settle, tmp_path / "all.xlsx", reveal=True)
    rows = list(openpyxl.load_workbook(tmp_path / "all.xlsx").active.iter_rows(values_only=True))
    header = rows[0]
    first = roster.list_members(demo_store, limit=1)[0]
    mine = next(r for r in rows[1:] if r[header.index("Name")] == first.name)
    assert mine[header.index("Mobile")] and "*" not in mine[header.index("Mobile")]
    [row] = audit.entries_where(demo_store.conn, "action = 'members.reveal_phones'", ())
    assert row["operator"] == "tester"


async def test_a_bad_folder_says_so_and_keeps_the_dialog(demo_store, make_app, settle, tmp_path):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _export(pilot, settle, tmp_path / "nowhere" / "x.xlsx", reveal=False)
        dialog = app.screen
        assert isinstance(dialog, MemberExportDialog)
        assert dialog.query_one("#export-error").display
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, MemberExportDialog)
    assert not (tmp_path / "nowhere").exists()
