"""Before BranchDesk writes to a file: is it really a BranchDesk database?

A foreign SQLite file, an empty file or random bytes given as `--db` is refused before
anything is written (even `PRAGMA journal_mode = WAL` writes to the file's header). The
check reads the file through a read-only connection. A new database is built under a
temporary name and linked into place when complete, so a crash never leaves an empty or
half-made file at the path.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from branchdesk.errors import UserError
from branchdesk.owner_only import create_private

# PRAGMA application_id: "BDK1". Databases made before it was set are recognised by their
# tables and stamped when they are next opened for writing.
APPLICATION_ID = 0x42444B31
SQLITE_MAGIC = b"SQLite format 3\x00"
CORE_TABLES = frozenset({"members", "audit_log"})


def ro_uri(path: Path, *, immutable: bool = False) -> str:
    """A read-only URI for the file (percent-encoded: non-ASCII folders work too)."""
    uri = path.resolve().as_uri() + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def connect_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """A connection that cannot write. On read-only media a database in WAL mode cannot make
    its shared-memory file; with no write-ahead log left beside it (BranchDesk leaves none
    when it closes), the file alone is complete and is opened as immutable."""
    conn = sqlite3.connect(ro_uri(path), uri=True, timeout=timeout, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise
    conn = sqlite3.connect(ro_uri(path, immutable=True), uri=True, timeout=timeout,
                           isolation_level=None, check_same_thread=False)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


@dataclass(frozen=True)
class Found:
    version: int
    application_id: int
    tables: frozenset[str]


def probe(path: Path, timeout: float = 10.0) -> Found:
    """What the file is, without writing to it; a UserError when it is not a BranchDesk
    database (empty, not SQLite, damaged, another program's)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise UserError("store.cannot_open", file=str(path), error=str(error)) from error
    if size == 0:
        raise UserError("opening.empty_file", file=str(path))
    if head != SQLITE_MAGIC:
        raise UserError("opening.not_a_database", file=str(path))
    try:
        conn = connect_read_only(path, timeout)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = frozenset(row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"))
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:  # a damaged page may hold
        raise UserError("opening.damaged", file=str(path), error=str(error)) from error  # any bytes
    found = Found(version, app_id, tables)
    if app_id != APPLICATION_ID and not (app_id == 0 and version >= 1 and tables >= CORE_TABLES):
        raise UserError("opening.foreign", file=str(path))
    return found


def create_atomically(path: Path, build) -> None:
    """Make a new database at `path`: `build(conn)` fills a file under a temporary name in
    the same folder, which is then linked to `path` only if nothing is there yet (another
    BranchDesk starting at the same moment keeps the one it made)."""
    temporary = path.with_name(f".{path.name}.new-{uuid.uuid4().hex[:12]}")
    try:
        create_private(temporary)  # personal data: readable by its owner only
        conn = sqlite3.connect(str(temporary), isolation_level=None)
        try:
            build(conn)
        finally:
            conn.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # made by someone else meanwhile: use theirs
        except OSError:  # a file system without hard links (FAT on a USB stick)
            if not path.exists():
                os.replace(temporary, path)
    except sqlite3.DatabaseError as error:
        raise UserError("store.cannot_open", file=str(path), error=str(error)) from error
    except OSError as error:
        raise UserError("store.cannot_open", file=str(path), error=str(error)) from error
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(temporary) + suffix).unlink(missing_ok=True)
