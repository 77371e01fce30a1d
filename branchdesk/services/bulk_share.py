"""Sharing a bulk check with a second process (bulk_helper.Helper): whether a file or a
number of distinct texts is worth one, starting it, and handing the distinct texts out in
chunks as each process becomes free. Each message's result is the same as a check of that
message alone; only the time changes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from branchdesk.compliance import CheckContext, CheckResult
from branchdesk.services.bulk_helper import AHEAD, HEAD_START, Helper
from branchdesk.store.database import Store

# From this many distinct texts a second process checks half of them.
PARALLEL_FROM = 4_000
HELPER_FROM_BYTES = 1_000_000
CHUNK = 500  # distinct texts per check_many call (and per share of work between processes)
TAIL = 4  # chunks at the end cut smaller

Key = tuple[str, str | None]  # a distinct text and the community it goes to


def worth_a_helper(path: str | Path) -> bool:
    """Whether a file is big enough for a second process (a few thousand messages)."""
    try:
        return Path(path).stat().st_size >= HELPER_FROM_BYTES
    except OSError:
        return False


def start_helper(store: Store, split: bool = False) -> Helper | None:
    """A second process that builds its checker now, while the caller reads the file, and
    then checks what it is sent (with ``split``, it first parses the second half of the file
    when read_items sends it). None on a machine with one core."""
    from branchdesk.services.checking import rule_changes

    if (os.cpu_count() or 1) < 2:
        return None
    return Helper(rule_changes(store), split)


def splits(path: str | Path) -> bool:
    """Whether read_items can share the parsing of this file with a helper."""
    return Path(path).suffix.lower() in (".jsonl", ".ndjson")


def helper_for(store: Store, distinct: int, helper: Helper | None, workers: int) -> Helper | None:
    """The helper to check ``distinct`` texts with: the one given, or a new one when there are
    enough and ``workers`` allows; None (the given one closed) when there are too few."""
    parallel = distinct >= PARALLEL_FROM and (os.cpu_count() or 1) > 1
    if parallel and helper is None and workers > 1:
        return start_helper(store)
    if not parallel and helper is not None:
        helper.close()
        return None
    return helper


Chunk = tuple[str | None, list[int]]  # a community and positions of distinct texts


def _chunks(unique: list[Key]) -> list[Chunk]:
    by_community: dict[str | None, list[int]] = {}
    for n, (_, name) in enumerate(unique):
        by_community.setdefault(name, []).append(n)
    chunks = [
        (name, positions[start:start + CHUNK])
        for name, positions in by_community.items()
        for start in range(0, len(positions), CHUNK)
    ]
    # The last few in quarters: the process that finishes first waits less for the other.
    quarter = max(1, CHUNK // 4)
    return chunks[:-TAIL] + [(name, part[s:s + quarter]) for name, part in chunks[-TAIL:]
                             for s in range(0, len(part), quarter)]


def check_unique(changes: list[dict[str, Any]], unique: list[Key], contexts: dict[str | None, CheckContext],
                 progress: Callable[[int, int], None] | None, helper: Helper | None) -> list[CheckResult]:
    """Every distinct text's result. With a helper, chunks are shared out as each process
    becomes free: the helper starts on a few while this process builds its checker."""
    from branchdesk.services.checking import checker_from_changes

    results: list[CheckResult | None] = [None] * len(unique)
    chunks = _chunks(unique)
    total, done = len(unique), 0

    def store(chunk: Chunk, found: list[CheckResult]) -> None:
        nonlocal done
        for n, result in zip(chunk[1], found, strict=True):
            results[n] = result
        done += len(found)
        if progress:
            progress(done, total)

    def texts(chunk: Chunk) -> list[str]:
        return [unique[n][0] for n in chunk[1]]

    queue = iter(range(len(chunks)))
    sent: dict[int, int] = {}  # the helper's job → chunk number

    def feed() -> bool:
        number = next(queue, None)
        if number is None:
            return False
        assert helper is not None
        sent[helper.send(chunks[number][0], texts(chunks[number]))] = number
        return True

    if helper is not None:
        helper.send_contexts(contexts)
        for _ in range(HEAD_START):
            if not feed():
                break
    checker, version = checker_from_changes(changes)
    for number in queue if helper is None else iter(lambda: next(queue, None), None):
        # Collect what the helper finished, and keep it a couple of chunks ahead.
        while helper is not None and helper.ready():
            job, found = helper.receive()
            store(chunks[sent[job]], found)
        while helper is not None and len(sent) - helper.received < AHEAD and feed():
            pass
        chunk = chunks[number]
        found = checker.check_many(texts(chunk), contexts[chunk[0]])
        store(chunk, [r if r.pack_version == version else r._replace(pack_version=version) for r in found])
    while helper is not None and helper.received < len(sent):
        job, found = helper.receive()
        store(chunks[sent[job]], found)
    return results  # type: ignore[return-value]
