"""Mobile phone numbers: a mainland mobile as 11 digits, from any way a sheet holds one."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from branchdesk.importers.normalize.cells import (
    FLOAT_TEXT,
    PLACEHOLDERS,
    REASON,
    SCIENTIFIC,
    Cell,
    fold,
)
from branchdesk.member_fields import DASHES_AND_INVISIBLES

PHONE_NOT_MOBILE = REASON + "phone_not_mobile"
PHONE_SCIENTIFIC = REASON + "phone_scientific"
PHONE_LANDLINE = REASON + "phone_landline"
PHONE_MASKED = REASON + "phone_masked"

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# separators, and the dashes and invisible marks member_fields folds (web pages', Word's, BOM)
_PHONE_JUNK = {**dict.fromkeys(DASHES_AND_INVISIBLES, None), **str.maketrans("", "", " \t\r\n-()._")}
_PHONE_MASK = re.compile(r"[0-9][*xX×#]{2,}[0-9]")
_PHONE_LIST_SPLIT = re.compile(r"[/;,、|\n]+")


def normalize_phone(cell: Cell) -> str | None:
    """A mainland mobile number as 11 digits, from any of the ways sheets hold one.

    Country code (+86, 86, 0086) and separators are dropped; full-width digits are folded.
    A cell with several numbers ("138…/139…") gives the first mobile among them.
    """
    kind = type(cell)
    if kind is float:
        # calamine hands a numeric phone column over as floats: 13812345678.0
        if 13e9 <= cell < 2e10 and cell.is_integer():
            return str(int(cell))
        if not math.isfinite(cell) or not cell.is_integer():
            raise ValueError(PHONE_NOT_MOBILE)
        return _mobile_from_digits(str(int(cell)))
    if kind is int:
        return _mobile_from_digits(str(cell))
    if kind is not str:
        if cell is None:
            return None
        raise ValueError(PHONE_NOT_MOBILE)
    text = cell.strip()
    if len(text) == 11 and _MOBILE.fullmatch(text):
        return text
    if text.isascii() and "." not in text:
        # "138 1234 5678", "+86-138…": separators and a country code only, the usual text
        # that is not 11 bare digits. Taken here, it skips the checks below, which cannot
        # match it (a "." is left to them: "1381234567.0" is the text of a float).
        digits = _without_country_code(text.translate(_PHONE_JUNK))
        if _MOBILE.fullmatch(digits):
            return digits
    text = fold(text)
    if text.lower() in PLACEHOLDERS:
        return None
    return _mobile_from_text(text)


def _mobile_from_text(text: str) -> str:
    if _PHONE_MASK.search(text.translate(_PHONE_JUNK)):
        raise ValueError(PHONE_MASKED)
    if SCIENTIFIC.fullmatch(text):
        # "1.3812345678E+10" still holds every digit; "1.38123E+10" is what Excel showed
        # in a narrow column and saved to CSV: the last digits are gone, never guess them.
        mantissa = text.lower().split("e")[0].lstrip("+-").replace(".", "")
        if len(mantissa) < 11:
            raise ValueError(PHONE_SCIENTIFIC)
        text = _decimal_digits(text) or text
    elif match := FLOAT_TEXT.fullmatch(text):
        text = match.group(1)  # "13812345678.0" written out by a CSV export
    digits = text.translate(_PHONE_JUNK)
    try:
        return _mobile_from_digits(digits)
    except ValueError:
        parts = _PHONE_LIST_SPLIT.split(text)
        if len(parts) < 2:
            raise
    first_error: ValueError | None = None
    for part in parts:
        try:
            return _mobile_from_digits(part.translate(_PHONE_JUNK))
        except ValueError as error:
            first_error = first_error or error
    assert first_error is not None
    raise first_error


def _without_country_code(digits: str) -> str:
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0086") and len(digits) == 15:
        return digits[4:]
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits


def _mobile_from_digits(digits: str) -> str:
    digits = _without_country_code(digits)
    if _MOBILE.fullmatch(digits):
        return digits
    # 010-12345678, 0755-1234567 or a bare 7–8 digit local number: a landline
    looks_landline = (digits.startswith("0") and 10 <= len(digits) <= 12) or 7 <= len(digits) <= 8
    if looks_landline and digits.isascii() and digits.isdigit():
        raise ValueError(PHONE_LANDLINE)
    raise ValueError(PHONE_NOT_MOBILE)


def _decimal_digits(text: str) -> str | None:
    """The integer a number written in text stands for, or None if it has a fraction."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if value != value.to_integral_value():
        return None
    return str(int(value))
