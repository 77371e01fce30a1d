"""The private folder an import stages its parsed rows in, and the sweep of folders left behind.

Staged rows hold names and notes (never a phone or an account number: those stay in the
importing process's memory, see staging.py): the folder is made readable by its owner only
(0700, files 0600: see staging.StagingFile), removed when the import ends, and — for an
import whose process was killed — removed by the next BranchDesk that starts (`sweep`).

Who still uses a folder is told by a lock, not by a process id: the importing process holds
an exclusive lock on the folder's `owner.lock` (flock on POSIX, msvcrt on Windows) for as long
as the folder is in use, and the operating system releases it when the process ends, however
it ends. A folder whose lock can be taken belongs to nobody any more. Two BranchDesk processes
importing at once never remove each other's folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "branchdesk-import-"
_LOCK = "owner.lock"
_GRACE_SECONDS = 60.0  # a folder without its lock file yet may be one being made right now
_LOCK_WAIT_SECONDS = 2.0  # how long a new folder waits for a sweep to let go of its lock


class ScratchFolder:
    """One import's staging folder, locked by this process until `remove()`."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX))  # 0700
        try:
            self._fd: int | None = _open_lock(self.path / _LOCK, create=True)
            # Another process's sweep may be looking at the new, still empty lock file this
            # very moment (it holds the lock while it looks, and spares an empty one): wait.
            deadline = time.monotonic() + _LOCK_WAIT_SECONDS
            while not _try_lock(self._fd):
                if time.monotonic() > deadline:
                    raise OSError("cannot lock a new staging folder")
                time.sleep(0.005)
            os.write(self._fd, str(os.getpid()).encode())  # held: a sweep may judge it now
        except BaseException:
            shutil.rmtree(self.path, ignore_errors=True)
            raise

    def __truediv__(self, name: str) -> Path:
        return self.path / name

    def remove(self) -> None:
        """Delete the folder and everything in it (again: harmless)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)  # releases the lock (Windows cannot delete an open file)
            self._fd = None
        shutil.rmtree(self.path, ignore_errors=True)


def sweep(folder: Path | None = None) -> int:
    """Remove the staging folders no running process holds (left by a killed import).

    Returns how many were removed. Never raises: a folder that cannot be removed now is
    tried again at the next start."""
    removed = 0
    try:
        base = Path(folder or tempfile.gettempdir())
        candidates = [p for p in base.iterdir() if p.name.startswith(PREFIX)]
    except OSError:
        return 0
    for path in candidates:
        with contextlib.suppress(OSError):
            if _abandoned(path):
                shutil.rmtree(path)
                removed += 1
    return removed


def _abandoned(path: Path) -> bool:
    if not path.is_dir() or path.is_symlink():
        return False
    if hasattr(os, "getuid") and path.stat().st_uid != os.getuid():
        return False  # someone else's: not ours to judge
    try:
        fd = _open_lock(path / _LOCK, create=False)
    except FileNotFoundError:  # made a moment ago (the lock comes next), or never locked
        return time.time() - path.stat().st_mtime > _GRACE_SECONDS
    try:
        if not _try_lock(fd):
            return False  # its process holds it
        if os.fstat(fd).st_size == 0:  # made a moment ago: its maker locks it next
            return time.time() - path.stat().st_mtime > _GRACE_SECONDS
        return True
    finally:
        os.close(fd)  # the lock taken to look goes with it


def _open_lock(path: Path, *, create: bool) -> int:
    flags = os.O_RDWR | (os.O_CREAT if create else 0) | getattr(os, "O_BINARY", 0)
    return os.open(path, flags, 0o600)


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock without waiting; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
