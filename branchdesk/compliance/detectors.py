"""Detectors that are code rather than word lists: personal numbers and risk levels.

Numbers are read in a digit view of the compact text (Chinese numerals as digits, same
offsets), so 一三八 一二三四 五六七八 is a phone like 138 1234 5678. A number after an identity
keyword (``keyed_number``: the rule's anchors) needs no database and may be written in parts;
a number the writer gives as their own or the office's contact is not a client's."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from branchdesk.compliance.findings import CheckContext
from branchdesk.compliance.textnorm import Normalised

# In compact text spaces and dashes are gone, so "138 1234 5678" and "138-1234-5678" are
# eleven digits in a row. A +86/0086 prefix may precede a mobile number.
_MOBILE = re.compile(r"(?<![\d.])(?:0{0,2}86)?(1[3-9]\d(?:\d{8}|\.\d{4}\.\d{4}))(?![\d.])")
# (A dot may part its groups: 135.8826.4410.)
_ID_CARD = re.compile(r"(?<!\d)(\d{17}[\dx])(?![\dx])")
_DIGITS = re.compile(r"(?<!\d)(\d{6,20})(?!\d)")
# A bank card: 16 to 19 digits under a card issuer's prefix (UnionPay 62, Visa 4, Mastercard
# 5), 16 or 19 long with a right Luhn check digit, or any such run right after 卡号/银行卡.
_CARD = re.compile(r"(?<!\d)((?:62|4|5)\d{14,17})(?!\d)")
# Keywords of contact numbers (the writer's own contact is common): the rest name accounts.
_PHONE_KEY = re.compile(r"手机|电话|号码|联系|微信|qq|phone|mobile|tel|cell")
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


# Chinese numerals, everyday and financial (壹贰叁), as digits: the digit view keeps offsets.
_NUMERALS = "零〇一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖"
_NUMERAL_DIGITS = str.maketrans(_NUMERALS, "00123456789" + "12" + "123456789")
# Three or more in a row, or numerals mixed with figures (1③9-88七六-5④③2 → 13988765432).
_NUMERAL_RUN = re.compile(
    f"[{_NUMERALS}]{{3,}}|\\d+[{_NUMERALS}]+[\\d{_NUMERALS}]*|[{_NUMERALS}]+\\d[\\d{_NUMERALS}]*"
)
# A group of a number written in parts: digits, maybe led by a letter (股东账号 A123456789),
# with the separators compact text keeps between digits (600036、601318 / 3,000).
_GROUP = re.compile(r"(?<!\d)(?:(?<![a-z])[a-z])?\d(?:[\d.,、;/]*\d)?")
# What may stand between the parts of one number (前三位139，中间8765，最后4321).
_PART_GAP = re.compile(
    r"(?:前面|前|中间|中|后面|后|最后|然后|再|接着|我记得|记得|好像|应该|是|为|和|加|末尾|尾号|尾数|开头|出生日期|生日|日期|号码|号|"
    r"\d{1,2}位|[一二三四五六七八两]位|位)*"
)
# Between a keyword and a number: words saying the number is an amount, not an identifier.
_AMOUNT_WORDS = re.compile(
    r"余额|里|有|资金|金额|市值|资产|亏|赚|盈|收益|入金|出金|转入|转出|存入|买入|卖出|成交|限额|额度|借|贷"
)
# After a number: a unit makes it an amount, a date or a count.
_UNIT_AFTER = re.compile(r"[元块万亿股份%手点倍年月日天人个只次笔号]|美元|港元")
_CLOCK = re.compile(r"\d:\d\d")
# A landline with its area code (025-8456 7700, 0755 8330 2266): an office's line, not a
# client's identifier; mobiles and account numbers do not start with 0.
_LANDLINE = re.compile(r"0(?:[1-9]\d|[3-9]\d\d)\d{7,8}")
# Mask characters in the original between the digits of a number: already masked (a single
# middle dot between groups, 139·5770·3312, only separates them; 138··5678 masks).
_MASKED = re.compile(r"[*＊xX×#]|[•·]{2}")
_ID_REGIONS = frozenset(str(code) for code in (
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
))


def digit_view(compact: str) -> str:
    """``compact`` with runs of three Chinese numerals or more as digits (一三八 → 138),
    same length, so that a number found in it has the same offsets in ``compact``."""
    if not _NUMERAL_RUN.search(compact):
        return compact
    return _NUMERAL_RUN.sub(lambda m: m.group().translate(_NUMERAL_DIGITS), compact)


def id_card_plausible(number: str) -> bool:
    """An 18-character ID whose check digit may be wrong (a typo, or one made up for the
    message): a known province code and a real birth date."""
    number = number.lower()
    if len(number) != 18 or not number[:17].isdigit() or number[:2] not in _ID_REGIONS:
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    return 1900 <= year <= 2025 and 1 <= month <= 12 and 1 <= day <= 31


@dataclass(frozen=True, slots=True)
class ContactCues:
    """Whose number it is: the last owner word before a number decides. 我的工作手机 and 营业部
    电话 are the writer's or the office's own contact; 客户/先生/阿姨 make it someone else's."""

    owner: re.Pattern[str] | None

    @classmethod
    def build(cls, own: list[str], third: list[str]) -> ContactCues:
        from branchdesk.compliance.textnorm import compact_phrase

        words = [(compact_phrase(w), "own") for w in own] + [(compact_phrase(w), "third") for w in third]
        words = [(w, kind) for w, kind in words if w]
        if not words:
            return cls(None)
        words.sort(key=lambda item: len(item[0]), reverse=True)
        alternation = "|".join(
            f"(?P<{kind}{n}>{re.escape(w)})" for n, (w, kind) in enumerate(words)
        )
        return cls(re.compile(alternation))

    def is_own(self, compact: str, cstart: int, floor: int) -> bool:
        return self.owner_of(compact, cstart, floor) == "own"

    def owner_of(self, compact: str, cstart: int, floor: int) -> str | None:
        """"own", "third", or None when no owner word stands in ``[floor, cstart)``."""
        if self.owner is None:
            return None
        last = None
        for m in self.owner.finditer(compact, max(floor, cstart - 16), cstart):
            last = m
        if last is None:
            return None
        return "own" if (last.lastgroup or "").startswith("own") else "third"


_NO_CONTACTS = ContactCues(None)


def _clause_floor(nz: Normalised, cstart: int) -> int:
    """Compact offset of the start of the clause holding ``cstart``."""
    ostart = nz.to_original(cstart)
    floor = max(0, ostart - 40)  # owner words stand just before a number
    cut = max(nz.norm.rfind(ch, floor, ostart) for ch in "。!?;\n,")
    return nz.to_compact(cut + 1) if cut >= 0 else nz.to_compact(floor)


def _masked(nz: Normalised, cstart: int, cend: int) -> bool:
    ostart, oend = nz.span(cstart, cend)
    return bool(_MASKED.search(nz.norm, ostart, oend)) and not nz.norm[ostart:oend].isdigit()


# After a number, in its sentence: the writer says it is their own work number
# (…5520 3917，都是我本人的工作号 / （均为本人工作号）).
_OWN_AFTER = re.compile(r"(?:我|本人)(?:本人)?的?(?:工作|办公)(?:号|手机|电话)"
                        r"|本人(?:的)?(?:工作)?(?:号|手机|电话)")


def _own(nz: Normalised, contacts: ContactCues, cstart: int, cend: int | None = None) -> bool:
    floor = _clause_floor(nz, cstart)
    owner = contacts.owner_of(nz.compact, cstart, floor)
    if owner is None and floor > 0:
        # No owner word in the number's clause: the clause before it in the same sentence
        # may name it (我的工作号换了，新号 177…; 王阿姨换了号，139…).
        ostart = nz.to_original(floor)
        if ostart > 0 and nz.norm[ostart - 1] == ",":
            owner = contacts.owner_of(nz.compact, floor, _clause_floor(nz, max(0, floor - 1)))
    if owner is None and cend is not None:
        oend = nz.to_original(cend)
        stop = min((i for i in (nz.norm.find(ch, oend) for ch in "。!?\n") if i >= 0), default=len(nz.norm))
        after = nz.compact[cend : min(cend + 20, nz.to_compact(stop))]
        owner = "own" if _OWN_AFTER.search(after) else None
    return owner == "own"


def find(
    detector: str | None,
    nz: Normalised,
    start: int,
    end: int,
    context: CheckContext | None,
    *,
    keys: list[tuple[int, int]] = (),  # type: ignore[assignment]
    reach: int = 8,
    contacts: ContactCues = _NO_CONTACTS,
) -> list[tuple[int, int]]:
    """Compact spans of personal numbers of one kind in ``nz.compact[start:end]``."""
    compact = nz.compact
    if detector == "mobile":
        digits = digit_view(compact)
        spans = [m.span(1) for m in _MOBILE.finditer(digits, start, end)]
        # A table or a list run together by the compact view (谭振华\t13650021987\t72.4万):
        # the number stands alone between blanks in the folded text.
        found = set(spans)
        ostart, oend = nz.to_original(start), nz.to_original(end)
        for m in _MOBILE.finditer(nz.norm, ostart, oend):
            span = (nz.to_compact(m.start(1)), nz.to_compact(m.end(1)))
            if span not in found:
                found.add(span)
                spans.append(span)
        return [(a, b) for a, b in sorted(spans) if not _own(nz, contacts, a, b) and not _masked(nz, a, b)]
    if detector == "id_card":
        digits = digit_view(compact)
        return [
            m.span(1)
            for m in _ID_CARD.finditer(digits, start, end)
            if id_card_valid(m[1]) or id_card_plausible(m[1])
        ]
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
    if detector == "keyed_number":
        return _keyed_numbers(nz, start, end, keys, reach, contacts)
    return []


def _keyed_numbers(
    nz: Normalised, start: int, end: int, keys: list[tuple[int, int]], reach: int, contacts: ContactCues
) -> list[tuple[int, int]]:
    """Numbers named by an identity keyword (资金账号, 身份证, 手机, account no): six digits
    or more right after it — in any spacing, in Chinese numerals, or in parts (前三位139，
    中间8765，最后4321) — unless the number is the writer's own contact, an amount, or masked."""
    if not keys:
        return []
    compact = nz.compact
    digits = digit_view(compact)
    out: list[tuple[int, int]] = []
    taken = -1
    for kstart, kend in sorted(keys):
        if kend <= taken:
            continue
        window = _GROUP.finditer(digits, kend, min(end, kend + reach + 48))
        parts = [m for m in window if not _is_count(digits, m)]
        if not parts or parts[0].start() - kend > reach:
            continue
        first = parts[0]
        if _AMOUNT_WORDS.search(compact, kend, first.start()):
            continue
        a, b = first.span()
        count = _digit_count(first.group())
        # Parts of one number: further groups after short connecting words.
        for nxt in parts[1:]:
            gap = digits[b : nxt.start()]
            if count >= 18 or len(gap) > 8 or not _PART_GAP.fullmatch(gap):
                break
            if not _same_sentence(nz, b, nxt.start()):
                break
            count += _digit_count(nxt.group())
            b = nxt.end()
        if count < 6 or _UNIT_AFTER.match(compact, b) or "." in digits[a:b]:
            continue
        if _CLOCK.search(nz.norm, *nz.span(a, b)):
            continue  # hours (9:00-17:00), not a number
        # An account or ID number is the writer's or the office's own only when an owner word
        # names the account itself (我的资金账号, 公司账户): in a call-back list the staff title
        # before a client's name (请客户经理联系：钱伟（资金账号…）) does not make it theirs.
        if _PHONE_KEY.search(compact, kstart, kend):
            own = _own(nz, contacts, a, b) or bool(
                _LANDLINE.fullmatch(digits, a, b)
                and contacts.owner_of(compact, a, _clause_floor(nz, a)) != "third"
            )
        else:
            own = contacts.is_own(compact, kstart, max(_clause_floor(nz, kstart), kstart - 4))
        if own or _masked(nz, a, b):
            continue
        out.append((a, b))
        taken = b
    return out


def _is_count(digits: str, m: re.Match[str]) -> bool:
    """A digit that counts digits (前三位, 后4位) is a label, not a part of the number."""
    return digits.startswith("位", m.end()) and len(m.group()) <= 2


def _digit_count(group: str) -> int:
    return sum(ch.isdigit() for ch in group)


def _same_sentence(nz: Normalised, cstart: int, cend: int) -> bool:
    ostart, oend = nz.to_original(cstart), nz.to_original(cend)
    return not any(ch in "。!?\n" for ch in nz.norm[ostart:oend])


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
