"""The members export as a manager opens or prints it: every column as wide as what it holds
(Chinese counted double), long lists wrapped, A4 landscape one page wide, the header row on
every page, frozen and filtered."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from rich.cells import cell_len

from branchdesk.cli import main
from branchdesk.exports import members as members_export


def column_widths(path) -> dict[int, float]:
    """Column (1-based) → width, as the sheet's XML declares them (runs of equal columns)."""
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    widths = {}
    for low, high, width in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', xml):
        for col in range(int(low), int(high) + 1):
            widths[col] = float(width)
    return widths


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_export_reads_well_on_screen_and_on_paper(tmp_path, capsys, language):
    db = tmp_path / "b.db"
    assert main(["--db", str(db), "demo", "--members", "80"]) == 0
    out = tmp_path / "members.xlsx"
    assert main(["--db", str(db), "--lang", language, "export", "members", "-o", str(out)]) == 0
    capsys.readouterr()
    sheet = openpyxl.load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header, data = rows[0], rows[1:]
    widths = column_widths(out)
    assert len(widths) == len(header) == 17
    for col, name in enumerate(header, start=1):
        # the header fits on its two lines, beside the filter arrow
        assert widths[col] >= members_export._header_room(name) + members_export.FILTER_BUTTON
        values = [r[col - 1] for r in data if isinstance(r[col - 1], str)]
        widest = max((cell_len(v) for v in values), default=0)
        if widest < members_export.WIDEST - 2:
            assert widths[col] >= widest + 1, (name, widest, widths[col])  # nothing cut
    risk = header.index("风险承受能力" if language == "zh" else "Risk level") + 1
    assert widths[risk] >= cell_len("C3 稳健型" if language == "zh" else "C5 aggressive") + 1
    assert max(widths.values()) <= members_export.WIDEST + 1  # the rest wraps
    notes = sheet.cell(2, header.index("备注" if language == "zh" else "Notes") + 1)
    communities = sheet.cell(2, header.index("所在社群" if language == "zh" else "Communities") + 1)
    assert notes.alignment.wrap_text and communities.alignment.wrap_text
    # printed: A4 landscape, one page wide, the header on every page; frozen and filtered
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and setup.paperSize in (9, "9")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (1, None) and setup.fitToHeight in (0, "0")
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{len(rows)}"
    assert sheet.row_dimensions[1].height == members_export.HEADER_HEIGHT
