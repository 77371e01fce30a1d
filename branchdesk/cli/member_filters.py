"""The roster's filters as command-line options, declared once for every command that picks
members (`members`, `events invite`, and any export of a segment): each option sets one
MemberQuery field, so the CLI, the roster screen and invitations filter the same way."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from branchdesk.enums import Experience, LabelledEnum, Need, RiskLevel, ValueTier
from branchdesk.errors import UserError
from branchdesk.i18n import t


@dataclass(frozen=True)
class FilterOption:
    field: str  # the MemberQuery field
    flag: str
    enum: type[LabelledEnum] | None = None
    metavar: str | None = None
    upper: bool = False
    flag_only: bool = False  # a switch (store_true)
    help_key: str | None = None  # catalog key of the switch's help


FILTER_OPTIONS = (
    FilterOption("need", "--need", Need),
    FilterOption("risk_level", "--risk", RiskLevel, metavar="C1..C5", upper=True),
    FilterOption("experience", "--experience", Experience),
    FilterOption("advisor", "--advisor", metavar="NAME"),
    FilterOption("community", "--community", metavar="NAME"),
    FilterOption("tag", "--tag", metavar="TAG"),
    # A value tier filter is the roster's to add to MemberQuery: the option appears with it.
    FilterOption("value_tier", "--tier", ValueTier),
    FilterOption("search", "--search", metavar="TEXT"),
    FilterOption("dormant_only", "--dormant", flag_only=True, help_key="cli_help.only_dormant_members"),
    FilterOption("reactivated_only", "--reactivated", flag_only=True,
                 help_key="engagement_cli.help.members_reactivated"),
)


def _query_fields() -> set[str]:
    """The fields MemberQuery has (a pydantic model or a dataclass)."""
    import dataclasses

    from branchdesk.models import MemberQuery

    fields = getattr(MemberQuery, "model_fields", None)
    if fields is None:
        fields = {f.name: f for f in dataclasses.fields(MemberQuery)}  # type: ignore[arg-type]
    return set(fields)


def add_member_filters(parser: argparse.ArgumentParser) -> None:
    """Add the roster's filter options to a command."""
    fields = _query_fields()
    for option in FILTER_OPTIONS:
        if option.field not in fields:
            continue
        dest = option.flag.removeprefix("--").replace("-", "_")
        if option.flag_only:
            parser.add_argument(option.flag, dest=dest, action="store_true",
                                help=t(option.help_key) if option.help_key else None)
        elif option.enum is not None:
            parser.add_argument(option.flag, dest=dest, metavar=option.metavar,
                                type=str.upper if option.upper else None,
                                choices=[m.value for m in option.enum])
        else:
            parser.add_argument(option.flag, dest=dest, metavar=option.metavar,
                                default="" if option.field == "search" else None)


def member_query(args: argparse.Namespace, dormant_days: int, **extra: Any):
    """The MemberQuery the options on the command line describe."""
    from branchdesk.models import MemberQuery

    values: dict[str, Any] = {}
    for option in FILTER_OPTIONS:
        dest = option.flag.removeprefix("--").replace("-", "_")
        if option.field in _query_fields() and hasattr(args, dest):
            value = getattr(args, dest)
            if value not in (None, "", False):
                values[option.field] = value
    try:
        return MemberQuery(dormant_days=dormant_days, **values, **extra)
    except ValueError as error:
        raise UserError("cli.bad_query", error=str(error).splitlines()[-1]) from error
