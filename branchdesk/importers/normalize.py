"""Cell normalisers: one raw spreadsheet cell in, one clean member value out.

Every normaliser returns the clean value, ``None`` for a blank cell (including placeholders
such as ``-``, ``无`` or ``N/A``), or raises ``ValueError(reason_key)`` where `reason_key` is a
catalog key (``roster_fields.reason.*``) that explains the problem to the user.

Cells come from calamine (numbers as floats, blanks as ``''``, dates as ``date``) or from a
CSV reader (everything text), so each normaliser accepts both shapes. The common case of each
is checked first and cheaply: these run once per cell of a 100,000-row import.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from branchdesk.enums import Experience, Need, RiskLevel

Cell: TypeAlias = str | int | float | bool | date | datetime | time | None

_REASON = "roster_fields.reason."
PHONE_NOT_MOBILE = _REASON + "phone_not_mobile"
PHONE_SCIENTIFIC = _REASON + "phone_scientific"
PHONE_LANDLINE = _REASON + "phone_landline"
PHONE_MASKED = _REASON + "phone_masked"
ACCOUNT_INVALID = _REASON + "account_invalid"
ACCOUNT_SCIENTIFIC = _REASON + "account_scientific"
ACCOUNT_TOO_LONG = _REASON + "account_too_long"
DATE_FORMAT = _REASON + "date_format"
DATE_IMPOSSIBLE = _REASON + "date_impossible"
DATE_OUT_OF_RANGE = _REASON + "date_out_of_range"
DATE_TIME_ONLY = _REASON + "date_time_only"
RISK_UNKNOWN = _REASON + "risk_unknown"
RISK_PRODUCT_LEVEL = _REASON + "risk_product_level"
RISK_CONFLICT = _REASON + "risk_conflict"
EXPERIENCE_UNKNOWN = _REASON + "experience_unknown"
AMOUNT_FORMAT = _REASON + "amount_format"
AMOUNT_NEGATIVE = _REASON + "amount_negative"

# Words people type into a cell to mean "nothing here".
PLACEHOLDERS = frozenset(
    {"", "-", "--", "---", "—", "——", "/", "\\", "无", "暂无", "空", "未知", "不详", "未填",
     "未填写", "n/a", "na", "null", "none", "nil", "#n/a"}
)

_nfkc = unicodedata.normalize


def fold(text: str) -> str:
    """Full-width → half-width (``１３８`` → ``138``, ``（`` → ``(``), stripped.

    NFKC is skipped for pure ASCII, which is most cells.
    """
    text = text.strip()
    return text if text.isascii() else _nfkc("NFKC", text).strip()


def is_blank(cell: Cell) -> bool:
    """None, an empty or whitespace-only string, or a placeholder such as ``-`` or ``无``."""
    if cell is None:
        return True
    if type(cell) is str:
        return fold(cell).lower() in PLACEHOLDERS
    return False


def cell_text(cell: Cell) -> str:
    """A cell as the user would read it: ``5.0`` → ``"5"``, dates ISO, text stripped."""
    if cell is None:
        return ""
    kind = type(cell)
    if kind is str:
        return cell.strip()
    if kind is float:
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if kind is bool:
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell)


# --- phone -------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_PHONE_JUNK = str.maketrans("", "", " \t\r\n-()._—–")
_PHONE_MASK = re.compile(r"[0-9][*xX×#]{2,}[0-9]")
_PHONE_LIST_SPLIT = re.compile(r"[/;,、|\n]+")
_SCIENTIFIC = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"([0-9]+)\.0+")


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
    if _SCIENTIFIC.fullmatch(text):
        # "1.3812345678E+10" still holds every digit; "1.38123E+10" is what Excel showed
        # in a narrow column and saved to CSV: the last digits are gone, never guess them.
        mantissa = text.lower().split("e")[0].lstrip("+-").replace(".", "")
        if len(mantissa) < 11:
            raise ValueError(PHONE_SCIENTIFIC)
        text = _decimal_digits(text) or text
    elif match := _FLOAT_TEXT.fullmatch(text):
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


# --- account -------------------------------------------------------------------------------

_ACCOUNT = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]*")
_WHITESPACE = re.compile(r"\s+")
# Excel keeps 15 significant digits: a longer number typed into a cell has lost its tail.
_EXCEL_EXACT_LIMIT = 1e15


def normalize_account(cell: Cell) -> str | None:
    """An account number as text, exactly as the broker wrote it (leading zeros kept)."""
    kind = type(cell)
    if kind is str:
        text = cell.strip()
        if text.isascii() and text.isalnum():
            return text
        text = _WHITESPACE.sub("", fold(text))
        if text.lower() in PLACEHOLDERS:
            return None
        if match := _FLOAT_TEXT.fullmatch(text):
            return match.group(1)  # "123456789.0" written out from a numeric cell
        if _SCIENTIFIC.fullmatch(text):
            # text such as "1.23457E+11" is what Excel showed, not the number: digits are gone
            raise ValueError(ACCOUNT_SCIENTIFIC)
        if not _ACCOUNT.fullmatch(text):
            raise ValueError(ACCOUNT_INVALID)
        return text
    if kind is float:
        if not math.isfinite(cell) or not cell.is_integer() or cell < 0:
            raise ValueError(ACCOUNT_INVALID)
        if cell >= _EXCEL_EXACT_LIMIT:
            raise ValueError(ACCOUNT_TOO_LONG)
        return str(int(cell))
    if kind is int:
        if cell < 0:
            raise ValueError(ACCOUNT_INVALID)
        return str(cell)
    if cell is None:
        return None
    raise ValueError(ACCOUNT_INVALID)


# --- dates ---------------------------------------------------------------------------------

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 0, for serials after Excel's phantom 1900-02-29
_LAST_SERIAL = (LATEST_DATE - _EXCEL_EPOCH).days
_DATE_TEXT = re.compile(
    r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?"
    r"(?:(?:\s+|T|\s*(?:上午|下午|am|pm)\s*)[0-9]{1,2}(?::[0-9]{1,2}){1,2}(?:\.[0-9]+)?"
    r"(?:\s*(?:am|pm))?)?",
    re.IGNORECASE,
)
_NUMBER_TEXT = re.compile(r"[0-9]{1,8}(?:\.[0-9]+)?")
_DATE_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?:[T\s]?[0-9]{2}:?[0-9]{2}:?[0-9]{2})?")


def normalize_date(cell: Cell) -> date | None:
    """A calendar date from a date cell, an Excel serial number or a date written as text."""
    kind = type(cell)
    if kind is date:
        return _in_range(cell)
    if kind is datetime:
        return _in_range(cell.date())
    if kind is float or kind is int:
        return _from_number(cell)
    if kind is str:
        return _from_text(cell)
    if cell is None:
        return None
    if isinstance(cell, time):
        raise ValueError(DATE_TIME_ONLY)
    if isinstance(cell, date):  # subclasses of date/datetime (pandas Timestamp and the like)
        return _in_range(cell.date() if isinstance(cell, datetime) else cell)
    raise ValueError(DATE_FORMAT)


def _in_range(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(DATE_OUT_OF_RANGE)
    return value


def _from_number(number: float) -> date:
    if not math.isfinite(number):
        raise ValueError(DATE_FORMAT)
    if 19000101 <= number <= 21001231 and float(number).is_integer():
        # a date typed as a plain number: 20240702
        return _make_date(*divmod_date(int(number)))
    return excel_serial_to_date(number)


def divmod_date(number: int) -> tuple[int, int, int]:
    year, rest = divmod(number, 10000)
    month, day = divmod(rest, 100)
    return year, month, day


def excel_serial_to_date(serial: float) -> date:
    """Excel's day number → date. Excel counts a 1900-02-29 that never was (serial 60)."""
    day = math.floor(serial)
    if day < 1 or day > _LAST_SERIAL:
        raise ValueError(DATE_OUT_OF_RANGE)
    if day == 60:
        raise ValueError(DATE_IMPOSSIBLE)
    if day < 60:
        return _EXCEL_EPOCH + timedelta(days=day + 1)
    return _EXCEL_EPOCH + timedelta(days=day)


def _from_text(text: str) -> date | None:
    text = fold(text)
    if text.lower() in PLACEHOLDERS:
        return None
    if _NUMBER_TEXT.fullmatch(text):
        # A number written out as text: what a CSV holds for a date cell Excel formatted as
        # General (45292 = 2024-01-01). Read as the same number in an .xlsx is read.
        return _from_number(float(text))
    match = _DATE_TEXT.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
    if match is None:
        raise ValueError(DATE_FORMAT)
    year, month, day = (int(part) for part in match.groups())
    return _make_date(year, month, day)


def _make_date(year: int, month: int, day: int) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise ValueError(DATE_IMPOSSIBLE) from None
    return _in_range(value)


# --- risk level ----------------------------------------------------------------------------

_RISK_WORDS: dict[str, int] = {
    # The broker scale the app uses (models.RiskLevel): 保守/谨慎/稳健/积极/激进.
    "保守": 1, "谨慎": 2, "稳健": 3, "积极": 4, "激进": 5,
    # Words from other five-step scales that do not clash with the broker scale.
    "最低类别": 1, "相对保守": 2, "平衡": 3, "相对积极": 4, "成长": 4, "进取": 5,
    "conservative": 1, "cautious": 2, "moderatelyconservative": 2, "balanced": 3,
    "moderate": 3, "growth": 4, "moderatelyaggressive": 4, "aggressive": 5,
}
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                   "八": 8, "九": 9}
_RISK_CODE = re.compile(r"C\s*([1-5])(?![0-9])\s*[-_:/.、]?\s*(.*)", re.IGNORECASE)
_RISK_PRODUCT = re.compile(r"R\s*[1-5](?![0-9])", re.IGNORECASE)
_RISK_LEVEL_NUMBER = re.compile(r"第?([1-5一二三四五])级?")
_RISK_WORD_JUNK = re.compile(r"[\s()\[\]【】（）<>《》\-_:：,.·]+")
_RISK_BY_RANK = {level.rank: level for level in RiskLevel}


def normalize_risk(cell: Cell) -> RiskLevel | None:
    """The client's risk tolerance C1–C5 from a code, a number or a word (稳健型, balanced…).

    R1–R5 is rejected: that is a *product's* risk level, not a client's.
    """
    kind = type(cell)
    if kind is int or kind is float:
        if cell in (1, 2, 3, 4, 5):
            return _RISK_BY_RANK[int(cell)]
        raise ValueError(RISK_UNKNOWN)
    if kind is not str:
        if cell is None:
            return None
        raise ValueError(RISK_UNKNOWN)
    text = fold(cell)
    if text.lower() in PLACEHOLDERS:
        return None
    if match := _RISK_CODE.fullmatch(text):
        rank = int(match.group(1))
        # "C3（稳健型）": the word, when there is one we know, must agree with the code
        word_rank = _risk_word_rank(match.group(2))
        if word_rank is not None and word_rank != rank:
            raise ValueError(RISK_CONFLICT)
        return _RISK_BY_RANK[rank]
    if _RISK_PRODUCT.match(text):
        raise ValueError(RISK_PRODUCT_LEVEL)
    if match := _RISK_LEVEL_NUMBER.fullmatch(text):
        digit = match.group(1)
        return _RISK_BY_RANK[_CHINESE_DIGITS.get(digit) or int(digit)]
    rank = _risk_word_rank(text)
    if rank is None:
        raise ValueError(RISK_UNKNOWN)
    return _RISK_BY_RANK[rank]


def _risk_word_rank(text: str) -> int | None:
    word = _RISK_WORD_JUNK.sub("", text.lower())
    if word in _RISK_WORDS:
        return _RISK_WORDS[word]
    # 稳健型投资者 → 稳健型 → 稳健
    word = word.removesuffix("投资者").removesuffix("类别").removesuffix("类").removesuffix("型")
    return _RISK_WORDS.get(word)


# --- experience ----------------------------------------------------------------------------

_EXPERIENCE_WORDS: dict[str, Experience] = {}
for _level, _words in {
    Experience.NOVICE: (
        "新手", "小白", "入门", "初级", "新股民", "新入市", "无经验", "没有经验", "零基础",
        "经验较少", "较少", "很少", "初学者", "novice", "beginner",
    ),
    Experience.INTERMEDIATE: (
        "进阶", "中级", "有一定经验", "一定经验", "一般", "有经验", "中等", "intermediate",
        "some",
    ),
    Experience.VETERAN: (
        "资深", "老手", "高级", "老股民", "丰富", "经验丰富", "专业", "veteran", "expert",
        "advanced", "experienced",
    ),
}.items():
    for _word in _words:
        _EXPERIENCE_WORDS[_word] = _level

_YEARS = re.compile(
    r"(不足|少于|低于|小于|未满|超过|多于|大于|满)?\s*"
    r"(?:([0-9]+(?:\.[0-9]+)?)\s*(?:年|个月)?\s*(?:-|~|至|到)\s*)?"
    r"([0-9]+(?:\.[0-9]+)?)\s*(年|个?月)\s*"
    r"(以上|及以上|以下|以内|之内|内|左右|多|\+)?(?:经验|投资经验)?"
)
_EXPERIENCE_JUNK = re.compile(r"[\s()\[\]【】（）<>《》:：,，。·]+")
_CHINESE_TEN = re.compile(r"([一二两三四五六七八九])?十([一二三四五六七八九])?")
_CHINESE_DIGIT = re.compile("[一二两三四五六七八九]")


def normalize_experience(cell: Cell) -> Experience | None:
    """Investment experience from a word (新手, 进阶, 老股民…) or a span of years.

    Years are read as the time someone has invested; a range counts as its midpoint and
    "under N" as N/2. Under 1 year is novice, 1 to under 5 intermediate, 5 or more veteran.
    So 1-3年 and 3年以上 are intermediate, 5年以上 veteran, 半年/6个月/1年以下 novice.
    A bare number is rejected: it could be a level code as well as a count of years.
    """
    if cell is None:
        return None
    if type(cell) is not str:
        raise ValueError(EXPERIENCE_UNKNOWN)
    text = fold(cell).lower()
    if text in PLACEHOLDERS:
        return None
    word = _EXPERIENCE_JUNK.sub("", text)
    level = _EXPERIENCE_WORDS.get(word) or _EXPERIENCE_WORDS.get(word.removesuffix("投资者"))
    if level is not None:
        return level
    years = _years_of(word)
    if years is None:
        raise ValueError(EXPERIENCE_UNKNOWN)
    if years < 1:
        return Experience.NOVICE
    if years < 5:
        return Experience.INTERMEDIATE
    return Experience.VETERAN


def _years_of(text: str) -> float | None:
    text = text.replace("半年", "6个月")
    text = _CHINESE_TEN.sub(
        lambda m: str(_CHINESE_DIGITS.get(m.group(1) or "一", 1) * 10
                      + _CHINESE_DIGITS.get(m.group(2) or "", 0)),
        text,
    )
    text = _CHINESE_DIGIT.sub(lambda m: str(_CHINESE_DIGITS[m.group(0)]), text)
    match = _YEARS.fullmatch(text)
    if match is None:
        return None
    before, low, high, unit, after = match.groups()
    scale = 1.0 if unit == "年" else 1 / 12
    high_years = float(high) * scale
    if low is not None:
        return (float(low) * scale + high_years) / 2
    if before in ("不足", "少于", "低于", "小于", "未满") or after in ("以下", "以内", "之内", "内"):
        return high_years / 2
    return high_years


# --- words, needs and tags -----------------------------------------------------------------

_WORD_SPLIT = re.compile(r"[;,/|、\s]+")

_NEED_WORDS: dict[str, Need] = {}
for _need, _words in {
    Need.PROFIT: ("赚钱", "盈利", "收益", "挣钱", "获利", "增值", "高收益", "追求收益", "财富增值",
                  "profit", "profits", "returns", "gain"),
    Need.RECOVERY: ("解套", "回本", "套牢", "被套", "深套", "扭亏", "止亏", "亏损", "recovery",
                    "recover", "breakeven"),
    Need.ALLOCATION: ("配置", "资产配置", "理财", "财富管理", "资产规划", "稳健理财", "分散投资",
                      "allocation", "asset allocation", "assetallocation", "wealth management"),
    Need.STAGE: ("舞台", "分享", "展示", "表达", "分享经验", "发言", "被认可", "stage",
                 "sharing", "share", "showcase"),
}.items():
    for _word in _words:
        _NEED_WORDS[_word] = _need
for _need in Need:
    _NEED_WORDS[_need.zh] = _need
    _NEED_WORDS[_need.en] = _need


def split_words(cell: Cell) -> list[str]:
    """A cell of several words → the words: split on ; ， 、 / | and spaces, deduped, in order."""
    if cell is None:
        return []
    text = fold(cell) if type(cell) is str else cell_text(cell)
    seen: dict[str, None] = {}
    for word in _WORD_SPLIT.split(text):
        if word and word.lower() not in PLACEHOLDERS:
            seen.setdefault(word, None)
    return list(seen)


def need_of(word: str) -> Need | None:
    """The need a word names (赚钱, 解套需求, 想回本, Profit…), or None for a free tag."""
    key = word.lower()
    need = _NEED_WORDS.get(key)
    if need is None:
        key = key.removesuffix("需求").removesuffix("型").removeprefix("想").removeprefix("要")
        need = _NEED_WORDS.get(key)
    return need


def split_needs_and_tags(cell: Cell) -> tuple[list[Need], list[str]]:
    """Words of a cell sorted into known needs (赚钱 → profit…) and free tags, order kept."""
    needs: list[Need] = []
    tags: list[str] = []
    for word in split_words(cell):
        need = need_of(word)
        if need is None:
            tags.append(word)
        elif need not in needs:
            needs.append(need)
    return needs, tags


# --- amounts -------------------------------------------------------------------------------

UNIT_MULTIPLIERS: dict[str, float] = {
    "元": 1.0, "rmb": 1.0, "cny": 1.0, "yuan": 1.0,
    "千": 1e3, "千元": 1e3, "k": 1e3,
    "万": 1e4, "万元": 1e4, "w": 1e4,
    "百万": 1e6, "百万元": 1e6, "m": 1e6,
    "亿": 1e8, "亿元": 1e8,
}
_AMOUNT = re.compile(
    r"([+-]?)[¥$]?([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e([+-]?[0-9]+))?\s*"
    r"(元|rmb|cny|yuan|千元|千|k|万元|万|w|百万元|百万|m|亿元|亿)?"
)
_AMOUNT_JUNK = str.maketrans("", "", ", ￥¥$\t")


def normalize_amount(cell: Cell, multiplier: float = 1.0) -> float | None:
    """An amount of money in yuan, rounded to the fen.

    `multiplier` is the unit of the column's header (万元 → 10000). A unit written in the
    cell itself ("1.2万", "12万元") is more specific and replaces it.
    """
    kind = type(cell)
    if kind is float or kind is int:
        return _checked_amount(cell * multiplier)
    if kind is str:
        return _amount_from_text(cell, multiplier)
    if cell is None:
        return None
    raise ValueError(AMOUNT_FORMAT)


def _amount_from_text(text: str, multiplier: float) -> float | None:
    plain = text.replace(".", "", 1)
    if plain.isdigit() and plain.isascii():  # "12345.67", the usual text of a CSV export
        return _checked_amount(float(text) * multiplier)
    text = fold(text).lower()
    if text in PLACEHOLDERS:
        return None
    negative = text.startswith("(") and text.endswith(")")  # accounting style (1,234)
    match = _AMOUNT.fullmatch(text.strip("()").translate(_AMOUNT_JUNK))
    if match is None:
        raise ValueError(AMOUNT_FORMAT)
    sign, number, exponent, unit = match.groups()
    value = float(number) * (10.0 ** int(exponent) if exponent else 1.0)
    if sign == "-" or negative:
        value = -value
    if unit:
        multiplier = UNIT_MULTIPLIERS[unit]
    return _checked_amount(value * multiplier)


def _checked_amount(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(AMOUNT_FORMAT)
    if value < 0:
        raise ValueError(AMOUNT_NEGATIVE)
    # 1.2 × 10000 is 12000.000000000002 in binary floating point: round to the fen
    return round(float(value), 2)


# --- plain text ----------------------------------------------------------------------------

_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def normalize_text(cell: Cell) -> str | None:
    """Free text on one line (name, branch, advisor): spaces collapsed, placeholders blank.

    Spaces between Chinese characters go ("张  三" padded for alignment → "张三"), spaces
    between Latin words stay ("Li Wei").
    """
    if cell is None:
        return None
    text = cell.strip() if type(cell) is str else cell_text(cell)
    if text.isalnum():  # most names (张三, 客户0): nothing to tidy
        return None if text.lower() in PLACEHOLDERS else text
    if not text:
        return None
    if _WHITESPACE.search(text):
        text = _CJK_GAP.sub("", _WHITESPACE.sub(" ", text))
    if text.lower() in PLACEHOLDERS:
        return None
    return text


def normalize_notes(cell: Cell) -> str | None:
    """Free text kept as written, line breaks included; only surrounding space is removed."""
    if cell is None:
        return None
    text = cell_text(cell)
    if text.lower() in PLACEHOLDERS:
        return None
    return text
