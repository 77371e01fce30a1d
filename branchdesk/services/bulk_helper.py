"""The second process of a bulk check: started early (it builds its checker while the file
is read), it checks the chunks of distinct texts it is sent and returns their results."""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
from typing import Any

from branchdesk.compliance import CheckContext, CheckResult
from branchdesk.gc_pause import gc_paused

HEAD_START = 6  # chunks the helper gets before this process starts building its checker
AHEAD = 2  # chunks the helper is kept ahead by


class Helper:
    """A second process checking chunks of distinct texts as they are sent; it builds its
    checker as soon as it starts (fork shares nothing built later; spawn builds anew)."""

    def __init__(self, changes: list[dict[str, Any]], split: bool = False) -> None:
        """With ``split``, the helper first waits for a part of the file to parse (parse)."""
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._conn, child = ctx.Pipe(duplex=True)
        self._process = ctx.Process(target=_helper_main, args=(child, changes, split), daemon=True)
        self._split = split
        self._parsing = False  # a part sent to parse, its columns not yet received
        self._process.start()
        child.close()
        self._jobs = 0
        self.received = 0
        self._closed = False
        # A chunk's texts are larger than a pipe's buffer, and the helper reads its next chunk
        # only when it has finished the one in hand: sent from this thread, the checker would
        # wait on the helper for every chunk it hands out. A thread of its own writes them.
        self._outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_all, name="bulk-check-sender", daemon=True)
        self._sender.start()

    def _send_all(self) -> None:
        while (message := self._outbox.get()) is not None:
            try:
                self._conn.send(message)
            except OSError:
                return  # the helper went away: receive() says so

    def parse(self, part: bytes | None, first: int) -> None:
        """Have the helper parse ``part`` of a JSON Lines file (its first line numbered
        ``first``; see parsed), or, with None, tell it there is nothing to parse. Only the
        first call counts."""
        if self._split:
            self._split = False
            self._parsing = part is not None
            self._outbox.put(("parse", part, first))

    def parsed(self) -> Any:
        """The columns of the part sent to parse (bulk_columns.columns), None if not plain."""
        if not self._parsing:
            return None
        self._parsing = False
        try:
            status, _, payload = self._conn.recv()
        except EOFError:
            status, payload = "error", "the helper process ended without a result"
        if status != "ok":
            raise RuntimeError(f"bulk check helper failed: {payload}")
        return payload

    def send_contexts(self, contexts: dict[str | None, CheckContext]) -> None:
        self.parse(None, 0)
        self._outbox.put(("contexts", contexts))

    def send(self, community: str | None, texts: list[str]) -> int:
        self.parse(None, 0)
        self._jobs += 1
        self._outbox.put(("check", self._jobs, community, texts))
        return self._jobs

    def ready(self) -> bool:
        return self._conn.poll()

    def receive(self) -> tuple[int, list[CheckResult]]:
        try:
            status, job, payload = self._conn.recv()
        except EOFError:
            status, job, payload = "error", 0, "the helper process ended without a result"
        if status != "ok":
            raise RuntimeError(f"bulk check helper failed: {payload}")
        self.received += 1
        return job, payload

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.parse(None, 0)
        self._outbox.put(None)
        self._sender.join()
        with contextlib.suppress(OSError):
            self._conn.send(None)
        self._conn.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()


def _helper_main(conn: Any, changes: list[dict[str, Any]], split: bool) -> None:
    from branchdesk.services.bulk_columns import columns
    from branchdesk.services.checking import checker_from_changes

    contexts: dict[str | None, CheckContext] = {}
    try:
        with gc_paused():
            if split:  # the checking process is reading the file: parse the half it sends
                _, part, first = conn.recv()
                if part is not None:
                    conn.send(("ok", 0, columns(part, first)))
                del part
            checker, version = checker_from_changes(changes)
            # The first chunk comes once the file is read: compile the patterns meanwhile.
            checker.warm_up(lambda: not conn.poll())
            while (message := conn.recv()) is not None:
                if message[0] == "contexts":
                    contexts = message[1]
                    continue
                _, job, community, texts = message
                found = checker.check_many(texts, contexts.get(community))
                conn.send(("ok", job, [r if r.pack_version == version else r._replace(pack_version=version)
                                       for r in found]))
    except EOFError:
        pass  # the parent went away
    except BaseException as error:  # reported to the parent, which raises
        conn.send(("error", 0, repr(error)))
    finally:
        conn.close()
