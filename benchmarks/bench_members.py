"""`branchdesk members` on a big roster: time and memory of the whole process, as a script
meets them.

    python benchmarks/bench_members.py [--members 1000000] [--runs 3]

Builds a demo branch of that many members once (benchmarks/out/members_N.db, deterministic),
then runs, each time in a fresh process with its output sent to /dev/null:
  json    branchdesk members --json
  table   branchdesk members --all
  page    branchdesk members            (what a terminal shows: the first screenful)
  export  branchdesk export members -o benchmarks/out/members_export.xlsx
and reports the median wall time, the peak memory of the process (max RSS) and the load
average (1 min) when each run started, with the machine and the command.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TODAY = date(2026, 11, 25)  # the demo's dates are placed relative to it
COMMANDS = {
    "members --json": ["members", "--json"],
    "members --all": ["members", "--all"],
    "members --limit 40": ["members", "--limit", "40"],
    # Every member as a workbook (xlsxwriter, constant memory): the file lands in out/.
    "export members -o …": ["export", "members", "-o", str(OUT / "members_export.xlsx")],
}


def build(members: int) -> Path:
    """The demo branch of that many members (seed 7, TODAY), built once and kept."""
    db = OUT / f"members_{members}.db"
    if db.exists():
        return db
    from branchdesk.services import demo
    from branchdesk.store.database import Store

    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    partial = db.with_suffix(".partial.db")
    partial.unlink(missing_ok=True)
    store = Store(partial)
    demo.build_demo(store, "bench", members=members, seed=7, today=TODAY)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    partial.rename(db)
    print(f"built {members:,} members in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return db


def run_once(db: Path, args: list[str]) -> tuple[float, float, float]:
    """(seconds, peak MB, load at start) of one whole `branchdesk` process."""
    load = os.getloadavg()[0]
    env = {**os.environ, "BRANCHDESK_CONFIG": str(db.with_suffix(".no-config.toml"))}
    command = [sys.executable, "-m", "branchdesk", "--db", str(db), "--lang", "en", *args]
    started = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        process = subprocess.Popen(command, stdout=devnull, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed")
    return seconds, usage.ru_maxrss / 1024, load  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", metavar="TEXT", default="",
                        help="only the commands whose name holds TEXT (e.g. export)")
    args = parser.parse_args()
    commands = {name: command for name, command in COMMANDS.items() if args.only in name}
    db = build(args.members)
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    for run in range(args.runs):
        for name, command in commands.items():
            results[name].append(run_once(db, command))
        print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
    print(f"**Machine:** {platform.platform()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}  ")
    print(f"**Command:** `python benchmarks/bench_members.py --members {args.members} "
          f"--runs {args.runs}` (output to /dev/null)\n")
    print("| command | members | median s | min–max s | peak MB (max) | load at start |")
    print("|---|---:|---:|---:|---:|---|")
    for name, values in results.items():
        seconds = [v[0] for v in values]
        loads = [v[2] for v in values]
        print(f"| `branchdesk {name}` | {args.members:,} | {statistics.median(seconds):.1f} | "
              f"{min(seconds):.1f}–{max(seconds):.1f} | {max(v[1] for v in values):.0f} | "
              f"{min(loads):.1f}–{max(loads):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
