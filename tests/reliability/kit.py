"""What the reliability tests share: running BranchDesk as a separate process (to kill it or
race it), rosters to import, and the one check every survivor must pass.

Counts of what was tried (kills, contended updates, fuzzed files, bad paths) go into TALLY,
printed at the end of the run (conftest.py): RELIABILITY.md quotes them.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

from branchdesk.services import audit_trail
from branchdesk.store.database import Store

TALLY: Counter[str] = Counter()
ROOT = Path(__file__).resolve().parents[2]


def env_for(tmp_path: Path) -> dict[str, str]:
    """The environment of a BranchDesk child: English, no user config, the package importable."""
    env = dict(os.environ)
    env.update({"BRANCHDESK_LANG": "en", "BRANCHDESK_CONFIG": str(tmp_path / "no-config.toml"),
                "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"})
    env.pop("BRANCHDESK_DB", None)
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "branchdesk", *args]


def run(args: list[str], tmp_path: Path, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env_for(tmp_path), capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def database_is_sound(path: Path) -> audit_trail.Verification:
    """SQLite's own integrity check passes, and the audit log verifies in full: chain,
    protections, and tables that match what the trail records."""
    conn = sqlite3.connect(str(path))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    store = Store(path, read_only=True)
    try:
        result = audit_trail.verify(store)
    finally:
        store.close()
    assert result.ok, result.problems()
    return result


def write_roster(path: Path, rows: int, *, start: int = 0, seed: int = 1) -> Path:
    """A plain roster workbook: rows members with account numbers start … start+rows-1."""
    import random

    import openpyxl

    rng = random.Random(seed)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户姓名", "手机号码", "资金账号", "风险承受能力", "客户需求", "服务人员", "备注"])
    for number in range(start, start + rows):
        sheet.append([f"客户{number}", f"13{rng.randrange(10**9):09d}", f"8800{number:08d}",
                      rng.choice(["C1", "C2", "C3", "C4", "C5"]), rng.choice(["解套", "赚钱", "配置"]),
                      rng.choice(["周明远", "林晓雯"]), f"第{seed}次导入"])
    book.save(path)
    return path


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("members", "audit_log", "import_batches")}
    finally:
        conn.close()


