"""The reliability tests' tally, printed at the end of a run: RELIABILITY.md quotes it."""

from __future__ import annotations

from collections import Counter

import pytest
from reliability.kit import TALLY


def pytest_terminal_summary(terminalreporter) -> None:
    if TALLY:
        terminalreporter.write_sep("-", "reliability tally")
        for name, count in sorted(TALLY.items()):
            terminalreporter.write_line(f"{name}: {count}")


@pytest.fixture
def tally() -> Counter[str]:
    return TALLY
