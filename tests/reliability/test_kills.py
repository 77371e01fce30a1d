"""A BranchDesk process killed at any moment of an import, an undo, an edit, an export, a
backup or a restore leaves a database that passes SQLite's integrity check, holds all of that
action or none of it, and passes `audit verify`; an export or a backup is there whole or not
at all.

Kills land at random moments: half at a uniformly random time within the action's usual
duration, half just after the database's write-ahead log starts growing (inside the write
transaction, the moment that matters most). The default run kills 52 times; `-m slow` adds
270 more.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from reliability.kit import cli, database_is_sound, env_for, run, write_roster

from branchdesk.services import importing, roster
from branchdesk.services.demo import build_demo
from branchdesk.store.database import Store

POSIX = os.name == "posix"


def _start(args: list[str], tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(args, env=env_for(tmp_path), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=POSIX)


def _kill(proc: subprocess.Popen) -> None:
    """Like pulling the plug on the app: the process and any reader it started."""
    if proc.poll() is None:
        if POSIX:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    proc.wait(timeout=30)
    if POSIX:  # readers end by themselves (test_staging_kills.py); this only guards the run
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _kill_at_random(args: list[str], tmp_path: Path, db: Path, duration: float,
                    rng: random.Random) -> bool:
    """Start, kill at a random moment; True when the kill came before the process ended."""
    proc = _start(args, tmp_path)
    wal = Path(str(db) + "-wal")
    if rng.random() < 0.5:
        time.sleep(rng.uniform(0.0, duration))
    else:  # just after the write transaction starts writing
        size = wal.stat().st_size if wal.exists() else 0
        deadline = time.monotonic() + duration * 2
        while proc.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > size:
                break
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.05))
    killed = proc.poll() is None
    _kill(proc)
    return killed


def _members_fingerprint(db: Path) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT id, name, phone, account_no, risk_level, notes, tags"
                            " FROM members ORDER BY id").fetchall()
    finally:
        conn.close()


def _timed(args: list[str], tmp_path: Path) -> float:
    start = time.monotonic()
    done = run(args, tmp_path)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - start


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict:
    """A branch of 2,000 members with one import in force, and a second roster to import
    (600 members updated, 600 new)."""
    folder = tmp_path_factory.mktemp("kills")
    db = folder / "base.db"
    store = Store(db)
    build_demo(store, "李娜", members=2000, seed=5)
    first = importing.import_roster(store, write_roster(folder / "first.xlsx", 1200, start=0), "李娜")
    store.close()
    second = write_roster(folder / "second.xlsx", 1200, start=600, seed=2)
    return {"folder": folder, "db": db, "second": second, "first_batch": first.batch_id}


def _fresh(base: dict, tmp_path: Path, name: str = "branch.db") -> Path:
    target = tmp_path / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copy2(base["db"], target)
    return target


def _states_after(base: dict, tmp_path: Path, args_for) -> tuple[list, list, float]:
    """The members before and after an uninterrupted run, and how long it took."""
    db = _fresh(base, tmp_path, "reference.db")
    before = _members_fingerprint(db)
    duration = _timed(args_for(db), tmp_path)
    return before, _members_fingerprint(db), duration


def _import_args(base: dict):
    return lambda db: cli("--db", str(db), "import", "roster", str(base["second"]))


def _undo_args(base: dict):
    return lambda db: cli("--db", str(db), "import", "undo", str(base["first_batch"]), "--force")


def _kill_loop(base, tmp_path, tally, args_for, kills: int, seed: int, label: str) -> None:
    before, after, duration = _states_after(base, tmp_path, args_for)
    assert before != after
    rng = random.Random(seed)
    landed = 0
    for _ in range(kills):
        db = _fresh(base, tmp_path)
        landed += _kill_at_random(args_for(db), tmp_path, db, duration, rng)
        database_is_sound(db)
        assert _members_fingerprint(db) in (before, after)  # all of the action, or none
        tally[f"kills survived: {label}"] += 1
    assert landed >= kills // 2  # most kills came while the process was still at work


@pytest.mark.parametrize(("kills", "seed"), [
    pytest.param(18, 1), pytest.param(80, 2, marks=pytest.mark.slow)])
def test_killed_import_leaves_all_or_nothing(base, tmp_path, tally, kills, seed):
    _kill_loop(base, tmp_path, tally, _import_args(base), kills, seed, "import")


@pytest.mark.parametrize(("kills", "seed"), [
    pytest.param(12, 3), pytest.param(60, 4, marks=pytest.mark.slow)])
def test_killed_undo_leaves_all_or_nothing(base, tmp_path, tally, kills, seed):
    _kill_loop(base, tmp_path, tally, _undo_args(base), kills, seed, "undo")


EDITOR = """
import random, sys
from branchdesk.services import roster
from branchdesk.store.database import Store
store = Store(sys.argv[1])
rng = random.Random(int(sys.argv[2]))
for n in range(1, 10**9):
    roster.update_member(store, "kill-test", rng.randint(1, 2000),
                         {"notes": f"edit {n}", "tags": [f"t{n}"], "risk_level": "C4"})
"""


@pytest.mark.parametrize(("kills", "seed"), [
    pytest.param(10, 5), pytest.param(50, 6, marks=pytest.mark.slow)])
def test_killed_edits_are_whole_edits(base, tmp_path, tally, kills, seed):
    rng = random.Random(seed)
    for number in range(kills):
        db = _fresh(base, tmp_path)
        proc = _start([sys.executable, "-c", EDITOR, str(db), str(number)], tmp_path)
        time.sleep(rng.uniform(0.6, 1.6))  # start-up, then edits one after another
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        _kill(proc)
        database_is_sound(db)
        for _id, _name, _phone, _account, risk, notes, tags in _members_fingerprint(db):
            if notes and notes.startswith("edit "):  # every field of one edit, or none
                assert tags == f'["t{notes.split()[1]}"]' and risk == "C4"
        tally["kills survived: edit"] += 1


@pytest.mark.parametrize(("kills", "seed"), [
    pytest.param(6, 7), pytest.param(40, 8, marks=pytest.mark.slow)])
def test_killed_export_leaves_the_old_file_or_a_whole_new_one(base, tmp_path, tally, kills, seed):
    db = _fresh(base, tmp_path, "exported.db")
    assert run(_undo_args(base)(db), tmp_path).returncode == 0  # 1,200 entries to export
    target = tmp_path / "trail.xlsx"
    args = cli("--db", str(db), "audit", "trail", "--from", "2000-01-01", "--to", "2100-12-31",
               "-o", str(target))
    duration = _timed(args, tmp_path)
    book = openpyxl.load_workbook(target, read_only=True)
    rows = book[book.sheetnames[0]].max_row
    rng = random.Random(seed)
    for _ in range(kills):
        target.unlink(missing_ok=True)
        _kill_at_random(args, tmp_path, db, duration, rng)
        if target.exists():  # never half a workbook
            book = openpyxl.load_workbook(target, read_only=True)
            assert book[book.sheetnames[0]].max_row == rows
        database_is_sound(db)
        tally["kills survived: export"] += 1


@pytest.mark.parametrize(("kills", "seed"), [
    pytest.param(3, 9), pytest.param(20, 10, marks=pytest.mark.slow)])
def test_killed_backup_and_restore(base, tmp_path, tally, kills, seed):
    rng = random.Random(seed)
    db = _fresh(base, tmp_path)
    copy = tmp_path / "copy.db"
    backup_args = cli("--db", str(db), "backup", "-o", str(copy))
    duration = _timed(backup_args, tmp_path)
    reference = tmp_path / "reference.db"
    shutil.copy2(copy, reference)
    store = Store(db)
    roster.update_member(store, "李娜", 1, {"notes": "after the backup"})
    store.close()
    after_edit = _members_fingerprint(db)
    for _ in range(kills):
        copy.unlink(missing_ok=True)
        _kill_at_random(backup_args, tmp_path, db, duration, rng)
        if copy.exists():
            database_is_sound(copy)
        tally["kills survived: backup"] += 1
    restore_args = cli("--db", str(db), "restore", str(reference))
    for _ in range(kills):
        _kill_at_random(restore_args, tmp_path, db, duration * 2, rng)
        database_is_sound(db)
        assert _members_fingerprint(db) in (after_edit, _members_fingerprint(reference))
        tally["kills survived: restore"] += 1


def test_the_kill_harness_would_see_a_half_done_action(tmp_path):
    """Guard for the checks above: a database holding half an import fails them."""
    db = tmp_path / "half.db"
    store = Store(db)
    build_demo(store, "李娜", members=10, seed=1)
    store.close()
    conn = sqlite3.connect(db)  # rows written without their audit row, as a crash mid-way would
    conn.execute("INSERT INTO members (name, created_at, updated_at) VALUES ('半个', 'x', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(AssertionError):
        database_is_sound(db)

