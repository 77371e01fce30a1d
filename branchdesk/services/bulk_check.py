"""Checking many messages at once: read them from a file, check each, report."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from branchdesk.compliance import CheckResult
from branchdesk.errors import UserError
from branchdesk.services.checking import check_texts
from branchdesk.store.database import Store

TEXT_HEADERS = ("text", "message", "content", "内容", "消息", "消息内容", "话术", "正文")
ID_HEADERS = ("id", "编号", "序号", "消息编号")
MAX_TEXT_FILE = 50 * 1024 * 1024


@dataclass
class Item:
    id: str
    text: str


def _read_text_file(path: Path) -> str:
    data = path.read_bytes()
    if len(data) > MAX_TEXT_FILE:
        raise UserError("checking.too_big", file=str(path))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError("checking.bad_encoding", file=str(path))


def _jsonl(path: Path) -> Iterator[Item]:
    for number, line in enumerate(_read_text_file(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as error:
            raise UserError("checking.bad_jsonl", file=str(path), line=number, error=error.msg) from error
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise UserError("checking.jsonl_no_text", file=str(path), line=number)
        yield Item(str(obj.get("id", number)), obj["text"])


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
            for offset, data in enumerate(sheet.rows[index + 1:], start=index + 1):
                text = data[text_col] if text_col < len(data) else None
                if text is None or str(text).strip() == "":
                    continue
                ident = data[id_col] if id_col is not None and id_col < len(data) else None
                if isinstance(ident, float) and ident.is_integer():
                    ident = int(ident)
                yield Item(str(ident if ident not in (None, "") else sheet.first_row + offset),
                           str(text))
            return
    raise UserError("checking.no_text_column", file=str(path), names=" / ".join(TEXT_HEADERS))


def read_items(path: str | Path) -> list[Item]:
    """Messages from .txt (one message), .jsonl, .csv or .xlsx."""
    path = Path(path)
    if not path.exists():
        raise UserError("checking.missing", file=str(path))
    if path.is_dir():
        raise UserError("checking.is_directory", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".txt", ".text", ".md", ""):
        return [Item("1", _read_text_file(path))]
    if suffix in (".jsonl", ".ndjson"):
        return list(_jsonl(path))
    if suffix in (".csv", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        return list(_sheet(path))
    raise UserError("checking.unsupported", file=str(path))


def check_items(store: Store, items: list[Item], community: str | None = None,
                progress: Callable[[int, int], None] | None = None,
                batch: int = 2000) -> list[tuple[Item, CheckResult]]:
    """Check every item, a batch at a time, in input order."""
    results: list[tuple[Item, CheckResult]] = []
    for start in range(0, len(items), batch):
        chunk = items[start:start + batch]
        results += zip(chunk, check_texts(store, [i.text for i in chunk], community), strict=True)
        if progress:
            progress(len(results), len(items))
    return results
