"""An import killed at any moment leaves no staging files and no reader processes behind.

The app is killed alone (SIGKILL of its own process, not of its process group): its readers
must notice by themselves and exit (importers/lifeline.py), and the staging folder it leaves
must be gone once BranchDesk starts again (store/scratch.py). The staging files are private
while they exist (0700 folder, 0600 files), and so is a new database; what a kill leaves in
them holds no phone or account number (store/staging.py keeps those in memory).
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import sqlite3
import stat
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
from reliability.kit import cli, database_is_sound, env_for

from branchdesk.importers.reader import TWO_PARTS_FROM
from branchdesk.services import import_prepare
from branchdesk.services.demo import build_demo
from branchdesk.store import scratch
from branchdesk.store.database import Store

LINUX = os.path.isdir("/proc/self/task")
ROWS = TWO_PARTS_FROM + 4_000  # parsed on two processes: the reader and a copy it forks


def _write_roster(path: Path, rows: int) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("客户")
    sheet.append(["客户姓名", "手机号码", "资金账号", "风险承受能力", "服务人员", "备注"])
    rng = random.Random(3)
    for number in range(rows):
        sheet.append([f"客户{number}", f"13{rng.randrange(10**9):09d}", f"6600{number:08d}",
                      rng.choice(["C1", "C2", "C3"]), rng.choice(["周明远", "林晓雯"]), f"备注{number}"])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def branch(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("staging-kills")
    db = folder / "base.db"
    store = Store(db)
    build_demo(store, "李娜", members=50, seed=2)
    store.close()
    return {"db": db, "roster": _write_roster(folder / "big.xlsx", ROWS)}


def _env(tmp_path: Path, scratch_dir: Path) -> dict[str, str]:
    env = env_for(tmp_path)
    env["TMPDIR"] = str(scratch_dir)  # tempfile.gettempdir() of the child: its staging lands here
    return env


def _staging(scratch_dir: Path) -> list[Path]:
    return sorted(scratch_dir.glob(f"{scratch.PREFIX}*"))


def _no_whole_numbers(scratch_dir: Path) -> int:
    """What a kill left in the staging folders holds no phone or account number of the
    sheet (names and notes, yes: the folder is private and swept); returns the bytes read."""
    read = 0
    for folder in _staging(scratch_dir):
        for file in folder.iterdir():
            with contextlib.suppress(FileNotFoundError):  # a reader may still be ending
                data = file.read_bytes()
                read += len(data)
                assert re.findall(rb"(?:13\d{9}|6600\d{8})", data) == [], file.name
    return read


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _process_table() -> dict[int, tuple[int, str, str]]:
    """pid → (parent pid, state, start time), from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(entry)] = (int(fields[1]), fields[0], fields[19])
    return table


def _descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` now: pid → its start time (to tell a reused pid)."""
    table = _process_table()
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, _, started) in table.items():
            if ppid == parent and child not in found:
                found[child] = started
                frontier.append(child)
    return found


def _still_running(processes: dict[int, str]) -> list[int]:
    table = _process_table()
    return [pid for pid, started in processes.items()
            if pid in table and table[pid][2] == started and table[pid][1] != "Z"]


def _copy(db: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    try:
        conn.execute("VACUUM INTO ?", (str(target),))
    finally:
        conn.close()
    return target


def _member_count(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM members").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.skipif(not LINUX, reason="finds the reader processes through /proc")
def test_killed_import_leaves_no_staging_and_no_reader(branch, tmp_path, tally):
    rng = random.Random(11)
    scratch_dir = tmp_path / "scratch"
    scratch_dir.mkdir()
    env = _env(tmp_path, scratch_dir)
    before = _member_count(branch["db"])
    seen_readers = kills = staged_bytes = 0
    for attempt in range(12):  # six kills; an import that ends first is tried again
        if kills == 6:
            break
        db = _copy(branch["db"], tmp_path / "branch.db")
        args = cli("--db", str(db), "import", "roster", str(branch["roster"]))
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        readers: dict[int, str] = {}
        try:
            # Wait until the readers stage rows, then a little more: kills land while they
            # parse, while the copy writes its part, or while the app applies. Every third
            # attempt waits until a part is written (a part's rows reach its file when it is
            # complete) and kills at once: the app is planning or applying then.
            written = attempt % 3 == 2
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                readers.update(_descendants(proc.pid))
                parts = [p for folder in _staging(scratch_dir) for p in folder.glob("part*.db")]
                if parts and (not written or any(_size(p) for p in parts)):
                    break
                time.sleep(0.005)
            wait_until = time.monotonic() + (0 if written else
                                             rng.uniform(0.0, 0.3 if attempt % 2 else 0.8))
            while time.monotonic() < wait_until and proc.poll() is None:
                readers.update(_descendants(proc.pid))
                staged_bytes += _no_whole_numbers(scratch_dir)  # as the parts are written
                time.sleep(0.01)
            readers.update(_descendants(proc.pid))
            if proc.poll() is not None:  # a quick machine finished the import: try again
                assert proc.returncode == 0
                continue
            os.kill(proc.pid, signal.SIGKILL)  # the app alone, as a crash would end it
            kills += 1
            proc.wait(timeout=30)
            staged_bytes += _no_whole_numbers(scratch_dir)
            seen_readers += bool(readers)
            deadline = time.monotonic() + 15
            while _still_running(readers) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not _still_running(readers), "a reader outlived the app"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # only if the check above failed
        # The next start removes what the killed import left, and the database is whole.
        done = subprocess.run(cli("--db", str(db), "audit", "verify"), env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert _staging(scratch_dir) == []
        database_is_sound(db)
        assert _member_count(db) in (before, before + ROWS)  # all of the import, or none
        tally["kills survived: import, staging and readers checked"] += 1
    assert kills >= 4, f"only {kills} of 12 imports could be killed before they ended"
    assert seen_readers >= min(4, kills)  # the kills came while readers were at work
    assert staged_bytes > 0  # staging files were looked into while they were written


def test_a_finished_import_leaves_no_staging(branch, tmp_path):
    scratch_dir = tmp_path / "scratch"
    scratch_dir.mkdir()
    db = _copy(branch["db"], tmp_path / "branch.db")
    done = subprocess.run(cli("--db", str(db), "import", "roster", str(branch["roster"])),
                          env=_env(tmp_path, scratch_dir), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert _staging(scratch_dir) == []


def test_sweep_removes_only_folders_nobody_holds(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    live = scratch.ScratchFolder()
    (live / "part0.db").write_bytes(b"rows")
    left = scratch.ScratchFolder()
    (left / "part0.db").write_bytes(b"rows")
    left._fd and os.close(left._fd)  # as if its process had died: the lock is released
    left._fd = None
    half_made = tmp_path / f"{scratch.PREFIX}new"
    half_made.mkdir()  # its lock file not made yet: spared for a grace period
    unrelated = tmp_path / "branchdesk-other"
    unrelated.mkdir()
    assert scratch.sweep() == 1
    assert live.path.exists() and not left.path.exists()
    assert half_made.exists() and unrelated.exists()
    old = time.time() - 3600
    os.utime(half_made, (old, old))
    assert scratch.sweep() == 1 and not half_made.exists()
    live.remove()
    assert not live.path.exists()


def test_a_sweep_spares_a_folder_being_made_and_its_maker_waits(tmp_path, monkeypatch):
    """Between a new folder's lock file and its lock, a sweep from another process (a Store
    opening) takes the lock to look: it must spare the folder, and the maker must wait for
    it rather than fail or lose its folder (a fuzz run once lost part0.db that way)."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    being_made = tmp_path / f"{scratch.PREFIX}making"
    being_made.mkdir()
    (being_made / scratch._LOCK).touch()  # created, not yet locked nor written
    assert scratch.sweep() == 0 and being_made.exists()
    real_try_lock, refusals = scratch._try_lock, []

    def busy_once(fd):  # the sweep holds it at the maker's first try
        if not refusals:
            refusals.append(fd)
            return False
        return real_try_lock(fd)

    monkeypatch.setattr(scratch, "_try_lock", busy_once)
    made = scratch.ScratchFolder()
    monkeypatch.setattr(scratch, "_try_lock", real_try_lock)
    try:
        assert refusals and made.path.exists()
        assert scratch.sweep() == 0 and made.path.exists() and being_made.exists()
        old = time.time() - 3600  # never locked and long past its making: left by a crash
        os.utime(being_made, (old, old))
        assert scratch.sweep() == 1 and made.path.exists() and not being_made.exists()
    finally:
        made.remove()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_staging_and_database_are_private(branch, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    db = tmp_path / "new.db"
    store = Store(db)
    store.close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    prepared = import_prepare.read_and_prepare(branch["roster"])
    try:
        folder = prepared.paths[0].parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert len(prepared.paths) == 2
        for path in prepared.paths:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        prepared.close()
    assert not folder.exists()


def test_the_staging_check_would_see_a_leftover(tmp_path):
    """Guard for the checks above: a folder left by a process that still holds it is kept,
    and the listing the kill test uses finds it."""
    scratch_dir = tmp_path / "scratch"
    scratch_dir.mkdir()
    env = _env(tmp_path, scratch_dir)
    holder = subprocess.Popen(
        [*cli()[:1], "-c", "import time; from branchdesk.store.scratch import ScratchFolder;"
         " f = ScratchFolder(); print(f.path, flush=True); time.sleep(60)"],
        env=env, stdout=subprocess.PIPE, text=True)
    try:
        path = Path(holder.stdout.readline().strip())
        assert _staging(scratch_dir) == [path]
        assert scratch.sweep(scratch_dir) == 0 and path.exists()  # held: not removed
    finally:
        holder.kill()
        holder.wait()
    assert scratch.sweep(scratch_dir) == 1 and _staging(scratch_dir) == []
