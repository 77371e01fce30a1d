"""Risk tolerance (C1–C5) and investment experience (novice / intermediate / veteran)."""

from __future__ import annotations

import re

from branchdesk.enums import Experience, RiskLevel
from branchdesk.importers.normalize.cells import (
    PLACEHOLDERS,
    REASON,
    Cell,
    fold,
)

RISK_UNKNOWN = REASON + "risk_unknown"
RISK_PRODUCT_LEVEL = REASON + "risk_product_level"
RISK_CONFLICT = REASON + "risk_conflict"
EXPERIENCE_UNKNOWN = REASON + "experience_unknown"

_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                   "八": 8, "九": 9}


# --- risk level ----------------------------------------------------------------------------

_RISK_WORDS: dict[str, int] = {
    # The broker scale the app uses (models.RiskLevel): 保守/谨慎/稳健/积极/激进.
    "保守": 1, "谨慎": 2, "稳健": 3, "积极": 4, "激进": 5,
    # Words from other five-step scales that do not clash with the broker scale.
    "最低类别": 1, "相对保守": 2, "平衡": 3, "相对积极": 4, "成长": 4, "进取": 5,
    "conservative": 1, "cautious": 2, "moderatelyconservative": 2, "balanced": 3,
    "moderate": 3, "growth": 4, "moderatelyaggressive": 4, "aggressive": 5,
}
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
    r"(不足|少于|低于|小于|未满|不到|超过|多于|大于|满|近|约|大约|over|morethan|under|lessthan)?\s*"
    r"(?:([0-9]+(?:\.[0-9]+)?)\s*(?:年|个月)?\s*(?:-|~|至|到)\s*)?"
    r"([0-9]+(?:\.[0-9]+)?)\s*(年|个?月|years?|yrs?|months?)\s*"
    r"(以上|及以上|以下|以内|之内|内|左右|多|\+|ormore|orless)?"
)
_MOST_YEARS = 80  # a larger "N年" is a calendar year (2015年入市), not a span
_EXPERIENCE_JUNK = re.compile(r"[\s()\[\]【】（）<>《》:：,，。·]+")
_CHINESE_TEN = re.compile(r"([一二两三四五六七八九])?十([一二三四五六七八九])?")
_CHINESE_DIGIT = re.compile("[一二两三四五六七八九]")


def normalize_experience(cell: Cell) -> Experience | None:
    """Investment experience from a word (新手, 进阶, 老股民…) or a span of years.

    Years are read as the time someone has invested; a range counts as its midpoint and
    "under N" as N/2. Under 1 year is novice, 1 to under 5 intermediate, 5 or more veteran.
    So 1-3年 and 3年以上 are intermediate, 5年以上 veteran, 半年/6个月/1年以下 novice.
    The span may sit among other words (入市10年, 炒股8年, 10年股龄, over 10 years).
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
    # one span of time among words about it: 入市10年, 炒股8年, 10年股龄, 5年以上投资经验
    matches = list(_YEARS.finditer(text))
    if len(matches) != 1:
        return None
    match = matches[0]
    if any(c.isdigit() for c in text[:match.start()] + text[match.end():]):
        return None
    before, low, high, unit, after = match.groups()
    scale = 1.0 if unit in ("年", "year", "years", "yr", "yrs") else 1 / 12
    if float(high) * scale > _MOST_YEARS:
        return None
    high_years = float(high) * scale
    if low is not None:
        return (float(low) * scale + high_years) / 2
    if before in ("不足", "少于", "低于", "小于", "未满", "不到", "under", "lessthan") \
            or after in ("以下", "以内", "之内", "内", "orless"):
        return high_years / 2
    return high_years
