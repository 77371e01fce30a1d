"""Fixtures of the engagement tests."""

from __future__ import annotations

from datetime import datetime

import pytest

from branchdesk import datetimes


@pytest.fixture
def frozen_now(monkeypatch):
    """`frozen_now(moment)`: the branch clock stops at `moment` (aware, branch zone)."""
    def freeze(moment: datetime) -> None:
        monkeypatch.setattr(datetimes, "now", lambda: moment)

    return freeze
