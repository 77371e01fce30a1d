"""Sheets of the weekly review workbook: the formats, a list sheet with its header frozen and
filtered, and the Summary with its trend, tables and native charts (exports/review_workbook.py
puts them together)."""

from __future__ import annotations

from typing import Any

from branchdesk.exports import review_pages as pages
from branchdesk.exports.safe_cell import XlsxCells
from branchdesk.i18n import t
from branchdesk.services.review_figures import (
    FIGURES,
    section_label,
    tier_label,
)
from branchdesk.services.weekly_review_model import WeeklyReview

SAMPLE_ROWS = 2_000  # widths are measured on the first rows of a long list
HEADER_FILL = "#DDEBF7"
LINE_HEIGHT = 14  # points: a line of 10-point text, Chinese or Latin, with its leading
MAX_ROW_HEIGHT = 409  # points: Excel's tallest row
# The Summary's columns A..N, in characters: the figures' names, this and last week, the change
# (in points: "−9.0 个百分点"), then the trend's and tables' columns, under the charts.
SUMMARY_WIDTHS = [34, 12, 12, 15, *[12] * 10]
COLORS = {"active": "#2E75B6", "dormant": "#C00000", "reactivated": "#70AD47"}


def _change_format(number: str, unit: str = "", zero: str | None = None) -> str:
    """Excel's number format for a change, signed as the dashboard signs it
    (review_figures.show_change): +3, −2 (a minus sign, not a hyphen), ±0 for no change."""
    tail = f'" {unit}"' if unit else ""
    return f'+{number}{tail};"−"{number}{tail};"±"{zero or number}{tail}'


def _points_unit() -> str:
    """"pt" / "个百分点": a rate's change in percentage points, in the workbook's language."""
    return t("weekly_review.points", value="").strip().replace('"', "")


class SheetWriter:
    def __init__(self, book: Any, page_title: str, branch: str) -> None:
        """`page_title` (the week and its days, the Summary's title) and `branch` head every
        printed page beside the sheet's name: a page that says only "Nothing this week."
        still tells what it is."""
        self.book = book
        self.page_title = page_title
        self.branch = branch
        self.cells = XlsxCells(book)
        self.sheets: dict[str, Any] = {}
        base = {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "top"}
        self.base = base

        def fmt(**extra: Any) -> Any:
            return self.cells.format(**{**base, **extra})

        # Text stands left, one indent in: beside a right-aligned number or date in the column
        # before, it still reads as its own ("0  not closed", not "0not closed").
        self.formats = {
            "header": fmt(bold=True, bg_color=HEADER_FILL, bottom=1, text_wrap=True,
                          valign="vcenter", align="left", indent=1),
            # over a column of numbers or dates, which stand right: the heading stands with them
            "header_number": fmt(bold=True, bg_color=HEADER_FILL, bottom=1, text_wrap=True,
                                 valign="vcenter", align="right"),
            "title": fmt(font_size=16, bold=True),
            "subtitle": fmt(font_color="#595959"),
            "section": fmt(bold=True, bg_color="#F2F2F2", top=1, align="left", indent=1),
            "count": fmt(num_format="#,##0", align="right"),  # also "not closed" in a count column
            "money": fmt(num_format="#,##0"),
            "rate": fmt(num_format="0.0%"),
            "decimal": fmt(num_format="0.0"),
            "date": fmt(num_format="yyyy-mm-dd"),
            "datetime": fmt(num_format="yyyy-mm-dd hh:mm"),
            "wrap": fmt(text_wrap=True, align="left", indent=1),
            "alert": fmt(bold=True, font_color="#C00000", align="left", indent=1),
            "text": fmt(align="left", indent=1),
            "note": fmt(italic=True, font_color="#7F7F7F", align="left", indent=1),
            "change_count": fmt(num_format=_change_format("#,##0")),
            # a rate's change in percentage points, as the dashboard and `review` say it
            "change_rate": fmt(num_format=_change_format("0.0", _points_unit())),
            "change_hours": fmt(num_format=_change_format("0.0")),
            "change_days": fmt(num_format=_change_format("General", zero="0")),  # 1.5, 2
            # what the dashboard shows for a figure with no value (no events, no reviews)
            "unknown": fmt(align="right", font_color="#7F7F7F"),
        }

    def sheet(self, key: str) -> Any:
        made = self.book.add_worksheet(t(f"review_export.sheet.{key}"))
        made.hide_gridlines(2)
        pages.set_up(made)
        pages.label(made, self.page_title, self.branch)
        self.sheets[key] = made
        return made

    def header_for(self, fmt: Any) -> Any:
        """The heading format over a column written in `fmt`: right-aligned over numbers and
        dates, so a number never reads as belonging to the next column's heading."""
        numeric = {self.formats[k] for k in ("count", "money", "rate", "decimal", "date",
                                               "datetime")}
        return self.formats["header_number" if fmt in numeric else "header"]

    def table(self, key: str, columns: list[str], data: list[list[Any]], formats: list[Any],
              *, extra_headers: list[str] | None = None,
              widths: dict[int, int] | None = None) -> Any:
        """A list sheet: headers in the chosen language, frozen and filtered; widths that fit."""
        from branchdesk.exports.widths import text_width

        sheet = self.sheet(key)
        headers = [t(f"review_export.col.{name}") for name in columns] + list(extra_headers or [])
        sample = data[:SAMPLE_ROWS]
        sizes = []
        for column, header in enumerate(headers):
            fixed = (widths or {}).get(column)
            width = fixed or text_width([header, *(r[column] for r in sample if column < len(r))])
            sheet.set_column(column, column, width)
            sizes.append(width)
        formats = [fmt or self.formats["text"] for fmt in formats]
        self.cells.row(sheet, 0, headers, [self.header_for(fmt) for fmt in formats])
        wrapped = [(column, sizes[column]) for column, fmt in enumerate(formats)
                   if fmt is self.formats["wrap"]]
        for index, values in enumerate(data):
            self.cells.row(sheet, index + 1, values, formats)
            lines = max((wrapped_lines(values[column], width) for column, width in wrapped
                         if column < len(values)), default=1)
            if lines > 1:  # xlsxwriter does not fit a row's height to its wrapped text
                sheet.set_row(index + 1, min(LINE_HEIGHT * lines + 3, MAX_ROW_HEIGHT))
        if not data:
            self.cells.put(sheet, 1, 0, t("review_export.none"), self.formats["note"])
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(data), 1), len(headers) - 1)
        sheet.repeat_rows(0)
        sheet.set_row(0, 30)
        pages.label(sheet, self.page_title, self.branch, pages.fit_scale(sizes))
        return sheet


def wrapped_lines(value: Any, width: int) -> int:
    """How many lines `value` takes in a wrapping cell `width` characters wide: each of its
    lines by terminal cells (a Chinese character takes two, as in Excel's width units),
    over the width less two characters of padding and indent; rounded up, so a word wrap's ragged end
    rarely spills."""
    from rich.cells import cell_len

    if not isinstance(value, str):
        return 1
    room = max(width - 2, 1)
    return sum(max(1, -(-cell_len(line) // room)) for line in value.splitlines()) or 1


def summary(out: SheetWriter, review: WeeklyReview, events_name: str) -> None:
    f = out.formats
    put = out.cells.put
    sheet = out.sheet("summary")
    current, previous = review.current, review.previous
    put(sheet, 0, 0, out.page_title, f["title"])
    put(sheet, 1, 0, "  ·  ".join(p for p in (out.branch, t("review_export.as_of",
                                                       day=current.as_of.isoformat())) if p),
        f["subtitle"])
    put(sheet, 2, 0, t("review_export.audit_head", seq=review.audit_head.seq,
                       hash=review.audit_head.hash), f["subtitle"])
    # the figures: this week, last week, change
    out.cells.row(sheet, 4, [t("weekly_review.figure_heading"), t("weekly_review.this_week"),
                             t("weekly_review.last_week"), t("weekly_review.change")],
                  [f["header"], *[f["header_number"]] * 3])
    row, section = 5, ""
    for figure in FIGURES:
        if figure.section != section:
            section = figure.section
            out.cells.row(sheet, row, [section_label(section), None, None, None],
                          [f["section"]] * 4)
            row += 1
        value_format = {"count": f["count"], "rate": f["rate"]}.get(figure.kind, f["decimal"])
        change_format = f[f"change_{figure.kind}"]
        change = figure.change(current, previous)
        if figure.kind == "rate" and change is not None:
            change = round(change * 100, 6)  # points: 0.30 → 0.25 is −5.0 pt, not −5.0%
        values = [figure.value(current), figure.value(previous), change]
        out.cells.row(sheet, row, [figure.label, *("—" if v is None else v for v in values)],
                      [f["text"], *(f["unknown"] if v is None else fmt
                                    for v, fmt in zip(values, (value_format, value_format,
                                                               change_format), strict=True))])
        row += 1
    figures_end = row
    heights = {0: 26}  # points, by row; the rest DEFAULT_ROW
    for column, width in enumerate(SUMMARY_WIDTHS):
        sheet.set_column(column, column, width)
    name = sheet.name

    def ref(first_row: int, last_row: int, column: int) -> list[Any]:
        return [name, first_row, column, last_row, column]

    # below the figures: the 8-week trend (the line chart reads it) ...
    trend_names = [("members", "active"), ("members", "dormant"), ("members", "reactivated"),
                   ("engagement", "contacts"), ("events", "attended"), ("compliance", "blocked"),
                   ("complaints", "overdue")]
    by_name = {(fig.section, fig.name): fig for fig in FIGURES}
    top = figures_end + 1
    put(sheet, top, 0, section_label("trend"), f["section"])
    out.cells.row(sheet, top + 1, [t("review_export.col.week"),
                                   *(by_name[n].label for n in trend_names)],
                  [f["header"], *[f["header_number"]] * len(trend_names)])
    heights[top + 1] = 45
    trend_first = top + 2
    for index, week in enumerate(review.trend):
        out.cells.row(sheet, trend_first + index,
                      [week.week, *(by_name[n].value(week) for n in trend_names)],
                      [f["text"], *[f["count"]] * len(trend_names)])
    trend_last = trend_first + len(review.trend) - 1

    # ... members by value tier ...
    tier_top = trend_last + 2
    names = ("total", "new", "active", "dormant", "reactivated")
    out.cells.row(sheet, tier_top, [section_label("tiers"),
                                    *(by_name[("members", n)].label for n in names)],
                  [f["header"], *[f["header_number"]] * len(names)])
    heights[tier_top] = 45
    for index, tier in enumerate(current.members.by_tier):
        out.cells.row(sheet, tier_top + 1 + index,
                      [tier_label(tier.tier), *(getattr(tier, n) for n in names)],
                      [f["text"], *[f["count"]] * len(names)])

    # ... and findings by category (the bar chart reads it)
    from branchdesk.compliance.rulepack import Category

    counts = {c.category: c.findings for c in current.compliance.by_category}
    cat_top = tier_top + len(current.members.by_tier) + 2
    out.cells.row(sheet, cat_top, [section_label("categories"), t("review_export.col.findings")],
                  [f["header"], f["header_number"]])
    for index, category in enumerate(Category):
        out.cells.row(sheet, cat_top + 1 + index, [category.label(), counts.get(category.value, 0)],
                      [f["text"], f["count"]])
    cat_first, cat_last = cat_top + 1, cat_top + len(Category)

    # charts beside the figures: members over 8 weeks, then findings by category
    line = out.book.add_chart({"type": "line"})
    for column, key in ((1, "active"), (2, "dormant"), (3, "reactivated")):
        line.add_series({"name": [name, top + 1, column], "categories": ref(trend_first, trend_last, 0),
                         "values": ref(trend_first, trend_last, column),
                         "marker": {"type": "circle", "fill": {"color": COLORS[key]},
                                    "border": {"color": COLORS[key]}},
                         "line": {"color": COLORS[key], "width": 2.25}})
    _style(line, t("review_export.chart.members"))
    sheet.insert_chart(4, 5, line, {"x_scale": 1.25, "y_scale": 1.05})

    bars = out.book.add_chart({"type": "bar"})
    bars.add_series({"name": [name, cat_top, 1], "categories": ref(cat_first, cat_last, 0),
                     "values": ref(cat_first, cat_last, 1), "fill": {"color": "#C00000"},
                     "data_labels": {"value": True}})
    _style(bars, t("review_export.chart.categories"), legend=False)
    bars.set_y_axis({"reverse": True, "num_font": {"name": "Microsoft YaHei", "size": 9}})
    sheet.insert_chart(21, 5, bars, {"x_scale": 1.25, "y_scale": 1.05})

    # attendance by event, beside the tables below the figures
    if review.events:
        attendance = out.book.add_chart({"type": "column"})
        count = len(review.events)
        for column, color in ((5, "#BDD7EE"), (6, "#2E75B6")):
            attendance.add_series({"name": [events_name, 0, column],
                                   "categories": [events_name, 1, 2, count, 2],
                                   "values": [events_name, 1, column, count, column],
                                   "fill": {"color": color}, "data_labels": {"value": True}})
        _style(attendance, t("review_export.chart.attendance"))
        sheet.insert_chart(top, len(trend_names) + 2, attendance,
                           {"x_scale": 1.0, "y_scale": 1.05})
    else:
        put(sheet, top, 9, t("review_export.no_events"), f["note"])
    sheet.freeze_panes(5, 0)
    last = max(cat_last, top + 17)
    sheet.print_area(0, 0, last, 13)
    # One page: figures, trend, tables and charts are read together (the lists fit to width).
    sheet.fit_to_pages(1, 1)
    for at, height in heights.items():
        sheet.set_row(at, height)
    pages.label(sheet, out.page_title, out.branch, pages.fit_scale(
        SUMMARY_WIDTHS, [heights.get(at, pages.DEFAULT_ROW) for at in range(last + 1)]))
    sheet.activate()


def _style(chart: Any, title: str, legend: bool = True) -> None:
    font = {"name": "Microsoft YaHei", "size": 9}
    chart.set_title({"name": title, "name_font": {"name": "Microsoft YaHei", "size": 12,
                                                   "bold": True}})
    chart.set_legend({"position": "bottom", "font": font} if legend else {"none": True})
    chart.set_x_axis({"num_font": font})
    chart.set_y_axis({"num_font": font, "major_gridlines": {"visible": True,
                                                            "line": {"color": "#D9D9D9"}}})
    chart.set_chartarea({"border": {"none": True}})
