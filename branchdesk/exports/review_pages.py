"""The weekly review workbook on paper: every sheet landscape on A4, fitted to the page's width,
with a header naming the sheet, the branch and the week, and "Page 2 of 9" in the footer, so a
page that says only "Nothing this week." still tells what it is.

A sheet fitted to the page is printed smaller, and its header and footer with it (LibreOffice
shrinks them whatever the file asks; Excel does too by default): their font is made larger by
as much as the sheet is estimated to shrink, so they print at about 10 points on every page in
Excel (LibreOffice without Calibri's metric twin Carlito draws columns wider, shrinks more,
and prints them at about 8).
"""

from __future__ import annotations

from typing import Any

from branchdesk.i18n import t

PAPER = (11.69, 8.27)  # inches, A4 landscape
SIDE_MARGIN = 0.4
END_MARGIN = 0.7  # top and bottom: the header and footer sit in them
HEADER_MARGIN = 0.3  # from the paper's edge to the header, and to the footer
PRINT_WIDTH = (PAPER[0] - 2 * SIDE_MARGIN) * 72  # points
PRINT_HEIGHT = (PAPER[1] - 2 * END_MARGIN) * 72
HEADER_POINTS = 10
LARGEST_HEADER = 36  # points before printing: a sheet shrunk to a quarter
DEFAULT_ROW = 15  # points


def set_up(sheet: Any) -> None:
    """The paper of a sheet: landscape A4, fitted to the page's width, margins for a header."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(SIDE_MARGIN, SIDE_MARGIN, END_MARGIN, END_MARGIN)


def column_points(width: float) -> float:
    """A column's width in points, from its width in characters as Excel converts it (the
    default font's digit is 7 pixels wide, plus 5 pixels of padding; 96 pixels an inch)."""
    pixels = int(width * 12 + 0.5) if width < 1 else int(width * 7 + 0.5) + 5
    return pixels * 0.75


def fit_scale(widths: list[float], heights: list[float] | None = None) -> float:
    """How much a sheet of these column widths (characters) and, fitted to one page tall too,
    these row heights (points) is shrunk to fit the page: 1 when it fits as it is."""
    scale = min(1.0, PRINT_WIDTH / max(sum(column_points(w) for w in widths), 1.0))
    if heights:
        scale = min(scale, PRINT_HEIGHT / max(sum(heights), 1.0))
    return scale


def label(sheet: Any, week: str, branch: str, scale: float = 1.0) -> None:
    """The header (the sheet's name in bold, the branch, the week) and the footer (page numbers)
    of every printed page of `sheet`, sized to print at HEADER_POINTS once shrunk by `scale`."""
    size = max(HEADER_POINTS, min(LARGEST_HEADER, round(HEADER_POINTS / max(scale, 0.01))))
    sections = (("&L", f"&B{_text(sheet.name)}&B"), ("&C", _text(branch)), ("&R", _text(week)))
    sheet.set_header("".join(code + _sized(size, text) for code, text in sections if text),
                     {"margin": HEADER_MARGIN})
    # "Page &P of &N": the page codes go in after the words are escaped
    words = _text(t("review_export.page", page="{page}", pages="{pages}"))
    sheet.set_footer("&C" + _sized(size, words.format(page="&P", pages="&N")),
                     {"margin": HEADER_MARGIN})


def _sized(size: int, text: str) -> str:
    """`text` in a font of `size` points; a space keeps a text starting with a digit (the
    week, 2026-W50) from reading as part of the size."""
    return f"&{size}" + (" " if text[0].isdigit() else "") + text


def _text(text: str) -> str:
    """Text as a header or footer shows it: & starts a code there (&P, &B), && is one &."""
    return text.replace("&", "&&")
