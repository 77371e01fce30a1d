"""The audit trail names what each entry did and changed in the reader's language: every
action the code writes has a label, and no detail of a real branch's entries shows as a raw
field name."""

from __future__ import annotations

import ast
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import branchdesk
from branchdesk import datetimes, member_fields
from branchdesk.engagement_config import parse as engagement_config
from branchdesk.i18n import catalog, set_language, t
from branchdesk.services import activities, audit_labels, audit_trail, complaints, followups, roster
from branchdesk.services.demo_events import build_demo_events

PACKAGE = Path(branchdesk.__file__).parent
MESSAGE_STATUSES = ("submitted", "approved", "rejected", "sent")  # message.{status}


def written_actions() -> set[str]:
    """Every audit action named in the package's code: action="…", Entry("…", …) and the
    complaints' _change(…, "complaint.…", …)."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            values = [k.value for k in node.keywords if k.arg == "action"]
            if name in ("Entry", "_change"):
                values += node.args[:1] if name == "Entry" else node.args[3:4]
            for value in values:
                for part in ast.walk(value):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str) \
                            and "." in part.value:
                        found.add(part.value)
    found.discard("message.")  # f"message.{status}"
    return found | {f"message.{s}" for s in MESSAGE_STATUSES}


def test_the_scan_finds_the_actions_we_know():
    actions = written_actions()
    assert {"member.update", "registration.register", "complaint.resolve", "member.remove",
            "rule.disable", "message.approved"} <= actions


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_action_the_code_writes_has_a_label(language):
    set_language(language)
    unlabelled = sorted(a for a in written_actions() if audit_labels.action_label(a) == a)
    assert unlabelled == []


def test_the_trail_s_own_words_do_not_repeat_the_member_fields():
    own = {key.split(".", 2)[2] for key in catalog("en") if key.startswith("audit_labels.field.")}
    assert own and not own & set(member_fields.FIELD_NAMES)


@pytest.fixture
def busy_branch(demo_store):
    """The demo branch with events, an edit, a follow-up, a contact and a complaint's life."""
    build_demo_events(demo_store, "tester", UTC)
    roster.update_member(demo_store, "tester", 5, {"advisor": "王丽华", "risk_level": "C5",
                                                   "needs": ["stage", "profit"]})
    followups.set_follow_up(demo_store, "tester", 5, date(2026, 12, 1), "问定投",
                            today=date(2026, 11, 25))
    activities.log_activity(demo_store, "tester", 6, "call", note="回访")
    config = engagement_config({})
    complaint = complaints.open_complaint(demo_store, "tester", config, member_id=7,
                                          channel="phone", category="service", summary="久等")
    complaints.respond(demo_store, "tester", complaint.id, "已致电")
    complaints.resolve(demo_store, "tester", complaint.id, "已道歉")
    return demo_store


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_detail_of_a_real_branch_shows_its_raw_name(busy_branch, language):
    set_language(language)
    scope = audit_trail.Scope("dates", start=date(2000, 1, 1), end=date(2100, 1, 1))
    entries = audit_trail.entries(busy_branch, scope)
    assert len({e["action"] for e in entries}) >= 8
    raw = set()
    for entry in entries:
        for side in ("before", "after"):
            data = json.loads(entry[side]) if entry[side] else None
            if isinstance(data, dict):
                raw |= {f"{entry['entity']}.{k}" for k in data
                        if audit_labels.field_label(k, entry["entity"]) == k}
    assert raw == set()


def test_an_edit_reads_in_chinese_with_its_codes_named(busy_branch):
    set_language("zh")
    scope = audit_trail.Scope("member", member_id=5)
    edit = next(e for e in audit_trail.entries(busy_branch, scope) if e["action"] == "member.update")
    assert audit_trail.action_label(edit["action"]) == "编辑客户"
    lines = audit_trail.change_lines(edit)
    assert any(line.startswith("服务人员: ") and line.endswith("→ 王丽华") for line in lines)
    assert any(line.startswith("风险承受能力: ") and line.endswith("→ C5 激进型") for line in lines)
    assert any(line.startswith("需求: ") and line.endswith("→ 赚钱、舞台") for line in lines)


def test_a_complaint_s_status_and_channel_read_as_words(busy_branch):
    set_language("en")
    entries = audit_trail.entries(busy_branch, audit_trail.Scope("dates", start=date(2000, 1, 1),
                                                                 end=date(2100, 1, 1)))
    opened = next(e for e in entries if e["action"] == "complaint.open")
    lines = audit_trail.change_lines(opened)
    assert "Status: open" in lines and "Channel: phone" in lines
    assert "Received on" in "\n".join(lines)
    assert audit_trail.action_label("complaint.open") == "complaint logged"
    assert audit_trail.entity_label("complaint") == "complaint"


@pytest.fixture
def erased_branch(demo_store):
    """A member revealed, contacted and then erased: the newest kinds of entries."""
    from branchdesk.services import erasure, staff
    from branchdesk.services.staff import Credentials

    staff.init_branch(demo_store, "周经理", "geheim-123")
    roster.update_member(demo_store, "周经理", 3, {"phone": "13999998888", "notes": "住在陆家嘴"})
    roster.reveal(demo_store, "周经理", 3)
    activities.log_activity(demo_store, "周经理", 3, "call", note="回访")
    erasure.erase_member(demo_store, "周经理", 3, Credentials("周经理", "geheim-123"), "申请单 7")
    return demo_store


def _lines(store, action: str) -> list[str]:
    found = audit_trail.entries(store, audit_trail.Scope("member", member_id=3))
    return audit_trail.change_lines(next(e for e in found if e["action"] == action))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_erasure_reveal_and_contact_entries_read_as_words(erased_branch, language):
    set_language(language)
    erase, reveal = _lines(erased_branch, "member.erase"), _lines(erased_branch, "member.reveal_phone")
    contact = _lines(erased_branch, "activity.add")
    shown = "\n".join(erase + reveal + contact)
    for raw in ("notes_emptied", "follow_up_removed", '"phone"', "account_no", "+00:00", "T"):
        assert raw not in shown.replace("Time", "").replace("Tags", "")
    assert not re.search(r"[0-9a-f]{64}", shown)  # sealed rows' hashes
    mobile, account = (t(member_fields.BY_NAME[f].label_key) for f in ("phone", "account_no"))
    assert f"{mobile}{t('roster_fields.list_separator')}{account}" in reveal[0]
    sealed = next(line for line in erase if line.startswith(audit_labels.field_label("sealed")))
    count = len(json.loads(erased_branch.conn.execute(
        "SELECT after FROM audit_log WHERE action = 'member.erase'").fetchone()[0])["sealed"])
    assert count > 0 and (f"{count} 条审计记录" if language == "zh" else f"{count} audit rows") \
        in sealed
    at = json.loads(erased_branch.conn.execute(
        "SELECT after FROM audit_log WHERE action = 'activity.add'").fetchone()[0])["at"]
    local = datetime.fromisoformat(at).astimezone(datetimes.branch_zone())
    assert f"{local:%Y-%m-%d %H:%M:%S}" in shown


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_detail_of_an_erasure_has_a_label(erased_branch, language):
    set_language(language)
    scope = audit_trail.Scope("dates", start=date(2000, 1, 1), end=date(2100, 1, 1))
    raw = set()
    for entry in audit_trail.entries(erased_branch, scope):
        for side in ("before", "after"):
            data = json.loads(entry[side]) if entry[side] else None
            if isinstance(data, dict):
                raw |= {f"{entry['action']}.{k}" for k in data
                        if audit_labels.field_label(k, entry["entity"]) == k}
    assert raw == set()


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Removed: 2", "Restored: 1", "Later edits lost: 0", "Members found: [114]"]),
    ("zh", ["删除: 2", "恢复: 1", "丢失的后续修改: 0", "找到的客户: [114]"]),
])
def test_an_undo_and_a_number_search_read_as_words(language, words):
    set_language(language)
    undo = {"action": "import.undo", "entity": "import_batch", "before": None,
            "after": json.dumps({"removed": 2, "restored": 1, "edits_lost": 0})}
    search = {"action": "members.search_number", "entity": "member", "before": None,
              "after": json.dumps({"found": [114]})}
    assert audit_trail.change_lines(undo) + audit_trail.change_lines(search) == words


def test_a_restored_member_keeps_what_the_undo_does_not_put_back():
    set_language("en")
    current = {"id": 114, "name": "白晨", "phone": "15200002045", "advisor": "王丽华"}
    entry = {"action": "member.restore", "entity": "member",
             "before": json.dumps(current, ensure_ascii=False),
             "after": json.dumps({"id": 114, "advisor": "李娜", "import_batch": 3},
                                 ensure_ascii=False)}
    lines = audit_trail.change_lines(entry)
    assert not any(line.endswith("→ —") for line in lines)
    assert any(line.endswith("王丽华 → 李娜") for line in lines)
    assert not any("白晨" in line or "2045" in line for line in lines)
