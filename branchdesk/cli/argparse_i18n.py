"""argparse in the user's language: usage lines, headings and argument errors.

argparse looks its texts up through the module-level gettext functions `_` and `ngettext`;
while the command line is built and parsed they are pointed at BranchDesk's catalog
(``cli_args.toml``). A text the catalog does not know (a newer Python's) stays as argparse
wrote it.

A mistake on the command line is one line, not argparse's usage block above a message: the
command that was meant, what is wrong, and where its help is (`Parser`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from branchdesk.i18n import t

# argparse's texts → catalog keys
TEXTS = {
    "usage: ": "usage",
    "options": "options",
    "positional arguments": "positional_arguments",
    "show this help message and exit": "help",
    "show program's version number and exit": "version",
    "argument %(argument_name)s: %(message)s": "argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "invalid_choice",
    "invalid %(type)s value: %(value)r": "invalid_value",
    "the following arguments are required: %s": "required",
    "unrecognized arguments: %s": "unrecognized",
    "expected one argument": "expected_one",
    "expected at most one argument": "expected_at_most_one",
    "expected at least one argument": "expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "ambiguous",
    "not allowed with argument %s": "not_allowed_with",
    "one of the arguments %s is required": "one_of_required",
    "ignored explicit argument %r": "ignored_explicit",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "unknown_parser",
    "can't open '%(filename)s': %(error)s": "cannot_open",
}
_PLURALS = {"expected %s argument": "expected_n"}


def translate(text: str) -> str:
    key = TEXTS.get(text)
    return t(f"cli_args.{key}") if key else text


def translate_plural(singular: str, plural: str, count: int) -> str:
    key = _PLURALS.get(singular)
    if key:
        return t(f"cli_args.{key}_one" if count == 1 else f"cli_args.{key}")
    return singular if count == 1 else plural


@contextmanager
def translated() -> Iterator[None]:
    """argparse speaking the current language, for the time of the block."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = translate, translate_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


# Where the innermost (sub)command that read the arguments is noted, for the error about
# arguments nobody took: argparse raises that one from the top, which knows no subcommand.
_COMMAND = "_branchdesk_command"


class Parser(argparse.ArgumentParser):
    """argparse whose errors are one line: ``branchdesk events add: <what is wrong> (see
    branchdesk events add --help)``, exit code 2. Subcommands inherit the class."""

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None
                         ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if not hasattr(parsed, _COMMAND):  # a subcommand's parser returns first
            setattr(parsed, _COMMAND, self.prog)
        return parsed, extras

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: Any = None) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        command = getattr(parsed, _COMMAND, self.prog)
        delattr(parsed, _COMMAND)
        if extras:
            fail(command, translate("unrecognized arguments: %s") % " ".join(extras))
        return parsed

    def error(self, message: str) -> NoReturn:
        fail(self.prog, message)


def fail(command: str, message: str) -> NoReturn:
    """Say in one line what is wrong with the command line, and stop with exit code 2."""
    sys.stderr.write(t("cli_args.one_line", command=command, message=message) + "\n")
    raise SystemExit(2)
