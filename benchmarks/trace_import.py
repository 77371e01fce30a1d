"""Where one roster re-import's time goes: a timeline of the reader's messages and the app's steps.

    python benchmarks/trace_import.py [--rows 100000] [--changed 0] [--runs 3]

Uses the workbooks of bench_import.py (generated into benchmarks/out/ if missing): imports the
unchanged file into a new database once, then, each run in a fresh process on a copy of that
database, re-imports the file with N% of the members changed and prints when (seconds from the
process's start, module loading included) each step began and ended:

  reader          the reader's process reads the workbook whole (python-calamine) and sends the
                  top rows of each sheet ("previews"): nothing can be parsed before that;
  parse           the two parsing processes parse and stage their parts ("part" messages);
  receive         the parts' results unpacked here;
  attach … commit the app's own steps, on its one connection.

Then, over the runs, the median of each span and of the whole. With --contention it also times
the parse of half the rows alone and then two halves at once (two processes), the two cores'
contention that the parsing processes meet.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

STEPS = ("reader", "parse", "receive", "attach", "match", "plan", "write", "audit", "commit")


def _trace(workbook: str, db: str) -> dict[str, float]:
    """One re-import in this (fresh) process: {mark: seconds since the start}."""
    start = time.perf_counter()
    marks: dict[str, float] = {}

    def mark(name: str) -> None:
        marks.setdefault(name, time.perf_counter() - start)

    from branchdesk.importers import sandbox
    from branchdesk.services import import_plan, importing
    from branchdesk.store import audit, staging, staging_apply
    from branchdesk.store.database import Store

    messages, begin = sandbox.Child.messages, sandbox.Child.__init__

    def traced_init(self: sandbox.Child, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        mark("reader start")
        begin(self, *args, **kwargs)

    def traced_messages(self: sandbox.Child):  # type: ignore[no-untyped-def]
        for message in messages(self):
            mark(f"got {message[0]}" if message[0] != "part" else
                 "got part 1" if "got part 1" not in marks else "got part 2")
            yield message

    sandbox.Child.messages = traced_messages  # type: ignore[method-assign]
    sandbox.Child.__init__ = traced_init  # type: ignore[method-assign]

    def around(module: object, name: str, begin: str, end: str) -> None:
        function = getattr(module, name)

        @functools.wraps(function)
        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            mark(begin)
            try:
                return function(*args, **kwargs)
            finally:
                mark(end)

        setattr(module, name, run)

    around(importing, "read_and_prepare", "prepare start", "prepared")
    around(import_plan.staging_match, "match_rows", "match start", "matched")
    around(importing, "plan_attached", "plan start", "planned")
    around(staging_apply, "apply_plain", "write start", "written")
    around(audit, "append", "audit start", "audited")
    attached = staging.attached

    @contextlib.contextmanager
    def traced_attached(*args, **kwargs):  # type: ignore[no-untyped-def]
        mark("attach start")
        with attached(*args, **kwargs) as parts:
            mark("attached")
            yield parts
        mark("committed")

    importing.staging.attached = traced_attached  # type: ignore[attr-defined]
    store = Store(db)
    mark("modules loaded")
    report = importing.import_roster(store, workbook, "trace")
    store.close()
    mark("end")
    marks["updated"] = report.updated
    return marks


def spans(marks: dict[str, float]) -> dict[str, float | None]:
    """The steps' lengths from one trace's marks (None: the step did not run — a re-import
    that changes nothing writes nothing)."""
    m = marks
    last = "got part 2" if "got part 2" in m else "got part 1"

    def span(begin: str, end: str) -> float | None:
        return m[end] - m[begin] if begin in m and end in m else None

    match = span("match start", "matched")
    plan = span("plan start", "planned")
    return {
        "start-up": m["reader start"],
        "reader": span("reader start", "got previews"),
        "parse": span("got previews", last),
        "receive": span(last, "prepared"),
        "attach": span("attach start", "attached"),
        "match": match,
        "plan (rest)": plan - match if plan is not None and match is not None else None,
        "write": span("write start", "written"),
        "audit": span("audit start", "audited"),
        "commit": span("audited", "committed"),
        "whole": m["end"],
    }


def _contention(workbook: Path) -> dict[str, float]:
    """Parse half the rows alone, then two halves in two processes at once."""
    code = (
        "import sys,time,gc,tempfile,pathlib\n"
        "from python_calamine import CalamineWorkbook\n"
        "from branchdesk.importers.headers import choose_sheet\n"
        "from branchdesk.importers.reader import SheetData\n"
        "from branchdesk.importers.stage import stage_part\n"
        "rows=list(CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).iter_rows())\n"
        "rows=[r for r in rows if any(v != '' for v in r)]\n"
        "gc.disable()\n"
        "_, header = choose_sheet([SheetData('s', rows[:240], 1, 0, len(rows))], None, file='x')\n"
        "half=SheetData('s', rows[:header.row_index + 1 + (len(rows) - header.row_index) // 2], 1, 0)\n"
        "sys.stdin.readline()\n"
        "t=time.perf_counter()\n"
        "with tempfile.TemporaryDirectory() as d:\n"
        "    stage_part(half, header, pathlib.Path(d) / 'p.db', derive=False)\n"
        "print(time.perf_counter()-t)\n"
    )

    def run(together: int) -> list[float]:
        procs = [subprocess.Popen([sys.executable, "-c", code, str(workbook)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                 for _ in range(together)]
        time.sleep(6)  # each has read the workbook by now; then all parse at once
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        return [float(p.communicate()[0]) for p in procs]

    alone = [run(1)[0] for _ in range(3)]
    together = [max(run(2)) for _ in range(3)]
    return {"half alone": statistics.median(alone), "two halves at once": statistics.median(together)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--contention", action="store_true")
    parser.add_argument("--trace", nargs=2, metavar=("WORKBOOK", "DB"))
    args = parser.parse_args()
    if args.trace:
        print(json.dumps(_trace(*args.trace)))
        return
    import bench_import

    files = bench_import.generate(args.rows, sorted({0, args.changed}))
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.db"
        subprocess.run([sys.executable, str(HERE / "bench_import.py"), "--phase", "import",
                        str(files[0]), str(base)], check=True, capture_output=True)
        results = []
        for _ in range(args.runs):
            db = Path(tmp) / "run.db"
            shutil.copy(base, db)
            load = os.getloadavg()[0]
            out = subprocess.run([sys.executable, __file__, "--trace", str(files[args.changed]),
                                  str(db)], check=True, capture_output=True, text=True)
            marks = json.loads(out.stdout.strip().splitlines()[-1])
            results.append((load, spans(marks)))
            db.unlink()
    print(f"Command: `python benchmarks/trace_import.py --rows {args.rows} --changed "
          f"{args.changed} --runs {args.runs}`, loads {', '.join(f'{load:.1f}' for load, _ in results)}\n")
    print("| step | " + " | ".join(f"run {n + 1}" for n in range(len(results))) + " | median s |")
    print("|---|" + "---:|" * (len(results) + 1))
    for step in results[0][1]:
        values = [s[step] for _, s in results]
        ran = [v for v in values if v is not None]
        median = f"{statistics.median(ran):.2f}" if ran else "—"
        print(f"| {step} | " + " | ".join("—" if v is None else f"{v:.2f}" for v in values)
              + f" | {median} |")
    if args.contention:
        figures = _contention(files[0])
        print("\nParsing and staging half the rows (derive off, as a re-import): "
              + ", ".join(f"{k} {v:.2f} s" for k, v in figures.items()))


if __name__ == "__main__":
    main()
