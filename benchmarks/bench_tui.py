"""How quick the roster feels with 100,000 or 1,000,000 members, measured the way a person sees it.

The real `branchdesk` runs in a pseudo-terminal (120x36); keys are written to it and the
clock stops when the expected text arrives in what the app draws: the (masked) account number of the
row that must be on top. (Textual only redraws lines that changed, so each marker is picked
so that it cannot already be on that line.)

    python benchmarks/bench_tui.py [--members 100000] [--runs 3]

Measures, each over several tries and runs:
- launch → first rows on screen (includes Python start-up, imports, opening the database);
- one keystroke in the search box → the new first row (after a pause, the usual case): a
  surname, a digit (a phone or account tail), a character of a tag;
- a 4-key burst (a phone tail typed fast) → its rows: waits for the 150 ms debounce by design;
- End in the list → the last member on screen (and Home → the first).
Prints a markdown table with the machine and the command.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import platform
import pty
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from bench_members import TODAY, build

from branchdesk.models import MemberQuery
from branchdesk.services import roster
from branchdesk.store.database import open_store

COLUMNS, ROWS = 120, 36
KEY_DOWN, KEY_END, KEY_HOME, KEY_ESCAPE, CTRL_Q = "\x1b[B", "\x1b[F", "\x1b[H", "\x1b", "\x11"
SINGLE_KEYS = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "1", "2", "3", "5",
               "6", "7", "8", "9", "退", "医"]
BURSTS = ["5678", "1234", "8888", "2468", "1357", "9021", "4455", "7001"]


class Terminal:
    """The app in a pty; everything it draws is kept with the time it arrived."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                        env=env, start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = b""

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            with contextlib.suppress(OSError):  # the app has exited
                self.output += os.read(self.master, 1 << 16)

    def wait_for(self, text: str, since: int, timeout: float = 20.0) -> float:
        """Seconds until `text` shows up in output after byte `since`."""
        wanted = text.encode()
        deadline = time.perf_counter() + timeout
        while wanted not in self.output[since:]:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{text!r} did not appear")
            self._read(0.002)
        return time.perf_counter()

    def send(self, keys: str) -> tuple[int, float]:
        """Drain what is pending, write the keys; returns (output position, time sent)."""
        self._read(0)
        mark = len(self.output)
        os.write(self.master, keys.encode())
        return mark, time.perf_counter()

    def settle(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self._read(0.01)

    def close(self) -> None:
        try:
            os.write(self.master, CTRL_Q.encode())
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=5)
        os.close(self.master)


def first_account(store, **query) -> str:
    found = roster.list_members(store, MemberQuery(**query), limit=1, today=TODAY)
    return found[0].masked_account if found else ""


def one_run(db: Path, store, results: dict[str, list[float]], loads: list[float]) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS),
           "BRANCHDESK_CONFIG": str(db.with_suffix(".no-config.toml"))}
    command = [sys.executable, "-m", "branchdesk", "--db", str(db), "--lang", "en", "--user", "bench"]
    top = first_account(store)
    loads.append(os.getloadavg()[0])
    term = Terminal(command, env)
    try:
        results["launch → first rows"].append(term.wait_for(top, 0) - term.started)
        term.settle(1.0)  # let start-up work (filter lists) finish
        for key in SINGLE_KEYS:
            expected = first_account(store, search=key)
            if not expected or expected == top:
                continue
            mark, sent = term.send(key)
            results["search: 1 key → rows"].append(term.wait_for(expected, mark) - sent)
            term.settle(0.2)
            mark, _ = term.send(KEY_ESCAPE)  # clear: the full list comes back
            term.wait_for(top, mark)
            term.settle(0.2)
        for burst in BURSTS:
            expected = first_account(store, search=burst)
            if not expected or expected == top:
                continue
            mark, sent = term.send(burst)
            results["search: 4-key burst → rows"].append(term.wait_for(expected, mark) - sent)
            term.settle(0.2)
            mark, _ = term.send(KEY_ESCAPE)
            term.wait_for(top, mark)
            term.settle(0.2)
        last = roster.list_members(store, MemberQuery(), offset=roster.total_members(store) - 1,
                                   limit=1, today=TODAY)[0].masked_account
        term.send(KEY_DOWN)  # from the search box to the list
        term.settle(0.3)
        for _ in range(5):
            mark, sent = term.send(KEY_END)
            results["End → last row"].append(term.wait_for(last, mark) - sent)
            term.settle(0.2)
            mark, sent = term.send(KEY_HOME)
            results["Home → first row"].append(term.wait_for(top, mark) - sent)
            term.settle(0.2)
    finally:
        term.close()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return (f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
            f"textual {version('textual')}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    targets = {"launch → first rows": 1.5, "search: 1 key → rows": 0.1, "End → last row": 0.2}
    with tempfile.TemporaryDirectory() as folder:
        # The demo branch is built once into benchmarks/out/ and copied for each use, so
        # that the app never finds a database another run left warm or changed.
        db = Path(folder) / "bench.db"
        shutil.copy(build(args.members), db)
        store = open_store(db)
        results: dict[str, list[float]] = {name: [] for name in (
            "launch → first rows", "search: 1 key → rows", "search: 4-key burst → rows",
            "End → last row", "Home → first row")}
        loads: list[float] = []
        for run in range(args.runs):
            one_run(db, store, results, loads)
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
    print(f"**Machine:** {machine()}  ")
    print(f"**Command:** `python benchmarks/bench_tui.py --members {args.members} "
          f"--runs {args.runs}` (real app in a {COLUMNS}x{ROWS} pty)  ")
    print(f"**Load average (1 min) at the start of each run:** "
          f"{', '.join(f'{x:.1f}' for x in loads)}\n")
    print("| measure | n | median | p95 | max | target |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, values in results.items():
        if not values:
            continue
        target = f"< {targets[name] * 1000:.0f} ms" if name in targets else "—"
        print(f"| {name} | {len(values)} | {statistics.median(values) * 1000:.0f} ms | "
              f"{percentile(values, 0.95) * 1000:.0f} ms | {max(values) * 1000:.0f} ms | {target} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
