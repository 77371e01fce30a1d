"""Engagement speed on a branch of 100,000 members and 2,000,000 activities (a year).

    python benchmarks/bench_engagement.py [--members 100000] [--activities 2000000] [--runs 5]

Builds the branch once into benchmarks/out/ (members from the demo generator, joined over two
years; activities spread over the past year with per-member rates from a long-tailed
distribution, so a third of the branch falls dormant; notes with numbers, so no two repeat),
and a 100,000-row activity sheet (.xlsx: account number, date-time cell, kind, note, staff).
Then measures, each phase in a fresh process (module loading included) on a fresh copy of the
branch so every run starts from the same database:

  log       one contact logged as the app does (`log_activity`: the activity, the member's
            last-active day and gap days, the audit row), 50 contacts with random members,
            each its own transaction — median and 95th percentile, and the first one;
  wake      opening the wake-up list in the running app (headless, 80x24): from the key `w`
            to the first page and the count on screen; and the service calls alone;
  read      python-calamine reading every cell of the activity sheet (the floor);
  import    `import_activities` of that sheet into the branch (safe reader in a child
            process, parse, match, dedupe, insert, refresh, one transaction).
The import and the read are also given in CPU time (user and system, the reader processes
included), which other work on the machine moves far less than wall time.

Prints a markdown table of medians, the load average at the start of each figure, and the
machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TODAY = date(2026, 11, 25)
KINDS = ("chat", "call", "visit", "reply", "attendance", "other")
SHEET_KINDS = ("电话", "私聊", "面谈", "群内回复", "微信", "拜访", "其他")
STAFF = ("周明远", "林晓雯", "陈志刚", "王丽华", "赵子健", "孙佳琪")
NOTE_WORDS = ("问候", "行情", "基金", "两融", "解套", "沙龙", "讲座", "风险测评", "定投", "分红", "港股",
              "开户")


def _note(rng: random.Random, i: int) -> str | None:
    if rng.random() < 0.35:
        return None
    return f"{rng.choice(NOTE_WORDS)}{rng.choice(NOTE_WORDS)}，第{i}次记录，{rng.randint(1, 9999)}"


def build_branch(path: Path, members: int, activities: int) -> Path:
    """The 100,000-member, 2,000,000-activity branch (built once, kept in benchmarks/out)."""
    if path.exists():
        return path
    from branchdesk import datetimes
    from branchdesk.services.demo import demo_members
    from branchdesk.store import activities as activity_rows
    from branchdesk.store import members as member_rows
    from branchdesk.store.database import Store

    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(12)
    started = time.perf_counter()
    store = Store(path)
    rows = demo_members(members, 12, TODAY)
    with store.transaction() as conn:
        with member_rows.indexes_built_after(conn, members):
            member_rows.insert_many(conn, rows)
        joined = [(datetime(2024, 12, 1, 2, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 700_000)))
                  .isoformat(timespec="seconds") for _ in range(members)]
        conn.executemany("UPDATE members SET created_at = ?, updated_at = ? WHERE id = ?",
                         ((j, j, i + 1) for i, j in enumerate(joined)))
    # Per-member rates with a long tail; a member stops being heard from at some point of the
    # year (or never starts), so the branch has dormant members of every age.
    weights = [rng.lognormvariate(0, 1.2) for _ in range(members)]
    scale = activities / sum(weights)
    zone = datetimes.branch_zone()
    year_start = datetime.combine(TODAY - timedelta(days=365), datetime.min.time(), tzinfo=zone)
    batch: list[tuple] = []
    written = 0
    with store.transaction() as conn:
        conn.execute("DROP INDEX activities_member")
        conn.execute("DROP INDEX activities_day")
        for member_id, weight in enumerate(weights, start=1):
            count = round(weight * scale)
            if written + count > activities:
                count = activities - written
            if count <= 0:
                continue
            active_until = rng.uniform(0.3, 1.0) if rng.random() < 0.35 else 1.0
            for _ in range(count):
                moment = year_start + timedelta(seconds=rng.uniform(0, 365 * 86400 * active_until))
                kind = rng.choice(KINDS)
                batch.append((member_id, kind, {"chat": "wechat", "call": "phone", "visit": "in_person",
                                                "reply": "group", "attendance": "event",
                                                "other": "other"}[kind],
                              moment.astimezone(UTC).isoformat(timespec="seconds"),
                              moment.date().isoformat(), rng.choice(STAFF), _note(rng, written),
                              "2026-11-25T00:00:00+00:00"))
                written += 1
            if len(batch) >= 200_000:
                conn.executemany("INSERT INTO activities (member_id, kind, channel, at, on_date, staff,"
                                 " note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch)
                batch.clear()
        if batch:
            conn.executemany("INSERT INTO activities (member_id, kind, channel, at, on_date, staff,"
                             " note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch)
        conn.execute("CREATE INDEX activities_member ON activities(member_id, at)")
        conn.execute("CREATE INDEX activities_day ON activities(on_date, gap_days, member_id, kind)")
        activity_rows.refresh(conn, {member_id: "" for member_id in range(1, members + 1)})
    store.conn.execute("ANALYZE")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    print(f"built {path.name}: {members:,} members, {written:,} activities in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def build_sheet(path: Path, rows: int, members: int) -> Path:
    """100,000 activities to import: account numbers of the branch, date-time cells in the
    last month, kinds in Chinese, notes that do not repeat."""
    if path.exists():
        return path
    import openpyxl

    rng = random.Random(99)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("互动记录")
    sheet.append(["2026年11月客户互动记录"])
    sheet.append(["资金账号", "联系时间", "类型", "沟通内容", "记录人"])
    start = datetime(2026, 10, 26, 9, 0)
    for i in range(rows):
        account = f"3100{rng.randint(1, members):08d}"
        moment = start + timedelta(seconds=rng.randint(0, 29 * 86400))
        sheet.append([account, moment, rng.choice(SHEET_KINDS), _note(rng, i) or "", rng.choice(STAFF)])
    book.save(path)
    return path


def _load() -> float:
    return os.getloadavg()[0]


# --- phases, each in a fresh process ---------------------------------------------------------

def phase_log(db: str) -> dict:
    start = time.perf_counter()
    from branchdesk.services import activities
    from branchdesk.store.database import Store

    store = Store(db)
    total = store.conn.execute("SELECT count(*) FROM members").fetchone()[0]
    opened = time.perf_counter() - start
    rng = random.Random(5)
    times = []
    for _ in range(50):
        member_id = rng.randint(1, total)
        begin = time.perf_counter()
        activities.log_activity(store, "bench", member_id, rng.choice(("call", "chat", "visit")),
                                note=f"回访{rng.randint(1, 10**6)}")
        times.append(time.perf_counter() - begin)
    return {"first_ms": times[0] * 1000, "median_ms": statistics.median(times) * 1000,
            "p95_ms": sorted(times)[int(len(times) * 0.95) - 1] * 1000, "open_s": opened}


def phase_wake(db: str) -> dict:
    from branchdesk.app import BranchDeskApp
    from branchdesk.i18n import set_language
    from branchdesk.services import reactivation
    from branchdesk.settings import Settings
    from branchdesk.store.database import Store
    from branchdesk.widgets.engagement.paged_list import PagedList

    store = Store(db)
    # The services alone: the count and the first page.
    begin = time.perf_counter()
    count = reactivation.count_dormant(store, TODAY, 30)
    first = reactivation.reactivation_list(store, TODAY, 30, limit=100)
    service_s = time.perf_counter() - begin
    set_language("zh")
    app = BranchDeskApp(Settings(db_path=Path(db), operator="bench", language="zh"), store, today=TODAY)
    result: dict = {"dormant": count, "service_s": service_s, "first_id": first[0].member_id}

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()
            await pilot.press("down")
            begin = time.perf_counter()
            await pilot.press("w")
            while True:
                screen = app.screen
                found = screen.query(PagedList) if type(screen).__name__ == "ReactivationScreen" else []
                if found and not found.first().busy and found.first().row_count:
                    break
                await asyncio.sleep(0.002)
            result["screen_s"] = time.perf_counter() - begin
            result["shown"] = found.first().row_count

    asyncio.run(drive())
    return result


def _cpu() -> float:
    """User and system seconds of this process and of its children that ended (the readers)."""
    import resource

    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                        resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def phase_read(sheet: str) -> dict:
    start = time.perf_counter()
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(sheet)
    cells = sum(len(row) for row in book.get_sheet_by_index(0).iter_rows())
    return {"cells": cells, "seconds": time.perf_counter() - start, "cpu": _cpu()}


def phase_import(sheet: str, db: str) -> dict:
    start = time.perf_counter()
    from branchdesk.services.activity_import import import_activities
    from branchdesk.store.database import Store

    report = import_activities(Store(db), sheet, "bench")
    return {"added": report.added, "skipped": report.skipped, "invalid": report.invalid,
            "seconds": time.perf_counter() - start, "cpu": _cpu()}


PHASES = {"log": phase_log, "wake": phase_wake, "read": phase_read, "import": phase_import}


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", *args], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=2_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=("log", "wake", "import"), action="append")
    parser.add_argument("--phase", nargs="+")
    args = parser.parse_args()
    if args.phase:
        name, *rest = args.phase
        print(json.dumps(PHASES[name](*rest)))
        return
    branch = build_branch(OUT / f"engage_{args.members}_{args.activities}.db", args.members,
                          args.activities)
    # For comparison: the same members and no activities yet (a branch starting to log).
    empty = build_branch(OUT / f"engage_{args.members}_0.db", args.members, 0)
    sheet = build_sheet(OUT / f"activities_{args.rows}.xlsx", args.rows, args.members)
    wanted = args.only or ["log", "wake", "import"]
    runs: dict[str, list[dict]] = {name: [] for name in ("log", "wake", "read", "import",
                                                         "import_empty")}
    loads: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(dir=OUT) as tmp:
            db = Path(tmp) / "branch.db"
            for name in wanted:
                shutil.copyfile(branch, db)
                for suffix in ("-wal", "-shm"):
                    Path(str(db) + suffix).unlink(missing_ok=True)
                if name == "import":
                    loads["read"].append(_load())
                    runs["read"].append(_child("read", str(sheet)))
                loads[name].append(_load())
                runs[name].append(_child(name, str(sheet), str(db)) if name == "import"
                                  else _child(name, str(db)))
                if name == "import":
                    shutil.copyfile(empty, db)
                    for suffix in ("-wal", "-shm"):
                        Path(str(db) + suffix).unlink(missing_ok=True)
                    loads["import_empty"].append(_load())
                    runs["import_empty"].append(_child("import", str(sheet), str(db)))
    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"Command: python benchmarks/bench_engagement.py --members {args.members} "
          f"--activities {args.activities} --rows {args.rows} --runs {args.runs}\n")
    print("| figure | median | runs | load at start (min–max) | target |")
    print("|---|---|---|---|---|")

    def row(label: str, values: list[float], unit: str, load_of: str, target: str) -> None:
        shown = ", ".join(f"{v:.1f}" if unit == "ms" else f"{v:.2f}" for v in values)
        load = loads[load_of]
        print(f"| {label} | **{statistics.median(values):.1f} {unit}** | {shown} | "
              f"{min(load):.1f}–{max(load):.1f} | {target} |" if unit == "ms" else
              f"| {label} | **{statistics.median(values):.2f} {unit}** | {shown} | "
              f"{min(load):.1f}–{max(load):.1f} | {target} |")

    if runs["log"]:
        row("log one contact (median of 50)", [r["median_ms"] for r in runs["log"]], "ms", "log",
            "< 30 ms")
        row("log one contact (95th percentile of 50)", [r["p95_ms"] for r in runs["log"]], "ms", "log",
            "")
        row("log one contact (the first after opening)", [r["first_ms"] for r in runs["log"]], "ms",
            "log", "")
    if runs["wake"]:
        row("open the wake-up list: key w → first page and count on screen",
            [r["screen_s"] * 1000 for r in runs["wake"]], "ms", "wake", "< 500 ms")
        row("wake-up list services alone (count + first page)",
            [r["service_s"] * 1000 for r in runs["wake"]], "ms", "wake", "")
    if runs["import"]:
        row("bare read of the sheet (python-calamine)", [r["seconds"] for r in runs["read"]], "s",
            "read", "")
        row(f"import {args.rows:,} activities", [r["seconds"] for r in runs["import"]], "s", "import", "")
        ratios = [i["seconds"] / r["seconds"] for r, i in zip(runs["read"], runs["import"], strict=True)]
        print(f"| import ÷ bare read (median of per-run ratios) | **{statistics.median(ratios):.2f}×** | "
              f"{', '.join(f'{x:.2f}' for x in ratios)} | | ≤ 3× |")
        row("bare read, CPU (user + system)", [r["cpu"] for r in runs["read"]], "s", "read", "")
        row(f"import {args.rows:,} activities, CPU (user + system, readers included)",
            [r["cpu"] for r in runs["import"]], "s", "import", "")
        ratios = [i["cpu"] / r["cpu"] for r, i in zip(runs["read"], runs["import"], strict=True)]
        print(f"| import ÷ bare read in CPU | **{statistics.median(ratios):.2f}×** | "
              f"{', '.join(f'{x:.2f}' for x in ratios)} | | |")
        row(f"import {args.rows:,} activities into the members without activities",
            [r["seconds"] for r in runs["import_empty"]], "s", "import_empty", "")
        ratios = [i["seconds"] / r["seconds"]
                  for r, i in zip(runs["read"], runs["import_empty"], strict=True)]
        print(f"| that import ÷ bare read | **{statistics.median(ratios):.2f}×** | "
              f"{', '.join(f'{x:.2f}' for x in ratios)} | | |")
        last = runs["import"][-1]
        print(f"\nImport result: {last['added']:,} added, {last['skipped']:,} skipped, "
              f"{last['invalid']:,} invalid.")
    if runs["wake"]:
        print(f"Dormant members listed: {runs['wake'][-1]['dormant']:,}.")


if __name__ == "__main__":
    main()
