"""Roster import speed and memory on a 100,000-row workbook.

    python benchmarks/bench_import.py [--rows 100000] [--runs 5]

Generates a messy roster (.xlsx, 13 columns, title rows above the header) once into
benchmarks/out/, then measures, each run in a fresh process so peak memory is its own:
  read      python-calamine reading every cell, nothing else (the floor);
  import    the full `import_roster` into an empty database (read in a child process,
            normalise, dedupe, plan, write in one transaction);
  reimport  the same file again into that database (everything unchanged).
Prints a markdown table of medians with the ratios to the bare read, and the machine.
"""

from __future__ import annotations

import argparse
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
HEADER = ["序号", "客户姓名", "手机号码", "资金账号", "风险承受能力", "投资经验", "客户需求",
          "服务人员", "开户日期", "总资产（万元）", "所在社群", "备注", "微信昵称"]


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


def generate(path: Path, rows: int) -> Path:
    import openpyxl

    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(42)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("客户名单")
    sheet.append(["上海陆家嘴营业部客户名单"])
    sheet.append(["导出时间：2026-11-25"])
    sheet.append(HEADER)
    for i in range(1, rows + 1):
        sheet.append(_messy_row(rng, i))
    book.save(path)
    return path


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports KiB


def run_phase(phase: str, workbook: str, db: str) -> dict:
    """One measurement, in this (fresh) process."""
    start = time.perf_counter()
    if phase == "read":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(workbook)
        cells = sum(len(row) for row in book.get_sheet_by_index(0).iter_rows())
        result = {"cells": cells}
    else:
        from branchdesk.services.importing import import_roster
        from branchdesk.store.database import Store

        report = import_roster(Store(db), workbook, "bench")
        result = {k: getattr(report, k) for k in ("created", "updated", "unchanged", "invalid")}
    result["seconds"] = time.perf_counter() - start
    result["peak_mb"] = _peak_mb()
    return result


def _child(phase: str, workbook: Path, db: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", phase, str(workbook), str(db)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--phase", nargs=3, metavar=("PHASE", "WORKBOOK", "DB"))
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(*args.phase)))
        return
    workbook = generate(OUT / f"roster_{args.rows}.xlsx", args.rows)
    runs: dict[str, list[dict]] = {"read": [], "import": [], "reimport": []}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.db"
            runs["read"].append(_child("read", workbook, db))
            runs["import"].append(_child("import", workbook, db))
            runs["reimport"].append(_child("reimport", workbook, db))
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    ratios_import = [i["seconds"] / r["seconds"] for r, i in zip(runs["read"], runs["import"], strict=True)]
    ratios_re = [i["seconds"] / r["seconds"] for r, i in zip(runs["read"], runs["reimport"], strict=True)]
    peak = max(r["peak_mb"] for v in runs.values() for r in v)
    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"Command: python benchmarks/bench_import.py --rows {args.rows} --runs {args.runs}\n")
    print("| phase | median s | ratio to read (median of per-run ratios) | peak MB (max) | result |")
    print("|---|---|---|---|---|")
    for phase in runs:
        ratio = {"read": "1.00", "import": f"{statistics.median(ratios_import):.2f}",
                 "reimport": f"{statistics.median(ratios_re):.2f}"}[phase]
        last = {k: v for k, v in runs[phase][-1].items() if k not in ("seconds", "peak_mb")}
        print(f"| {phase} | {med[phase]:.2f} | {ratio} | "
              f"{max(r['peak_mb'] for r in runs[phase]):.0f} | {last} |")
    print(f"\nPeak memory over all runs: {peak:.0f} MB (max RSS of the process or its reader child)")


if __name__ == "__main__":
    main()
