"""Detectors that are code rather than word lists: personal numbers and risk levels."""

from __future__ import annotations

import re
from collections.abc import Mapping

from branchdesk.compliance.findings import CheckContext

# In compact text spaces and dashes are gone, so "138 1234 5678" and "138-1234-5678" are
# eleven digits in a row. A +86/0086 prefix may precede a mobile number.
_MOBILE = re.compile(r"(?<!\d)(?:0{0,2}86)?(1[3-9]\d{9})(?!\d)")
# A phone number spelt in Chinese numerals (一三九一二三四五六七八): eleven of them in a row
# are a number in words, not prose.
_CN_NUMERALS = "零〇一二三四五六七八九幺两"
_CN_MOBILE = re.compile(rf"[{_CN_NUMERALS}]{{11}}(?![{_CN_NUMERALS}])")
_CN_VALUES = str.maketrans(_CN_NUMERALS, "0012345678912")
_ID_CARD = re.compile(r"(?<!\d)(\d{17}[\dx])(?![\dx])")
_DIGITS = re.compile(r"(?<!\d)(\d{6,20})(?!\d)")
# A bank card: 16 to 19 digits under a card issuer's prefix (UnionPay 62, Visa 4, Mastercard
# 5), 16 or 19 long with a right Luhn check digit, or any such run right after 卡号/银行卡.
_CARD = re.compile(r"(?<!\d)((?:62|4|5)\d{14,17})(?!\d)")
_CARD_WORDS = ("卡号", "银行卡", "储蓄卡", "信用卡", "card")
_NOT_CARD_WORDS = ("订单", "流水", "单号", "编号", "合同号", "交易号", "委托号")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10x98765432"
_RISK_WORDS = {"低": 1, "中低": 2, "中": 3, "中高": 4, "高": 5}


def id_card_valid(number: str) -> bool:
    """An 18-character resident ID: plausible birth date and the ISO 7064 check character."""
    number = number.lower()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    if not (1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def luhn_valid(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def find(
    detector: str | None, compact: str, start: int, end: int, context: CheckContext | None
) -> list[tuple[int, int]]:
    """Compact spans of personal numbers of one kind in ``compact[start:end]``."""
    if detector == "mobile":
        spans = [m.span(1) for m in _MOBILE.finditer(compact, start, end)]
        for m in _CN_MOBILE.finditer(compact, start, end):
            if _MOBILE.fullmatch(m.group().translate(_CN_VALUES)):
                spans.append(m.span())
        return spans
    if detector == "id_card":
        return [m.span(1) for m in _ID_CARD.finditer(compact, start, end) if id_card_valid(m[1])]
    if detector == "bank_card":
        spans = []
        for m in _CARD.finditer(compact, start, end):
            before = compact[max(start, m.start() - 8) : m.start()]
            if any(w in before for w in _CARD_WORDS) or (
                len(m[1]) in (16, 19) and luhn_valid(m[1]) and not any(w in before for w in _NOT_CARD_WORDS)
            ):
                spans.append(m.span(1))
        return spans
    if detector == "known_number" and context is not None and context.known_numbers:
        out = []
        for m in _DIGITS.finditer(compact, start, end):
            digits = m[1]
            local = digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
            if context.is_known(digits) or context.is_known(local):
                out.append(m.span(1))
        return out
    return []


def mask(match: str) -> str:
    """Hide the middle digits of a number as written: ``138 1234 5678`` → ``138 **** 5678``;
    an ID keeps its first six and last four characters, anything else its last four."""
    positions = [i for i, ch in enumerate(match) if ch.isalnum()]
    n = len(positions)
    if n == 11:
        keep = set(positions[:3] + positions[-4:])
    elif n == 18:
        keep = set(positions[:6] + positions[-4:])
    else:
        keep = set(positions[-4:])
    return "".join(ch if (i in keep or not ch.isalnum()) else "*" for i, ch in enumerate(match))


def risk_level_of(token: str) -> int:
    """``4`` / ``中高`` → 4; 0 when unknown."""
    if token.isdigit():
        return int(token) if 1 <= int(token) <= 5 else 0
    return _RISK_WORDS.get(token, 0)


def members_below(counts: Mapping[str, int], product_level: int) -> int:
    """Members whose risk level C1..C5 does not allow a product of level R``product_level``:
    C1 takes R1 only, C2 up to R2, …, C5 everything."""
    total = 0
    for key, count in counts.items():
        key = str(key).strip().upper()
        if len(key) == 2 and key[0] == "C" and key[1].isdigit() and int(key[1]) < product_level:
            total += int(count)
    return total
