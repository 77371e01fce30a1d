"""Parse in a child process, so that a crash, a hang or a memory blow-up ends the child, not the app.

Start method: a fork server where the platform has one (POSIX), else spawn (Windows). The
fork server is started once, with python_calamine already imported, and forks a small clean
process per file: plain fork would copy the app with its threads (a deadlock risk) and its
memory (which RLIMIT_AS would count), and spawn pays for a new interpreter every time. Rows
come back in batches, by columns (rowcodec), decoded while the child converts the next ones.
Measured (100k x 13 .xlsx, 2 busy cores, medians of 11): bare calamine 0.86 s, read_workbook 1.09 s;
start per read forkserver 5 ms, fork 4 ms, spawn 59 ms (+90 ms once for the server); pickling
rows cell by cell 0.22 s out + 0.55 s in, by columns 0.20 s + 0.26 s.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing import spawn
from multiprocessing.context import BaseContext
from pathlib import Path
from types import TracebackType
from typing import Any

from branchdesk.importers import lifeline, worker
from branchdesk.importers.safety import Limits, refuse

_context: BaseContext | None = None
_PROCESS_NAME = "branchdesk-reader"
_OUR_CHILDREN = (_PROCESS_NAME,)


def _without_main(name: str | None) -> dict[str, Any]:
    """Spawn and forkserver children re-run the parent's __main__ script before the target,
    so an unguarded script (no `if __name__ == "__main__"`) would read the file again inside
    the child. The worker needs nothing from __main__: drop that step for our children only."""
    data = _preparation_data(name)
    if name in _OUR_CHILDREN:
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


_preparation_data = spawn.get_preparation_data
spawn.get_preparation_data = _without_main


def context() -> BaseContext:
    global _context
    if _context is None:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        _context = multiprocessing.get_context(method)
        if method == "forkserver":
            _context.set_forkserver_preload(["python_calamine", "branchdesk.importers.worker",
                                             "branchdesk.importers.stage_child"])
    return _context


def _stderr_is_real() -> bool:
    try:
        return sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        return False


def warm_up() -> None:
    """Start multiprocessing's helper processes (resource tracker, fork server) now.

    Called before each child starts, and early by the app so the first import does not wait.
    They inherit stderr's file descriptor; inside a Textual app sys.stderr is a capture
    whose fileno() is -1 ("bad value(s) in fds_to_keep"), so start them with the real one.
    """
    if context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver, resource_tracker

    real = sys.stderr if _stderr_is_real() else sys.__stderr__
    with contextlib.redirect_stderr(real):
        resource_tracker.ensure_running()
        forkserver.ensure_running()


class _Unpickler(pickle.Unpickler):
    """Only the classes a cell can hold: a misbehaving child cannot make the parent run code."""

    _allowed = frozenset({("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
                          ("datetime", "timedelta")})

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self._allowed:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


def load_plain(data: bytes) -> Any:
    """Unpickle what a child sent: plain values and dates only, never other classes."""
    return _Unpickler(io.BytesIO(data)).load()


def _context_now() -> BaseContext:
    """Plain fork while this process runs a single thread (the CLI): the child starts with
    every module already loaded and no fork server to start first (~0.09 s). With threads
    (the app) fork could copy a lock another thread holds: the fork server then."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return context()


def _guarded(life_in: Any, life_out: Any, target: Callable[..., None], *args: Any) -> None:
    """The child's entry point: close its copy of the app's end of the lifeline (a forked
    child has one), watch the lifeline, then run `target`."""
    life_out.close()
    lifeline.watch(life_in)
    target(*args)


class Child:
    """One parse in one child process; use as a context manager so the child always ends.

    `target` runs in the child (worker.main, or stage_child.main, which also reads what
    `send` sends it)."""

    def __init__(self, kind: str, path: Path, sheet: str | None, limits: Limits,
                 timeout: float, target: Callable[..., None] = worker.main) -> None:
        ctx = _context_now()
        if ctx is _context:
            warm_up()
        self._path, self._timeout = path, timeout
        self._deadline = time.monotonic() + timeout
        self._conn, child_end = ctx.Pipe(duplex=target is not worker.main)
        # The child watches `life_in` and exits when this process ends (lifeline.py), so a
        # killed app leaves no reader behind. Only this process may keep `life_out` open.
        life_in, self._lifeline = ctx.Pipe(duplex=False)
        self._process = ctx.Process(
            target=_guarded,
            args=(life_in, self._lifeline, target, child_end, kind, str(path), sheet, limits,
                  timeout),
            name=_PROCESS_NAME, daemon=True)
        try:
            self._process.start()
        finally:
            child_end.close()  # else the parent never sees end-of-file when the child dies
            life_in.close()

    def messages(self) -> Iterator[tuple[Any, ...]]:
        while True:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0 or not self._conn.poll(remaining):
                raise self._timed_out()
            try:
                data = self._conn.recv_bytes()
            except (EOFError, OSError):
                raise self._died() from None
            try:
                message = _Unpickler(io.BytesIO(data)).load()
            except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
                raise refuse("crashed", self._path) from None
            yield message
            if message[0] in ("done", "error"):
                return

    def send(self, message: Any) -> None:
        """To a child that reads (stage_child): it trusts what the app sends."""
        try:
            self._conn.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
        except OSError:
            raise self._died() from None

    def _timed_out(self) -> Exception:
        self.close()
        return refuse("timeout", self._path, seconds=f"{self._timeout:g}")

    def _died(self) -> Exception:
        self._process.join(5)
        code = self._process.exitcode
        if code is not None and -code == getattr(signal, "SIGXCPU", None):
            return refuse("timeout", self._path, seconds=f"{self._timeout:g}")
        return refuse("crashed", self._path)

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join(5)
        self._conn.close()
        self._lifeline.close()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
