"""Account numbers (资金账号) are masked like phones wherever a person sees them, derived
from the one declaration of sensitive fields in member_fields."""

from __future__ import annotations

import json

from branchdesk import member_fields
from branchdesk.services import audit_trail, roster
from branchdesk.services.reactivation import Sleeper


def test_the_sensitive_fields_are_declared_once_and_masked_by_kind():
    assert member_fields.SENSITIVE_FIELDS == ("phone", "account_no")
    assert member_fields.mask_value("account_no", "310000001234") == "310*****1234"
    assert member_fields.mask_value("phone", "13812345678") == "138****5678"
    assert member_fields.mask_value("name", "王芳") == "王芳"
    assert member_fields.mask_fields({"account_no": "310000001234", "notes": "x"}) == \
        {"account_no": "310*****1234", "notes": "x"}


def test_the_audit_trail_masks_account_numbers(demo_store):
    member = roster.list_members(demo_store, limit=1)[0]
    entry = {"action": "member.update", "before": json.dumps({"account_no": member.account_no}),
             "after": json.dumps({"account_no": "310099998888"})}
    lines = " ".join(audit_trail.change_lines(entry))
    assert member.account_no not in lines and "310099998888" not in lines
    assert member_fields.mask_account(member.account_no) in lines


def test_reveal_returns_phone_and_account_and_is_audited_without_them(demo_store):
    member = roster.list_members(demo_store, limit=1)[0]
    shown = roster.reveal(demo_store, "李娜", member.id)
    assert shown == {"phone": member.phone, "account_no": member.account_no}
    [row] = [e for e in roster.member_history(demo_store, member.id)
             if e["action"] == "member.reveal_phone"]
    assert member.phone not in (row["after"] or "") and member.account_no not in row["after"]


def test_lists_for_calls_mask_the_account_unless_revealed():
    sleeper = Sleeper(1, "王芳", "13812345678", "周明远", "310000001234", None, None, 40, None)
    assert sleeper.to_json()["account_no"] == "310*****1234"
    assert sleeper.to_json(reveal=True)["account_no"] == "310000001234"
