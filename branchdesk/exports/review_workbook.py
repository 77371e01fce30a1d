"""The weekly review workbook (周报) for the manager: the review model of
services/weekly_review_model.py laid out on sheets a person reads without help.

Written with xlsxwriter, not openpyxl: its charts keep the values they draw (cached in the
chart XML), so a mail or phone preview that does not recalculate still shows them, and it
writes in-cell sparklines. Every text cell goes through exports/safe_cell.py; phones are
masked, also inside a message, a finding, a reason or a complaint (exports/text_masks.py);
the audit log's head is printed on the Summary; the file is written under a temporary name
and renamed (exports/atomic.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from branchdesk import datetimes
from branchdesk.compliance.detectors import mask
from branchdesk.errors import UserError
from branchdesk.exports.atomic import save_workbook
from branchdesk.exports.review_sheets import SheetWriter, summary
from branchdesk.exports.text_masks import mask_message, mask_numbers, privacy
from branchdesk.i18n import t
from branchdesk.member_fields import mask_phone, value_tier_for
from branchdesk.services.iso_week import IsoWeek
from branchdesk.services.weekly_review_model import WeeklyReview
from branchdesk.store import weekly_review as rows
from branchdesk.store.database import Store

DORMANT_ROWS = 50_000  # the wake-up list, highest tiers first: the rest is in the app


def default_name(week: IsoWeek) -> str:
    """In the user's language, like the roster's export (客户-2026-12-07.xlsx)."""
    return t("review_export.file_name", week=week.label)


def check_target(path: Path) -> None:
    """A path the workbook can go to, before any work is done."""
    if path.suffix.lower() != ".xlsx":
        raise UserError("review_export.not_xlsx", file=str(path))
    if not path.parent.is_dir():
        raise UserError("review_export.no_folder", file=str(path))


class _Book:
    """What exports/atomic.py saves: builds the workbook into the path it is given."""

    def __init__(self, build: Callable[[str], None]) -> None:
        self.build = build

    def save(self, path: Path) -> None:
        from xlsxwriter.exceptions import FileCreateError

        try:
            self.build(str(path))
        except FileCreateError as error:
            cause = error.args[0] if error.args else None
            raise cause if isinstance(cause, OSError) else OSError(str(error)) from error


def write_review(store: Store, review: WeeklyReview, path: str | Path, *, settings: Any = None,
                 progress: Callable[[float], None] | None = None) -> Path:
    """Write the workbook of `review` to `path` in one step; the path written."""
    path = Path(path)
    check_target(path)
    report = progress or (lambda fraction: None)
    days = getattr(settings, "dormant_days", 30)
    thresholds = tuple(getattr(settings, "tier_thresholds", (100_000.0, 500_000.0, 3_000_000.0)))
    span = rows.Span(review.current.start, review.current.end, review.current.as_of,
                     *_bounds(review))
    conn = store.conn
    flagged = rows.flagged_messages(conn, span.start_utc, span.after_utc)
    complaints = rows.complaint_rows(conn, span)
    newcomers = rows.new_members(conn, span)
    report(0.2)
    sleepers = rows.dormant_to_call(conn, review.today, days, thresholds, DORMANT_ROWS)  # type: ignore[arg-type]
    report(0.4)
    branch = getattr(settings, "branch_name", "") or ""

    def build(target: str) -> None:
        import xlsxwriter

        book = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False,
                                            "default_date_format": "yyyy-mm-dd"})
        book.set_properties({"title": t("review_export.title", week=review.week.label),
                             "subject": branch, "comments": f"audit {review.audit_head.seq}:"
                                                             f"{review.audit_head.hash}"})
        out = SheetWriter(book, t("review_export.heading", week=review.week.label,
                                  start=review.current.start.isoformat(),
                                  end=review.current.end.isoformat()), branch)
        summary(out, review, t("review_export.sheet.events"))
        _advisors(out, review)
        _events(out, review)
        report(0.5)
        _compliance(out, flagged)
        _complaints(out, complaints)
        report(0.6)
        _dormant(out, sleepers, thresholds)
        _new_members(out, newcomers, thresholds)
        report(0.8)
        book.close()

    written = save_workbook(_Book(build), path, example="review.xlsx")
    report(1.0)
    return written


def _bounds(review: WeeklyReview) -> tuple[str, str, str]:
    from branchdesk.services.weekly_review import span_of

    span = span_of(review.week, review.today, datetimes.branch_zone())
    return span.start_utc, span.after_utc, span.as_of_after_utc


def _local(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetimes.from_stored(text).replace(tzinfo=None)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _tier(assets: float | None, thresholds: Any) -> str:
    tier = value_tier_for(assets, thresholds)
    return tier.label() if tier else t("weekly_review.tier_unknown")


def _events(out: SheetWriter, review: WeeklyReview) -> Any:
    from branchdesk.event_types import EventKind

    f = out.formats
    sheet = out.table("events", ["starts", "kind", "title", "capacity", "invited", "registered",
                                 "attended", "no_show", "attendance_rate"],
                      [[_local(e.starts_at), EventKind(e.kind).label(), e.title, e.capacity,
                        e.invited, e.registered, e.attended,
                        e.no_show if e.closed else t("review_closing.not_closed"),
                        e.attendance_rate]
                       for e in review.events],
                      [f["datetime"], None, None, f["count"], f["count"], f["count"], f["count"],
                       f["count"], f["rate"]])
    return sheet


# Columns, not a line: LibreOffice (7.4, measured) draws a line sparkline as faint dots
# whatever its weight or markers, columns as solid bars, as Excel does; the week with the most
# active members in orange, the fewest in grey, the rest dark blue (legible printed in grey).
SPARKLINE: dict[str, Any] = {
    "type": "column", "series_color": "#1F4E79", "high_point": True, "high_color": "#ED7D31",
    "low_point": True, "low_color": "#A6A6A6",
}
SPARKLINE_BAND = "#E7EEF6"  # every other advisor's sparkline cell


def _advisors(out: SheetWriter, review: WeeklyReview) -> None:
    from branchdesk.services.review_figures import advisor_label

    f = out.formats
    names = ("members", "active", "contacts", "reactivated", "attended", "messages", "complaints")
    weeks = [w.week for w in review.trend]
    headers = ["advisor", *names, "trend"]
    data = [[advisor_label(a.advisor), *(getattr(a, n) for n in names), None, *a.active_trend]
            for a in review.advisors]
    sheet = out.table("advisors", headers, data, [None, *[f["count"]] * len(names), None,
                                                  *[f["count"]] * len(weeks)],
                      extra_headers=weeks, widths={len(headers) - 1: 24})
    from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

    first = len(headers)
    band = out.book.add_format({"bg_color": SPARKLINE_BAND})
    for index in range(len(data)):
        row = index + 1
        sheet.set_row(row, 24)
        if index % 2:  # columns fill their cell's height: a band tells one advisor's from the next
            sheet.write_blank(row, len(headers) - 1, None, band)
        sheet.add_sparkline(row, len(headers) - 1, {
            "range": f"{quote_sheetname(sheet.name)}!{xl_rowcol_to_cell(row, first)}:"
                     f"{xl_rowcol_to_cell(row, first + len(weeks) - 1)}",
            **SPARKLINE})


def _compliance(out: SheetWriter, flagged: list[dict[str, Any]]) -> None:
    from branchdesk.compliance.rulepack import Category

    def findings(found: list[dict[str, Any]]) -> str:
        parts = []
        for finding in found:
            try:
                label = Category(finding.get("category")).label()
            except ValueError:
                label = str(finding.get("category"))
            match = finding.get("match")
            if match and privacy(finding):
                match = mask(match)  # as the privacy rule's rewrite shows it
            parts.append(t("review_export.finding", category=label, match=match) if match
                         else label)
        return mask_numbers("\n".join(parts)) or ""  # one a line: the cell wraps

    f = out.formats
    rows = []
    for m in flagged:
        found = json.loads(m["findings"] or "[]")
        rows.append([_local(m["created_at"]), m["author"], m["community"],
                     t(f"compliance.verdict.{m['verdict']}"), findings(found),
                     t(f"messages.status.{m['status']}"), m["reviewer"],
                     mask_numbers(m["review_reason"]), mask_numbers(m["override_reason"]),
                     mask_message(m["text"], found)])
    out.table("compliance", ["created", "author", "community", "verdict", "found", "status",
                             "reviewer", "review_reason", "override_reason", "text"], rows,
              [f["datetime"], None, None, None, f["wrap"], None, None, f["wrap"], f["wrap"],
               f["wrap"]], widths={4: 40, 7: 24, 8: 24, 9: 60})


def _complaints(out: SheetWriter, complaints: list[dict[str, Any]]) -> None:
    from branchdesk.engagement_enums import ComplaintCategory, ComplaintChannel

    f = out.formats
    out.table("complaints", ["overdue", "id", "opened_on", "member", "phone", "advisor", "channel",
                             "category", "summary", "owner", "status", "resolution_due",
                             "resolved"],
              [[t("review_export.yes") if c["overdue"] else None, c["id"], _day(c["opened_on"]),
                c["name"], mask_phone(c["phone"]), c["advisor"],
                ComplaintChannel(c["channel"]).label(), ComplaintCategory(c["category"]).label(),
                mask_numbers(c["summary"]), c["owner"],
                t(f"review_export.complaint_status.{c['status']}"), _day(c["resolution_due"]),
                _local(c["resolved_at"])] for c in complaints],
              [f["alert"], f["count"], f["date"], None, None, None, None, None, f["wrap"], None,
               None, f["date"], f["datetime"]], widths={8: 40})


def _dormant(out: SheetWriter, sleepers: list[dict[str, Any]], thresholds: Any) -> None:
    f = out.formats
    out.table("dormant", ["tier", "member", "phone", "advisor", "assets", "heard_on", "days_asleep",
                          "follow_up_on"],
              [[_tier(s["total_assets"], thresholds), s["name"], mask_phone(s["phone"]),
                s["advisor"], s["total_assets"], _day(s["heard_on"]), s["days_asleep"],
                _day(s["follow_up_on"])] for s in sleepers],
              [None, None, None, None, f["money"], f["date"], f["count"], f["date"]])


def _new_members(out: SheetWriter, newcomers: list[dict[str, Any]], thresholds: Any) -> None:
    f = out.formats
    out.table("new_members", ["joined", "member", "phone", "advisor", "tier", "communities"],
              [[_local(m["created_at"]), m["name"], mask_phone(m["phone"]), m["advisor"],
                _tier(m["total_assets"], thresholds),
                "、".join(json.loads(m["communities"] or "[]"))] for m in newcomers],
              [f["datetime"], None, None, None, None, None])
