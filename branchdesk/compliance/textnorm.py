"""Normalisation that keeps a map back to the original text.

Two views of a text are built:

* ``norm`` — the same length as the original, character for character: full-width and
  compatibility forms folded (NFKC where it yields one character), letters lower-cased,
  traditional characters simplified, a few look-alike characters folded. Because it is one to
  one, an offset in ``norm`` *is* an offset in the original.
* ``compact`` — ``norm`` without the characters people insert to dodge a filter: spaces,
  zero-width characters, punctuation, symbols and emoji (``保 本``, ``稳.赚.不.赔``,
  ``保本💰保收益``). A dot or comma between two digits stays (``15.5%``, ``3,000``).

Matching runs on ``compact``; :meth:`Normalised.span` maps a compact span back to the exact
original span. Everything is done with ``str.translate`` and one regular expression so that the
cost per character stays in C.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from branchdesk.compliance.t2s_table import PAIRS

# Code point ranges whose NFKC form we fold: Latin-1 to CJK compatibility (full-width forms are
# further up), Kangxi radicals, enclosed and squared forms, mathematical letters (𝐛𝐚𝐨).
_NFKC_RANGES = (
    (0x00A0, 0x33FF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFFEF),
    (0x1D400, 0x1D7FF),
    (0x1F100, 0x1F1FF),
)

# Where the characters of everyday chat text live (ASCII, punctuation, CJK, full width).
_COMMON_RANGES = ((0x0000, 0x024F), (0x2000, 0x206F), (0x3000, 0x303F), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))

# Look-alikes that NFKC and OpenCC leave alone but people use in place of a banned character.
_LOOKALIKES = {
    "夲": "本",  # a rare character that looks like 本 (保夲)
    "収": "收",  # Japanese form (保収益)
    "〇": "0",
    "帐": "账",  # 帐户 is a common variant spelling of 账户
    "０": "0",
}

# Punctuation that ends a clause; a match may not run across one (see Normalised.crosses_hard).
# Quote marks are not among them: a word in scare quotes (账户可以"托管"给我们) is still said.
HARD_PUNCT = frozenset('。！？；，、!?;,\n\r《》()（）[]【】')

# Anything that is not a letter, digit, CJK character or percent sign is filler, except a dot,
# comma, enumeration comma, semicolon or slash between two digits: 15.5%, 3,000, and
# 600036、601318 stays two numbers. Underscore counts as filler although \w matches it.
_FILLER = re.compile(r"(?:(?!(?<=\d)[.,、;/](?=\d))(?:[^\w%]|_))+")
_KEPT = re.compile(r"(?:[^\W_]|%|(?<=\d)[.,、;/](?=\d))+")


@cache
def fold_table() -> dict[int, int | str]:
    """The one-to-one folding table used by ``str.translate`` (built once, ~20 ms)."""
    table: dict[int, str] = {}
    t2s = {pair[0]: pair[1] for pair in _pairs()}

    def fold(char: str) -> str:
        out = unicodedata.normalize("NFKC", char)
        if len(out) != 1:
            out = char
        out = out.lower() if len(out.lower()) == 1 else out
        out = t2s.get(out, out)
        return _LOOKALIKES.get(out, out)

    for low, high in _NFKC_RANGES:
        for code in range(low, high + 1):
            char = chr(code)
            out = fold(char)
            if out != char:
                table[code] = out
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for trad, simp in t2s.items():
        table.setdefault(ord(trad), _LOOKALIKES.get(simp, simp))
    for char, out in _LOOKALIKES.items():
        table[ord(char)] = out
    # Identity entries for the blocks chat text is made of: str.translate is a third faster
    # when it finds every character in the table instead of failing a lookup.
    dense: dict[int, int | str] = {c: c for low, high in _COMMON_RANGES for c in range(low, high + 1)}
    dense.update(table)
    return dense


def _pairs() -> list[str]:
    joined = "".join(PAIRS)
    chars = list(joined)
    return [chars[i] + chars[i + 1] for i in range(0, len(chars) - 1, 2)]


def fold(text: str) -> str:
    """``norm`` of a text: same length, folded width, case, script and look-alikes."""
    return text.translate(fold_table())


def strip_filler(norm: str) -> str:
    """``compact`` of an already folded text."""
    return _FILLER.sub("", norm)


def compact_phrase(phrase: str) -> str:
    """A rule phrase in the form it takes in ``compact`` text."""
    return _FILLER.sub("", fold(phrase))


@dataclass(slots=True)
class Normalised:
    """A text with its folded and compact views and the map between them."""

    original: str
    norm: str
    compact: str
    # Kept pieces: compact start and original start of each run of kept characters.
    cstarts: list[int]
    ostarts: list[int]
    # Compact offset for every original offset, built on first use (see to_compact).
    _o2c: list[int] | None = None

    def to_original(self, cpos: int) -> int:
        """Original offset of the compact character at ``cpos``."""
        k = bisect_right(self.cstarts, cpos) - 1
        return self.ostarts[k] + cpos - self.cstarts[k]

    def span(self, cstart: int, cend: int) -> tuple[int, int]:
        """Original span covering the compact span ``[cstart, cend)`` (non-empty)."""
        return self.to_original(cstart), self.to_original(cend - 1) + 1

    def to_compact(self, opos: int) -> int:
        """Compact offset of the first kept character at or after original offset ``opos``
        (that is, the number of kept characters before it)."""
        o2c = self._o2c
        if o2c is None:
            o2c = self._o2c = self._build_o2c()
        return o2c[opos]

    def _build_o2c(self) -> list[int]:
        size = len(self.norm)
        o2c = [0] * (size + 1)
        pieces = len(self.cstarts)
        for k in range(pieces):
            cstart, ostart = self.cstarts[k], self.ostarts[k]
            length = (self.cstarts[k + 1] if k + 1 < pieces else len(self.compact)) - cstart
            o2c[ostart : ostart + length] = range(cstart, cstart + length)
            gap_end = self.ostarts[k + 1] if k + 1 < pieces else size + 1
            o2c[ostart + length : gap_end] = [cstart + length] * (gap_end - ostart - length)
        return o2c

    def crosses_hard(self, cstart: int, cend: int) -> bool:
        """True when the compact span hides clause punctuation between its characters and the
        hiding is not the regular "one filler between every character" of an evasion
        (``稳，赚，不，赔``). Keeps ``年化，15%`` or ``涨，停`` across two clauses from matching."""
        cstarts = self.cstarts
        k0 = bisect_right(cstarts, cstart) - 1
        if k0 + 1 == len(cstarts) or cend <= cstarts[k0 + 1]:
            return False  # inside one run of kept characters: nothing hidden
        k1 = bisect_right(cstarts, cend - 1) - 1
        hard = False
        for k in range(k0, k1):
            gap_start = self.ostarts[k] + self.cstarts[k + 1] - self.cstarts[k]
            gap = self.norm[gap_start : self.ostarts[k + 1]]
            if any(ch in HARD_PUNCT for ch in gap):
                hard = True
                break
        if not hard:
            return False
        # Every pair of neighbouring characters separated, and at least three characters.
        return not (k1 - k0 == cend - cstart - 1 and cend - cstart >= 3)


_SENTENCE_PUNCT = frozenset("。!?\n\r")


def crosses_sentence(nz: Normalised, cstart: int, cend: int) -> bool:
    """True when the compact span hides a sentence end (。！？ or a line break)."""
    ostart, oend = nz.span(cstart, cend)
    return any(ch in _SENTENCE_PUNCT for ch in nz.norm[ostart:oend])


def normalise(text: str, norm: str | None = None, compact: str | None = None) -> Normalised:
    """The views of ``text``; pass ``norm`` and ``compact`` when they are already at hand."""
    norm = fold(text) if norm is None else norm
    # Runs of kept characters, found in C; their lengths give the compact offsets.
    ostarts: list[int] = []
    cstarts: list[int] = []
    clen = 0
    for m in _KEPT.finditer(norm):
        start, end = m.span()
        ostarts.append(start)
        cstarts.append(clen)
        clen += end - start
    if not ostarts:
        return Normalised(text, norm, compact if compact == "" else "", [0], [len(norm)])
    if compact is None or len(compact) != clen:
        one_piece = len(ostarts) == 1
        compact = norm[ostarts[0] : ostarts[0] + clen] if one_piece else _FILLER.sub("", norm)
    return Normalised(text, norm, compact, cstarts, ostarts)


# ── Numbers written in Chinese numerals ──────────────────────────────────────────────────
# Patterns are written with Arabic figures (\d+%, \d+个点, \d+倍); people also write
# 百分之十八, 两成, 五个点, 翻三倍, 目标二百四. ``numeric_view`` rewrites such numbers into
# figures so that the same patterns see them; a map takes a match back to compact offsets.
_CN_DIGIT = "零〇一二两三四五六七八九"
_CN_CHARS = _CN_DIGIT + "十百千"
_CN_VALUE = {
    c: v for v, cs in enumerate(("零〇", "一", "二两", "三", "四", "五", "六", "七", "八", "九")) for c in cs
}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
# A Chinese number worth rewriting: after 百分之, before a unit, or two characters or more with
# a place value (二百四, 三十) or a decimal (五点二). A lone 一/两/三 is a word, not a figure.
_CN_NUMBER = re.compile(
    rf"(?P<pct>百分之)?(?P<num>[{_CN_CHARS}]+(?:点[{_CN_DIGIT}]+)?)"
    rf"(?P<unit>成|个多点|多个点|个百分点|个点|倍|块[{_CN_DIGIT}](?![{_CN_CHARS}])|块|元|%)?"
)
_HAS_CN_NUMBER = re.compile(
    rf"百分之|[{_CN_CHARS}](?:成|个多?点|多个点|个百分点|倍|块|元|%)|[{_CN_CHARS}]{{2}}|[{_CN_DIGIT}]点[{_CN_DIGIT}]"
)


def cn_number(text: str) -> float | None:
    """Value of a Chinese number: 十八, 二百四 (= 240), 三零零七五零, 五点二; None if odd."""
    whole, _, frac = text.partition("点")
    if not whole:
        return None
    if not any(c in _CN_UNIT for c in whole):
        value: float = int("".join(str(_CN_VALUE[c]) for c in whole))
    else:
        value, digit, last_unit = 0, None, 1
        for c in whole:
            if c in _CN_UNIT:
                unit = _CN_UNIT[c]
                value += (1 if digit is None else digit) * unit
                digit, last_unit = None, unit
            else:
                if digit is not None:
                    return None
                digit = _CN_VALUE[c]
        if digit is not None:
            # 二百四 is 240: a trailing digit counts in the unit below the last one.
            value += digit * (last_unit // 10 if last_unit >= 100 else 1)
    if frac:
        if any(c in _CN_UNIT for c in frac):
            return None
        value += float("0." + "".join(str(_CN_VALUE[c]) for c in frac))
    return value


def _figure(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def numeric_view(
    compact: str, start: int = 0, end: int | None = None
) -> tuple[str, list[int], list[int]] | None:
    """``compact[start:end]`` with Chinese numbers rewritten as figures, and for every
    character of the view the compact offsets where its source starts and ends; None when
    there is nothing to rewrite."""
    end = len(compact) if end is None else end
    if not _HAS_CN_NUMBER.search(compact, start, end):
        return None
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = start
    changed = False
    for m in _CN_NUMBER.finditer(compact, start, end):
        num, unit, pct = m["num"], m["unit"], m["pct"]
        if not (pct or unit or (len(num) >= 2 and any(c in "十百千点" for c in num)) or len(num) >= 3):
            continue
        value = cn_number(num)
        if value is None:
            continue
        if unit == "成":
            text = _figure(value * 10) + "%"
        elif pct:
            text = _figure(value) + "%" + (unit if unit and unit != "%" else "")
        else:
            # 五个多点 reads as 五个点: a figure pattern need not know every hedge.
            if unit and unit.startswith("块") and len(unit) == 2:
                value += _CN_VALUE[unit[1]] / 10  # 四块八 is 4.8 yuan
                unit = "块"
            text = _figure(value) + ("个点" if unit in ("个多点", "多个点") else unit or "")
        a, b = m.span()
        parts.append(compact[pos:a])
        starts.extend(range(pos, a))
        ends.extend(range(pos + 1, a + 1))
        parts.append(text)
        starts.extend([a] * len(text))
        ends.extend([b] * len(text))
        pos = b
        changed = True
    if not changed:
        return None
    parts.append(compact[pos:end])
    starts.extend(range(pos, end))
    ends.extend(range(pos + 1, end + 1))
    return "".join(parts), starts, ends
