"""Two BranchDesk processes on one database (two staff at once): no update is lost, no
"database is locked" ever reaches anyone, a conflicting edit of one member is reported (never
silently written over), and commands that only read never wait behind a writer.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability.kit import cli, database_is_sound, env_for, run

from branchdesk.errors import UserError
from branchdesk.services import roster
from branchdesk.services.demo import build_demo
from branchdesk.store.database import Store

# Each writer adds its own tag to one of a few members, `rounds` times: read the member,
# add the tag, save with the version it read; on a conflict read again and retry. Every
# tag added must be there at the end.
WRITER = """
import json, random, sys, time
from branchdesk.errors import UserError
from branchdesk.services import roster
from branchdesk.store.database import Store
path, name, rounds, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
store = Store(path)
rng = random.Random(name)
time.sleep(max(0.0, start_at - time.time()))  # both start together
conflicts = locked = 0
for n in range(rounds):
    member_id = rng.randint(1, 3)
    while True:
        member = roster.get_member(store, member_id)
        time.sleep(rng.random() * 0.002)  # the time a person takes between reading and saving
        try:
            roster.update_member(store, name, member_id, {"tags": [*member.tags, f"{name}-{n}"]},
                                 expected_version=member.version)
            break
        except UserError as error:
            if error.key == "conflicts.member_changed":
                conflicts += 1
                continue
            if error.key == "store.locked":
                locked += 1
            raise
print(json.dumps({"conflicts": conflicts, "locked": locked}))
"""


def _writers(db: Path, tmp_path: Path, rounds: int, names=("甲", "乙")) -> list[dict]:
    start_at = str(time.time() + 2.0)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), name, str(rounds), start_at],
                              env=env_for(tmp_path), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for name in names]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert "locked" not in err.lower(), err
        results.append(json.loads(out))
    return results


@pytest.mark.parametrize("rounds", [pytest.param(300), pytest.param(3000, marks=pytest.mark.slow)])
def test_two_writers_lose_no_update_and_never_see_a_lock(tmp_path, tally, rounds):
    db = tmp_path / "branch.db"
    store = Store(db)
    build_demo(store, "李娜", members=50, seed=1)
    for member_id in (1, 2, 3):
        roster.update_member(store, "李娜", member_id, {"tags": []})
    store.close()
    results = _writers(db, tmp_path, rounds)
    store = Store(db, read_only=True)
    tags = [tag for member_id in (1, 2, 3) for tag in roster.get_member(store, member_id).tags]
    store.close()
    expected = {f"{name}-{n}" for name in ("甲", "乙") for n in range(rounds)}
    assert set(tags) == expected and len(tags) == len(expected)  # none lost, none twice
    assert all(r["locked"] == 0 for r in results)
    assert sum(r["conflicts"] for r in results) > 0  # they did collide, and it was reported
    database_is_sound(db)
    tally["updates contended"] += 2 * rounds
    tally["conflicting edits reported"] += sum(r["conflicts"] for r in results)


def test_a_conflicting_edit_is_reported_not_written_over(tmp_path):
    db = tmp_path / "branch.db"
    first, second = Store(db), Store(db)
    build_demo(first, "李娜", members=5, seed=1)
    mine = roster.get_member(first, 2)
    theirs = roster.get_member(second, 2)
    roster.update_member(second, "王芳", 2, {"notes": "王芳先改的"}, expected_version=theirs.version)
    with pytest.raises(UserError) as caught:
        roster.update_member(first, "李娜", 2, {"notes": "李娜后改的"}, expected_version=mine.version)
    assert "王芳" in caught.value.message and "not saved" in caught.value.message
    assert roster.get_member(first, 2).notes == "王芳先改的"


HOLDER = """
import sys, time
from branchdesk.store.database import Store
store = Store(sys.argv[1])
with store.transaction() as conn:
    conn.execute("UPDATE members SET notes = 'held' WHERE id = 1")
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    raise SystemExit(0)
"""


def test_reading_commands_do_not_wait_behind_a_long_writer(tmp_path):
    db = tmp_path / "branch.db"
    store = Store(db)
    build_demo(store, "李娜", members=30, seed=1)
    store.close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), "20"], env=env_for(tmp_path),
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        for args in (["members", "--limit", "3"], ["audit", "verify"], ["audit", "head"],
                     ["import", "list"], ["rules", "list"], ["staff", "list"],
                     ["messages", "list"], ["check", "--text", "稳健投资，注意风险"]):
            start = time.monotonic()
            done = run(cli("--db", str(db), *args), tmp_path, timeout=60)
            assert done.returncode in (0, 1), (args, done.stderr)
            assert "locked" not in done.stderr and "busy" not in done.stderr
            assert time.monotonic() - start < 15  # never waited for the 20-second writer
    finally:
        holder.kill()
        holder.wait()


def test_a_writer_waits_for_another_and_then_succeeds(tmp_path):
    db = tmp_path / "branch.db"
    store = Store(db)
    build_demo(store, "李娜", members=30, seed=1)
    store.close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), "2"], env=env_for(tmp_path),
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    done = run(cli("--db", str(db), "--user", "王芳", "messages", "draft", "--text", "注意风险"),
               tmp_path)
    holder.wait()
    assert done.returncode == 0, done.stderr
    database_is_sound(db)


def test_past_the_bound_a_busy_database_is_one_clear_message(tmp_path, monkeypatch):
    """A writer that holds the file longer than the bound: the second gets a message, not a
    traceback, after waiting the bound."""
    from branchdesk.store import database

    db = tmp_path / "branch.db"
    Store(db).close()
    other = sqlite3.connect(db)
    other.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.3)
    start = time.monotonic()
    with pytest.raises(UserError) as caught:
        Store(db)
    assert caught.value.key == "store.locked" and "Wait a moment" in caught.value.message
    assert 0.25 < time.monotonic() - start < 10
    other.rollback()
    other.close()
