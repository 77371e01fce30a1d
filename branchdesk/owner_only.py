"""Files that hold personal data — the database, its backups, exports — are created readable
and writable by their owner only (0600 on POSIX). On Windows a file's access follows the
folder's (the user profile's) permissions, and os.chmod could only set the read-only flag:
nothing is done there."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_MODE = 0o600


def applies() -> bool:
    return os.name == "posix"


def create_private(path: Path) -> None:
    """Make `path` an empty file only its owner can read (or narrow an existing one), before
    SQLite or a writer opens it: the files SQLite makes beside it (-wal, -shm, -journal) take
    the database file's permissions."""
    if not applies():
        return
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_MODE)
    os.close(fd)
    os.chmod(path, PRIVATE_MODE)


def make_private(path: Path) -> None:
    """Narrow a file just written (an export under its temporary name) to its owner."""
    if applies():
        os.chmod(path, PRIVATE_MODE)
