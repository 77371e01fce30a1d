"""Checking many messages at once: read them from a file, check each distinct one, report.

A chat export repeats itself (收到, 好的, the same notice forwarded every day): every distinct
text (with its community) is judged once per file, and every line gets that judgement. A big
export is split between two processes (``workers``); each message's result is the same as a
check of that message alone.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from json.encoder import encode_basestring
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from branchdesk.compliance import CheckContext, CheckResult
from branchdesk.errors import UserError
from branchdesk.gc_pause import gc_paused
from branchdesk.services.bulk_columns import MAX_MESSAGE, Columns, columns, joined
from branchdesk.services.bulk_helper import Helper
from branchdesk.services.bulk_share import check_unique, helper_for
from branchdesk.store.database import Store

TEXT_HEADERS = ("text", "message", "content", "内容", "消息", "消息内容", "话术", "正文")
ID_HEADERS = ("id", "编号", "序号", "消息编号")
COMMUNITY_HEADERS = ("community", "社群", "群", "群名", "所在社群")
MAX_TEXT_FILE = 50 * 1024 * 1024
SPLIT_FROM_BYTES = 2_000_000  # JSON Lines from which the helper parses the second half


class Item(NamedTuple):
    """One message of a file: a tuple, so that a 100,000-line export's items are made in C."""

    id: str
    text: str
    community: str | None = None


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_TEXT_FILE:
            raise UserError("checking.too_big", file=str(path))
        return path.read_bytes()
    except OSError as error:
        detail = error.strerror or str(error)
        raise UserError("bulk_check.unreadable", file=str(path), error=detail) from error


def _read_text_file(path: Path) -> str:
    return _decode(path, _read_bytes(path))


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError("checking.bad_encoding", file=str(path))


def _long(path: Path, line: int, text: str) -> None:
    if len(text) > MAX_MESSAGE:
        raise UserError("bulk_check.message_too_long", file=str(path), line=line, chars=len(text),
                        limit=MAX_MESSAGE)


def _jsonl(path: Path, helper: Helper | None = None) -> list[Item]:
    data = _read_bytes(path).removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
    body = data.strip()
    if body and b"\n\n" not in body:
        first = data[: len(data) - len(data.lstrip())].count(b"\n") + 1  # line of the first
        # The whole file in one parse in C; a line it cannot take is found line by line
        # below. A helper parses the second half of a big file meanwhile.
        cut = body.find(b"\n", len(body) // 2) if helper is not None and len(body) >= SPLIT_FROM_BYTES else -1
        if cut > 0:
            head, tail = body[:cut], body[cut + 1:]
            helper.parse(tail, first + head.count(b"\n") + 1)
            found = joined(columns(head, first), helper.parsed())
        else:
            found = columns(body, first)
        if found is not None:
            return _items(found)
    text = _decode(path, data)
    # JSON Lines are separated by \n only (a string may hold U+2028, which splitlines cuts).
    numbered = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    items = []
    for number, line in numbered:
        obj = _parse_line(path, number, line)
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise UserError("checking.jsonl_no_text", file=str(path), line=number)
        community = obj.get("community")
        if community is not None and not isinstance(community, str):
            raise UserError("bulk_check.jsonl_bad_community", file=str(path), line=number)
        _long(path, number, obj["text"])
        ident = obj.get("id", number)
        items.append(Item(ident if isinstance(ident, str) else str(ident), obj["text"], community or None))
    return items


def _items(found: Columns) -> list[Item]:
    return list(map(tuple.__new__, repeat(Item), zip(*found, strict=True)))


def _parse_line(path: Path, number: int, line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise UserError("checking.bad_jsonl", file=str(path), line=number, error=error.msg) from error
    except RecursionError as error:
        raise UserError("bulk_check.jsonl_too_deep", file=str(path), line=number) from error


def _normal_header(cell: object) -> str:
    return str(cell or "").strip().lower().replace(" ", "")


def _sheet(path: Path) -> Iterator[Item]:
    from branchdesk.importers.reader import read_workbook

    for sheet in read_workbook(path):
        for index, row in enumerate(sheet.rows[:20]):
            headers = [_normal_header(c) for c in row]
            text_col = next((i for i, h in enumerate(headers) if h in TEXT_HEADERS), None)
            if text_col is None:
                continue
            id_col = next((i for i, h in enumerate(headers) if h in ID_HEADERS), None)
            group_col = next((i for i, h in enumerate(headers) if h in COMMUNITY_HEADERS), None)
            for offset, data in enumerate(sheet.rows[index + 1:], start=index + 1):
                text = data[text_col] if text_col < len(data) else None
                if text is None or str(text).strip() == "":
                    continue
                ident = data[id_col] if id_col is not None and id_col < len(data) else None
                if isinstance(ident, float) and ident.is_integer():
                    ident = int(ident)
                group = data[group_col] if group_col is not None and group_col < len(data) else None
                _long(path, sheet.first_row + offset, str(text))
                yield Item(str(ident if ident not in (None, "") else sheet.first_row + offset),
                           str(text), str(group).strip() or None if group not in (None, "") else None)
            return
    raise UserError("checking.no_text_column", file=str(path), names=" / ".join(TEXT_HEADERS))


def read_items(path: str | Path, helper: Helper | None = None) -> list[Item]:
    """Messages from .txt (one message), .jsonl (``text``, optional ``id`` and
    ``community``), .csv or .xlsx (a text column, optional id and community columns).
    A ``helper`` started with ``split`` parses half of a big JSON Lines file."""
    try:
        return _read_items(Path(path), helper)
    finally:
        if helper is not None:
            helper.parse(None, 0)  # it waits for a half to parse, or to be told there is none


def _read_items(path: Path, helper: Helper | None) -> list[Item]:
    if not path.exists():
        raise UserError("checking.missing", file=str(path))
    if path.is_dir():
        raise UserError("checking.is_directory", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".txt", ".text", ".md", ""):
        text = _read_text_file(path)
        _long(path, 1, text)
        return [Item("1", text)]
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl(path, helper)
    if suffix in (".csv", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        return list(_sheet(path))
    raise UserError("checking.unsupported", file=str(path))


def check_text_item(text: str) -> None:
    """Refuse one message no user could mean (``--text``, standard input)."""
    if len(text) > MAX_MESSAGE:
        raise UserError("bulk_check.text_too_long", chars=len(text), limit=MAX_MESSAGE)


# ── Checking ─────────────────────────────────────────────────────────────────────────────


def check_items(store: Store, items: Sequence[Item], community: str | None = None,
                progress: Callable[[int, int], None] | None = None,
                workers: int = 1, helper: Helper | None = None) -> list[tuple[Item, CheckResult]]:
    """Check every item, in input order: each line's own community, else ``community`` (a
    community no member belongs to is checked without a roster: see unknown_communities).

    Every distinct (text, community) is judged once. With ``workers`` > 1 (or a ``helper``
    started early with bulk_share.start_helper) and many distinct texts, a second process
    judges part of them (the command line does this; the app, whose worker threads must not
    be forked, checks in one). The helper is closed on return."""
    from branchdesk.services.checking import rule_changes
    from branchdesk.services.roster import community_exists
    from branchdesk.store import member_lookups

    try:
        with gc_paused():
            changes = rule_changes(store)
            texts = list(map(attrgetter("text"), items))
            names = [c or community for c in map(attrgetter("community"), items)]
            pairs = dict.fromkeys(zip(texts, names, strict=True))  # each distinct (text, community), in order
            # A text sent to several communities is judged per community only when it names a
            # product's risk level (the roster matters to nothing else): otherwise once.
            several = [t for t, n in Counter(map(itemgetter(0), pairs)).items() if n > 1]
            names_level = _level_test(changes) if several else None
            plain = {t for t in several if not names_level(t)} if names_level else set()
            wanted: Any = zip(texts, names, strict=True)
            if plain:
                wanted = [(t, None) if t in plain else (t, c) for t, c in wanted]
                pairs = dict.fromkeys(wanted)
            unique = list(pairs)
            keys = {key: n for n, key in enumerate(unique)}
            slots = list(map(keys.__getitem__, wanted if plain else zip(texts, names, strict=True)))
            contexts: dict[str | None, CheckContext] = {}
            bulk = len(unique) > 200
            known: Any = member_lookups.all_numbers(store.conn) if bulk else _known_lookup(store)
            for name in {c for _, c in unique}:
                # A line naming a community no member belongs to is checked without a roster
                # (unknown_communities lets the caller say so).
                known_name = name is not None and community_exists(store, name)
                counts = member_lookups.risk_counts(store.conn, name) if known_name else None
                contexts[name] = CheckContext(community_risk_counts=counts, known_numbers=known)
            helper = helper_for(store, len(unique), helper, workers)
            contexts.setdefault(None, CheckContext(known_numbers=known))
            results = check_unique(changes, unique, contexts, progress, helper)
            return list(zip(items, map(results.__getitem__, slots), strict=True))
    finally:
        if helper is not None:
            helper.close()


def _level_test(changes: list[dict[str, Any]]) -> Callable[[str], bool]:
    """Whether a text names a product's risk level, by the suitability rules in force (the
    shipped ones with the branch's edits): only then can a community's roster matter."""
    import re

    from branchdesk.compliance import load_rulepack
    from branchdesk.compliance.rulepack import Rule, expand_classes
    from branchdesk.compliance.textnorm import compact_phrase

    pack = load_rulepack()
    edited = {c["rule_id"]: Rule.model_validate(c["definition"]) for c in changes if c["definition"]}
    disabled = {c["rule_id"] for c in changes if c["disabled"]}
    rules = [edited.pop(r.id, r) for r in pack.rules] + list(edited.values())
    patterns = [
        re.compile(p)
        for r in rules
        if r.kind == "suitability" and r.enabled and r.id not in disabled
        for p in expand_classes(r, pack.classes).patterns
    ]

    def names_level(text: str) -> bool:
        compact = compact_phrase(text)  # once, not once per pattern
        return any(p.search(compact) for p in patterns)

    return names_level




def unknown_communities(store: Store, items: Sequence[Item]) -> dict[str, int]:
    """Communities named by lines that no member belongs to, with how many lines name each:
    their suitability against a roster cannot be checked."""
    from branchdesk.services.roster import community_exists

    counts = Counter(map(attrgetter("community"), items))
    return {name: n for name, n in counts.items() if name is not None and not community_exists(store, name)}


def _known_lookup(store: Store) -> Callable[[str], bool]:
    from branchdesk.store import member_lookups

    conn = store.conn
    return lambda digits: bool(member_lookups.find_by_number(conn, [digits]))


# ── Writing ──────────────────────────────────────────────────────────────────────────────

def json_lines(
    results: Sequence[tuple[Item, CheckResult]], finding_json: Callable[[Any], dict]
) -> Iterator[str]:
    """One JSON object per message, ``{"id", "verdict", "findings"}``; each distinct result
    is encoded once."""
    encoded: dict[int, str] = {}
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for item, result in results:
        tail = encoded.get(id(result))
        if tail is None:
            findings = dumps([finding_json(f) for f in result.findings]) if result.findings else "[]"
            tail = encoded[id(result)] = f', "verdict": "{result.verdict.value}", "findings": {findings}}}'
        # An id is a str (read_items): the encoder's own string quoting, without its dispatch.
        yield '{"id": ' + (encode_basestring(item.id) if type(item.id) is str else dumps(item.id)) + tail
