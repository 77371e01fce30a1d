"""Opening the SQLite file: pragmas, migrations, one connection per thread, and the
transaction helper every write goes through."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from branchdesk.errors import UserError
from branchdesk.store.migrations import SchemaTooNew, migrate

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_SECONDS = 10.0
_NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "9p", "fuse.sshfs", "afs", "ncpfs"}


def is_network_path(path: Path) -> bool:
    """True when the file sits on a network share, where SQLite's WAL mode is unsafe."""
    resolved = str(path.resolve())
    if sys.platform == "win32":
        if resolved.startswith("\\\\"):
            return True
        try:
            import ctypes

            drive = os.path.splitdrive(resolved)[0] + "\\"
            return ctypes.windll.kernel32.GetDriveTypeW(drive) == 4  # DRIVE_REMOTE
        except Exception:
            return False
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            best, best_type = "", ""
            for line in mounts:
                parts = line.split()
                if len(parts) >= 3 and resolved.startswith(parts[1]) and len(parts[1]) > len(best):
                    best, best_type = parts[1], parts[2]
        return best_type in _NETWORK_FILESYSTEMS
    except OSError:
        return False


class Store:
    """The one SQLite database of a branch.

    Each thread gets its own connection (the app searches in worker threads); all of them
    share the file. Writes go through `transaction()`, which takes the write lock up front
    (BEGIN IMMEDIATE) so a read-then-write never fails with "database is locked".
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self.in_memory = str(self.path) == ":memory:"  # then each connection has its own database
        self.network_share = not self.in_memory and is_network_path(self.path.parent)
        if not self.in_memory:
            if self.path.is_dir():
                raise UserError("store.is_directory", file=str(self.path))
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise UserError("store.cannot_open", file=str(self.path), error=str(error)) from error
        try:
            with self.transaction():
                migrate(self.conn)
        except SchemaTooNew as error:
            raise UserError(
                "store.newer_schema", file=str(self.path), found=error.found, known=error.known
            ) from error
        except sqlite3.DatabaseError as error:
            raise UserError("store.cannot_open", file=str(self.path), error=str(error)) from error

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                str(self.path),
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # we issue BEGIN IMMEDIATE ourselves
                check_same_thread=False,
            )
            conn.execute("PRAGMA foreign_keys = ON")
            # WAL lets the app read while an import writes; it is unsafe on network shares.
            conn.execute(f"PRAGMA journal_mode = {'DELETE' if self.network_share else 'WAL'}")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as error:
            raise UserError("store.cannot_open", file=str(self.path), error=str(error)) from error
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
            self._local.db = None
        return conn

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over this thread's connection, for everyday calls."""
        conn = self.conn
        if self._local.db is None:
            # Imported here: it loads numpy when present (70 ms), and most commands never use it.
            import sqlite_utils

            self._local.db = sqlite_utils.Database(conn)
        return self._local.db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action: BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error.

        Nested calls become savepoints, so a service may call another service.
        """
        conn = self.conn
        if conn.in_transaction:
            conn.execute("SAVEPOINT nested")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK TO SAVEPOINT nested")
                conn.execute("RELEASE SAVEPOINT nested")
                raise
            conn.execute("RELEASE SAVEPOINT nested")
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise UserError("store.locked", file=str(self.path), error=str(error)) from error
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise UserError("store.locked", file=str(self.path), error=str(error)) from error

    def backup_to(self, target: str | Path) -> None:
        """A consistent copy while others may write (copying the file is not safe)."""
        with sqlite3.connect(str(target)) as dest:
            self.conn.backup(dest)
        dest.close()

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def open_store(path: str | Path) -> Store:
    return Store(path)
