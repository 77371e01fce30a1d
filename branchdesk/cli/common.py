"""What every command shares: help text in the user's language, opening the database,
password prompts, cell-width padding, JSON output."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from typing import Any

from rich.cells import cell_len

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def help_text(english: str) -> str:
    """Help text in the user's language; the English text names its catalog key."""
    return t("cli_help." + re.sub(r"[^a-z0-9]+", "_", english.lower()).strip("_")[:48].rstrip("_"))


def open_db(settings: Settings, *, create: bool = False, read_only: bool = False,
            check_operator: bool = True):
    """The database; only commands that write may create a missing one, so a mistyped
    --db path is an error rather than a new, empty database. Commands that only read open
    it read-only: no lock, and read-only media work. A command that writes records its
    operator on audit rows: once the branch has staff, the operator must be one of them
    (`check_operator=False` only for `staff init`, which says itself that the branch is set
    up). Commands that only read record nobody, so an inspector can `audit verify`, and a
    staff table edited behind BranchDesk's back cannot stop the check that finds it."""
    from branchdesk.store.database import open_store

    if not create and not settings.db_path.exists():
        raise UserError("cli.no_database", file=str(settings.db_path))
    from branchdesk.services import staff

    store = open_store(settings.db_path, read_only=read_only)
    for warning in store.warnings:
        print(f"branchdesk: {warning.message}", file=sys.stderr)
    if check_operator and not read_only:
        staff.check_operator(store, settings.operator)
    return store


def pad(text: str, width: int) -> str:
    """Pad by terminal cell width: a Chinese character takes two cells."""
    return text + " " * max(width - cell_len(text), 0)


def ask_password(args: argparse.Namespace, prompt: str) -> str:
    if getattr(args, "password_stdin", False):  # one line per prompt, in the prompts' order
        line = sys.stdin.readline()
        read = getattr(args, "password_lines_read", 0)
        if not line:  # piped, but a line short: say which one, not "pipe it"
            raise UserError("cli.stdin_ended" if read else "cli.stdin_empty", count=read,
                            prompt=prompt.strip().rstrip(":："))
        args.password_lines_read = read + 1
        return line.rstrip("\r\n")
    import getpass
    import warnings

    with warnings.catch_warnings():  # no terminal: Python's warning lines, then an echoed read
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            return getpass.getpass(prompt)
        except getpass.GetPassWarning:
            raise UserError("cli.no_terminal_for_password") from None


def manager_credentials(args: argparse.Namespace):
    from branchdesk.services.staff import Credentials

    if not args.manager:
        return None
    return Credentials(args.manager, ask_password(args, t("cli.password_for", name=args.manager)))


# Refusals the app words for its forms ("confirm it anyway with a reason"): on the command line
# they name the option that overrides them. The same parameters fill both wordings.
_OPTION_WORDING = {
    "events.conflict_room": "events_cli.conflict_room",
    "events.conflict_speaker": "events_cli.conflict_speaker",
    "events.unsuitable_member": "events_cli.unsuitable_member",
}


def refusal_text(error: UserError) -> str:
    """A user error as the command line says it."""
    key = _OPTION_WORDING.get(error.key)
    return t(key, **error.params) if key else error.message


def print_json(data: Any) -> None:
    """`data` as JSON on stdout, Chinese as it is."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    print()
