"""Search as you type over the roster: what a member can be found by, and the SQL for a search.

A member is found by words of the name, the tags and the needs (赚钱, 解套… and their English
codes), and by the last four digits of the phone or the account number. Each word is written
into the member's `search_text` with every ending that starts at a Chinese character (王秀英,
秀英, 英), so a prefix search through SQLite's FTS5 index (`member_search`, unicode61
tokenizer) finds any part of a Chinese word: one character (a surname) as quickly as a whole
name, without the trigram tokenizer's three-character minimum. Whole phone and account
numbers are not in the text: the middle digits of a phone, masked on screen, must never find
anyone. A search that names a whole phone or account number looks it up exactly (the
members' own indexes), and the caller audits it like a reveal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from branchdesk.enums import Need

TAIL_DIGITS = 4  # the visible end of a masked phone or account number
# Runs of letters and digits: the tokens of FTS5's unicode61 tokenizer (which also splits
# on "_" and punctuation).
_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_PHONE_PUNCTUATION = str.maketrans("", "", " -()")
WHOLE_NUMBER_MIN = 5  # a digit term this long may be a whole account number

# Need code → the words that find it: its code (the English label) and its Chinese label.
_NEED_WORDS = {n.value: f"{n.zh} {n.value}" for n in Need}  # type: ignore[attr-defined]


def _endings(word: str) -> list[str]:
    """The word, and each of its endings that starts at a Chinese character."""
    out = [word]
    for match in _CJK.finditer(word, 1):
        out.append(word[match.start():])
    return out


def _words(text: str) -> list[str]:
    return [ending for word in _WORD.findall(text.lower()) for ending in _endings(word)]


def _name_words(name: str) -> str:
    """`_words` of a name, quickly for the usual one-word name (王秀英, Alice)."""
    if not name.isalnum() or not name.isprintable():
        return " ".join(_words(name))
    if name.isascii():
        return name.lower()
    name = name.lower()
    # Letters and digits only: the endings that start at a character of the CJK blocks
    # (and the scripts above them, which names do not hold).
    return " ".join([name[i:] for i in range(len(name)) if i == 0 or name[i] >= "\u3400"])


def _stored_words(stored: str | None) -> str:
    """The words of a stored JSON list, as one text."""
    if not stored or stored == "[]":
        return ""
    try:
        return " ".join(map(str, json.loads(stored)))
    except ValueError:
        return stored


def _list_words(needs: str | None, tags: str | None) -> str:
    """The words of stored needs and tags lists: each need as its Chinese label and code."""
    need_text = " ".join(_NEED_WORDS.get(code, code) for code in _stored_words(needs).split())
    return " ".join(_words(f"{need_text} {_stored_words(tags)}"))


def search_doc(name: Any, phone: Any, account_no: Any, needs: Any, tags: Any) -> str:
    """What a member can be found by (needs and tags as stored: JSON lists, or lists)."""
    needs_text = needs if isinstance(needs, str) or needs is None else json.dumps(
        [str(n) for n in needs])
    tags_text = tags if isinstance(tags, str) or tags is None else json.dumps(list(tags))
    return search_docs([name], [phone], [account_no], [needs_text], [tags_text])[0]


def search_docs(names: Sequence[Any], phones: Sequence[Any], accounts: Sequence[Any],
                needs: Sequence[str | None], tags: Sequence[str | None]) -> list[str]:
    """`search_doc` of many rows, given column by column (needs and tags as stored JSON):
    the same few lists come back row after row, so each pair is turned into words once.
    About a microsecond a row: an import computes it for every row it parses."""
    lists = {pair: _list_words(*pair) for pair in set(zip(needs, tags, strict=True))}
    out: list[str] = []
    append = out.append
    cjk = "\u3400"
    for name, phone, account, need, tag in zip(names, phones, accounts, needs, tags,
                                               strict=True):
        if not name:
            words = ""
        elif len(name) == 2 and name[0] >= cjk and name[1] >= cjk:  # 王芳: the usual name
            words = f"{name} {name[1]}"
        elif len(name) == 3 and name[0] >= cjk and name[1] >= cjk and name[2] >= cjk:
            words = f"{name} {name[1:]} {name[2]}"
        elif name[0] >= cjk and name[-1] < cjk and name[-1].isascii() and name.isalnum():
            # Chinese, then letters or digits (客户123, 王芳B): endings from the Chinese part
            end = 1
            while name[end] >= cjk:
                end += 1
            tail = name[end:].lower()
            words = " ".join([name[i:end] + tail for i in range(end)]) if tail.isascii() else (
                _name_words(name))
        else:
            words = _name_words(name)
        append(f"{words} {phone[-TAIL_DIGITS:] if phone else ''}"
               f" {account[-TAIL_DIGITS:].lower() if account else ''} {lists[need, tag]}")
    return out


# --- a search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchTerms:
    """A search typed by a user, ready for SQL: words for the index, whole numbers."""

    words: tuple[str, ...]   # each found as the start of a member's word
    numbers: tuple[str, ...]  # whole phone or account numbers (also tried as words)
    # Something was typed, but nothing a member can be found by (punctuation, an emoji):
    # it finds nobody, never the whole roster.
    finds_nobody: bool = False

    def match_text(self, words: Iterable[str]) -> str:
        return " AND ".join(f'"{w}"*' for w in words)


def parse(search: str) -> SearchTerms:
    """Split a search into terms. A whole mobile number typed with spaces or dashes
    (138 1234 5678) is one number; digits of a phone's middle never match anything; a
    search of only punctuation or symbols (!, %, 。, 😀) finds nobody."""
    text = search.strip()
    squeezed = text.translate(_PHONE_PUNCTUATION).removeprefix("+86")
    if _MOBILE.fullmatch(squeezed):
        return SearchTerms((), (squeezed,))
    words: list[str] = []
    numbers: list[str] = []
    for term in text.split():
        runs = _WORD.findall(term)
        if len(runs) == 1 and len(runs[0]) >= WHOLE_NUMBER_MIN and any(c.isdigit() for c in runs[0]):
            numbers.append(runs[0])  # a whole phone or account number, or a word
        else:
            words.extend(run.lower() for run in runs)
    return SearchTerms(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(numbers)),
                       finds_nobody=bool(text) and not words and not numbers)


# How a page of a search is read (store.members chooses, from how many members match):
LOOKUP = "lookup"  # few matches: look each up from the index, sort them
WALK = "walk"      # many: read the rows in the sort order, keep those in the matches
SCAN = "scan"      # many, spread evenly (digits of tails): read in the sort order, test
#                    each row's own search text; the page fills after a few hundred rows


def where(terms: SearchTerms, *, how: str = LOOKUP) -> tuple[list[str], list[Any]]:
    """SQL conditions on `members` (and their parameters) for the terms, for a page read
    `how` (see above; "+" keeps SQLite from looking the matches up one by one instead of
    reading in the order asked)."""
    clauses: list[str] = []
    params: list[Any] = []
    if terms.finds_nobody:
        return ["0"], []
    if terms.words and how == SCAN:
        for word in terms.words:  # a word starting a word of the text, as the index finds it
            clauses.append("(' ' || members.search_text) LIKE ?")
            params.append(f"% {word}%")
    elif terms.words:
        plus = "+" if how == WALK else ""
        clauses.append(f"{plus}members.id IN"
                       " (SELECT rowid FROM member_search WHERE member_search MATCH ?)")
        params.append(terms.match_text(terms.words))
    for number in terms.numbers:
        # Account numbers are stored as the file wrote them: try the letters' cases too.
        clauses.append("(members.phone = ? OR members.account_no IN (?, ?, ?) OR members.id IN"
                       " (SELECT rowid FROM member_search WHERE member_search MATCH ?))")
        params += [number, number, number.upper(), number.lower(),
                   terms.match_text([number.lower()])]
    return clauses, params


def is_whole_mobile(text: str) -> bool:
    return bool(_MOBILE.fullmatch(text))
