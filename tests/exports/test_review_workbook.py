"""The weekly review workbook as a manager gets it: the sheets, frozen and filtered headers, the
same figures as `review --json`, charts whose XML holds the values they draw, sparklines,
masked phones, text that stays text, the audit head, and a failed export that leaves nothing."""

from __future__ import annotations

import json
import re
import zipfile

import openpyxl
import pytest
from weekly_review_support import TODAY, build_branch, local_noon

from branchdesk import datetimes
from branchdesk.cli import main
from branchdesk.compliance.rulepack import Category
from branchdesk.exports import review_sheets
from branchdesk.store.database import Store

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension")

SHEETS = ["Summary", "Advisors", "Events", "Compliance", "Complaints", "Dormant to call",
          "New members"]


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "branch.db"
    store = Store(path)
    build_branch(store, monkeypatch)
    store.close()
    monkeypatch.setattr(datetimes, "now", lambda: local_noon(TODAY))
    return path


@pytest.fixture
def exported(db, tmp_path, capsys):
    target = tmp_path / "review.xlsx"
    assert main(["--db", str(db), "--lang", "en", "export", "review", "--week", "2026-W49",
                 "-o", str(target)]) == 0
    assert "review.xlsx" in capsys.readouterr().out
    assert main(["--db", str(db), "review", "--week", "2026-W49", "--json"]) == 0
    return target, json.loads(capsys.readouterr().out)


def _xml(path, name: str) -> str:
    return zipfile.ZipFile(path).read(name).decode("utf-8")


def _sheet_xml(path, title: str) -> str:
    book = openpyxl.load_workbook(path)
    index = book.sheetnames.index(title) + 1
    return _xml(path, f"xl/worksheets/sheet{index}.xml")


def test_sheets_headers_frozen_and_filtered(exported):
    path, _ = exported
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS
    for title in SHEETS[1:]:
        sheet = book[title]
        assert sheet.freeze_panes == "A2", title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), title
        assert all(c.value for c in sheet[1]), title
    assert [c.value for c in book["Events"][1]][:3] == ["Starts", "Kind", "Title"]
    assert book["Summary"].freeze_panes == "A6"
    # widths fit Chinese text: the communities column of a Chinese name list is wider than 6
    assert book["Compliance"].column_dimensions["J"].width >= 40


def test_summary_figures_equal_review_json(exported):
    path, data = exported
    sheet = openpyxl.load_workbook(path)["Summary"]
    cells = {row[0].value: [c.value for c in row[1:4]] for row in sheet.iter_rows(min_row=6, max_row=40)
             if row[0].value}
    assert cells["Members on the roster"] == [6, 5, 1]
    assert cells["Dormant members"] == [data["members"]["dormant"], 2, -1]
    assert cells["Attendance rate"] == [0.5, 1.0, -50.0]  # the change in points
    assert cells["Review time (median)"][0] == data["compliance"]["approval_hours_median"]
    assert cells["Complaints overdue"][0] == data["complaints"]["overdue"]
    assert sheet.cell(7, 2).number_format == "#,##0"
    text = " ".join(str(c.value) for row in sheet.iter_rows(max_row=3) for c in row if c.value)
    assert str(data["audit_head"]["seq"]) in text and data["audit_head"]["hash"] in text


def test_charts_hold_their_values(exported):
    path, data = exported
    names = [n for n in zipfile.ZipFile(path).namelist() if n.startswith("xl/charts/chart")]
    assert len(names) == 3  # members over 8 weeks, findings by category, attendance by event
    charts = {name: _xml(path, name) for name in names}
    line = next(x for x in charts.values() if "<c:lineChart>" in x)
    caches = re.findall(r"<c:numCache>(.*?)</c:numCache>", line)
    values = [[float(v) for v in re.findall(r"<c:v>([^<]*)</c:v>", cache)] for cache in caches]
    trend = data["trend"]
    assert values == [[float(w["members"][k]) for w in trend] for k in ("active", "dormant",
                                                                          "reactivated")]
    assert "2026-W42" in line and "<c:strCache>" in line
    found = {c["category"]: c["findings"] for c in data["compliance"]["by_category"]}
    bars = next(x for x in charts.values() if "<c:barDir val=\"bar\"/>" in x)
    cached = [float(v) for v in re.findall(
        r"<c:v>([^<]*)</c:v>", re.search(r"<c:numCache>(.*?)</c:numCache>", bars).group(1))]
    assert cached == [float(found.get(c.value, 0)) for c in Category]
    assert found == {"guarantee": 1, "exaggeration": 1}
    assert Category.GUARANTEE.label() in bars
    column = next(x for x in charts.values() if "<c:barDir val=\"col\"/>" in x)
    assert "=夜场直播" in column  # the event's title, cached as the category


def test_advisors_have_sparklines(exported):
    path, data = exported
    xml = _sheet_xml(path, "Advisors")
    assert xml.count("<x14:sparkline>") == len(data["advisors"]) == 3
    sheet = openpyxl.load_workbook(path)["Advisors"]
    row = [c.value for c in sheet[2]]
    assert row[0] == "周明远" and row[1:8] == [3, 2, 2, 1, 1, 2, 0]
    assert row[-8:] == data["advisors"][0]["active_trend"]


def test_phones_are_masked_and_formulas_stay_text(exported):
    path, _ = exported
    archive = zipfile.ZipFile(path)
    everything = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    assert "13812345678" not in everything and "13800001111" not in everything
    assert "138****5678" in everything
    assert "<f>" not in everything
    book = openpyxl.load_workbook(path)
    title = book["Events"]["C2"]
    assert title.value == "=夜场直播" and title.data_type == "s"
    texts = [c for row in book["Compliance"].iter_rows(min_row=2) for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    assert texts and all(c.data_type == "s" and c.quotePrefix for c in texts)
    complaints = [c.value for row in book["Complaints"].iter_rows(min_row=2) for c in row]
    assert "+投诉 2026-12-01" in complaints


def test_complaints_overdue_first(exported):
    path, _ = exported
    sheet = openpyxl.load_workbook(path)["Complaints"]
    flags = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert flags == ["overdue", None, None]  # K2 late; K1 resolved in the week; K3 new


def test_headings_in_chinese(db, tmp_path, capsys):
    target = tmp_path / "周报.xlsx"
    assert main(["--db", str(db), "--lang", "zh", "export", "review", "-o", str(target)]) == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:3] == ["摘要", "服务人员", "活动"]
    assert book["活动"]["A1"].value == "开始时间"


@pytest.mark.parametrize("where", ["missing/review.xlsx", "review.txt"])
def test_a_bad_path_is_one_message_and_no_file(db, tmp_path, capsys, where):
    target = tmp_path / where
    assert main(["--db", str(db), "--lang", "en", "export", "review", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert str(target) in err and "Traceback" not in err
    assert not target.exists()


def test_a_failed_export_keeps_the_old_workbook(db, tmp_path, capsys, monkeypatch):
    target = tmp_path / "review.xlsx"
    target.write_bytes(b"the good one")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(review_sheets, "_style", broken)
    assert main(["--db", str(db), "--lang", "en", "export", "review", "-o", str(target)]) == 2
    assert "No space left" in capsys.readouterr().err
    assert target.read_bytes() == b"the good one"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_advisor_sparklines_are_solid_columns_with_high_and_low_marked(exported):
    path, _data = exported
    xml = _sheet_xml(path, "Advisors")
    group = re.search(r"<x14:sparklineGroup [^>]*>", xml).group(0)
    # columns (LibreOffice draws a line sparkline as faint dots), the highest and lowest
    # week marked
    assert 'type="column"' in group and 'high="1"' in group and 'low="1"' in group
    assert '<x14:colorHigh rgb="FFED7D31"/>' in xml and '<x14:colorSeries rgb="FF1F4E79"/>' in xml


def _as_shown(value, number_format: str) -> str:
    """A cell as a spreadsheet shows it, for the number formats the Summary uses: the section
    for positive, negative or zero values, its digits and its quoted text."""
    if isinstance(value, str):
        return value
    sections = number_format.split(";")
    section = sections[0] if value > 0 else sections[1] if value < 0 else sections[2]
    size = abs(value)

    def digits(m: re.Match) -> str:
        code = m.group(0)
        if code == "General":
            return f"{size:g}"
        places = len(code.split(".")[1]) if "." in code else 0
        return f"{size:,.{places}f}" if "," in code else f"{size:.{places}f}"

    return re.sub(r"General|#,##0(?:\.0+)?|0(?:\.0+)?", digits, section).replace('"', "")


def test_summary_changes_read_as_on_the_dashboard(exported):
    """A change of nothing is ±0 everywhere (not 0 here and ±0 there), a fall has a minus
    sign, a rate moves in points, and a figure with no value is —, as on the dashboard."""
    from branchdesk.services.review_figures import FIGURES, show_change

    path, _ = exported
    sheet = openpyxl.load_workbook(path)["Summary"]
    by_label = {figure.label: figure for figure in FIGURES}
    seen = []
    for row in sheet.iter_rows(min_row=6, max_row=45):
        figure = by_label.get(row[0].value)
        if figure is None:
            continue
        change = row[3].value
        delta = None if change == "—" else change / 100 if figure.kind == "rate" else change
        assert _as_shown(change, row[3].number_format) == show_change(figure, delta), figure.name
        seen.append(_as_shown(change, row[3].number_format))
    assert len(seen) == len(FIGURES)
    assert "±0" in seen and "—" in seen and any(s.startswith("−") for s in seen)


def test_the_summary_prints_on_one_page(exported):
    path, _ = exported
    xml = _sheet_xml(path, "Summary")
    assert '<pageSetUpPr fitToPage="1"/>' in xml
    setup = re.search(r"<pageSetup [^>]*/>", xml).group(0)
    assert 'fitToHeight="0"' not in setup and 'orientation="landscape"' in setup
