"""JSON Lines as columns (ids, texts, communities), parsed in C: the fast path of reading a
chat export, shared by the checking process and its helper (each parses half of a big file).

None means "not plain": a line that is no object, lacks a text, holds a non-string or an
over-long text… The caller then reads the file line by line, which names the line.
"""

from __future__ import annotations

import json
from typing import Any

# One message longer than this is no chat message or post anyone could mean (a long article
# is a tenth of it); the check refuses it by name rather than take minutes over it.
MAX_MESSAGE = 100_000

Columns = tuple[list[str], list[str], list[str | None]]  # ids, texts, communities


def columns(part: bytes, first: int) -> Columns | None:
    """The columns of non-empty JSON lines joined by single newlines; ``first`` is the line
    number of the first (an id a line lacks is its line number)."""
    try:
        # UTF-8 in one parse (bytes: no copy of a 20 MB str).
        objects = json.loads(b"[" + part.replace(b"\n", b",") + b"]")
    except (ValueError, RecursionError):
        return None
    if not isinstance(objects, list) or len(objects) != part.count(b"\n") + 1:
        return None
    return plain_columns(objects, first)


def plain_columns(objects: list[Any], first: int) -> Columns | None:
    """The columns of parsed lines, in a few passes in C; None when any is odd."""
    try:
        texts = [obj["text"] for obj in objects]
        communities = [obj.get("community") for obj in objects]
        ids = [obj.get("id") for obj in objects]
    except (TypeError, KeyError, AttributeError):
        return None
    if not (
        all(type(t) is str for t in texts)
        and all(c is None or type(c) is str for c in communities)
        and max(map(len, texts), default=0) <= MAX_MESSAGE
    ):
        return None
    if not all(type(i) is str for i in ids):
        ids = [i if type(i) is str else str(n if i is None else i) for n, i in enumerate(ids, first)]
    return ids, texts, [c or None for c in communities]


def joined(head: Columns | None, tail: Columns | None) -> Columns | None:
    """The columns of a file parsed in two parts; None if either was not plain."""
    if head is None or tail is None:
        return None
    return head[0] + tail[0], head[1] + tail[1], head[2] + tail[2]
