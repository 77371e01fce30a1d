"""The house rule that keeps modules readable: none over 400 lines (a module that grows past it
is split by job, as bulk_check.py's helper plumbing went to bulk_share.py). Generated data
tables are data, not code."""

from __future__ import annotations

from pathlib import Path

import branchdesk

PACKAGE = Path(branchdesk.__file__).parent
GENERATED = {"pinyin_sort/table.py"}  # written by python -m branchdesk.pinyin_sort.build
LIMIT = 400


def test_no_module_is_over_400_lines():
    sizes = {path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in PACKAGE.rglob("*.py")}
    assert len(sizes) > 100  # the package was found
    over = {name: lines for name, lines in sizes.items() if lines > LIMIT and name not in GENERATED}
    assert not over, f"split these by job: {over}"
