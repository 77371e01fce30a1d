"""Names in pinyin order: 安 before 白 before 王, as a Chinese reader expects, not by code point.

`sort_key(name)` turns a name into text that sorts as the name should: each Chinese character
becomes its pinyin with the tone as a digit (王 → ``wang2``), other characters stay as they
are (lower case), and the name itself follows for ties. The table of readings is generated
from pypinyin's data (``python -m branchdesk.pinyin_sort.build``) and applied with one
`str.translate`: about a microsecond a name, so an import computes the key of every row in
its parsing processes. The first character of a name is read as a surname (曾 zēng, not
céng; 单 shàn; 解 xiè).
"""

from __future__ import annotations

from functools import cache

KEY_SEPARATOR = "\x1f"  # between the pinyin and the name that breaks ties


@cache
def _tables() -> tuple[dict[int, str], dict[str, str]]:
    """(character → reading, for str.translate; surname character → its surname reading)."""
    from branchdesk.pinyin_sort.table import READINGS, SURNAMES

    table: dict[int, str] = {}
    for line in READINGS:  # each line's characters at once, in C
        syllable, chars = line.split(" ", 1)
        table.update(dict.fromkeys(map(ord, chars), syllable))
    surnames: dict[str, str] = {}
    for line in SURNAMES:
        syllable, chars = line.split(" ", 1)
        surnames.update(dict.fromkeys(chars, syllable))
    return table, surnames


def load() -> None:
    """Read the table now (a process about to fork loads it once for both)."""
    _tables()


def initials(text: str) -> str:
    """The pinyin initials of the Chinese in `text`, other letters and digits as they are,
    lower case: 审计记录 → ``sjjl``, 导出 Excel → ``dcexcel`` (what a Chinese reader types
    to find a name quickly)."""
    table, _surnames = _tables()
    return "".join(table[ord(c)][0] if ord(c) in table else c for c in text.lower()
                   if ord(c) in table or c.isalnum())


def sort_key(name: str | None) -> str:
    """The text that orders `name` among others by pinyin."""
    return sort_keys([name])[0] or ""


def sort_keys(names: list) -> list:
    """`sort_key` of many names (a blank name's key is None)."""
    table, surnames = _tables()
    sep = KEY_SEPARATOR
    out = []
    for name in names:
        if not name:
            out.append(None)
            continue
        first = surnames.get(name[0])
        if first is None:
            out.append(f"{name.lower().translate(table)}{sep}{name}")
        else:
            out.append(f"{first}{name[1:].lower().translate(table)}{sep}{name}")
    return out
