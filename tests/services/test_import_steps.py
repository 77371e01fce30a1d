"""The steps between load and apply that the import wizard offers: columns, remapping, sheets."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from branchdesk.errors import UserError
from branchdesk.services import import_prepare, import_steps, import_undo, importing


@pytest.fixture
def loaded(tmp_path):
    book = Workbook()
    first = book.active
    first.title = "名单"
    first.append(["说明：内部资料"])
    first.append(["序号", "姓名", "手机号码", "资产（万元）", "跟进记录"])
    first.append([1, "王芳", "13800000001", 12.5, "回访过"])
    other = book.create_sheet("备用")
    other.append(["姓名", "资金账号"])
    other.append(["李雷", "880000000009"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    return import_prepare.load(path)


def test_columns_show_letters_headers_fields_and_samples(loaded):
    columns = import_steps.columns(loaded)
    assert [(c.letter, c.header, c.field, c.sample) for c in columns] == [
        ("A", "序号", None, "1"), ("B", "姓名", "name", "王芳"),
        ("C", "手机号码", "phone", "13800000001"), ("D", "资产（万元）", "total_assets", "12.5"),
        ("E", "跟进记录", None, "回访过"),
    ]
    assert columns[0].ignored and not columns[4].ignored


def test_remap_moves_a_field_and_keeps_the_old_column_as_extra(loaded):
    notes = import_steps.remap(loaded, 4, "notes")
    assert notes.header.column_for("notes").column == 4 and 4 not in notes.header.unknown
    moved = import_steps.remap(notes, 1, "notes")          # notes now from the name column
    assert moved.header.column_for("notes").column == 1
    assert moved.header.column_for("name") is None
    assert moved.header.unknown[4] == "跟进记录"
    assert import_steps.missing_required(moved) == ["name"]
    dropped = import_steps.remap(loaded, 2, None)
    assert dropped.header.column_for("phone") is None and dropped.header.unknown[2] == "手机号码"
    assert loaded.header.column_for("phone") is not None   # the original is left alone


def test_remapped_amount_keeps_the_unit_of_its_header(store, loaded):
    prepared = import_prepare.prepare(import_steps.remap(loaded, 3, "total_assets"))
    importing.apply(store, prepared, "tester")
    assert store.conn.execute("SELECT total_assets FROM members ORDER BY id").fetchone()[0] == 125000


def test_switch_sheet_finds_that_sheets_header_without_reading_again(loaded):
    other = import_steps.switch_sheet(loaded, "备用")
    assert other.sheet.name == "备用" and other.header.column_for("account_no") is not None
    with pytest.raises(UserError):
        import_steps.switch_sheet(loaded, "没有这张表")


def test_last_undoable_batch_skips_undone_ones(store, loaded):
    assert import_steps.last_undoable_batch(store) is None
    first = importing.apply(store, import_prepare.prepare(loaded), "tester").batch_id
    assert import_steps.last_undoable_batch(store)["id"] == first
    import_undo.undo(store, first, "tester")
    assert import_steps.last_undoable_batch(store) is None
