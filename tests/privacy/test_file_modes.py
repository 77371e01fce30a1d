"""The database, its backups and exports of personal data are readable by their owner only."""

from __future__ import annotations

import os
import stat

import pytest

from branchdesk.cli import main
from branchdesk.services import roster
from branchdesk.store.database import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_database_and_its_wal_are_owner_only(tmp_path):
    old = os.umask(0o022)  # the usual umask, which made new databases 0644
    try:
        store = Store(tmp_path / "branch.db")
        roster.add_member(store, "李娜", "王芳", "13812345678")
        assert _mode(tmp_path / "branch.db") == 0o600
        wal = tmp_path / "branch.db-wal"
        if wal.exists():
            assert _mode(wal) & 0o077 == 0
        store.close()
    finally:
        os.umask(old)


def test_backups_and_exports_are_owner_only(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        db = tmp_path / "b.db"
        assert main(["--db", str(db), "demo", "--members", "5"]) == 0
        assert main(["--db", str(db), "backup", "-o", str(tmp_path / "copy.db")]) == 0
        assert _mode(tmp_path / "copy.db") == 0o600
        assert main(["--db", str(db), "audit", "trail", "--member", "1",
                     "-o", str(tmp_path / "trail.xlsx")]) == 0
        assert _mode(tmp_path / "trail.xlsx") == 0o600
    finally:
        os.umask(old)
