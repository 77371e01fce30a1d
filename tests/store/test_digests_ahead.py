"""The members' digests read ahead of a re-import's transaction (store/digests_ahead.py): taken
when nothing was committed since they were read, thrown away otherwise, and either way the
audit row's "before" digests are the state the import started from (the trail verifies)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from branchdesk.importers import reader
from branchdesk.services import audit_trail, importing
from branchdesk.store import audit, digests_ahead, integrity
from branchdesk.store.database import Store

HEADER = ["客户姓名", "手机号码", "资金账号", "服务人员", "备注"]


def _roster(path, members: int, notes: str = ""):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(1, members + 1):
        sheet.append([f"客户{i}", f"139{i:08d}", f"3100{i:08d}", "周明远",
                      notes if i % 3 == 0 else ""])
    book.save(path)
    return path


@pytest.fixture
def taken(monkeypatch):
    """What each Ahead.current() answered."""
    answers: list[bool] = []
    current = digests_ahead.Ahead.current

    def spy(self):
        answers.append(current(self))
        return answers[-1]

    monkeypatch.setattr(digests_ahead.Ahead, "current", spy)
    return answers


def _read_ahead(store: Store) -> None:
    """Read the members' digests ahead, and wait until they are read."""
    store.digests_ahead("members")
    store.conn.bd_pending.ahead["members"].join()


def _last_state(store: Store) -> dict:
    text = store.conn.execute("SELECT state FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    return json.loads(text)


@pytest.mark.parametrize("parts_from", [1, 10_000])  # two parsing processes, one
def test_a_reimport_takes_the_digests_read_ahead_and_the_trail_verifies(
        tmp_path, monkeypatch, taken, parts_from):
    monkeypatch.setattr(reader, "TWO_PARTS_FROM", parts_from)
    store = Store(tmp_path / "b.db")
    importing.import_roster(store, _roster(tmp_path / "1.xlsx", 700), "tester")
    assert taken == []  # a first import has nothing to read ahead
    before = {b: after for b, (_, after) in _last_state(store)["members"].items()}

    report = importing.import_roster(store, _roster(tmp_path / "2.xlsx", 700, "回访"), "tester")

    assert (report.updated, report.unchanged) == (233, 467)
    assert taken == [True]
    state = _last_state(store)["members"]
    assert sorted(state) == ["0", "1", "2"]  # 700 members: three buckets, all changed
    assert {b: was for b, (was, _) in state.items()} == before  # as the first import left them
    verified = audit_trail.verify(store)
    assert verified.chain.ok and verified.differences == []
    store.close()


def test_a_commit_after_the_read_throws_it_away(tmp_path, taken):
    store = Store(tmp_path / "b.db")
    importing.import_roster(store, _roster(tmp_path / "1.xlsx", 300), "tester")
    _read_ahead(store)
    other = Store(tmp_path / "b.db")  # another window of the app edits a member meanwhile
    with other.transaction() as conn:
        conn.execute("UPDATE members SET notes = '改过' WHERE id = 1")
        audit.append(conn, operator="tester", action="member.update", entity="member",
                     entity_id=1)
    other.close()

    with store.transaction() as conn:  # a bucket both changed: its "before" is after the edit
        conn.execute("UPDATE members SET advisor = '林晓雯' WHERE id = 2")
        audit.append(conn, operator="tester", action="member.update", entity="member",
                     entity_id=2)

    assert taken == [False]
    assert integrity.compare(store.conn) == []  # no "changed between two actions"
    store.close()


def test_own_commits_count_too(tmp_path, taken):
    store = Store(tmp_path / "b.db")
    importing.import_roster(store, _roster(tmp_path / "1.xlsx", 300), "tester")
    _read_ahead(store)
    for member in (1, 2):  # the first takes (and checks) what was read, the second reads anew
        with store.transaction() as conn:
            conn.execute("UPDATE members SET notes = '改过' WHERE id = ?", (member,))
            audit.append(conn, operator="tester", action="member.update", entity="member",
                         entity_id=member)
    assert taken == [True]
    _read_ahead(store)
    with store.conn as conn:  # a write outside BranchDesk's transactions, by this connection
        conn.execute("UPDATE members SET notes = '外改' WHERE id = 4")
    with store.transaction() as conn:
        conn.execute("UPDATE members SET notes = '又改' WHERE id = 3")
        audit.append(conn, operator="tester", action="member.update", entity="member",
                     entity_id=3)
    assert taken == [True, False]
    store.close()


def test_an_import_refused_before_writing_leaves_no_reader_open(tmp_path):
    """A re-import refused after the read ahead began (here: a sheet the file does not have)
    wrote nothing; closing the store ends the read ahead and its connection."""
    from branchdesk.errors import UserError

    store = Store(tmp_path / "b.db")
    importing.import_roster(store, _roster(tmp_path / "1.xlsx", 300), "tester")
    with pytest.raises(UserError):
        importing.import_roster(store, _roster(tmp_path / "2.xlsx", 300, "回访"), "tester",
                                sheet="没有这张表")
    ahead = store.conn.bd_pending.ahead.get("members")
    assert ahead is not None  # the refusal came after the read ahead had started
    store.close()
    assert not ahead.is_alive() and ahead._conn is None
