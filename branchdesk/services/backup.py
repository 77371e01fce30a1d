"""Backups: a consistent copy while the app may be writing, a restore that checks the copy
before it replaces anything, and a rotating copy on the first start of each day.

Copying the file while BranchDesk writes gave a corrupt copy 4 times in 38; SQLite's online
backup API reads one consistent snapshot (0 corrupt in 100), so every copy goes through it.
A copy is written under a temporary name and renamed when complete, and is a single
self-contained file (rollback journal, not WAL), so it opens from read-only media too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from branchdesk import datetimes
from branchdesk.errors import UserError
from branchdesk.owner_only import create_private
from branchdesk.store import audit
from branchdesk.store.audit import Head
from branchdesk.store.database import BUSY_TIMEOUT_SECONDS, Store
from branchdesk.store.opening import connect_read_only, probe

if TYPE_CHECKING:
    from branchdesk.services.staff import Credentials

DAILY_PREFIX = "daily-"


def backup_folder(db_path: Path, configured: Path | None = None) -> Path:
    return configured if configured is not None else db_path.parent / "backups"


def default_backup_path(db_path: Path, folder: Path | None = None) -> Path:
    stamp = datetimes.now().strftime("%Y%m%d-%H%M%S")  # the branch's clock
    return backup_folder(db_path, folder) / f"{db_path.stem}-{stamp}.db"


@dataclass
class BackupResult:
    path: Path
    head: Head
    size: int


def _temporary(beside: Path, purpose: str) -> Path:
    return beside.with_name(f".{beside.name}.{purpose}-{uuid.uuid4().hex[:10]}")


def _discard(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _copy_consistent(source: sqlite3.Connection, target: Path) -> Head:
    """Copy `source` (one snapshot) into a new file at `target`; returns the copy's head."""
    create_private(target)  # a copy of personal data: readable by its owner only
    dest = sqlite3.connect(str(target), isolation_level=None)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
        check = dest.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(check)
        return audit.head(dest)
    finally:
        dest.close()


def backup(db_path: Path, target: Path | None = None, *, folder: Path | None = None) -> BackupResult:
    """Copy the database to `target` (default: a time-stamped file in the backup folder).
    Safe while other BranchDesk processes write; never overwrites an existing file."""
    if target is not None and target.is_dir():  # -o names a folder: the file goes inside
        raise UserError("backup.is_folder", file=str(target),
                        example=str(default_backup_path(db_path, target)))
    if target is not None and not target.parent.is_dir():  # a mistyped -o: never made up
        raise UserError("backup.no_folder", file=str(target), folder=str(target.parent))
    store = Store(db_path, read_only=True)
    target = target or default_backup_path(db_path, folder)
    try:
        if target.exists():
            raise UserError("backup.target_exists", file=str(target))
        if target.resolve() == db_path.resolve():
            raise UserError("backup.same_file", file=str(target))
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary(target, "partial")
        try:
            head = _copy_consistent(store.conn, temporary)
            os.replace(temporary, target)
        finally:
            _discard(temporary)
    except OSError as error:
        raise UserError("backup.cannot_write", file=str(target), error=str(error)) from error
    except sqlite3.DatabaseError as error:
        raise UserError("opening.damaged", file=str(db_path), error=str(error)) from error
    finally:
        store.close()
    return BackupResult(target, head, target.stat().st_size)


def daily(db_path: Path, keep: int, folder: Path | None = None,
          today: date | None = None) -> Path | None:
    """On the first start of a day: a backup named after the day, and only the newest `keep`
    daily backups kept. None when today's exists already (or keep is 0)."""
    if keep <= 0 or not db_path.is_file():
        return None
    folder = backup_folder(db_path, folder)
    today = today or datetimes.now().date()
    name = f"{db_path.stem}-{DAILY_PREFIX}{today.isoformat()}.db"
    target = folder / name
    if target.exists():
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)  # the branch's own backup folder
    except OSError as error:
        raise UserError("backup.cannot_write", file=str(target), error=str(error)) from error
    try:
        backup(db_path, target)
    except UserError as error:
        if error.key == "backup.target_exists":  # another BranchDesk started at the same moment
            return None
        raise
    dailies = sorted(folder.glob(f"{db_path.stem}-{DAILY_PREFIX}????-??-??.db"))
    for old in dailies[:-keep]:
        old.unlink(missing_ok=True)
    return target


def daily_on_start(settings) -> str | None:
    """The app's start: today's backup if none was made yet. Never stops the start: a
    failure comes back as the message to show."""
    from branchdesk.i18n import t
    from branchdesk.settings import demo_db_path

    if settings.db_path == demo_db_path():
        return None  # rebuilt at every start anyway
    try:
        daily(settings.db_path, settings.backup_keep, settings.backup_folder)
    except UserError as error:
        return t("backup.daily_failed", error=error.message)
    except (OSError, sqlite3.DatabaseError) as error:
        return t("backup.daily_failed", error=str(error))
    return None


# --- restore ---------------------------------------------------------------------------------

@dataclass
class RestoreResult:
    restored_head: Head
    replaced_head: Head | None
    kept_aside: Path | None
    lost_rows: int  # audit rows of the replaced file after the backup's head (kept aside)
    staff_dropped: bool = False  # the replaced database had staff, the restored one has none


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_candidate(candidate: Path, staging: Path) -> tuple[Head, bool]:
    """Copy the backup to `staging` and prove it: SQLite's integrity check, a BranchDesk
    database of a schema this version knows (an older one is upgraded in the copy), and
    an audit log whose chain holds and whose tables match it. Returns its head and
    whether it has staff."""
    from branchdesk.services import audit_trail, staff

    found = probe(candidate)
    if found.version > _schema_version():
        raise UserError("store.newer_schema", file=str(candidate), found=found.version,
                        known=_schema_version())
    source = connect_read_only(candidate, BUSY_TIMEOUT_SECONDS)
    try:
        _copy_consistent(source, staging)
    finally:
        source.close()
    conn = sqlite3.connect(str(staging))
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    if [row[0] for row in result] != ["ok"]:
        raise UserError("backup.damaged", file=str(candidate),
                        error="; ".join(str(r[0]) for r in result[:3]))
    store = Store(staging)  # upgrades a backup made by an older BranchDesk, in the copy
    try:
        verification = audit_trail.verify(store)
        if not verification.ok:
            raise UserError("backup.chain_broken", file=str(candidate),
                            problems=" ".join(verification.problems()))
        return verification.head, staff.has_staff(store)
    finally:
        store.close()


def _schema_version() -> int:
    from branchdesk.store.migrations import SCHEMA_VERSION

    return SCHEMA_VERSION


def _current_head(db_path: Path) -> Head | None:
    try:
        conn = connect_read_only(db_path, BUSY_TIMEOUT_SECONDS)
        try:
            return audit.head(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


def check_restore_paths(candidate: Path, db_path: Path) -> None:
    """What a restore refuses before anything is asked or read: no backup file, the
    database itself as its own backup, a file it may not replace."""
    if not candidate.is_file():
        raise UserError("backup.no_such_file", file=str(candidate))
    if db_path.exists() and candidate.resolve() == db_path.resolve():
        raise UserError("backup.same_file", file=str(candidate))
    _check_replaceable(db_path)


def _staffed_store(db_path: Path, operator: str) -> Store | None:
    """The database to be replaced, open, when it has staff, after checking that `operator`
    is one of them, as for every change. None when nobody there can be asked: no database
    yet (a new PC), one too damaged to read (what a restore is for), or one without staff."""
    from branchdesk.services import staff

    if not db_path.exists():
        return None
    try:
        store = Store(db_path, read_only=True)
    except UserError as error:
        if error.key == "opening.damaged":
            return None
        raise
    try:
        if not staff.has_staff(store):
            store.close()
            return None
        staff.check_operator(store, operator)
    except BaseException:
        store.close()
        raise
    return store


def restore_needs_manager(db_path: Path, operator: str) -> bool:
    """Whether replacing this database takes a manager's password: it does once it has
    staff, since a restore replaces everything, its staff included. Refuses an operator
    who is not an active staff member of it."""
    store = _staffed_store(db_path, operator)
    if store is None:
        return False
    store.close()
    return True


def _authorise_restore(db_path: Path, operator: str, manager: Credentials | None) -> str | None:
    """The manager whose password allows the restore (the audit row names them), or None
    where the database has no staff to ask."""
    from branchdesk.services import staff

    store = _staffed_store(db_path, operator)
    if store is None:
        return None
    try:
        return staff.authorise(store, manager, "manager")
    finally:
        store.close()


def restore(candidate: Path, db_path: Path, operator: str,
            manager: Credentials | None = None) -> RestoreResult:
    """Replace the database with a backup, after checking the backup. Once the database has
    staff, `operator` must be one of them and an active manager's password allows it. The
    file it replaces is kept aside (a consistent copy, or the raw file when it cannot be
    read). The restore's own audit row is written into the checked copy before it goes
    live, so the database holds the backup and the record of its restore, or neither."""
    check_restore_paths(candidate, db_path)
    authorised_by = _authorise_restore(db_path, operator, manager)
    operator = authorised_by or operator
    db_path.parent.mkdir(parents=True, exist_ok=True)
    staging = _temporary(db_path, "restore")
    try:
        restored_head, has_staff = _check_candidate(candidate, staging)
        replaced_head = _current_head(db_path) if db_path.exists() else None
        aside = _aside_name(db_path) if db_path.exists() else None
        store = Store(staging)
        try:
            with store.transaction() as conn:
                audit.append(conn, operator=operator, action="backup.restore", entity="database",
                             after={"file": candidate.name, "sha256": _sha256(candidate),
                                    "backup_head": restored_head.anchor,
                                    "replaced_head": replaced_head.anchor if replaced_head else None,
                                    "kept_aside": aside.name if aside else None})
        finally:
            store.close()
        lost = 0
        if aside is not None:
            _keep_aside(db_path, aside)
            if replaced_head is not None and replaced_head.seq > restored_head.seq:
                lost = replaced_head.seq - restored_head.seq
            _replace_live(staging, db_path)
        else:
            os.replace(staging, db_path)
    except OSError as error:
        raise UserError("backup.cannot_write", file=str(db_path), error=str(error)) from error
    finally:
        _discard(staging)
    return RestoreResult(restored_head, replaced_head, aside, lost,
                         staff_dropped=authorised_by is not None and not has_staff)


def _check_replaceable(db_path: Path) -> None:
    """A restore replaces a BranchDesk database (a damaged one too: that is what it is for),
    never a folder, another program's file, or a database of a newer BranchDesk."""
    if db_path.is_dir():
        raise UserError("store.is_directory", file=str(db_path))
    if not db_path.exists():
        return
    if not os.access(db_path, os.W_OK) or not os.access(db_path.parent, os.W_OK):
        raise UserError("opening.read_only_file", file=str(db_path))
    try:
        found = probe(db_path)
    except UserError as error:
        if error.key == "opening.damaged":
            return
        raise
    if found.version > _schema_version():
        raise UserError("store.newer_schema", file=str(db_path), found=found.version,
                        known=_schema_version())


def _aside_name(db_path: Path) -> Path:
    stamp = datetimes.now().strftime("%Y%m%d-%H%M%S")  # the branch's clock
    return db_path.with_name(f"{db_path.stem}.replaced-{stamp}{db_path.suffix or '.db'}")


def _keep_aside(db_path: Path, aside: Path) -> None:
    try:
        source = connect_read_only(db_path, BUSY_TIMEOUT_SECONDS)
        try:
            _copy_consistent(source, aside)
        finally:
            source.close()
    except sqlite3.DatabaseError:  # damaged or not a database: keep the bytes as they are
        _discard(aside)
        shutil.copy2(db_path, aside)
        wal = Path(str(db_path) + "-wal")
        if wal.exists():
            shutil.copy2(wal, Path(str(aside) + "-wal"))


def _replace_live(staging: Path, db_path: Path) -> None:
    """Write the checked copy into the live database through the backup API: another
    BranchDesk that has the file open sees the restored content, not a deleted file. A
    damaged file, which SQLite cannot write into, is replaced by renaming instead."""
    try:
        probe(db_path)
    except UserError:  # damaged (_check_replaceable let nothing else through)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        os.replace(staging, db_path)
        return
    try:
        live = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            source = sqlite3.connect(str(staging))
            try:
                source.backup(live)
            finally:
                source.close()
        finally:
            live.close()
    except sqlite3.DatabaseError as error:
        from branchdesk.store.database import _write_error

        raise _write_error(db_path, error) from error
