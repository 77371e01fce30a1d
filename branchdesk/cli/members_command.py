"""`branchdesk members`: the roster on the command line, streamed.

Every option value is taken in the words the listing prints: ``--need 解套`` or ``recovery``,
``--risk 稳健型`` or ``C3``, ``--experience 新手``, ``--tier 金卡`` or ``gold``, ``--sort 姓名`` or
``name``. Members are written as they are read (constant memory at any roster size). In a
terminal, without ``--limit`` or ``--all``, the first screenful is shown with how to see more.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable

from rich.cells import cell_len

from branchdesk import datetimes
from branchdesk.cli.common import pad
from branchdesk.cli.member_filters import add_member_filters, known_advisor, member_query
from branchdesk.i18n import catalog, get_language, t, t_count
from branchdesk.member_fields import SORTABLE_FIELDS
from branchdesk.settings import Settings

TERMINAL_ROWS = 40  # members shown in a terminal when no --limit or --all says otherwise


def catalog_choice(option: str, codes: tuple[str, ...], label_key: str) -> Callable[[str], str]:
    """An argparse type for a value printed through the catalog (``label_key.format(code)``):
    the code, or its label in either language, e.g. ``--role 负责人`` for ``manager``."""
    def parse(word: str) -> str:
        wanted = word.strip().casefold()
        for code in codes:
            labels = {catalog(lang).get(label_key.format(code), "").casefold()
                      for lang in ("zh", "en")}
            if wanted == code.casefold() or wanted in labels - {""}:
                return code
        allowed = [f"{t(label_key.format(c))}/{c}" if get_language() == "zh" else c
                   for c in codes]
        raise argparse.ArgumentTypeError(t(
            "roster_cli.bad_choice", option=option, value=word,
            allowed=t("roster_fields.list_separator").join(allowed)))

    parse.__name__ = option
    return parse


def sort_words() -> dict[str, str]:
    """Every word `--sort` takes (the field's code, and its label in either language)."""
    words: dict[str, str] = {}
    for field in SORTABLE_FIELDS:
        words[field.casefold()] = field
        for language in ("zh", "en"):
            label = catalog(language).get(f"roster_fields.field.{field}")
            if label:
                words.setdefault(label.casefold(), field)
    return words


def _sort_field(word: str) -> str:
    field = sort_words().get(word.strip().casefold())
    if field is None:
        raise argparse.ArgumentTypeError(t(
            "roster_cli.bad_sort", value=word,
            allowed=t("roster_fields.list_separator").join(_sort_labels())))
    return field


def _sort_labels() -> list[str]:
    out = []
    for field in SORTABLE_FIELDS:
        label = catalog(get_language()).get(f"roster_fields.field.{field}")
        out.append(f"{label}/{field}" if label and get_language() == "zh" else field)
    return out


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(t("roster_cli.bad_limit", value=text))
    return value


def add_members_command(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """The `members` command and its options (help in the user's language)."""
    members = sub.add_parser("members", parents=[common], help=t("roster_cli.help.command"),
                             description=t("roster_cli.help.description"))
    members.add_argument("--json", action="store_true", help=t("roster_cli.help.json"))
    members.add_argument("--reveal", action="store_true", help=t("roster_cli.help.reveal"))
    add_member_filters(members)
    members.add_argument("--sort", type=_sort_field, default="name",
                         metavar=t("roster_cli.metavar.field"),
                         help=t("roster_cli.help.sort", fields="  ".join(_sort_labels())))
    members.add_argument("--desc", action="store_true", help=t("roster_cli.help.desc"))
    how_many = members.add_mutually_exclusive_group()  # `--all --limit 5` asks for both
    how_many.add_argument("--limit", type=_limit, default=None, metavar="N",
                          help=t("roster_cli.help.limit"))
    how_many.add_argument("--all", action="store_true", help=t("roster_cli.help.all"))
    members.set_defaults(handler=cmd_members)


def cmd_members(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.cli.common import open_db
    from branchdesk.services import roster_listing

    query = member_query(args, settings, sort=args.sort, descending=getattr(args, "desc", False))
    # A plain listing only reads (read-only media, never behind a writer); a reveal or a
    # whole number searched for is audited, so it writes.
    store = open_db(settings, read_only=not (args.reveal or roster_listing.names_numbers(query)))
    query = known_advisor(store, query)
    limit = args.limit
    paged = (limit is None and not getattr(args, "all", False) and not args.json
             and sys.stdout.isatty())
    if paged:
        limit = max(TERMINAL_ROWS, shutil.get_terminal_size().lines - 4)
    today = datetimes.today()
    if args.reveal:
        matching = roster_listing.count(store, query, today)
        roster_listing.record_reveal(store, settings.operator,
                                     matching if limit is None else min(matching, limit), query)
    roster_listing.audit_number_search(store, settings.operator, query)
    if args.json:
        _write_json(roster_listing.json_batches(store, query, reveal=args.reveal, limit=limit,
                                                today=today))
        return 0
    total = roster_listing.total(store)
    in_roster = t_count("roster_words.members", total, count=f"{total:,}")
    if limit == 0:  # the count alone
        matching = roster_listing.count(store, query, today)
        print(t_count("roster_cli.matching", matching, count=f"{matching:,}", total=in_roster))
        return 0
    shown = _write_table(roster_listing.table_headers(),
                         roster_listing.table_rows(store, query, reveal=args.reveal, limit=limit,
                                                   today=today))
    matching = shown if limit is None or shown < limit else roster_listing.count(store, query, today)
    print(t("roster_cli.shown", shown=f"{shown:,}",
            matching=t_count("roster_words.members", matching, count=f"{matching:,}"),
            total=in_roster))
    if shown < matching:
        print(t_count("roster_cli.more" if paged else "roster_cli.more_limited", limit, limit=f"{limit:,}"))
    return 0


def _write_json(batches) -> None:
    out = sys.stdout
    out.write("[")
    first = True
    for batch in batches:
        out.write(("\n" if first else ",\n") + ",\n".join(batch))
        first = False
    out.write("\n]\n" if not first else "]\n")


def _write_table(headers: list[str], batches) -> int:
    """Rows as they come; column widths from the first batch (a longer value later pushes
    its row, never the memory)."""
    out = sys.stdout
    widths: list[int] | None = None
    shown = 0
    for batch in batches:
        if widths is None:
            widths = [max([cell_len(h)] + [cell_len(r[i]) for r in batch])
                      for i, h in enumerate(headers)]
            out.write(_line(headers, widths))
        out.write("".join(_line(row, widths) for row in batch))
        shown += len(batch)
    return shown


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n"
