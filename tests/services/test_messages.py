"""The message review trail: draft → submitted → approved / rejected → sent."""

from __future__ import annotations

import json
import sqlite3

import pytest

from branchdesk.errors import UserError
from branchdesk.services import messages, rules, staff
from branchdesk.services.checking import check_text
from branchdesk.services.staff import Credentials
from branchdesk.store import audit

BLOCKED = "保证年化15%，稳赚不赔！"
CLEAN = "本周六下午两点在营业部三楼举办新手课程，欢迎报名。"
MANAGER = Credentials("周经理", "manager-pw")
REVIEWER = Credentials("合规王", "review-pw")


@pytest.fixture
def team(store):
    staff.init_branch(store, "周经理", "manager-pw")
    staff.add_staff(store, MANAGER, "合规王", "reviewer", "review-pw")
    staff.add_staff(store, MANAGER, "小李", "staff", "staff-pw")
    return store


def test_draft_keeps_text_findings_and_pack_version(team):
    draft = messages.save_draft(team, "小李", BLOCKED, "解套互助群")
    assert draft["status"] == "draft" and draft["verdict"] == "block"
    assert {f["category"] for f in draft["findings"]} >= {"guarantee"}
    assert all(BLOCKED[f["start"]:f["end"]] == f["match"] for f in draft["findings"])
    entry = team.conn.execute("SELECT after FROM audit_log WHERE action = 'message.draft'").fetchone()
    logged = json.loads(entry[0])
    assert logged["text"] == BLOCKED and logged["pack_version"] == draft["pack_version"]


def test_approval_needs_another_reviewer_with_password(team):
    message = messages.save_draft(team, "小李", CLEAN)
    messages.submit(team, "小李", message["id"])
    with pytest.raises(UserError, match="password"):
        messages.approve(team, Credentials("合规王", "wrong-pw"), message["id"])
    with pytest.raises(UserError, match="role"):
        messages.approve(team, Credentials("小李", "staff-pw"), message["id"])
    approved = messages.approve(team, Credentials("合规王", "review-pw"), message["id"])
    assert approved["status"] == "approved" and approved["reviewer"] == "合规王"
    sent = messages.mark_sent(team, "小李", message["id"])
    assert sent["status"] == "sent"


def test_nobody_approves_their_own_message(team):
    message = messages.save_draft(team, "合规王", CLEAN)
    messages.submit(team, "合规王", message["id"])
    with pytest.raises(UserError, match="another reviewer"):
        messages.approve(team, Credentials("合规王", "review-pw"), message["id"])


def test_blocked_message_needs_an_override_reason(team):
    message = messages.save_draft(team, "小李", BLOCKED)
    messages.submit(team, "小李", message["id"])
    with pytest.raises(UserError, match="override"):
        messages.approve(team, Credentials("合规王", "review-pw"), message["id"])
    approved = messages.approve(team, Credentials("合规王", "review-pw"), message["id"],
                                override_reason="引用监管通报原文，用于反面教育")
    assert approved["override_reason"].startswith("引用")


def test_rejection_and_a_new_version(team):
    message = messages.save_draft(team, "小李", BLOCKED)
    messages.submit(team, "小李", message["id"])
    messages.reject(team, Credentials("合规王", "review-pw"), message["id"], "删除收益承诺")
    revised = messages.save_draft(team, "小李", CLEAN, previous_id=message["id"])
    assert revised["previous_id"] == message["id"] and revised["verdict"] == "pass"
    assert [m["id"] for m in messages.history(team, revised["id"])] == [revised["id"], message["id"]]
    assert messages.get_message(team, message["id"])["status"] == "superseded"


def test_review_queue_is_oldest_first(team):
    ids = []
    for text in (CLEAN, "第二条：" + CLEAN, "第三条：" + CLEAN):
        m = messages.save_draft(team, "小李", text)
        messages.submit(team, "小李", m["id"])
        ids.append(m["id"])
    assert [m["id"] for m in messages.review_queue(team)] == ids


def test_wrong_order_of_steps_is_refused(team):
    message = messages.save_draft(team, "小李", CLEAN)
    with pytest.raises(UserError):
        messages.mark_sent(team, "小李", message["id"])
    with pytest.raises(UserError):
        messages.approve(team, Credentials("合规王", "review-pw"), message["id"])


def test_checked_text_cannot_be_edited_afterwards(team):
    message = messages.save_draft(team, "小李", BLOCKED)
    with pytest.raises(sqlite3.IntegrityError):
        team.conn.execute("UPDATE messages SET text = '无害' WHERE id = ?", (message["id"],))
    with pytest.raises(sqlite3.IntegrityError):
        team.conn.execute("DELETE FROM messages")
    assert audit.verify(team.conn).ok


def test_branch_rules_are_used_and_audited(team):
    store = team
    text = "今晚八点群里发红包，大家准时来抢"
    assert check_text(store, text).verdict.value == "pass"
    rules.save_rule(store, REVIEWER, {
        "id": "branch.no-red-packets", "kind": "phrase", "category": "unlicensed", "severity": "block",
        "phrases": ["发红包"], "explanation_zh": "本营业部禁止在客户群发红包。",
        "explanation_en": "This branch forbids red packets in client groups.",
        "suggestion_zh": "删除该内容。", "suggestion_en": "Remove it.",
        "basis": "营业部合规细则"})
    result = check_text(store, text)
    assert result.verdict.value == "block" and "+local." in result.pack_version
    rules.set_enabled(store, REVIEWER, "branch.no-red-packets", False)
    assert check_text(store, text).verdict.value == "pass"
    rows = store.conn.execute("SELECT action, operator FROM audit_log WHERE action LIKE 'rule.%'"
                              " ORDER BY id").fetchall()
    assert rows == [("rule.save", "合规王"), ("rule.disable", "合规王")]


def test_a_shipped_rule_can_be_switched_off(team):
    store = team
    result = check_text(store, BLOCKED)
    rule_id = next(f.rule for f in result.findings if f.category.value == "guarantee")
    rules.set_enabled(store, REVIEWER, rule_id, False)
    assert rule_id not in {f.rule for f in check_text(store, BLOCKED).findings}
    rules.reset_rule(store, REVIEWER, rule_id)
    assert rule_id in {f.rule for f in check_text(store, BLOCKED).findings}


def test_a_branch_can_switch_off_the_models_reading(team):
    store = team
    text = "要是跌破您的买入价，差额我个人给您补上，您只管拿着别动。"
    assert [f.rule for f in check_text(store, text).findings] == ["model.guarantee"]
    rules.set_enabled(store, REVIEWER, "model.guarantee", False)
    result = check_text(store, text)
    assert result.verdict.value == "pass" and "+local." in result.pack_version


def test_privacy_finds_a_members_account_number(demo_store):
    account = demo_store.conn.execute("SELECT account_no FROM members LIMIT 1").fetchone()[0]
    result = check_text(demo_store, f"客户资金账号 {account} 今天已经开通两融")
    assert "privacy" in {f.category.value for f in result.findings}


def test_suitability_counts_members_below_the_product_level(demo_store):
    result = check_text(demo_store, "推荐一款R5高风险产品，投资有风险，入市需谨慎。", "解套互助群")
    suitability = [f for f in result.findings if f.category.value == "suitability"]
    assert suitability and any(ch.isdigit() for ch in suitability[0].explanation)


def test_a_shipped_rule_can_be_edited(team):
    store = team
    from branchdesk.services.rules import list_rules

    result = check_text(store, BLOCKED)
    rule_id = next(f.rule for f in result.findings if f.rule == "guarantee.return")
    shipped = next(r["rule"] for r in list_rules(store) if r["id"] == rule_id)
    rules.save_rule(store, REVIEWER, {**shipped, "severity": "warn"})
    edited = [f for f in check_text(store, BLOCKED).findings if f.rule == rule_id]
    assert edited and all(f.severity.value == "warn" for f in edited)
    assert next(r for r in list_rules(store) if r["id"] == rule_id)["source"] == "edited"
