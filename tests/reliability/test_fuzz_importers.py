"""Hostile and broken rosters: the importers fuzzed with generated values and text
(hypothesis), with real workbooks mutated at the XML level, and with files mutated byte by
byte. Every file either imports or is refused with one UserError; never another exception,
never a hang (the readers have time limits), never a change to the database when refused.
And what an export writes reads back unchanged, and is never a formula.
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability.kit import database_is_sound, write_roster

from branchdesk.errors import UserError
from branchdesk.exports.safe_cell import EXCEL_CELL_LIMIT, put
from branchdesk.importers.normalize import accounts, amounts, dates, levels, phones
from branchdesk.importers.normalize import text as text_cells
from branchdesk.services import importing
from branchdesk.services.demo import build_demo
from branchdesk.store import integrity
from branchdesk.store.database import Store

DATA = Path(__file__).resolve().parents[1] / "data"
CELLS = st.one_of(st.none(), st.text(max_size=40), st.integers(), st.booleans(),
                  st.floats(allow_nan=True, allow_infinity=True), st.dates(),
                  st.datetimes(), st.times())


@pytest.mark.parametrize("normalizer", [
    phones.normalize_phone, accounts.normalize_account, dates.normalize_date,
    levels.normalize_risk, levels.normalize_experience, amounts.normalize_amount,
    text_cells.normalize_text, text_cells.normalize_notes])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cell=CELLS)
def test_a_normalizer_takes_any_cell_or_says_why_not(normalizer, cell):
    with contextlib.suppress(ValueError):  # a ValueError is the reason shown for that cell
        normalizer(cell)


def _fingerprint(store: Store) -> dict:
    return {table: integrity.bucket_digests(store.conn, table)
            for table in integrity.existing_tables(store.conn)}


@pytest.fixture(scope="module")
def branch(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "branch.db"
    store = Store(path)
    build_demo(store, "李娜", members=100, seed=4)
    store.close()
    return path


def _import(store: Store, path: Path, *, dry_run: bool) -> str:
    """Import; 'imported' or 'refused'. Anything else than a UserError fails the test."""
    before = _fingerprint(store)
    try:
        importing.import_roster(store, path, "fuzz", dry_run=dry_run)
    except UserError as error:
        assert error.message and not error.message.startswith("[")  # a real message
        assert _fingerprint(store) == before  # refused: nothing changed
        return "refused"
    if dry_run:
        assert _fingerprint(store) == before
    return "imported"


HEADER = ["客户姓名", "手机号码", "资金账号", "开户日期", "风险承受能力", "客户需求", "备注"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.text(max_size=30), min_size=0, max_size=9), max_size=25),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
       delimiter=st.sampled_from([",", "\t", ";"]))
def test_any_csv_imports_or_is_refused(branch, tmp_path, tally, rows, encoding, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    try:
        path.write_bytes(buffer.getvalue().encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(buffer.getvalue().encode("utf-8"))
    store = Store(branch, read_only=True)
    try:
        _import(store, path, dry_run=True)
    finally:
        store.close()
    tally["files fuzzed"] += 1


# --- real workbooks, mutated ----------------------------------------------------------------

MUTATIONS = ("truncate", "drop_element", "repeat_element", "far_reference", "bad_type",
             "bad_index", "huge_number", "entities", "flip_bytes", "drop_part", "garbage_part",
             "deep_nesting")


def _mutate_xml(name: str, text: bytes, how: str, rng: random.Random) -> bytes | None:
    """One mutation of one XML part; None removes the part."""
    if how == "truncate":
        return text[:rng.randrange(len(text) + 1)]
    if how == "drop_element":
        tags = [m.span() for m in re.finditer(rb"<(c|row|si|sheet|v|t)\b[^>]*>.*?</\1>", text, re.S)]
        if tags:
            start, end = rng.choice(tags)
            return text[:start] + text[end:]
    if how == "repeat_element":
        tags = [m.span() for m in re.finditer(rb"<(c|row|si)\b[^>]*>.*?</\1>", text, re.S)]
        if tags:
            start, end = rng.choice(tags)
            return text[:end] + text[start:end] * rng.randint(2, 50) + text[end:]
    if how == "far_reference":
        return re.sub(rb'r="[A-Z]+[0-9]+"', lambda m: rng.choice(
            [b'r="XFD1048576"', b'r="A1"', b'r="ZZZZ9"', b'r="A0"', b'r=""']), text, count=3)
    if how == "bad_type":
        return re.sub(rb't="[a-z]+"', lambda m: rng.choice([b't="x"', b't="e"', b't="d"', b't=""']),
                      text, count=5)
    if how == "bad_index":
        return re.sub(rb"<v>[0-9]+</v>", lambda m: rng.choice(
            [b"<v>999999</v>", b"<v>-1</v>", b"<v>x</v>", b"<v></v>"]), text, count=5)
    if how == "huge_number":
        return re.sub(rb"<v>([0-9.]+)</v>", b"<v>1e308</v>", text, count=3)
    if how == "entities":  # an entity bomb: defusedxml / the reader must refuse it, not expand it
        doctype = (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                   b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>')
        body = text.split(b"?>", 1)
        return body[0] + b"?>" + doctype + body[-1].replace(b"<t>", b"<t>&d;", 1)
    if how == "flip_bytes":
        data = bytearray(text)
        for _ in range(rng.randint(1, 20)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if how == "drop_part":
        return None
    if how == "garbage_part":
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))
    if how == "deep_nesting":
        return text.replace(b"<sheetData>", b"<sheetData>" + b"<row>" * 5000, 1)
    return text


def _mutated_workbook(source: Path, target: Path, rng: random.Random) -> str:
    how = rng.choice(MUTATIONS)
    with zipfile.ZipFile(source) as zin:
        names = zin.namelist()
        victim = rng.choice([n for n in names if n.endswith(".xml")])
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                data = zin.read(name)
                if name == victim:
                    data = _mutate_xml(name, data, how, rng)
                    if data is None:
                        continue
                zout.writestr(name, data)
    return f"{how} {victim}"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("workbook")
    path = folder / "roster.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["浦东营业部客户名单"])
    sheet.append(HEADER)
    for number in range(40):
        sheet.append([f"客户{number}", f"138{number:08d}", f"6600{number:08d}",
                      date(2020, 1, 1 + number % 28), f"C{1 + number % 5}", "解套", "=1+1"])
    book.create_sheet("说明").append(["这是说明"])
    book.save(path)
    return path


@pytest.mark.parametrize(("count", "seed"), [
    pytest.param(40, 11), pytest.param(400, 12, marks=pytest.mark.slow)])
def test_workbooks_mutated_at_the_xml_level_import_or_are_refused(branch, workbook, tmp_path,
                                                                   tally, count, seed):
    rng = random.Random(seed)
    copy = tmp_path / "branch.db"
    shutil.copy2(branch, copy)
    store = Store(copy)
    outcomes = []
    try:
        for number in range(count):
            target = tmp_path / f"mutant-{number}.xlsx"
            label = _mutated_workbook(workbook, target, rng)
            outcome = _import(store, target, dry_run=number % 4 != 0)  # every 4th really writes
            outcomes.append((label, outcome))
            target.unlink()
            tally["files fuzzed"] += 1
    finally:
        store.close()
    database_is_sound(copy)
    assert {o for _, o in outcomes} == {"imported", "refused"}  # both kinds were met


def _byte_mutant(data: bytes, rng: random.Random) -> bytes:
    how = rng.choice(("flip", "truncate", "insert", "zero_run"))
    data = bytearray(data)
    if how == "flip":
        for _ in range(rng.randint(1, 30)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif how == "truncate":
        data = data[:rng.randrange(len(data))]
    elif how == "insert":
        at = rng.randrange(len(data))
        data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 500)))
    else:
        at = rng.randrange(len(data))
        data[at:at + rng.randint(1, 4096)] = bytes(4096)[:len(data[at:at + 4096])]
    return bytes(data)


@pytest.mark.parametrize(("count", "seed"), [
    pytest.param(30, 21), pytest.param(300, 22, marks=pytest.mark.slow)])
def test_files_mutated_byte_by_byte_import_or_are_refused(branch, workbook, tmp_path, tally,
                                                         count, seed):
    rng = random.Random(seed)
    csv_file = tmp_path / "roster.csv"
    csv_file.write_bytes("客户姓名,手机号码,资金账号,开户日期\n张三,13812345678,000123,45292\n"
                         "李四,13900001111,000456,2024-07-02\n".encode("gb18030"))
    sources = [workbook, DATA / "roster.xls", DATA / "roster.ods", csv_file,
               write_roster(tmp_path / "plain.xlsx", 30)]
    store = Store(branch, read_only=True)
    try:
        for number in range(count):
            source = sources[number % len(sources)]
            target = tmp_path / f"mutant-{number}{source.suffix}"
            target.write_bytes(_byte_mutant(source.read_bytes(), rng))
            _import(store, target, dry_run=True)
            target.unlink()
            tally["files fuzzed"] += 1
    finally:
        store.close()


# --- exports: never a formula, and what goes out comes back ---------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
FORMULA_LIKE = st.builds(lambda lead, rest: lead + rest,
                         st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", " =", "＝", "'",
                                          "_x0041_", "_x000D_", "\x01", "DDE(", "=cmd|' /C calc'!A0"]),
                         TEXT)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.one_of(TEXT, FORMULA_LIKE), min_size=1, max_size=30))
def test_any_text_exports_as_text_and_reads_back_unchanged(tmp_path, texts):
    from branchdesk.importers.reader import read_workbook

    book = openpyxl.Workbook()
    sheet = book.active
    put(sheet, 1, 1, "标题")
    for row, text in enumerate(texts, start=2):
        put(sheet, row, 1, text)
    path = tmp_path / "out.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")  # never a formula
    [read] = read_workbook(path)
    back = [row[0] if row else "" for row in read.rows[1:]]
    expected = [t if len(t) <= EXCEL_CELL_LIMIT else None for t in texts]
    for got, want in zip(back, expected, strict=False):
        if want is not None and want.strip():
            assert got == want


def test_a_note_round_trips_through_an_export_and_an_import(tmp_path):
    """The whole way: a roster written through the safe-cell helper, imported again."""
    notes = ["=SUM(A1:A9)", "+86 138 0000 0000", "-5%", "@王芳", "'已确认", "_x0041_ 不是 A",
             "第一行\r\n第二行", "含\x07控制符"]
    book = openpyxl.Workbook()
    sheet = book.active
    for column, title in enumerate(["客户姓名", "资金账号", "备注"], start=1):
        put(sheet, 1, column, title)
    for row, note in enumerate(notes, start=2):
        put(sheet, row, 1, f"客户{row}")
        put(sheet, row, 2, f"7700{row:08d}")
        put(sheet, row, 3, note)
    path = tmp_path / "export.xlsx"
    book.save(path)
    store = Store(tmp_path / "b.db")
    importing.import_roster(store, path, "李娜")
    from branchdesk.services import roster

    stored = {m.account_no: m.notes for m in roster.list_members(store)}
    store.close()
    for row, note in enumerate(notes, start=2):
        assert stored[f"7700{row:08d}"] == text_cells.normalize_notes(note)
