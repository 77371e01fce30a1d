"""What the engagement and complaint commands share: help texts, JSON and table output
(the shape of a listing), and
reading members, moments and days the way people type them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from rich.cells import cell_len, set_cell_size

from branchdesk import datetimes
from branchdesk.cli.common import pad, print_json
from branchdesk.i18n import t
from branchdesk.settings import Settings

RED, RESET = "\033[31m", "\033[0m"


def helptext(key: str) -> str:
    return t(f"engagement_cli.help.{key}")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
           red: Sequence[bool] | None = None) -> None:
    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    print("  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
    colour = sys.stdout.isatty()
    for index, row in enumerate(rows):
        line = "  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
        if colour and red and red[index]:
            line = RED + line + RESET
        print(line)


ListColumn = tuple[str, Callable[[Any], str]]  # engagement_cli.col.<key>, an item's cell


def print_items(items: Sequence[Any], columns: Sequence[ListColumn],
                red: Callable[[Any], bool] | None = None) -> None:
    """The table of a listing command: a column a (title key, cell of an item) pair; the rows
    of items for which `red` holds in red on a terminal."""
    print_table([t(f"engagement_cli.col.{key}") for key, _ in columns],
                [[cell(item) for _, cell in columns] for item in items],
                red=[red(item) for item in items] if red else None)


def print_json_or_empty(args: argparse.Namespace, items: Sequence[Any],
                        to_json: Callable[[Any], Any], empty: str) -> bool:
    """The start every listing command shares: with --json, the items as JSON; else `empty`
    when there are none. True when that was all there is to print."""
    if args.json:
        print_json([to_json(item) for item in items])
        return True
    if not items:
        print(empty)
        return True
    return False


def one_line(text: str | None, width: int = 30) -> str:
    """One line of at most `width` cells, with an ellipsis when cut."""
    line = " ".join((text or "").split())
    if cell_len(line) <= width:
        return line
    return set_cell_size(line, width - 1).rstrip() + "…"


def member_id_of(store, text: str) -> int:
    from branchdesk.services.member_lookup import resolve

    return resolve(store.conn, text)


def person_arg(store, name: str | None) -> str | None:
    """An --advisor / --owner filter as typed: a name nobody in the branch has is refused
    (a typo would otherwise list nothing and say there is nothing)."""
    from branchdesk.services.known_people import check_known

    return None if name is None else check_known(store, name)


def parse_moment(text: str | None, prefer: str = "past"):
    return datetimes.parse_datetime(text, prefer=prefer) if text else None  # type: ignore[arg-type]


def parse_day(text: str | None, prefer: str = "past") -> date | None:
    return datetimes.parse_date(text, prefer=prefer) if text else None  # type: ignore[arg-type]


def engagement_settings(settings: Settings):
    from branchdesk import engagement_config

    return engagement_config.from_settings(settings)


def calendar_notice_for(years: Sequence[int]) -> str:
    from branchdesk.services.complaints import calendar_notice

    return calendar_notice(list(years))


def json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=helptext("json"))
