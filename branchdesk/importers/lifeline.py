"""A reader process ends by itself when the app that started it ends, however it ends.

The app keeps the writing end of a pipe and never writes to it; the reader watches the
reading end in a thread. When the app's process ends — a normal exit, a crash, SIGKILL, the
window closed, the PC's task manager — the operating system closes its end, the watch sees
end-of-file and the reader exits at once (os._exit: no clean-up that could wait on anything).
Portable: a pipe and a thread, no prctl(PR_SET_PDEATHSIG), which only Linux has. The copy a
reader forks to parse on two cores (stage_child) watches the same pipe.
"""

from __future__ import annotations

import os
import threading
from multiprocessing.connection import Connection

EXIT_CODE = 70  # EX_SOFTWARE: the parent went away
_watched: Connection | None = None


def watch(conn: Connection) -> None:
    """In the reader: exit when the other end of `conn` closes."""
    global _watched
    _watched = conn
    _start(conn)


def watch_after_fork() -> None:
    """In a process forked from a reader: threads do not survive fork, so watch again."""
    if _watched is not None:
        _start(_watched)


def _start(conn: Connection) -> None:
    threading.Thread(target=_wait, args=(conn,), name="branchdesk-lifeline", daemon=True).start()


def _wait(conn: Connection) -> None:
    try:
        while True:
            conn.recv_bytes()  # the app never writes: this returns only when it is gone
    except (EOFError, OSError):
        pass
    os._exit(EXIT_CODE)
