"""Fixtures shared by every test: a fresh database in a temporary folder."""

from __future__ import annotations

import pytest
from support import TODAY

from branchdesk.i18n import set_language
from branchdesk.services.demo import build_demo
from branchdesk.store.database import Store


@pytest.fixture(autouse=True)
def english_and_isolated(monkeypatch, tmp_path):
    """Tests speak English and never touch the user's real config or database."""
    set_language("en")
    monkeypatch.setenv("BRANCHDESK_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("BRANCHDESK_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("BRANCHDESK_STATE", str(tmp_path / "state.json"))
    monkeypatch.delenv("BRANCHDESK_USER", raising=False)
    monkeypatch.delenv("BRANCHDESK_LANG", raising=False)
    yield
    set_language("en")


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "branch.db")
    yield s
    s.close()


@pytest.fixture
def demo_store(store) -> Store:
    build_demo(store, "tester", members=200, seed=7, today=TODAY)
    return store
