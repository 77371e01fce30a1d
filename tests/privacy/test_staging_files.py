"""The staging files of an import keep no clear phone or account number (issue 15, item 3).

Every file of the import's staging folder is read, byte for byte, at the moment the import's
process attaches them (they are complete then: the reader's processes have written every
row) — for the reader's processes (one part and two) and for the wizard's parse in the app.
The killed imports of tests/reliability/test_staging_kills.py look at what a kill leaves.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from branchdesk.importers import reader
from branchdesk.services import import_prepare, importing
from branchdesk.store import staging
from branchdesk.store.database import Store

ROWS = 400  # past the reader's previews (240 rows): with two parts, both processes stage rows
NUMBER = re.compile(rb"\d{11,}")  # a whole phone (11 digits) or account number (12)


def _people(offset: int = 0) -> list[tuple[str, str, str]]:
    return [(f"客户{n}", f"1390{n:07d}", f"31{n:010d}" if n % 3 else "")
            for n in range(offset + 1, offset + ROWS + 1)]


def _workbook(path: Path, people: list[tuple[str, str, str]], note: str = "的备注") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet.append(["客户姓名", "手机号码", "资金账号", "风险等级", "备注"])
    for name, phone, account in people:
        sheet.append([name, phone, account, "C3", f"{name}{note}"])
    book.save(path)
    return path


def _csv(path: Path, people: list[tuple[str, str, str]]) -> Path:
    lines = ["客户姓名,手机号码,资金账号,备注"]
    lines += [f"{name},{phone},{account},{name}的备注" for name, phone, account in people]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def seen(monkeypatch) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every file in the staging folder, each time it is attached."""
    files: list[tuple[str, bytes]] = []
    attached = staging.attached

    def looking(store, paths, identities):
        for folder in {Path(p).parent for p in paths}:
            files.extend((f.name, f.read_bytes()) for f in sorted(folder.iterdir()) if f.is_file())
        return attached(store, paths, identities)

    monkeypatch.setattr(staging, "attached", looking)
    return files


def _assert_no_numbers(files: list[tuple[str, bytes]], people) -> None:
    staged = [(name, data) for name, data in files if name.startswith("part")]
    assert staged, "no staging file was seen"
    for name, data in staged:
        assert "备注".encode() in data, f"{name} does not hold the staged rows"
        assert NUMBER.findall(data) == [], f"{name} holds a whole number"
        for _, phone, account in people:
            assert phone.encode() not in data
            assert not account or account.encode() not in data


def _stored(store: Store) -> set[tuple[str, str, str]]:
    return {(n, p, a or "") for n, p, a in store.conn.execute(
        "SELECT name, phone, account_no FROM members")}


@pytest.mark.parametrize("parts_from", [1, 100_000])  # two reader processes, one
def test_the_readers_staging_files_hold_no_phone_or_account(tmp_path, monkeypatch, seen,
                                                            parts_from):
    monkeypatch.setattr(reader, "TWO_PARTS_FROM", parts_from)
    store = Store(tmp_path / "branch.db")
    first, again = _people(), _people(ROWS // 2)  # the second file: half known, half new
    report = importing.import_roster(store, _workbook(tmp_path / "a.xlsx", first), "tester")
    assert report.created == ROWS
    report = importing.import_roster(store, _workbook(tmp_path / "b.xlsx", again, "的新备注"),
                                     "tester")
    # found by account number, or phone and name, though the files never held them: the
    # known half gets its new notes, the other half is new
    assert (report.created, report.updated, report.unchanged) == (ROWS // 2, ROWS // 2, 0)
    _assert_no_numbers(seen, first + again)
    if parts_from == 1:
        assert {name for name, _ in seen} >= {"part0.db", "part1.db"}
    assert _stored(store) == {*first, *again}
    notes = dict(store.conn.execute("SELECT phone, notes FROM members"))
    assert notes[again[0][1]] == f"{again[0][0]}的新备注"
    store.close()


def test_the_wizards_staging_file_holds_no_phone_or_account(tmp_path, seen):
    store = Store(tmp_path / "branch.db")
    people = _people()
    prepared = import_prepare.prepare(import_prepare.load(_csv(tmp_path / "名单.csv", people)))
    try:
        assert importing.preview(store, prepared).created == ROWS
        assert importing.apply(store, prepared, "tester").created == ROWS
    finally:
        prepared.close()
    assert len(seen) >= 2  # the preview attached the file, then applying did
    _assert_no_numbers(seen, people)
    assert _stored(store) == set(people)  # stored with their clear values
    store.close()


def test_a_staging_file_refuses_a_phone_column(tmp_path):
    file = staging.StagingFile(tmp_path / "part0.db")
    with pytest.raises(ValueError):
        file.write(["row", "name", "phone"], [(1, "王芳", "13900001111")])
    file.close()
