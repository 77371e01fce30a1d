"""Roster import and re-import speed and memory, with members changed as a month brings them.

    python benchmarks/bench_import.py [--rows 100000,300000] [--changed 0,1,10,100] [--runs 3]

For each size, generates a messy roster (.xlsx, 13 columns, two title rows above the header)
once into benchmarks/out/, and beside it the same roster with 1%, 10%, 100% of the members
changed (the same rows; a new advisor, new notes or a new risk level, in turn). Then, in each
run and each in a fresh process (module loading included, peak memory its own):
  read          python-calamine reading every cell of the file, nothing else (the floor);
  import        the full `import_roster` into an empty database;
  reimport 0%   the same file again into that database (everything unchanged);
  reimport N%   the file with N% of the members changed, into a copy of the database as the
                import left it.
Prints, per size, a markdown table: medians, the median of per-run ratios to the bare read of
the same run, the CPU time of the phase (the process and its reader processes), the import process's
own peak memory (and per row of the file), the reader children's, the load average (1 min)
when each figure's processes started, and the counts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
HEADER = ["序号", "客户姓名", "手机号码", "资金账号", "风险承受能力", "投资经验", "客户需求",
          "服务人员", "开户日期", "总资产（万元）", "所在社群", "备注", "微信昵称"]
_ADVISOR, _RISK, _NOTES = 7, 4, 11  # columns a month's changes touch
NEW_ADVISOR = "赵子健"  # not among the generated ones: always a change


def _messy_row(rng: random.Random, i: int) -> list:
    phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
    phone_cell = rng.choice([phone, int(phone), float(phone), f"{phone[:3]} {phone[3:7]} {phone[7:]}",
                             f"+86-{phone}"])
    account = f"{3100_0000_0000 + i}"
    account_cell = rng.choice([account, int(account), float(account)])
    risk = rng.choice(["C1", "c2", "3", "稳健型", "C4-积极型", "激进型", ""])
    exp = rng.choice(["新手", "进阶", "资深", "老股民", "小白", ""])
    needs = "；".join(rng.sample(["解套", "赚钱", "配置", "舞台", "退休", "宝妈"], k=rng.randint(0, 3)))
    y, m, d = rng.randint(2005, 2025), rng.randint(1, 12), rng.randint(1, 28)
    opened = rng.choice([f"{y}/{m}/{d}", f"{y}-{m:02d}-{d:02d}", f"{y}年{m}月{d}日", f"{y}{m:02d}{d:02d}"])
    assets = rng.choice([round(rng.uniform(0.5, 500), 2), f"{rng.uniform(0.5, 500):.2f}", ""])
    return [i, f"客户{i}", phone_cell, account_cell, risk, exp, needs,
            rng.choice(["周明远", "林晓雯", "陈志刚"]), opened, assets,
            rng.choice(["价值投资交流群", "解套互助群, 新手成长营", ""]), rng.choice(["", "回访"]),
            f"nick{i}"]


def changed_row(row: list, turn: int) -> list:
    """The row with one change a member can really have: advisor, notes or risk level."""
    row = list(row)
    if turn % 3 == 0:
        row[_ADVISOR] = NEW_ADVISOR
    elif turn % 3 == 1:
        row[_NOTES] = f"11月回访：{row[0]}"
    else:  # a level the row does not hold (激进型 is C5)
        row[_RISK] = "C1" if row[_RISK] == "激进型" else "激进型"
    return row


def changed_members(rows: int, percent: int) -> set[int]:
    """Which members (1-based) the N% file changes: the same choice every time."""
    if percent >= 100:
        return set(range(1, rows + 1))
    return set(random.Random(percent).sample(range(1, rows + 1), rows * percent // 100))


def _path(rows: int, percent: int) -> Path:
    return OUT / (f"roster_{rows}.xlsx" if percent == 0 else f"roster_{rows}_changed{percent}.xlsx")


def generate(rows: int, percents: list[int]) -> dict[int, Path]:
    """The base file and one per percentage of changed members (made once, then kept)."""
    wanted = {p: _path(rows, p) for p in sorted({0, *percents})}
    missing = [p for p, path in wanted.items() if not path.exists()]
    if missing:
        import openpyxl

        OUT.mkdir(parents=True, exist_ok=True)
        rng = random.Random(42)
        base = [_messy_row(rng, i) for i in range(1, rows + 1)]
        for percent in missing:
            changed = changed_members(rows, percent) if percent else set()
            book = openpyxl.Workbook(write_only=True)
            sheet = book.create_sheet("客户名单")
            sheet.append(["上海陆家嘴营业部客户名单"])
            sheet.append(["导出时间：2026-11-25"])
            sheet.append(HEADER)
            for row in base:
                sheet.append(changed_row(row, row[0]) if row[0] in changed else row)
            book.save(wanted[percent])
            print(f"generated {wanted[percent].name}", file=sys.stderr)
    return wanted


def _peak_mb() -> tuple[float, float]:
    """This process's peak resident memory and its children's, in MB.

    On Linux a process's ``ru_maxrss`` keeps the peak of the image it was started from (the
    benchmark's own process, which may have just generated a 300,000-row workbook), so the
    process's own figure is read from ``VmHWM``, which starts afresh at ``exec``. The reader
    children's figure may include what this process held when it started them.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1])
    except OSError:
        pass
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024, children / 1024  # Linux reports KiB


def run_phase(phase: str, workbook: str, db: str) -> dict:
    """One measurement, in this (fresh) process."""
    start = time.perf_counter()
    if phase == "read":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(workbook)
        cells = sum(len(row) for row in book.get_sheet_by_index(0).iter_rows())
        result: dict = {"cells": cells}
    else:
        from branchdesk.services.importing import import_roster
        from branchdesk.store.database import Store

        report = import_roster(Store(db), workbook, "bench")
        result = {k: getattr(report, k) for k in ("created", "updated", "unchanged", "invalid")}
    result["seconds"] = time.perf_counter() - start
    result["app_mb"], result["children_mb"] = _peak_mb()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu"] = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return result


def _child(phase: str, workbook: Path, db: Path) -> dict:
    load = os.getloadavg()[0]
    out = subprocess.run([sys.executable, __file__, "--phase", phase, str(workbook), str(db)],
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load"] = load
    return result


def _copy_db(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dest:
        src.backup(dest)
    src.close()
    dest.close()


def measure(rows: int, percents: list[int], runs: int) -> dict[str, list[dict]]:
    files = generate(rows, percents)
    phases = ["read", "import", *(f"reimport {p}%" for p in percents)]
    results: dict[str, list[dict]] = {phase: [] for phase in phases}
    for run in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            imported = Path(tmp) / "imported.db"
            results["read"].append(_child("read", files[0], Path(tmp) / "unused.db"))
            results["import"].append(_child("import", files[0], imported))
            for percent in percents:
                db = Path(tmp) / f"reimport{percent}.db"
                _copy_db(imported, db)
                results[f"reimport {percent}%"].append(_child("reimport", files[percent], db))
                db.unlink()
        print(f"{rows:,} rows: run {run + 1}/{runs} done", file=sys.stderr)
    return results


def table(rows: int, results: dict[str, list[dict]]) -> str:
    reads = results["read"]
    lines = [f"**{rows:,} rows**\n",
             "| phase | median s | ratio to the bare read | CPU s | app peak MB | app bytes/row "
             "| reader peak MB | load at start | result (last run) |",
             "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for phase, values in results.items():
        ratios = [v["seconds"] / r["seconds"] for r, v in zip(reads, values, strict=True)]
        app = max(v["app_mb"] for v in values)
        loads = [v["load"] for v in values]
        last = {k: v for k, v in values[-1].items()
                if k not in ("seconds", "app_mb", "children_mb", "load", "cpu")}
        per_row = "" if phase == "read" else f"{app * 1024 * 1024 / rows:,.0f}"
        lines.append(
            f"| {phase} | {statistics.median(v['seconds'] for v in values):.2f} | "
            f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f}) | "
            f"{statistics.median(v['cpu'] for v in values):.2f} | {app:.0f} | {per_row} | "
            f"{max(v['children_mb'] for v in values):.0f} | "
            f"{min(loads):.1f}–{max(loads):.1f} | {last} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="100000", help="sizes, comma-separated")
    parser.add_argument("--changed", default="0,1,10,100",
                        help="percentages of members changed for the re-imports, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--phase", nargs=3, metavar=("PHASE", "WORKBOOK", "DB"))
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(*args.phase)))
        return
    sizes = [int(n) for n in args.rows.split(",")]
    percents = [int(p) for p in args.changed.split(",")]
    command = (f"python benchmarks/bench_import.py --rows {args.rows} --changed {args.changed}"
               f" --runs {args.runs}")
    tables = [table(rows, measure(rows, percents, args.runs)) for rows in sizes]
    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
    print(f"Command: `{command}`\n")
    print("\n\n".join(tables))
    print("\nRatios: median of per-run ratios (min–max). CPU: user and system time of the phase's"
          " process and its reader processes (median; less moved by other work than wall"
          " time). Load: 1-minute load average when each of the phase's processes started"
          " (min–max over the runs).")


if __name__ == "__main__":
    main()
