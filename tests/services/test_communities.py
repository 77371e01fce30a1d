"""Communities: listed with their members, C1–C2 mix, advisor and messages; created, renamed
and merged on purpose, each one audited transaction that updates the members' lists."""

from __future__ import annotations

import sqlite3

import pytest

from branchdesk.errors import UserError
from branchdesk.services import communities, messages, roster
from branchdesk.store import audit
from branchdesk.store import members as member_rows
from branchdesk.store.migration_steps_scale import _communities
from branchdesk.store.migrations import MIGRATIONS, migrate


def add_members(store, *rows: tuple[str, str | None, str | None, list[str]]) -> list[int]:
    """(name, risk level, advisor, communities) → member ids."""
    with store.transaction() as conn:
        return member_rows.insert_many(conn, [member_rows.to_db({
            "name": name, "risk_level": risk, "advisor": advisor, "communities": groups,
            "needs": [], "tags": [], "extra": {}}) for name, risk, advisor, groups in rows])


@pytest.fixture
def branch(store):
    add_members(store,
                ("王芳", "C1", "周明远", ["解套互助群"]),
                ("李强", "C2", "周明远", ["解套互助群", "新手成长营"]),
                ("张伟", "C4", "林晓雯", ["解套互助群"]),
                ("刘洋", None, "林晓雯", ["新手成长营"]),
                ("陈静", "C3", None, ["解套群"]))
    return store


def by_name(store) -> dict[str, communities.Community]:
    return {c.name: c for c in communities.list_communities(store)}


def lists(store) -> dict[str, list[str]]:
    return {m.name: m.communities for m in roster.list_members(store)}


def audit_actions(store) -> list[str]:
    return [row[0] for row in store.conn.execute("SELECT action FROM audit_log ORDER BY id")]


def test_each_community_with_members_low_risk_mix_and_advisor(branch):
    found = by_name(branch)
    assert list(found) == ["解套互助群", "新手成长营", "解套群"]      # most members first
    group = found["解套互助群"]
    assert (group.members, group.low_risk) == (3, 2)
    assert group.risk == {"C1": 1, "C2": 1, "C4": 1}
    assert group.advisor == "周明远" and group.advisor_from_members  # nobody set one yet
    assert found["新手成长营"].risk == {"C2": 1, "": 1}                # 刘洋 not assessed


def test_messages_are_counted_for_their_community(branch):
    draft = messages.save_draft(branch, "小李", "周六沙龙，欢迎报名。", "解套互助群")
    messages.submit(branch, "小李", draft["id"])
    messages.save_draft(branch, "小李", "新手课程开课啦。", "新手成长营")
    found = by_name(branch)
    assert found["解套互助群"].messages == {"submitted": 1} and found["解套互助群"].waiting == 1
    assert found["新手成长营"].messages == {"draft": 1}
    recent = communities.recent_messages(branch, found["解套互助群"])
    assert [m["id"] for m in recent] == [draft["id"]]


def test_rename_updates_every_list_in_one_audited_step(branch):
    messages.save_draft(branch, "小李", "周六沙龙，欢迎报名。", "解套互助群")
    before = len(audit_actions(branch))
    renamed = communities.rename(branch, "李娜", "解套互助群", "解套交流群")
    assert renamed.name == "解套交流群" and renamed.members == 3
    assert renamed.former_names == ["解套互助群"]
    assert renamed.messages == {"draft": 1}          # written for the old name, still counted
    assert lists(branch)["李强"] == ["解套交流群", "新手成长营"]   # its place in the list kept
    assert audit_actions(branch)[before:] == ["community.rename"]
    assert communities.find(branch, "解套互助群").name == "解套交流群"   # the old name finds it
    assert audit.verify(branch.conn).ok


def test_rename_to_a_name_in_use_says_merge(branch):
    with pytest.raises(UserError) as taken:
        communities.rename(branch, "李娜", "解套群", "解套互助群")
    assert "branchdesk communities merge 解套群 解套互助群" in taken.value.message
    with pytest.raises(UserError, match="written differently"):
        communities.rename(branch, "李娜", "解套群", "解套 互助群")
    assert lists(branch)["陈静"] == ["解套群"]


def test_merge_moves_the_members_once_and_keeps_the_old_name(branch):
    messages.save_draft(branch, "小李", "解套讲座报名。", "解套群")
    communities.set_advisor(branch, "李娜", "解套群", "陈志刚")
    merged = communities.merge(branch, "李娜", "解套群", "解套互助群")
    assert merged.name == "解套互助群" and merged.members == 4
    assert "解套群" in merged.former_names and merged.messages == {"draft": 1}
    assert merged.advisor == "陈志刚" and not merged.advisor_from_members  # the source's, none set
    assert "解套群" not in by_name(branch)
    assert lists(branch)["陈静"] == ["解套互助群"]
    assert audit_actions(branch)[-1] == "community.merge"


def test_a_member_in_both_communities_is_in_the_merged_one_once(branch):
    communities.merge(branch, "李娜", "新手成长营", "解套互助群")
    assert lists(branch)["李强"] == ["解套互助群"]
    assert by_name(branch)["解套互助群"].members == 4


def test_merge_into_itself_or_an_unknown_community_is_refused(branch):
    with pytest.raises(UserError, match="into itself"):
        communities.merge(branch, "李娜", "解套群", "解套群")
    with pytest.raises(UserError, match="did you mean 解套互助群"):
        communities.merge(branch, "李娜", "解套群", "解套 互助群")


def test_a_failed_merge_changes_nothing(branch, monkeypatch):
    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(sqlite3.OperationalError):
        communities.merge(branch, "李娜", "解套群", "解套互助群")
    assert lists(branch)["陈静"] == ["解套群"]
    assert "解套群" in by_name(branch)


def test_a_new_community_is_made_on_purpose_and_not_twice(branch):
    created = communities.create(branch, "李娜", "两融学习群", "林晓雯")
    assert (created.name, created.advisor, created.members) == ("两融学习群", "林晓雯", 0)
    with pytest.raises(UserError, match="written differently"):
        communities.create(branch, "李娜", "两融 学习群")
    with pytest.raises(UserError, match="needs a name"):
        communities.create(branch, "李娜", "   ")


def test_the_card_registers_a_community_picked_as_new_with_the_save(branch):
    member = next(m for m in roster.list_members(branch) if m.name == "刘洋")
    communities.update_member(branch, "李娜", member.id, {"communities": ["新手成长营", "ETF定投群"]})
    assert "ETF定投群" in by_name(branch) and by_name(branch)["ETF定投群"].id is not None
    assert audit_actions(branch)[-2:] == ["community.create", "member.update"]
    with pytest.raises(roster.FieldErrors):            # a bad field: no community either
        communities.update_member(branch, "李娜", member.id,
                                  {"communities": ["期权俱乐部"], "phone": "123"})
    assert "期权俱乐部" not in by_name(branch)


def test_the_upgrade_registers_the_communities_already_named(tmp_path):
    from branchdesk.store.database import Store

    path = tmp_path / "old.db"
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN")
    migrate(raw, target=MIGRATIONS.index(_communities))     # the schema before communities
    raw.execute("INSERT INTO members (name, communities, created_at, updated_at)"
                " VALUES ('王芳', '[\"解套互助群\", \"新手成长营\"]', 'x', 'x')")
    raw.execute("INSERT INTO messages (author, community, text, verdict, findings, pack_version,"
                " status, created_at) VALUES ('小李', '老群', '你好', 'pass', '[]', '1', 'sent', 'x')")
    raw.execute("COMMIT")
    raw.close()
    store = Store(path)
    found = by_name(store)
    assert set(found) == {"解套互助群", "新手成长营", "老群"}
    assert all(c.id is not None for c in found.values())
    assert found["老群"].sent == 1 and found["解套互助群"].members == 1
