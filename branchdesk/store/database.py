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
from branchdesk.owner_only import create_private
from branchdesk.store import audit, integrity, protections
from branchdesk.store.migrations import SCHEMA_VERSION, SchemaTooNew, migrate
from branchdesk.store.opening import connect_read_only, create_atomically, probe, ro_uri

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


class Connection(sqlite3.Connection):
    """A BranchDesk connection: it carries what its running transaction has changed, for
    the digests the audit row records (store/integrity.py)."""

    bd_pending: integrity.Pending | None = None
    bd_schema: int | None = None  # schema version its tracking triggers were made for
    bd_utils: sqlite_utils.Database | None = None  # sqlite-utils over it (store/tables.py)


def _write_error(path: Path, error: sqlite3.Error) -> UserError:
    """A write that SQLite refused: a read-only file or folder, else someone else writing."""
    text = str(error).lower()
    if "readonly" in text or "read-only" in text or "read only" in text:
        return UserError("opening.read_only_file", file=str(path))
    if "locked" in text or "busy" in text:
        return UserError("store.locked", file=str(path), error=str(error))
    return UserError("store.cannot_open", file=str(path), error=str(error))


class Store:
    """The one SQLite database of a branch.

    Each thread gets its own connection (the app searches in worker threads); all of them
    share the file. Writes go through `transaction()`, which takes the write lock up front
    (BEGIN IMMEDIATE) so a read-then-write never fails with "database is locked"; a writer
    waits up to BUSY_TIMEOUT_SECONDS for another to finish.

    A file is checked before anything is written to it (store/opening.py): a foreign SQLite
    file, an empty file or random bytes is refused. `read_only=True` opens it through a
    read-only connection: no lock is taken, and it works on read-only media.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.warnings: list[UserError] = []  # things the user should hear about (CLI, app)
        self._local = threading.local()
        self.in_memory = str(self.path) == ":memory:"  # then each connection has its own database
        self.network_share = not self.in_memory and is_network_path(self.path.parent)
        if self.in_memory:
            self.read_only = False
            self._open_for_writing()
            return
        if self.path.is_dir():
            raise UserError("store.is_directory", file=str(self.path))
        if not self.path.exists():
            if read_only:
                raise UserError("opening.missing", file=str(self.path))
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise UserError("store.cannot_open", file=str(self.path), error=str(error)) from error
            create_atomically(self.path, self._build_new)
        found = probe(self.path, BUSY_TIMEOUT_SECONDS)
        if found.version > SCHEMA_VERSION:
            raise UserError("store.newer_schema", file=str(self.path), found=found.version,
                            known=SCHEMA_VERSION)
        if not read_only:
            self._open_for_writing()
            return
        if found.version < SCHEMA_VERSION:  # made by an older BranchDesk: upgraded once
            if not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)):
                raise UserError("opening.needs_upgrade", file=str(self.path))
            Store(self.path).close()
        try:
            self.conn.execute("SELECT count(*) FROM audit_log").fetchone()
        except sqlite3.DatabaseError as error:
            raise UserError("opening.damaged", file=str(self.path), error=str(error)) from error

    def _build_new(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN")
        migrate(conn)
        conn.execute("COMMIT")
        if not self.network_share:
            conn.execute("PRAGMA journal_mode = WAL")

    def _open_for_writing(self) -> None:
        """Bring the schema up to date, put back missing protections, and say so in the log."""
        try:
            with self.transaction() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise SchemaTooNew(version, SCHEMA_VERSION)
                upgrading = 0 < version < SCHEMA_VERSION
                differences = None
                if upgrading and "state" in {r[1] for r in conn.execute("PRAGMA table_info(audit_log)")}:
                    differences = integrity.compare(conn)  # before the columns change
                migrate(conn)
                missing, altered = protections.restore(conn)
                if upgrading:
                    after: dict = {"schema": SCHEMA_VERSION, "tables_matched_trail": not differences}
                    if differences:
                        after["differences"] = integrity.describe(differences)
                    audit.append(conn, operator=audit.SYSTEM_OPERATOR, action="schema.upgrade",
                                 entity="database", before={"schema": version}, after=after,
                                 state=integrity.full_state(conn))
                if missing or altered:
                    audit.append(conn, operator=audit.SYSTEM_OPERATOR,
                                 action="audit.protections_restored", entity="database",
                                 after={"missing": missing, "altered": altered})
                    self.warnings.append(UserError("opening.protections_restored",
                                                   file=str(self.path),
                                                   names=", ".join([*missing, *altered])))
        except SchemaTooNew as error:
            raise UserError(
                "store.newer_schema", file=str(self.path), found=error.found, known=error.known
            ) from error
        except sqlite3.DatabaseError as error:
            raise _write_error(self.path, error) from error

    def _connect(self) -> sqlite3.Connection:
        try:
            if self.read_only:
                conn = connect_read_only(self.path, BUSY_TIMEOUT_SECONDS)
                # mode=ro keeps the file as it is; scratch tables (a dry run's staging) still
                # work, in memory.
                conn.execute("PRAGMA temp_store = MEMORY")
                return conn
            conn = sqlite3.connect(
                str(self.path),
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # we issue BEGIN IMMEDIATE ourselves
                check_same_thread=False,
                factory=Connection,
            )
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA recursive_triggers = ON")  # REPLACE's deletes are tracked too
            # Scratch tables (imports, the integrity marks) in memory. Set here, once: changing
            # temp_store later drops every temporary table and trigger of the connection.
            conn.execute("PRAGMA temp_store = MEMORY")
            # WAL lets the app read while an import writes; it is unsafe on network shares.
            conn.execute(f"PRAGMA journal_mode = {'DELETE' if self.network_share else 'WAL'}")
            # A committed action survives a power cut too: the head a manager wrote down
            # must still be in the file after the PC is unplugged.
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as error:
            raise _write_error(self.path, error) from error
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def _track(self, conn: sqlite3.Connection) -> None:
        """Tracking triggers for this connection, made again when the schema changed."""
        version = conn.execute("PRAGMA schema_version").fetchone()[0]
        if conn.bd_schema == version and conn.bd_pending is not None:
            return
        integrity.install(conn)
        conn.bd_schema = version
        if conn.bd_pending is None:
            conn.bd_pending = integrity.Pending(
                snapshot=None if self.in_memory else self._committed_digests,
                parallel=not self.network_share)  # WAL: a reader never waits for the writer

    def _committed_digests(self, table: str, buckets: list[int]) -> dict[int, str | None]:
        """Bucket digests as last committed, through a second (read-only) connection: while
        this thread's transaction holds the write lock, that is the state before it."""
        conn = getattr(self._local, "snapshot", None)
        if conn is None:
            conn = self._local.snapshot = connect_read_only(self.path, 1.0)
        return integrity.bucket_digests(conn, table, buckets)

    def digests_ahead(self, table: str) -> None:
        """Start reading, on another thread, the digests of every bucket of `table` as
        committed now (store/digests_ahead.py): the next transaction of this thread takes its
        audit row's "before" digests from them if nothing was committed in between. Only
        where a reader may run beside the writer (WAL); call it while no process is to be
        forked from this one (a thread runs until it is read)."""
        if self.read_only or self.in_memory or self.network_share:
            return
        from branchdesk.store.digests_ahead import Ahead

        conn = self.conn
        self._track(conn)
        if table not in conn.bd_pending.ahead:
            conn.bd_pending.ahead[table] = Ahead(self._read_only_connection, table)

    def _read_only_connection(self) -> sqlite3.Connection:
        # Not connect_read_only(): its fallback opens the file immutable, where data_version
        # never changes and digests read ahead would pass as current after a commit.
        return sqlite3.connect(ro_uri(self.path), uri=True, timeout=1.0, isolation_level=None,
                               check_same_thread=False)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action: BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error.

        Nested calls become savepoints, so a service may call another service.
        """
        if self.read_only:
            raise UserError("opening.opened_read_only", file=str(self.path))
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
            self._track(conn)
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _write_error(self.path, error) from error
        try:
            integrity.begin(conn, conn.bd_pending)
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
            raise _write_error(self.path, error) from error

    def backup_to(self, target: str | Path) -> None:
        """A consistent copy while others may write (copying the file is not safe)."""
        create_private(Path(target))  # a copy of personal data: readable by its owner only
        with sqlite3.connect(str(target)) as dest:
            self.conn.backup(dest)
        dest.close()

    def close(self) -> None:
        pending = getattr(getattr(self._local, "conn", None), "bd_pending", None)
        if pending is not None:  # digests read ahead for an import that ended before writing
            for ahead in pending.ahead.values():
                ahead.current()  # joins its thread and closes its connection
            pending.ahead = {}
        for name in ("snapshot", "conn"):
            conn = getattr(self._local, name, None)
            if conn is not None:
                conn.close()
                setattr(self._local, name, None)


def open_store(path: str | Path, *, read_only: bool = False) -> Store:
    """The store as the CLI and the app open it, on start: staging left by an import that was
    killed is removed first (store/scratch.py)."""
    from branchdesk.store.scratch import sweep

    sweep()
    return Store(path, read_only=read_only)
