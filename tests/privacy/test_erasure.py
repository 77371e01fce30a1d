"""`erase-member`: the member's personal data goes, the counts and a valid, still
tamper-evident audit chain stay."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest

from branchdesk.cli import main
from branchdesk.errors import UserError
from branchdesk.services import activities, audit_trail, erasure, roster, staff
from branchdesk.services.staff import Credentials
from branchdesk.store import audit
from branchdesk.store.database import Store

PASSWORD = "geheim-123"


@pytest.fixture
def branch(demo_store):
    staff.init_branch(demo_store, "周经理", PASSWORD)
    staff.add_staff(demo_store, Credentials("周经理", PASSWORD), "小王", "staff", PASSWORD)
    member = roster.list_members(demo_store, limit=1)[0]
    roster.update_member(demo_store, "小王", member.id,
                         {"phone": "13999998888", "notes": "住在陆家嘴", "name": member.name + "芳"})
    roster.reveal(demo_store, "小王", member.id)
    activities.log_activity(demo_store, "小王", member.id, "call", note="电话回访")
    return demo_store, roster.get_member(demo_store, member.id)


def _member_audit_text(store, member_id) -> str:
    return " ".join(str(v) for row in store.conn.execute(
        "SELECT before, after FROM audit_log WHERE entity = 'member' AND entity_id = ?",
        (str(member_id),)) for v in row)


def test_erasure_removes_personal_data_and_keeps_counts_and_the_chain(branch):
    store, member = branch
    count_before = len(activities.member_activities(store, member.id))
    head_before = audit.head(store.conn)
    done = erasure.erase_member(store, "小王", member.id, Credentials("周经理", PASSWORD),
                                "申请单 2026-031，柜台核验身份证")
    gone = roster.get_member(store, member.id)
    assert gone.phone is None and gone.account_no is None and gone.birthday is None
    assert gone.notes is None and gone.tags == [] and member.name not in gone.name
    assert gone.risk_level == member.risk_level  # what stays says no longer who it was
    assert len(activities.member_activities(store, member.id)) == count_before
    text = _member_audit_text(store, member.id)
    for personal in (member.name, member.phone, member.account_no, "住在陆家嘴", "13999998888",
                     member.phone[-4:]):
        assert personal not in text
    assert store.conn.execute(
        "SELECT count(*) FROM audit_private p JOIN audit_log a ON a.id = p.audit_id"
        " WHERE a.entity = 'member' AND a.entity_id = ?", (str(member.id),)).fetchone()[0] == 0
    assert done.audit_rows >= 1
    [row] = audit.entries_where(store.conn, "action = 'member.erase'", ())
    assert "周经理" in row["after"] and "2026-031" in row["after"]
    result = audit_trail.verify(store, head_before)
    assert result.ok, result.problems()


def test_a_redacted_row_edited_afterwards_is_caught(branch, tmp_path):
    store, member = branch
    erasure.erase_member(store, "小王", member.id, Credentials("周经理", PASSWORD), "请求 7")
    path = store.path
    store.close()
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("UPDATE audit_log SET after = '{\"notes\": \"forged\"}'"
                " WHERE action = 'member.update' AND entity_id = ?", (str(member.id),))
    raw.commit()
    raw.close()
    again = Store(path)
    assert not audit_trail.verify(again).ok
    again.close()


def test_erasure_needs_a_reviewer_or_manager_password_and_a_reason(branch):
    store, member = branch
    head = audit.head(store.conn)
    with pytest.raises(UserError):
        erasure.erase_member(store, "小王", member.id, Credentials("周经理", "wrong"), "x")
    with pytest.raises(UserError):
        erasure.erase_member(store, "小王", member.id, Credentials("小王", PASSWORD), "x")
    with pytest.raises(UserError):
        erasure.erase_member(store, "小王", member.id, Credentials("周经理", PASSWORD), "  ")
    assert audit.head(store.conn) == head
    assert roster.get_member(store, member.id).name == member.name


def test_cli_erases_with_the_password_and_refuses_an_unknown_member(tmp_path, capsys,
                                                                    monkeypatch):
    db = tmp_path / "b.db"
    assert main(["--db", str(db), "demo", "--members", "5"]) == 0
    store = Store(db)
    staff.init_branch(store, "周经理", PASSWORD)
    store.close()
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(db), "--user", "周经理", "erase-member", "#99999", "--reason", "r",
                 "--password-stdin"]) == 2
    assert "99999" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(db), "--user", "周经理", "erase-member", "#2", "--reason",
                 "申请单 8", "--password-stdin"]) == 0
    assert "#2" in capsys.readouterr().out
    assert main(["--db", str(db), "audit", "verify"]) == 0


def test_an_erased_member_is_not_found_by_search_and_the_trail_says_so(branch):
    from branchdesk.models import MemberQuery

    store, member = branch
    erasure.erase_member(store, "小王", member.id, Credentials("周经理", PASSWORD), "请求 9")
    assert roster.count_members(store, MemberQuery(search=member.name)) == 0
    assert roster.count_members(store, MemberQuery(search=member.phone[-4:])) == 0 or \
        all(m.id != member.id for m in roster.list_members(store, MemberQuery(search=member.phone[-4:])))
    found = audit_trail.entries(store, audit_trail.Scope("member", member_id=member.id))
    assert audit_trail.action_label(found[-1]["action"]) == "personal data erased (request)"


def test_erasure_removes_the_free_text_about_the_member_and_keeps_the_records(branch):
    """Contact-log notes, the follow-up and its reason go (in the tables and the audit rows,
    nested ones too); a complaint, a record the law requires to keep, stays as it was.
    Searched in the database file's bytes after a VACUUM: nothing of the texts is left."""
    from datetime import date, timedelta

    from branchdesk.engagement_config import EngagementConfig
    from branchdesk.services import complaints, followups
    from branchdesk.services.activities import FollowUpChange

    store, member = branch
    roster.update_member(store, "小王", member.id, {"name": "欧阳独一"})
    followups.set_follow_up(store, "小王", member.id, date.today() + timedelta(days=3),
                            "提醒他女儿下周体检结果")
    activities.log_activity(store, "小王", member.id, "call", note="聊到他在招商银行有三百万存款",
                            follow_up=FollowUpChange("move", date.today() + timedelta(days=9),
                                                     "等他卖掉浦东的房子再联系"))
    complaint = complaints.open_complaint(store, "小王", EngagementConfig(), member_id=member.id,
                                          channel="phone", category="service",
                                          summary="客户投诉理财经理承诺保本")
    from branchdesk.models import MemberQuery
    from branchdesk.services import roster_listing

    roster_listing.record_reveal(store, "小王", 1, MemberQuery(search="欧阳独一"))  # a listing
    other = roster.list_members(store, limit=2)[1]
    activities.log_activity(store, "小王", other.id, "call", note="别人的备注留着")
    count = len(activities.member_activities(store, member.id))
    head = audit.head(store.conn)
    texts = ("提醒他女儿下周体检结果", "聊到他在招商银行有三百万存款", "等他卖掉浦东的房子再联系",
             "电话回访", "住在陆家嘴", "13999998888", member.phone, "欧阳独一", "阳独一")

    done = erasure.erase_member(store, "小王", member.id, Credentials("周经理", PASSWORD),
                                "申请单 2026-044")

    assert (done.notes, done.follow_up) == (2, True)
    assert followups.get_follow_up(store, member.id) is None
    kept = activities.member_activities(store, member.id)
    assert len(kept) == count and all(a.note is None for a in kept)  # counted, not described
    assert [a.note for a in activities.member_activities(store, other.id)][-1] == "别人的备注留着"
    assert complaints.get_complaint(store, complaint.id).summary == "客户投诉理财经理承诺保本"
    result = audit_trail.verify(store, head)
    assert result.ok, result.problems()
    path = store.path
    store.close()

    def file_bytes() -> bytes:  # the database and its write-ahead log, if any
        return b"".join(p.read_bytes() for p in path.parent.iterdir()
                        if p.name.startswith(path.name))

    for vacuumed in (False, True):  # as the erasure left it (freed space zeroed), and vacuumed
        if vacuumed:
            raw = sqlite3.connect(path)
            raw.execute("VACUUM")
            raw.close()
        data = file_bytes()
        for text in texts:
            assert text.encode() not in data, (text, vacuumed)
        assert "客户投诉理财经理承诺保本".encode() in data and "别人的备注留着".encode() in data
    again = Store(path)
    assert audit_trail.verify(again, head).ok
    again.close()


def test_an_erased_member_is_never_listed_invited_registered_or_called_again(branch, tmp_path):
    """The anonymous row stays for the figures; nobody finds, invites, registers, exports or
    calls it again."""
    from datetime import datetime, timedelta

    from openpyxl import load_workbook

    from branchdesk.datetimes import zone
    from branchdesk.exports.members import write_members
    from branchdesk.models import MemberQuery
    from branchdesk.services import events, reactivation, registrations

    store, member = branch
    everyone = roster.count_members(store, MemberQuery())
    # a member the wake-up list shows, erased too: it must leave that list
    today = datetime.now(zone("Asia/Shanghai")).date()
    sleeper = reactivation.reactivation_list(store, today, 30, limit=1)[0]
    for member_id in (member.id, sleeper.member_id):
        erasure.erase_member(store, "小王", member_id, Credentials("周经理", PASSWORD), "申请单 9")
    assert roster.count_members(store, MemberQuery()) == everyone - 2
    listed = {m.id for m in roster.list_members(store, MemberQuery(), limit=10_000)}
    assert member.id not in listed and sleeper.member_id not in listed
    assert roster.list_members(store, MemberQuery(search="已删除"), limit=10) == []
    assert sleeper.member_id not in {s.member_id for s in reactivation.reactivation_list(store, today, 30,
                                                                           limit=10_000)}
    tz = zone("Asia/Shanghai")
    start = datetime.now(tz).replace(microsecond=0) + timedelta(days=3)
    event = events.create_events(store, "小王", {
        "kind": "salon", "title": "周末沙龙", "start": start, "end": start + timedelta(hours=2),
        "room": "301", "capacity": 500}, tz=tz).events[0]
    invited = registrations.invite(store, "小王", event.id, MemberQuery(), dry_run=True)
    assert invited.matched == everyone - 2
    assert member.id not in invited.invited and sleeper.member_id not in invited.invited
    with pytest.raises(UserError) as refused:
        registrations.register(store, "小王", event.id, member.id)
    assert refused.value.key == "events.member_erased"
    target = tmp_path / "members.xlsx"
    write_members(store, MemberQuery(), target)
    sheet = load_workbook(target, read_only=True).worksheets[0]
    assert sheet.max_row == everyone - 2 + 1  # the header row and the members left


def _erased_on_the_cli(tmp_path, capsys, monkeypatch):
    """A demo branch with a manager, member #2 erased through the CLI."""
    db = tmp_path / "b.db"
    assert main(["--db", str(db), "demo", "--members", "5"]) == 0
    store = Store(db)
    staff.init_branch(store, "周经理", PASSWORD)
    store.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(db), "--user", "周经理", "erase-member", "#2", "--reason",
                 "申请单 8", "--password-stdin"]) == 0
    capsys.readouterr()
    return db


def _head(db):
    store = Store(db)
    try:
        return audit.head(store.conn)
    finally:
        store.close()


@pytest.mark.parametrize("language, words", [("en", "was erased"), ("zh", "已应本人经核实的请求删除")])
def test_an_erased_member_gets_no_follow_up_and_no_contact_or_note(tmp_path, capsys, monkeypatch,
                                                                  language, words):
    """The CLI refuses (one message, exit 2, nothing written) through the services the app
    calls too."""
    from datetime import date, timedelta

    from branchdesk.services import followups

    db = _erased_on_the_cli(tmp_path, capsys, monkeypatch)
    head = _head(db)
    user = ["--db", str(db), "--user", "周经理", "--lang", language]
    for command in (["followup", "2", "--on", "下周一", "--reason", "问问近况"],
                    ["activity", "add", "2", "--kind", "call", "--note", "她说搬去了杭州"]):
        assert main([*user, *command]) == 2, command
        out = capsys.readouterr()
        assert words in out.err and "#2" in out.err and "Traceback" not in out.err
        assert out.out == ""
    assert _head(db) == head  # nothing written
    store = Store(db)
    assert followups.get_follow_up(store, 2) is None
    assert [a.note for a in activities.member_activities(store, 2)] == []
    for attempt in (lambda: followups.set_follow_up(store, "周经理", 2,
                                                    date.today() + timedelta(days=3), "x"),
                    lambda: activities.log_activity(store, "周经理", 2, "call", note="x")):
        with pytest.raises(UserError) as refused:
            attempt()
        assert refused.value.key == "erasure.member_erased"
    store.close()


def test_a_follow_up_left_on_an_erased_member_is_not_listed_as_due(tmp_path, capsys, monkeypatch):
    """A database where an erased member still has a follow-up (set before erasures refused
    them): the due list does not ask anyone to call them."""
    from datetime import date, timedelta

    from branchdesk.store import followups as follow_rows

    db = _erased_on_the_cli(tmp_path, capsys, monkeypatch)
    store = Store(db)
    with store.transaction() as conn:
        for member_id in (2, 3):
            follow_rows.put(conn, member_id, date.today() + timedelta(days=2), "回访", "周经理")
    store.close()
    assert main(["--db", str(db), "--lang", "en", "followups", "--due", "week", "--json"]) == 0
    listed = {f["member_id"] for f in json.loads(capsys.readouterr().out)}
    assert 3 in listed and 2 not in listed


@pytest.mark.parametrize("language, words", [("en", "already erased on"), ("zh", "已于")])
def test_erasing_a_member_twice_says_when_and_writes_nothing(tmp_path, capsys, monkeypatch,
                                                             language, words):
    from branchdesk import datetimes

    db = _erased_on_the_cli(tmp_path, capsys, monkeypatch)
    head = _head(db)
    erased_on = datetimes.from_stored(head.at).date().isoformat()  # the erasure is the head
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(db), "--user", "周经理", "--lang", language, "erase-member", "#2",
                 "--reason", "申请单 9", "--password-stdin"]) == 2
    out = capsys.readouterr()
    assert words in out.err and erased_on in out.err and "#2" in out.err
    assert out.out == "" and "Traceback" not in out.err
    assert _head(db) == head  # no second erasure row
    store = Store(db)
    with pytest.raises(UserError) as refused:  # the app's dialog calls the same service
        erasure.erase_member(store, "周经理", 2, Credentials("周经理", PASSWORD), "申请单 9")
    assert refused.value.key == "erasure.already_erased"
    assert len(audit.entries_where(store.conn, "action = 'member.erase'", ())) == 1
    store.close()
