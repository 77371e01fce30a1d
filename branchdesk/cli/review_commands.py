"""`branchdesk review [--week 2026-W49] [--json]` and `branchdesk export review`: the weekly
review for scripts and for the manager's workbook. Both only read the database."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from branchdesk.cli.common import open_db, pad
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.settings import Settings


def _h(key: str) -> str:
    return t(f"weekly_review.cli.{key}")


def add_review_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    review = sub.add_parser("review", parents=[common], help=_h("help_review"))
    review.add_argument("--week", metavar="YYYY-Www", help=_h("help_week"))
    review.add_argument("--json", action="store_true", help=_h("help_json"))
    review.set_defaults(handler=cmd_review)


def add_review_export(export: Any, common: argparse.ArgumentParser) -> None:
    """`export review`, added to the `export` group (cli/event_commands.py makes it)."""
    command = export.add_parser("review", parents=[common], help=t("review_export.help"))
    command.add_argument("--week", metavar="YYYY-Www", help=_h("help_week"))
    command.add_argument("-o", "--output", metavar="FILE.xlsx", help=t("review_export.help_output"))
    command.set_defaults(handler=cmd_export_review)


def chosen_week(text: str | None, settings: Settings):
    from branchdesk import datetimes
    from branchdesk.services.iso_week import IsoWeek

    current = IsoWeek.containing(datetimes.now().astimezone(settings.tz).date())
    if not text:
        return current
    week = IsoWeek.parse(text)
    if week > current:  # its figures would be guesses about days to come
        raise UserError("weekly_review.future_week", value=week.label, current=current.label)
    return week


def _compute(settings: Settings, week_text: str | None):
    from branchdesk.services.weekly_review import ReviewSettings, compute_review

    week = chosen_week(week_text, settings)  # a bad week is an error before the file is opened
    config = ReviewSettings.from_settings(settings)
    store = open_db(settings, read_only=True)
    try:
        return store, compute_review(store, week, config)
    except BaseException:
        store.close()
        raise


def cmd_review(args: argparse.Namespace, settings: Settings) -> int:
    store, review = _compute(settings, args.week)
    store.close()
    if args.json:
        json.dump(review.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    _print(review)
    return 0


def _print(review: Any) -> None:
    from rich.cells import cell_len

    from branchdesk.services.review_figures import (
        FIGURES,
        advisor_label,
        section_label,
        show,
        show_change,
    )

    current, previous = review.current, review.previous
    print(t("weekly_review.title", week=review.week.label, start=current.start.isoformat(),
            end=current.end.isoformat(), as_of=current.as_of.isoformat()))
    rows = [(f.section, f.label, show(f, f.value(current)), show(f, f.value(previous)),
             show_change(f, f.change(current, previous))) for f in FIGURES]
    headers = (t("weekly_review.figure_heading"), t("weekly_review.this_week"),
               t("weekly_review.last_week"), t("weekly_review.change"))
    widths = [max(cell_len(h), *(cell_len(r[i + 1]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: tuple[str, ...]) -> str:
        first = pad(cells[0], widths[0])
        rest = [" " * max(w - cell_len(c), 0) + c for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  " + "  ".join([first, *rest])

    print(line(headers))
    section = ""
    for row in rows:
        if row[0] != section:
            section = row[0]
            print(section_label(section))
        print(line(row[1:]))
    if review.advisors:
        print(section_label("advisors"))
        names = ("members", "active", "contacts", "reactivated", "attended", "messages",
                 "complaints")
        heads = [t("weekly_review.advisor.advisor"), *(t(f"weekly_review.advisor.{n}") for n in names)]
        table = [[advisor_label(a.advisor), *(f"{getattr(a, n):,}" for n in names)]
                 for a in review.advisors]
        col = [max(cell_len(h), *(cell_len(r[i]) for r in table)) for i, h in enumerate(heads)]
        for cells in (heads, *table):
            print("  " + "  ".join([pad(cells[0], col[0])] + [
                " " * max(w - cell_len(c), 0) + c for c, w in zip(cells[1:], col[1:], strict=True)]))
    print(t("weekly_review.audit_head", seq=review.audit_head.seq, hash=review.audit_head.hash))


def cmd_export_review(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from branchdesk.exports.review_workbook import default_name, write_review

    week = chosen_week(args.week, settings)
    target = Path(args.output) if args.output else Path(default_name(week))
    store, review = _compute(settings, week.label)
    try:
        written = write_review(store, review, target, settings=settings)
    finally:
        store.close()
    print(t("review_export.written", file=str(written), week=review.week.label))
    return 0
