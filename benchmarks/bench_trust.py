"""What trust costs on a branch of 100,000 members, as a user meets it (whole processes).

    python benchmarks/bench_trust.py [--rows 100000] [--runs 3]

Imports the 100,000-row messy roster of bench_import.py into a fresh database once, then
times, each run in a fresh process on a fresh copy where the command changes the file:
  verify     branchdesk audit verify (chain, protections, every table against the trail)
  head       branchdesk audit head
  backup     branchdesk backup -o … (SQLite's backup API, then a quick check of the copy)
  trail      branchdesk audit trail --member 50000 -o …xlsx
  edit       one member edited through the service (a whole process: start, edit, commit)
  undo       branchdesk import undo 1 --force (100,000 members removed, each into the trail)
Prints a markdown table of medians and the load average at the start of each figure.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_import  # noqa: E402  (the same generated roster)

EDIT = ("import sys; from branchdesk.store.database import Store; from branchdesk.services import roster;"
        "roster.update_member(Store(sys.argv[1]), 'bench', 50000, {'notes': 'bench'})")


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "n/a"


def _timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    workbook = bench_import.generate(bench_import.OUT / f"roster_{args.rows}.xlsx", args.rows)
    scratch = Path(tempfile.mkdtemp(prefix="bench-trust-"))
    env = dict(os.environ, BRANCHDESK_CONFIG=str(scratch / "none.toml"), BRANCHDESK_LANG="en")
    cli = [sys.executable, "-m", "branchdesk"]
    base = scratch / "base.db"
    subprocess.run([*cli, "--db", str(base), "import", "roster", str(workbook)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    rows = []

    def figure(name: str, make_args, fresh_copy: bool) -> None:
        load = _load()
        times = []
        for run in range(args.runs):
            db = base
            if fresh_copy:
                db = scratch / f"copy-{name}-{run}.db"
                shutil.copy2(base, db)
            out = scratch / f"out-{name}-{run}"
            times.append(_timed(make_args(db, out), env))
        rows.append((name, statistics.median(times), load))

    figure("verify", lambda db, out: [*cli, "--db", str(db), "audit", "verify"], False)
    figure("head", lambda db, out: [*cli, "--db", str(db), "audit", "head"], False)
    figure("backup", lambda db, out: [*cli, "--db", str(db), "backup", "-o", f"{out}.db"], False)
    figure("trail", lambda db, out: [*cli, "--db", str(db), "audit", "trail", "--member", "50000",
                                     "-o", f"{out}.xlsx"], False)
    figure("edit", lambda db, out: [sys.executable, "-c", EDIT, str(db)], True)
    figure("undo", lambda db, out: [*cli, "--db", str(db), "import", "undo", "1", "--force"], True)
    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"Command: python benchmarks/bench_trust.py --rows {args.rows} --runs {args.runs}\n")
    print("| command | median s | load at start |")
    print("|---|---|---|")
    for name, seconds, load in rows:
        print(f"| {name} | {seconds:.2f} | {load} |")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
