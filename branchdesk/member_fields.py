"""A member's fields, declared once: what each holds, how it is stored, who may set it.

Everything that lists a member's fields derives the list from `FIELDS`: the table's columns
(store.members), what the card may edit (services.roster), what the importer maps headers to
(importers.headers), the card's form, the JSON of `branchdesk members --json`. The pydantic
model (models.Member) spells the same fields out with their types; a test holds it to this
list. Plain Python, no pydantic: the CLI's listing and the importer's parsing processes use it.

Also here: the asset tiers derived from total assets, and how phones and account numbers are
masked on screen and in listings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from branchdesk.enums import Experience, LabelledEnum, Need, RiskLevel, ValueTier


@dataclass(frozen=True, slots=True)
class MemberField:
    """One field of a member.

    kind: ``text``, ``phone``, ``account``, ``choice`` (one of `choices`), ``words`` (a list of
    words; of `choices` when set), ``date``, ``amount`` (yuan) or ``extra`` (the columns of an
    imported file that nothing maps to, kept as they were).
    """

    name: str
    kind: str
    choices: type[LabelledEnum] | None = None
    sortable: bool = False  # the roster and `members --sort` can order by it
    editable: bool = True   # the member card edits it, an import fills it
    # Sensitive (个人信息保护法 §28: financial accounts; the house rule for phones): shown
    # masked wherever a person sees it (screens, listings, the audit trail, exports) unless
    # deliberately revealed, and the reveal audited; audit rows hold it masked.
    sensitive: bool = False
    # Personal data that `erase-member` removes on a verified request (§47); what stays
    # (risk level, tier, dates, advisor) no longer says who the member was.
    personal: bool = False

    @property
    def label_key(self) -> str:
        return f"roster_fields.field.{self.name}"


FIELDS: tuple[MemberField, ...] = (
    MemberField("name", "text", sortable=True, personal=True),
    MemberField("phone", "phone", sensitive=True, personal=True),
    MemberField("account_no", "account", sortable=True, sensitive=True, personal=True),
    MemberField("branch", "text"),
    MemberField("advisor", "text", sortable=True),
    MemberField("risk_level", "choice", RiskLevel, sortable=True),
    MemberField("experience", "choice", Experience, sortable=True),
    MemberField("needs", "words", Need),
    MemberField("tags", "words", personal=True),
    MemberField("communities", "words"),
    MemberField("opened_on", "date", sortable=True),
    MemberField("birthday", "date", personal=True),
    MemberField("total_assets", "amount", sortable=True),
    MemberField("last_active_on", "date", sortable=True),
    MemberField("notes", "text", personal=True),
    MemberField("extra", "extra", editable=False, personal=True),
)
BY_NAME = {f.name: f for f in FIELDS}

FIELD_NAMES = tuple(f.name for f in FIELDS)  # the members table's data columns, in order
EDITABLE_FIELDS = tuple(f.name for f in FIELDS if f.editable)
LIST_FIELDS = tuple(f.name for f in FIELDS if f.kind == "words")
DATE_FIELDS = tuple(f.name for f in FIELDS if f.kind == "date")
CHOICE_FIELDS = tuple(f.name for f in FIELDS if f.kind == "choice")
SENSITIVE_FIELDS = tuple(f.name for f in FIELDS if f.sensitive)  # masked unless revealed
PERSONAL_FIELDS = tuple(f.name for f in FIELDS if f.personal)    # erased on request
# What a listing can be ordered by: the sortable fields, and "id" (the order of arrival).
SORTABLE_FIELDS = (*(f.name for f in FIELDS if f.sortable), "id")
# Stored beside the fields, derived from them on every write: the name's pinyin sort key
# (names sort by pinyin, not by code point) and the words search looks in.
DERIVED_COLUMNS = ("name_key", "search_text")


# --- asset tiers ------------------------------------------------------------------------------

# Total assets (yuan) from which a member reaches silver, gold and diamond.
DEFAULT_TIER_THRESHOLDS: tuple[float, float, float] = (100_000.0, 500_000.0, 3_000_000.0)
Thresholds = tuple[float, float, float]


def value_tier_for(total_assets: float | None,
                   thresholds: Thresholds = DEFAULT_TIER_THRESHOLDS) -> ValueTier | None:
    """The asset tier for a total, or None when the total is unknown."""
    if total_assets is None:
        return None
    silver, gold, diamond = thresholds
    if total_assets >= diamond:
        return ValueTier.DIAMOND
    if total_assets >= gold:
        return ValueTier.GOLD
    if total_assets >= silver:
        return ValueTier.SILVER
    return ValueTier.BASIC


def tier_bounds(tier: ValueTier, thresholds: Thresholds = DEFAULT_TIER_THRESHOLDS,
                ) -> tuple[float | None, float | None]:
    """[low, high) of total assets for a tier; None where it is open."""
    silver, gold, diamond = thresholds
    return {ValueTier.BASIC: (None, silver), ValueTier.SILVER: (silver, gold),
            ValueTier.GOLD: (gold, diamond), ValueTier.DIAMOND: (diamond, None)}[tier]


# --- numbers as people type them ------------------------------------------------------------

# Dashes and invisible marks that land in numbers copied from web pages, chats and Word.
DASHES_AND_INVISIBLES = str.maketrans({
    **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-"),
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None),
})
_NUMBER_TERM = re.compile(r"[0-9+\-()]+")
_TERM = re.compile(r"\S+")


def typed_numbers(text: str) -> str:
    """Text as typed, with every number in it in ASCII: full-width digits and marks folded
    (NFKC: ``１３８－００００`` → ``138-0000``), odd dashes made ``-``, invisible marks
    dropped. Words that are not numbers are left exactly as typed."""
    if text.isascii():
        return text

    def fold(match: re.Match[str]) -> str:
        term = match.group(0)
        folded = unicodedata.normalize("NFKC", term).translate(DASHES_AND_INVISIBLES)
        return folded if _NUMBER_TERM.fullmatch(folded) else term

    return _TERM.sub(fold, text.replace("\u3000", " "))


# --- masks ------------------------------------------------------------------------------------


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``; anything shorter is hidden but for its last digits."""
    if not phone:
        return ""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * max(len(phone) - 2, 0) + phone[-2:]


def mask_account(account: str | None) -> str:
    """Account numbers as phones: ``310000001234`` → ``310*****1234`` (the first three and
    the last four shown); shorter ones keep only their last two."""
    if not account:
        return ""
    if len(account) >= 9:
        return f"{account[:3]}{'*' * (len(account) - 7)}{account[-4:]}"
    return "*" * max(len(account) - 2, 0) + account[-2:]


_MASKS = {"phone": mask_phone, "account": mask_account}  # by field kind


def mask_value(field: str, value: object) -> object:
    """A field's value as a person may see it without a reveal: a sensitive field's value
    masked by its kind (phone or account), any other value as it is."""
    declared = BY_NAME.get(field)
    if declared is None or not declared.sensitive or value in (None, ""):
        return value
    return _MASKS[declared.kind](str(value))


def mask_fields(values: dict) -> dict:
    """A dict of field → value with every sensitive field masked (audit rows, exports)."""
    return {k: mask_value(k, v) for k, v in values.items()}
