"""Cells of several words: needs (赚钱, 解套…) and free tags."""

from __future__ import annotations

import re

from branchdesk.enums import Need
from branchdesk.importers.normalize.cells import (
    PLACEHOLDERS,
    Cell,
    cell_text,
    fold,
)

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
