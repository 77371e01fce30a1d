"""Backups taken while another BranchDesk writes are sound; restore checks a backup before it
replaces anything, keeps the replaced file aside, and refuses what it cannot trust."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from reliability.kit import database_is_sound, env_for

from branchdesk.cli import main
from branchdesk.services import backup, roster
from branchdesk.services.demo import build_demo
from branchdesk.store import audit
from branchdesk.store.database import Store
from branchdesk.store.migrations import SCHEMA_VERSION

EDITOR = """
import sys
from branchdesk.services import roster
from branchdesk.store.database import Store
store = Store(sys.argv[1])
for n in range(1, 10**9):
    roster.update_member(store, "写入者", 1 + n % 500, {"notes": f"edit {n}"})
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def branch(tmp_path) -> Path:
    db = tmp_path / "branch.db"
    store = Store(db)
    build_demo(store, "李娜", members=800, seed=2)
    store.close()
    return db


@pytest.mark.parametrize("copies", [pytest.param(8), pytest.param(60, marks=pytest.mark.slow)])
def test_backups_taken_while_another_process_writes_are_sound_and_restore(branch, tmp_path, tally,
                                                                          capsys, copies):
    writer = subprocess.Popen([sys.executable, "-c", EDITOR, str(branch)], env=env_for(tmp_path),
                              stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        copies_made = []
        for number in range(copies):
            target = tmp_path / f"copy-{number}.db"
            assert main(["--db", str(branch), "backup", "-o", str(target)]) == 0
            database_is_sound(target)  # a consistent snapshot, though the writer never paused
            copies_made.append(target)
            tally["backups taken during writes"] += 1
        # Restore one while the writer keeps going: it waits its turn, then carries on.
        capsys.readouterr()
        assert main(["--db", str(branch), "--lang", "en", "restore", str(copies_made[0])]) == 0
        assert "kept as" in capsys.readouterr().out
        time.sleep(0.5)
        assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
    finally:
        writer.kill()
        writer.wait()
    database_is_sound(branch)
    store = Store(branch, read_only=True)
    actions = [e["action"] for e in audit.entries_where(store.conn, "action = 'backup.restore'", ())]
    store.close()
    assert actions == ["backup.restore"]


def test_restore_reports_what_the_backup_lacks_and_keeps_the_replaced_file(branch, tmp_path, capsys):
    copy = tmp_path / "copy.db"
    assert main(["--db", str(branch), "backup", "-o", str(copy)]) == 0
    store = Store(branch)
    for member_id in (1, 2, 3):
        roster.update_member(store, "李娜", member_id, {"notes": "after the backup"})
    head = audit.head(store.conn)
    store.close()
    capsys.readouterr()
    assert main(["--db", str(branch), "--lang", "en", "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert f"3 audit rows more than the backup (up to {head.anchor})" in out
    [aside] = tmp_path.glob("branch.replaced-*.db")
    database_is_sound(aside)
    store = Store(aside, read_only=True)
    assert roster.get_member(store, 1).notes == "after the backup"  # nothing is lost
    store.close()
    database_is_sound(branch)
    # The head written down before the restore no longer verifies: the restore is visible.
    assert main(["--db", str(branch), "audit", "verify", "--head", head.anchor]) == 1


def _tampered(copy: Path) -> None:
    conn = sqlite3.connect(copy)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET operator = 'x' WHERE id = 1")
    conn.commit()
    conn.close()


def _newer(copy: Path) -> None:
    conn = sqlite3.connect(copy)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.close()


def _damaged(copy: Path) -> None:
    data = bytearray(copy.read_bytes())
    for offset in range(4096 * 2, len(data), 4096 * 3):
        data[offset:offset + 200] = bytes(200)
    copy.write_bytes(bytes(data))


def _foreign(copy: Path) -> None:
    copy.unlink()
    conn = sqlite3.connect(copy)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("spoil", "words"), [
    (_tampered, "does not pass the audit check"),
    (_newer, "newer BranchDesk"),
    (_damaged, ""),
    (_foreign, "another program"),
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: p.write_bytes(b"\x00garbage" * 999), "not a database file"),
    (lambda p: p.unlink(), "no backup file"),
])
def test_restore_refuses_a_backup_it_cannot_trust_and_changes_nothing(branch, tmp_path, capsys,
                                                                     spoil, words):
    copy = tmp_path / "copy.db"
    assert main(["--db", str(branch), "backup", "-o", str(copy)]) == 0
    spoil(copy)
    before = _sha(branch)
    capsys.readouterr()
    assert main(["--db", str(branch), "--lang", "en", "restore", str(copy)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert _sha(branch) == before
    assert not list(tmp_path.glob("branch.replaced-*"))
    assert not [p for p in tmp_path.iterdir() if ".restore-" in p.name]


def test_restore_onto_a_new_pc_creates_the_database(branch, tmp_path, capsys):
    copy = tmp_path / "copy.db"
    assert main(["--db", str(branch), "backup", "-o", str(copy)]) == 0
    target = tmp_path / "new-pc" / "branchdesk.db"
    assert main(["--db", str(target), "restore", str(copy)]) == 0
    database_is_sound(target)


def test_restore_replaces_a_damaged_database(branch, tmp_path):
    copy = tmp_path / "copy.db"
    assert main(["--db", str(branch), "backup", "-o", str(copy)]) == 0
    for suffix in ("-wal", "-shm"):
        Path(str(branch) + suffix).unlink(missing_ok=True)
    _damaged(branch)
    assert main(["--db", str(branch), "restore", str(copy)]) == 0
    database_is_sound(branch)
    [aside] = tmp_path.glob("branch.replaced-*.db")
    assert aside.stat().st_size > 0  # the damaged bytes are kept, for whoever investigates


def test_a_backup_never_overwrites_a_file(branch, tmp_path, capsys):
    target = tmp_path / "keep.db"
    target.write_text("precious")
    assert main(["--db", str(branch), "--lang", "en", "backup", "-o", str(target)]) == 2
    assert "never overwrites" in capsys.readouterr().err
    assert target.read_text() == "precious"
    assert main(["--db", str(branch), "backup", "-o", str(branch)]) == 2


def test_a_backup_into_a_folder_that_does_not_exist_is_refused(branch, tmp_path, capsys):
    target = tmp_path / "no such folder" / "b.db"
    assert main(["--db", str(branch), "--lang", "en", "backup", "-o", str(target)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not target.parent.exists()  # never made up


def test_a_backup_opens_from_read_only_media(branch, tmp_path):
    copy = tmp_path / "copy.db"
    assert main(["--db", str(branch), "backup", "-o", str(copy)]) == 0
    assert not Path(str(copy) + "-wal").exists()
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    conn.close()


def test_daily_backups_rotate(branch, tmp_path):
    first = date(2026, 12, 1)
    made = [backup.daily(branch, keep=3, today=first + timedelta(days=n)) for n in range(5)]
    assert all(made)
    assert backup.daily(branch, keep=3, today=first + timedelta(days=4)) is None  # once a day
    kept = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert kept == [f"branch-daily-2026-12-0{n}.db" for n in (3, 4, 5)]
    database_is_sound(tmp_path / "backups" / kept[-1])
    assert backup.daily(branch, keep=0) is None


def test_daily_backup_failure_never_stops_the_start(branch, tmp_path):
    from branchdesk.settings import Settings

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings = Settings(db_path=branch, operator="李娜", language="en", backup_folder=blocker)
    message = backup.daily_on_start(settings)
    assert message and "daily backup could not be made" in message
