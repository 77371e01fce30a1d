"""The weekly review workbook as it reads on screen and on paper: numbers in message texts
masked, the Compliance sheet's findings under the right heading in each language, wrapped
cells in rows tall enough to show them."""

from __future__ import annotations

import openpyxl
import pytest
from weekly_review_support import TODAY, build_branch, local_noon

from branchdesk import datetimes
from branchdesk.cli import main
from branchdesk.exports.text_masks import mask_numbers
from branchdesk.services import messages
from branchdesk.store import messages as message_rows
from branchdesk.store.database import Store

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension")

LEAKY = "客户张三的手机 139 1234 5678，资金账号310000001234，有兴趣的朋友联系我13812345678"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "branch.db"
    store = Store(path)
    build_branch(store, monkeypatch)
    with monkeypatch.context() as patch:  # checked on Wednesday of the week exported
        patch.setattr(message_rows, "now_text", lambda: "2026-12-02T03:00:00+00:00")
        messages.save_draft(store, "周明远", LEAKY, "解套互助群")
    store.close()
    monkeypatch.setattr(datetimes, "now", lambda: local_noon(TODAY))
    return path


def _export(db, tmp_path, capsys, language: str):
    target = tmp_path / f"review-{language}.xlsx"
    assert main(["--db", str(db), "--lang", language, "export", "review", "--week", "2026-W49",
                 "-o", str(target)]) == 0
    capsys.readouterr()
    return openpyxl.load_workbook(target)


def _leaky_row(sheet) -> dict[str, str]:
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[headers.index(headers[-1])] and "张三" in row[-1]:
            return dict(zip(headers, row, strict=True))
    raise AssertionError("the message with numbers is not on the sheet")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_numbers_in_message_texts_are_masked(db, tmp_path, capsys, language):
    book = _export(db, tmp_path, capsys, language)
    sheet = book[book.sheetnames[3]]  # Compliance / 合规
    row = _leaky_row(sheet)
    everything = " ".join(str(c.value) for r in sheet.iter_rows() for c in r if c.value)
    for full in ("13812345678", "139 1234 5678", "310000001234"):
        assert full not in everything
    text = row[sheet["J1"].value]
    # the client's phone and account as the privacy rule's rewrite masks them, the author's
    # own phone as the app masks phones everywhere
    assert text == "客户张三的手机 139 **** 5678，资金账号********1234，有兴趣的朋友联系我138****5678"
    assert "139 **** 5678" in row[sheet["E1"].value]


def test_dates_prices_and_rates_stay_readable_beside_masked_numbers():
    assert mask_numbers("2026-12-07 13:54 开讲，年化 3.5%，门槛 100000 元，账户 310000001234"
                        ) == "2026-12-07 13:54 开讲，年化 3.5%，门槛 100000 元，账户 310*****1234"
    assert mask_numbers("call 138-1234-5678 or １３９１２３４５６７８") == \
        "call 138-****-5678 or １３９****５６７８"


@pytest.mark.parametrize(("language", "heading", "colon"), [("en", "Findings", ": "),
                                                            ("zh", "命中内容", "：")])
def test_findings_column_is_named_for_what_it_holds_and_rows_show_it_whole(
        db, tmp_path, capsys, language, heading, colon):
    book = _export(db, tmp_path, capsys, language)
    sheet = book[book.sheetnames[3]]
    assert sheet["E1"].value == heading
    row = _leaky_row(sheet)
    found = row[heading].splitlines()
    assert len(found) >= 2 and all(colon in line for line in found)  # one finding a line
    if language == "en":
        assert not any(mark in row[heading] for mark in "：；")
    # every wrapped row is tall enough for its lines: on paper nothing is cut off
    for number in range(2, sheet.max_row + 1):
        lines = max(len(str(sheet.cell(number, column).value or "").splitlines())
                    for column in (5, 8, 9, 10))
        height = sheet.row_dimensions[number].height or 15
        assert height >= 13 * lines, (number, lines, height)
    wide = next(n for n in range(2, sheet.max_row + 1) if "张三" in str(sheet.cell(n, 10).value))
    assert sheet.row_dimensions[wide].height >= 13 * len(found)


def _heading_row(sheet, first_cell: str) -> int:
    return next(c.row for row in sheet.iter_rows(max_col=1) for c in row
                if c.value == first_cell)


def test_headings_stand_over_their_numbers(db, tmp_path, capsys):
    book = _export(db, tmp_path, capsys, "en")
    advisors = book["Advisors"][1]
    assert advisors[0].alignment.horizontal == "left"  # the advisor's name
    # members … complaints, then the sparkline (no number), then the eight weeks' counts
    assert [c.alignment.horizontal for c in advisors[1:8]] == ["right"] * 7
    assert advisors[8].alignment.horizontal == "left"
    assert [c.alignment.horizontal for c in advisors[9:]] == ["right"] * 8
    events = {c.value: c.alignment.horizontal for c in book["Events"][1]}
    assert events["Kind"] == events["Title"] == "left"
    assert events["Starts"] == events["Capacity"] == events["Attendance rate"] == "right"
    summary = book["Summary"]
    for first in ("Week", "Members by value tier", "Figure", "Findings by category"):
        row = summary[_heading_row(summary, first)]
        numbers = [c for c in row[1:] if c.value]
        assert row[0].alignment.horizontal == "left" and numbers, first
        assert all(c.alignment.horizontal == "right" for c in numbers), first
        # and the numbers under them stand right too (a section's name may come first)
        below = next(summary.cell(n, 2) for n in range(row[0].row + 1, row[0].row + 4)
                     if isinstance(summary.cell(n, 2).value, int | float))
        assert below.alignment.horizontal in ("right", None)


def test_tiers_read_as_names_in_english(db, tmp_path, capsys):
    book = _export(db, tmp_path, capsys, "en")
    summary = book["Summary"]
    first = _heading_row(summary, "Members by value tier")
    tiers = [summary.cell(first + n, 1).value for n in range(1, 6)]
    assert tiers == ["Diamond", "Gold", "Silver", "Basic", "Assets unknown"]
    shown = {row[0] for row in book["Dormant to call"].iter_rows(min_row=2, values_only=True)}
    assert shown and shown <= {"Diamond", "Gold", "Silver", "Basic", "Assets unknown"}


@pytest.mark.parametrize(("language", "week", "page"), [
    ("en", "Weekly review 2026-W49: 2026-11-30 to 2026-12-06", "Page &P of &N"),
    ("zh", "2026-W49 周报：2026-11-30 至 2026-12-06", "第 &P 页，共 &N 页")])
def test_every_printed_page_says_which_sheet_and_week_it_is(db, tmp_path, capsys, language,
                                                            week, page):
    book = _export(db, tmp_path, capsys, language)
    sizes = {}
    for sheet in book.worksheets:
        header, footer = sheet.oddHeader, sheet.oddFooter
        assert header.left.text == f"&B{sheet.title}&B", sheet.title
        assert header.right.text.strip() == week, sheet.title
        assert footer.center.text == page, sheet.title
        sizes[sheet.title] = header.left.size
    # a wide sheet is shrunk to the page's width, and its header is made larger to match
    compliance, newcomers = book.sheetnames[3], book.sheetnames[-1]
    assert sizes[compliance] > sizes[newcomers] >= 10


def test_the_branch_heads_every_page_and_an_ampersand_stays_one(db, tmp_path, capsys,
                                                                 monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('branch_name = "陆家嘴 & 张江营业部"\n', encoding="utf-8")
    monkeypatch.setenv("BRANCHDESK_CONFIG", str(config))
    book = _export(db, tmp_path, capsys, "en")
    for sheet in book.worksheets:
        # "&&" is how a header writes one "&" ("& " alone would start a code)
        assert sheet.oddHeader.center.text == "陆家嘴 && 张江营业部", sheet.title
