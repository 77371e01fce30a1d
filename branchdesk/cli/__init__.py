"""Command line: no subcommand opens the app; subcommands run jobs headless for scripts.

Errors a user can cause print one message to stderr and exit with code 2.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence

from branchdesk.cli.argparse_i18n import translated
from branchdesk.cli.common import Handler, refusal_text
from branchdesk.cli.parser import build_parser
from branchdesk.cli.roster_commands import cmd_open_app
from branchdesk.datetimes import set_branch_zone
from branchdesk.errors import UserError
from branchdesk.i18n import set_language, t
from branchdesk.settings import load_settings


def _language_for_help(argv: Sequence[str]) -> str:
    """The language to print --help in, before the arguments are parsed: --lang, else the
    environment and config, else the system."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv) and argv[index + 1] in ("zh", "en"):
            return argv[index + 1]
        if arg in ("--lang=zh", "--lang=en"):
            return arg.split("=", 1)[1]
    try:
        return load_settings().language
    except UserError:
        return "en"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_for_help(argv))
    with translated():  # usage and argument errors in the user's language
        args = build_parser().parse_args(argv)
    settings = None
    try:
        settings = load_settings(db=getattr(args, "db", None), user=getattr(args, "user", None),
                                 lang=getattr(args, "lang", None))
        set_language(settings.language)
        set_branch_zone(settings.timezone)
        handler: Handler = getattr(args, "handler", cmd_open_app)
        return handler(args, settings)
    except UserError as error:
        print(f"branchdesk: {refusal_text(error)}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as error:  # a file damaged under us: say so, no traceback
        named = str(settings.db_path) if settings else "--db"
        print(f"branchdesk: {t('opening.damaged', file=named, error=error)}", file=sys.stderr)
        return 2
    except OSError as error:
        if isinstance(error, BrokenPipeError):  # `branchdesk members | head`
            return 0
        print(f"branchdesk: {t('cli_safety.os_error', error=error)}", file=sys.stderr)
        return 2
    except EOFError:  # a password prompt got end of input (ctrl+D, or no stdin in a script)
        print(f"branchdesk: {t('cli.no_password_input')}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
