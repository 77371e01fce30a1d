"""Weekly review speed on a branch of 100,000 members and a year of activity.

    python benchmarks/bench_review.py [--runs 5] [--build-only]

Builds the branch once into benchmarks/out/: members and ~2,000,000 activities from
bench_engagement.py's builder (a year up to 2026-11-25, long-tailed per-member rates, a third
of the branch falling dormant), then 500 events with ~100,000 invitations and their outcomes,
20,000 checked messages (distinct texts; a fifth warned or blocked, with findings; review and
send times), 1,000 complaints with working-day deadlines, and 5,000 follow-ups.

Then measures whole processes as a user meets them, each run on the same database:

  review     `branchdesk review --week 2026-W48 --json` (start-up included)   target < 2 s
  export     `branchdesk export review --week 2026-W48 -o FILE.xlsx`,
             wall time and peak RSS (from the child's rusage)               target < 15 s, 400 MB
  dashboard  the app headless at 160x45: from the key on the main screen to the dashboard
             showing its figures                                            target < 1 s

Prints a markdown table of medians, the load average at the start of each figure, the
machine and the command.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_engagement import OUT, STAFF, TODAY, build_branch  # noqa: E402
from compiled import compile_project  # noqa: E402

WEEK = "2026-W48"  # the week of TODAY in bench_engagement
CATEGORIES = ("guarantee", "exaggeration", "unlicensed", "insider", "disclosure", "suitability",
              "privacy")
WORDS = ("基金", "定投", "两融", "港股", "分红", "解套", "沙龙", "讲座", "风险", "配置", "行情", "ETF")


def _moment(rng: random.Random, days_back: int) -> datetime:
    start = datetime.combine(TODAY - timedelta(days=days_back), datetime.min.time(), tzinfo=UTC)
    return start + timedelta(seconds=rng.uniform(0, days_back * 86400))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def build_review_branch(members: int, activities: int) -> Path:
    path = OUT / f"review_{members}_{activities}.db"
    if path.exists():
        return path
    base = build_branch(OUT / f"engage_{members}_{activities}.db", members, activities)
    import shutil

    shutil.copyfile(base, path)
    from branchdesk.store.database import Store

    started = time.perf_counter()
    rng = random.Random(48)
    store = Store(path)
    stamp = "2026-11-25T00:00:00+00:00"
    with store.transaction() as conn:
        regs: list[tuple] = []
        for _ in range(500):
            starts = _moment(rng, 365).replace(minute=0, second=0)
            kind = rng.choice(("lecture", "salon", "discussion", "course"))
            status = "cancelled" if rng.random() < 0.05 else "open"
            event_id = conn.execute(
                "INSERT INTO events (kind, title, starts_at, ends_at, capacity, status, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, f"{rng.choice(WORDS)}{rng.choice(WORDS)}专题 第{rng.randint(1, 999)}期",
                 _iso(starts), _iso(starts + timedelta(hours=2)), rng.choice((None, 30, 60, 200)),
                 status, stamp, stamp)).lastrowid
            invited = rng.sample(range(1, members + 1), rng.randint(50, 350))
            for member_id in invited:
                state = rng.choices(("invited", "registered", "attended", "no_show", "cancelled",
                                     "waitlisted"), weights=(40, 5, 30, 12, 8, 5))[0]
                regs.append((event_id, member_id, state, int(state == "attended" and
                                                              rng.random() < 0.05), stamp, stamp))
        conn.executemany("INSERT INTO registrations (event_id, member_id, state, walk_in, created_at,"
                         " updated_at) VALUES (?, ?, ?, ?, ?, ?)", regs)
        messages = []
        for i in range(20_000):
            created = _moment(rng, 365)
            verdict = rng.choices(("pass", "warn", "block"), weights=(80, 12, 8))[0]
            findings = [] if verdict == "pass" else [
                {"rule": f"r{rng.randint(1, 80)}", "category": rng.choice(CATEGORIES),
                 "severity": verdict} for _ in range(rng.randint(1, 3))]
            status = rng.choices(("draft", "submitted", "approved", "rejected", "sent"),
                                 weights=(5, 5, 20, 10, 60))[0]
            submitted = created + timedelta(minutes=rng.randint(1, 120))
            reviewed = submitted + timedelta(minutes=rng.randint(5, 2000))
            decided = status in ("approved", "rejected", "sent")
            messages.append((
                rng.choice(STAFF), "解套互助群",
                f"{rng.choice(WORDS)}：第{i}条，{rng.choice(WORDS)}{rng.randint(1, 10**6)}，"
                f"{'保本保收益' if verdict == 'block' else '投资有风险'}",
                verdict, json.dumps(findings, ensure_ascii=False), status, _iso(created),
                _iso(submitted) if status != "draft" else None,
                "合规王" if decided else None, _iso(reviewed) if decided else None,
                "客户要求，已补充风险提示" if decided and verdict == "block" and status != "rejected"
                else None, _iso(reviewed + timedelta(minutes=30)) if status == "sent" else None))
        conn.executemany(
            "INSERT INTO messages (author, community, text, verdict, findings, pack_version, status,"
            " created_at, submitted_at, reviewer, reviewed_at, override_reason, sent_at)"
            " VALUES (?, ?, ?, ?, ?, 'bench', ?, ?, ?, ?, ?, ?, ?)", messages)
        complaints = []
        for _ in range(1_000):
            opened = _moment(rng, 365)
            opened_on = (opened + timedelta(hours=8)).date()
            resolved = opened + timedelta(days=rng.uniform(0.5, 20)) if rng.random() < 0.85 else None
            if resolved and resolved.date() > TODAY:
                resolved = None
            complaints.append((
                rng.randint(1, members), rng.choice(("phone", "wechat", "counter", "regulator")),
                rng.choice(("service", "trading_system", "fees", "staff_conduct", "other")),
                f"投诉：{rng.choice(WORDS)}{rng.randint(1, 10**6)}", _iso(opened), opened_on.isoformat(),
                rng.choice(STAFF), "resolved" if resolved else rng.choice(("open", "in_progress")),
                (opened_on + timedelta(days=1)).isoformat(), (opened_on + timedelta(days=14)).isoformat(),
                _iso(opened + timedelta(hours=5)) if rng.random() < 0.9 else None,
                _iso(resolved) if resolved else None, "bench", stamp, stamp))
        conn.executemany(
            "INSERT INTO complaints (member_id, channel, category, summary, opened_at, opened_on, owner,"
            " status, first_response_due, resolution_due, responded_at, resolved_at, created_by,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", complaints)
        conn.executemany(
            "INSERT OR IGNORE INTO follow_ups (member_id, due_on, reason, set_by, set_at)"
            " VALUES (?, ?, '回访', 'bench', ?)",
            ((rng.randint(1, members), (TODAY + timedelta(days=rng.randint(-30, 30))).isoformat(),
              stamp) for _ in range(5_000)))
    store.conn.execute("ANALYZE")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    print(f"built {path.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def _load() -> float:
    return os.getloadavg()[0]


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "BRANCHDESK_DB": str(db), "BRANCHDESK_LANG": "zh",
            "BRANCHDESK_CONFIG": str(OUT / "no-config.toml")}


def _branchdesk() -> str:
    return str(Path(sys.executable).with_name("branchdesk"))


def run_review(db: Path) -> dict:
    begin = time.perf_counter()
    out = subprocess.run([_branchdesk(), "review", "--week", WEEK, "--json"], env=_env(db),
                         check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - begin
    data = json.loads(out.stdout)
    return {"seconds": seconds, "active": data["members"]["active"],
            "dormant": data["members"]["dormant"], "total": data["members"]["total"]}


def run_export(db: Path, target: Path) -> dict:
    begin = time.perf_counter()
    child = subprocess.Popen([_branchdesk(), "export", "review", "--week", WEEK, "-o", str(target)],
                             env=_env(db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, _, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - begin
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "bytes": target.stat().st_size}


def phase_dashboard(db: str) -> dict:
    from branchdesk import datetimes
    from branchdesk.app import BranchDeskApp
    from branchdesk.i18n import set_language
    from branchdesk.settings import Settings
    from branchdesk.store.database import Store

    store = Store(db)
    set_language("zh")
    today = TODAY
    app = BranchDeskApp(Settings(db_path=Path(db), operator="bench", language="zh"), store,
                        today=today)
    result: dict = {}

    async def drive() -> None:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()
            begin = time.perf_counter()
            # The key as a terminal delivers it: pilot.press would then wait for the process
            # to fall idle (up to a second, twice), which the dashboard's worker prevents, and
            # the figures below would count that wait.
            # The app imports the dashboard's modules when the key is pressed: so does this.
            app.simulate_key("b")
            while not (type(app.screen).__name__ == "DashboardScreen" and app.screen.is_mounted):
                await asyncio.sleep(0.002)
            result["shown"] = time.perf_counter() - begin  # the screen, "computing…"
            while app.screen.review is None:
                await asyncio.sleep(0.002)
            result["seconds"] = time.perf_counter() - begin  # this week against last
            while len(app.screen.review.trend) < 8:
                await asyncio.sleep(0.002)
            result["trend"] = time.perf_counter() - begin  # and the 8-week sparklines
            result["week"] = app.screen.review.week.label

    datetimes.set_branch_zone("Asia/Shanghai")
    asyncio.run(drive())
    return result


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", *args], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--only", choices=("review", "export", "dashboard"), action="append")
    parser.add_argument("--phase", nargs="+")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase_dashboard(args.phase[1])))
        return
    db = build_review_branch(args.members, args.activities)
    if args.build_only:
        return
    compile_project()
    wanted = args.only or ["review", "export", "dashboard"]
    runs: dict[str, list[dict]] = {name: [] for name in wanted}
    loads: dict[str, list[float]] = {name: [] for name in wanted}
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        for run in range(args.runs):
            for name in wanted:
                loads[name].append(_load())
                if name == "review":
                    runs[name].append(run_review(db))
                elif name == "export":
                    runs[name].append(run_export(db, Path(tmp) / f"review-{run}.xlsx"))
                else:
                    runs[name].append(_child("dashboard", str(db)))
    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
          f", RSS limit {resource.getrlimit(resource.RLIMIT_AS)[0]}")
    print(f"Command: python benchmarks/bench_review.py --members {args.members} "
          f"--activities {args.activities} --runs {args.runs}\n")
    print("| figure | median | runs | load at start (min–max) | target |")
    print("|---|---|---|---|---|")

    def row(label: str, name: str, key: str, unit: str, target: str) -> None:
        values = [r[key] for r in runs[name]]
        shown = ", ".join(f"{v:.2f}" if unit == "s" else f"{v:.0f}" for v in values)
        median = statistics.median(values)
        print(f"| {label} | **{median:.2f} {unit}** | {shown} | {min(loads[name]):.1f}–"
              f"{max(loads[name]):.1f} | {target} |" if unit == "s" else
              f"| {label} | **{median:.0f} {unit}** | {shown} | {min(loads[name]):.1f}–"
              f"{max(loads[name]):.1f} | {target} |")

    if "review" in runs:
        row(f"`branchdesk review --week {WEEK} --json` (whole process)", "review", "seconds", "s",
            "< 2 s")
    if "export" in runs:
        row(f"`branchdesk export review --week {WEEK}` (whole process)", "export", "seconds", "s",
            "< 15 s")
        row("… its peak RSS", "export", "peak_mb", "MB", "< 400 MB")
    if "dashboard" in runs:
        row("dashboard: key on the main screen → the screen shown, computing (160x45)",
            "dashboard", "shown", "s", "")
        row("dashboard: key on the main screen → figures on screen (160x45)", "dashboard",
            "seconds", "s", "< 1 s")
        row("dashboard: … and the 8-week trends", "dashboard", "trend", "s", "")
    if "review" in runs:
        last = runs["review"][-1]
        print(f"\nWeek {WEEK}: {last['total']:,} members, {last['active']:,} active, "
              f"{last['dormant']:,} dormant.")
    if "export" in runs:
        print(f"Workbook: {runs['export'][-1]['bytes'] / 1024:.0f} KB.")


if __name__ == "__main__":
    main()
