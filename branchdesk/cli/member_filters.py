"""The roster's filters as command-line options, declared once for every command that picks
members (`members`, `events invite`, `export members`, any export of a segment): each option
sets one MemberQuery field, so the CLI, the roster screen and invitations filter the same way.

Every value is taken in the words the listing prints: ``--need 解套`` or ``recovery``,
``--risk 稳健型`` or ``C3``, ``--experience 新手``, ``--tier 金卡`` or ``gold``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from branchdesk.enums import Experience, LabelledEnum, Need, RiskLevel, ValueTier
from branchdesk.errors import UserError
from branchdesk.i18n import t


@dataclass(frozen=True)
class FilterOption:
    field: str  # the MemberQuery field, and the option's dest
    flag: str
    enum: type[LabelledEnum] | None = None
    metavar_key: str | None = None  # roster_cli.metavar.<key>
    help_key: str | None = None
    flag_only: bool = False  # a switch (store_true)


FILTER_OPTIONS = (
    FilterOption("need", "--need", Need, "need"),
    FilterOption("risk_level", "--risk", RiskLevel, "risk"),
    FilterOption("experience", "--experience", Experience, "experience"),
    FilterOption("value_tier", "--tier", ValueTier, "tier"),
    FilterOption("advisor", "--advisor", metavar_key="name", help_key="roster_cli.help.advisor"),
    FilterOption("community", "--community", metavar_key="name",
                 help_key="roster_cli.help.community"),
    FilterOption("tag", "--tag", metavar_key="tag", help_key="roster_cli.help.tag"),
    FilterOption("search", "--search", metavar_key="text", help_key="roster_cli.help.search"),
    FilterOption("dormant_only", "--dormant", flag_only=True, help_key="roster_cli.help.dormant"),
    FilterOption("reactivated_only", "--reactivated", flag_only=True,
                 help_key="engagement_cli.help.members_reactivated"),
)


def enum_word(enum: type[LabelledEnum], option: str) -> Callable[[str], LabelledEnum]:
    """An argparse type: the enum member a word names (code, Chinese or English label)."""
    def parse(word: str) -> LabelledEnum:
        try:
            return enum.from_word(word)
        except ValueError:
            raise argparse.ArgumentTypeError(t(
                "roster_cli.bad_choice", option=option, value=word,
                allowed=t("roster_fields.list_separator").join(enum.words()))) from None

    parse.__name__ = option  # argparse names the type in some messages
    return parse


def add_member_filters(parser: argparse.ArgumentParser) -> None:
    """Add the roster's filter options to a command (help in the user's language)."""
    for option in FILTER_OPTIONS:
        help_text = t(option.help_key) if option.help_key else None
        if option.flag_only:
            parser.add_argument(option.flag, dest=option.field, action="store_true", help=help_text)
        elif option.enum is not None:
            parser.add_argument(option.flag, dest=option.field,
                                type=enum_word(option.enum, option.flag),
                                metavar=t(f"roster_cli.metavar.{option.metavar_key}"),
                                help="  ".join(option.enum.words()))
        else:
            parser.add_argument(option.flag, dest=option.field, help=help_text,
                                metavar=t(f"roster_cli.metavar.{option.metavar_key}"),
                                default="" if option.field == "search" else None)


def member_query(args: argparse.Namespace, settings: Any, **extra: Any):
    """The MemberQuery the options on the command line describe (the branch's dormant days
    and tier thresholds from `settings`)."""
    from branchdesk.member_query import BadQuery, MemberQuery

    values = {option.field: getattr(args, option.field) for option in FILTER_OPTIONS
              if getattr(args, option.field, None) not in (None, "", False)}
    try:
        return MemberQuery(dormant_days=settings.dormant_days,
                           tier_thresholds=settings.tier_thresholds, **values, **extra)
    except BadQuery as error:
        raise UserError("roster_cli.bad_query", field=error.field, value=error.value,
                        allowed=", ".join(error.allowed)) from error


def known_advisor(store: Any, query: Any) -> Any:
    """`query` with its --advisor checked against the branch's people: a name nobody has is
    refused with the names there are (a typo would otherwise list nothing and say so)."""
    if not query.advisor:
        return query
    from dataclasses import replace

    from branchdesk.services.known_people import check_known

    return replace(query, advisor=check_known(store, query.advisor))
