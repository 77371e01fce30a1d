"""Events at branch scale, measured the way a person meets them.

    python benchmarks/bench_events.py [--members 100000] [--runs 5] [--checkins 500]

- invite: `branchdesk events invite EVENT --experience veteran` (a ~20,000-member segment of
  100,000, the suitability gate on: the event presents an R3 product) as a whole process,
  start-up included; each run invites to a fresh event. Also the service call alone.
- door: the real app in a 120x36 pseudo-terminal, an event with 600 registered members; for
  each of 500 check-ins the phone's last four digits are typed, and the clock runs from
  Enter to the confirmation "(#n)" on screen.
- agenda: 5,000 events (with registrations) over 20 weeks, 1,000 of them in the four weeks
  the agenda shows; the clock runs from the key that opens the events area (e) to the
  agenda's heading on screen, in a fresh app each run (the area's module is loaded then).
Prints markdown tables with the machine, the command and the load average at the start of
each figure.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench_tui import ROWS, Terminal, machine, percentile
from compiled import compile_project

from branchdesk.datetimes import zone
from branchdesk.models import MemberQuery
from branchdesk.services import demo, events, registrations
from branchdesk.store import events as event_rows
from branchdesk.store import registrations as registration_rows
from branchdesk.store.database import open_store

TZ = zone("Asia/Shanghai")
KEY_DOWN, KEY_ENTER, KEY_ESCAPE = "\x1b[B", "\r", "\x1b"


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def env_for(db: Path) -> dict[str, str]:
    return {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": str(ROWS),
            "BRANCHDESK_CONFIG": str(db.with_suffix(".no-config.toml"))}


def app_command(db: Path) -> list[str]:
    return [sys.executable, "-m", "branchdesk", "--db", str(db), "--lang", "en", "--user", "bench"]


def salon(title: str, start: datetime, room: str, **values) -> dict:
    return {"kind": "salon", "title": title, "start": start, "end": start + timedelta(hours=2),
            "room": room, "capacity": 100_000, **values}


# --- invite ----------------------------------------------------------------------------------


def bench_invite(base: Path, folder: Path, runs: int) -> list[str]:
    db = folder / "invite.db"
    shutil.copy(base, db)
    store = open_store(db)
    start = datetime.now(TZ).replace(minute=0, second=0, microsecond=0) + timedelta(days=30)
    ids = [events.create_events(store, "bench", salon(f"讲座 {i}", start + timedelta(days=i),
                                                     "301", product_risk="R3"), tz=TZ
                                ).events[0].id for i in range(runs * 3)]
    lines, process, service, everyone = [], [], [], []
    loads = []
    query = MemberQuery(experience="veteran")
    for run in range(runs):
        loads.append(load())
        began = time.perf_counter()
        subprocess.run([*app_command(db), "events", "invite", str(ids[run]),
                        "--experience", "veteran"], check=True,
                       stdout=subprocess.DEVNULL, env=env_for(db))
        process.append(time.perf_counter() - began)
        began = time.perf_counter()
        result = registrations.invite(store, "bench", ids[runs + run], query)
        service.append(time.perf_counter() - began)
        began = time.perf_counter()
        subprocess.run([*app_command(db), "events", "invite", str(ids[2 * runs + run]),
                        "--experience", "veteran", "--include-unsuitable", "benchmark"],
                       check=True, stdout=subprocess.DEVNULL, env=env_for(db))
        everyone.append(time.perf_counter() - began)
    lines.append(f"Segment: {result.matched:,} members match, {len(result.invited):,} invited, "
                 f"{len(result.unsuitable):,} left out by the gate (R3 product). "
                 f"Load at the start of each run: {', '.join(loads)}.\n")
    lines.append("| measure | runs | median | max | target |")
    lines.append("|---|---:|---:|---:|---:|")
    lines.append(f"| `events invite` whole process | {runs} | {statistics.median(process):.2f} s | "
                 f"{max(process):.2f} s | < 2 s |")
    lines.append(f"| invite service call alone | {runs} | {statistics.median(service):.2f} s | "
                 f"{max(service):.2f} s | — |")
    lines.append(f"| `events invite … --include-unsuitable REASON` (all {result.matched:,} "
                 f"written) | {runs} | {statistics.median(everyone):.2f} s | "
                 f"{max(everyone):.2f} s | < 2 s |")
    store.close()
    return lines


# --- door ------------------------------------------------------------------------------------


def bench_door(base: Path, folder: Path, checkins: int) -> list[str]:
    db = folder / "door.db"
    shutil.copy(base, db)
    store = open_store(db)
    now = datetime.now(TZ).replace(second=0, microsecond=0)
    event = events.create_events(store, "bench", salon("门口签到基准", now - timedelta(minutes=10),
                                                       "大厅"), tz=TZ).events[0]
    rng = random.Random(11)
    phones = dict(store.conn.execute("SELECT id, phone FROM members").fetchall())
    chosen = rng.sample(sorted(phones), 600)
    for member_id in chosen:
        registrations.register(store, "bench", event.id, member_id)
    tails: dict[str, int] = {}
    for member_id in chosen:
        tail = phones[member_id][-4:]
        tails[tail] = -1 if tail in tails else member_id
    order = [tail for tail, member_id in tails.items() if member_id > 0][:checkins]
    store.close()
    term = Terminal(app_command(db), env_for(db))
    times: list[float] = []
    started_load = load()
    try:
        term.wait_for("Sort", 0, timeout=60)
        term.settle(1.0)
        mark, _ = term.send(KEY_DOWN)
        term.settle(0.3)
        mark, _ = term.send("e")
        term.wait_for("events", mark)
        term.settle(0.5)
        mark, _ = term.send("d")
        term.wait_for("registered", mark)
        term.settle(0.5)
        for count, tail in enumerate(order, start=1):
            mark, _ = term.send(tail)
            term.wait_for(tail, mark)
            term.settle(0.02)
            mark, sent = term.send(KEY_ENTER)
            times.append(term.wait_for(f"(#{count})", mark) - sent)
            term.settle(0.03)
    finally:
        term.close()
    return [f"{len(times)} check-ins of 600 registered (100,000 members on the roster); load at "
            f"the start: {started_load}.\n",
            "| measure | n | median | p95 | max | target |", "|---|---:|---:|---:|---:|---:|",
            f"| Enter → confirmation on screen | {len(times)} | "
            f"{statistics.median(times) * 1000:.0f} ms | {percentile(times, 0.95) * 1000:.0f} ms | "
            f"{max(times) * 1000:.0f} ms | p95 < 50 ms |"]


# --- agenda ----------------------------------------------------------------------------------


def bench_agenda(base: Path, folder: Path, runs: int) -> list[str]:
    db = folder / "agenda.db"
    shutil.copy(base, db)
    store = open_store(db)
    monday = datetime.now(TZ).replace(hour=8, minute=0, second=0, microsecond=0)
    monday -= timedelta(days=monday.weekday(), weeks=8)
    rng = random.Random(5)
    member_ids = [row[0] for row in store.conn.execute("SELECT id FROM members")]
    per_day = [5000 // 140 + (1 if day < 5000 % 140 else 0) for day in range(140)]
    made = 0
    # Set up in one transaction through the store (what is measured is the agenda, not this).
    with store.transaction() as conn:
        for day, count in enumerate(per_day):
            for slot in range(count):
                start = monday + timedelta(days=day, minutes=30 * slot)
                event_id = event_rows.insert(conn, {
                    "kind": rng.choice(["salon", "lecture", "discussion", "course"]),
                    "title": f"{rng.choice(['价值投资', 'ETF 定投', '两融入门', '资产配置'])}"
                             f"第{made + 1}期",
                    "starts_at": start, "ends_at": start + timedelta(minutes=90),
                    "room": f"R{made}", "capacity": 200, "audience": {}, "status": "open"})
                registration_rows.invite_many(conn, event_id, rng.sample(member_ids, 20), {})
                made += 1
    first = monday + timedelta(weeks=8)
    shown = len(events.list_events(store, TZ, first.date(), (first + timedelta(days=27)).date()))
    store.close()
    times, again, control, loads = [], [], [], []
    marker = f"· {shown} events"
    for _ in range(runs):
        loads.append(load())
        term = Terminal(app_command(db), env_for(db))
        try:
            term.wait_for("Sort", 0, timeout=60)
            term.settle(1.5)
            term.send(KEY_DOWN)
            term.settle(0.3)
            mark, sent = term.send("e")
            times.append(term.wait_for(marker, mark) - sent)
            term.settle(0.5)
            for _ in range(3):  # back to the roster and in again: the agenda is read again
                mark, _ = term.send(KEY_ESCAPE)
                term.wait_for("Sort", mark)
                term.settle(0.5)
                mark, sent = term.send("e")
                again.append(term.wait_for(marker, mark) - sent)
                term.settle(0.5)
        finally:
            term.close()
        # For scale: the same key path to an area with nothing to read (the review queue).
        term = Terminal(app_command(db), env_for(db))
        try:
            term.wait_for("Sort", 0, timeout=60)
            term.settle(1.5)
            term.send(KEY_DOWN)
            term.settle(0.3)
            mark, sent = term.send("v")
            control.append(term.wait_for("Waiting for review", mark) - sent)
            term.settle(0.3)
        finally:
            term.close()
    return [f"{made:,} events (each with 20 invitations) over 20 weeks; the agenda's four weeks "
            f"hold {shown:,}. Load at the start of each run: {', '.join(loads)}.\n",
            "| measure | runs | median | max | target |", "|---|---:|---:|---:|---:|",
            f"| key e → agenda on screen (first open) | {runs} | "
            f"{statistics.median(times) * 1000:.0f} ms | {max(times) * 1000:.0f} ms | < 300 ms |",
            f"| key e → agenda on screen (area opened before: read again) | {len(again)} | "
            f"{statistics.median(again) * 1000:.0f} ms | {max(again) * 1000:.0f} ms | < 300 ms |",
            f"| for scale: key v → the (empty) review queue, first open | {len(control)} | "
            f"{statistics.median(control) * 1000:.0f} ms | {max(control) * 1000:.0f} ms | — |"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checkins", type=int, default=500)
    parser.add_argument("--only", choices=("invite", "door", "agenda"))
    args = parser.parse_args()
    compile_project()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base = folder / "base.db"
        store = open_store(base)
        demo.build_demo(store, "bench", members=args.members, seed=7)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        out = [f"**Machine:** {machine()}  ",
               f"**Command:** `python benchmarks/bench_events.py --members {args.members} "
               f"--runs {args.runs} --checkins {args.checkins}`\n"]
        if args.only in (None, "invite"):
            out += ["#### Inviting a segment\n", *bench_invite(base, folder, args.runs), ""]
        if args.only in (None, "door"):
            out += ["#### Door check-in in the real app\n",
                    *bench_door(base, folder, args.checkins), ""]
        if args.only in (None, "agenda"):
            out += ["#### Opening the agenda\n", *bench_agenda(base, folder, args.runs), ""]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
