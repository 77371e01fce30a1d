from __future__ import annotations

import json

import pytest
from support import TODAY

from branchdesk.models import Experience, MemberQuery, Need, RiskLevel, ValueTier
from branchdesk.services import roster
from branchdesk.services.roster import FieldErrors
from branchdesk.store import audit


def test_filters_narrow_the_roster(demo_store):
    everyone = roster.count_members(demo_store, MemberQuery(), TODAY)
    assert everyone == 200
    for query, check in [
        (MemberQuery(need=Need.RECOVERY), lambda m: Need.RECOVERY in m.needs),
        (MemberQuery(risk_level=RiskLevel.C3), lambda m: m.risk_level is RiskLevel.C3),
        (MemberQuery(experience=Experience.NOVICE), lambda m: m.experience is Experience.NOVICE),
        (MemberQuery(community="解套互助群"), lambda m: "解套互助群" in m.communities),
    ]:
        found = roster.list_members(demo_store, query, today=TODAY)
        assert 0 < len(found) < everyone
        assert all(check(m) for m in found)
        assert roster.count_members(demo_store, query, TODAY) == len(found)


def test_search_by_phone_tail_account_and_tag(demo_store):
    member = roster.list_members(demo_store, MemberQuery(), limit=1, today=TODAY)[0]
    by_tail = roster.list_members(demo_store, MemberQuery(search=member.phone[-4:]), today=TODAY)
    assert member.id in [m.id for m in by_tail]
    by_account = roster.list_members(demo_store, MemberQuery(search=member.account_no), today=TODAY)
    assert [m.id for m in by_account] == [member.id]
    assert roster.count_members(demo_store, MemberQuery(search="no-such-person"), TODAY) == 0


def test_dormant_means_no_activity_for_n_days(demo_store):
    dormant = roster.list_members(demo_store, MemberQuery(dormant_only=True, dormant_days=30),
                                  today=TODAY)
    assert dormant
    for m in dormant:
        assert m.last_active_on is None or (TODAY - m.last_active_on).days > 30


def test_paging_in_order_covers_everyone_once(demo_store):
    query = MemberQuery(sort="last_active_on", descending=True)
    pages = [roster.list_members(demo_store, query, offset=o, limit=37, today=TODAY)
             for o in range(0, 200, 37)]
    ids = [m.id for page in pages for m in page]
    assert len(ids) == len(set(ids)) == 200


def test_value_tier_follows_thresholds(demo_store):
    member = roster.list_members(demo_store, MemberQuery(sort="total_assets", descending=True),
                                 limit=1, today=TODAY)[0]
    assert member.value_tier is ValueTier.DIAMOND
    low = roster.get_member(demo_store, member.id, thresholds=(1e12, 2e12, 3e12))
    assert low.value_tier is ValueTier.BASIC


def test_update_is_audited_with_only_changed_fields(demo_store):
    member = roster.list_members(demo_store, MemberQuery(), limit=1, today=TODAY)[0]
    new_needs = [n for n in Need if n not in member.needs][:1]
    saved = roster.update_member(demo_store, "李娜", member.id,
                                 {"needs": member.needs + new_needs, "notes": "回访"})
    assert new_needs[0] in saved.needs and saved.notes == "回访"
    [entry] = [e for e in roster.member_history(demo_store, member.id) if e["action"] == "member.update"]
    assert entry["operator"] == "李娜"
    assert set(json.loads(entry["after"])) == {"needs", "notes"}
    assert audit.verify(demo_store.conn).ok


def test_invalid_edit_names_the_field_and_changes_nothing(demo_store):
    member = roster.list_members(demo_store, MemberQuery(), limit=1, today=TODAY)[0]
    with pytest.raises(FieldErrors) as caught:
        roster.update_member(demo_store, "李娜", member.id, {"phone": "12345"})
    assert "phone" in caught.value.fields
    assert roster.get_member(demo_store, member.id).phone == member.phone


def test_account_numbers_stay_unique(demo_store):
    first, second = roster.list_members(demo_store, MemberQuery(), limit=2, today=TODAY)
    with pytest.raises(FieldErrors) as caught:
        roster.update_member(demo_store, "李娜", second.id, {"account_no": first.account_no})
    assert "account_no" in caught.value.fields


def test_revealing_a_phone_is_audited(demo_store):
    member = roster.list_members(demo_store, MemberQuery(), limit=1, today=TODAY)[0]
    assert roster.reveal_phone(demo_store, "李娜", member.id) == member.phone
    assert roster.member_history(demo_store, member.id)[0]["action"] == "member.reveal_phone"


def test_account_number_with_spaces_or_chinese_is_refused(demo_store):
    member = roster.list_members(demo_store, MemberQuery(), limit=1, today=TODAY)[0]
    for bad in ("310 0002", "账号123"):
        with pytest.raises(FieldErrors) as caught:
            roster.update_member(demo_store, "李娜", member.id, {"account_no": bad})
        assert "account_no" in caught.value.fields


def test_main_branch_names_the_header_when_none_is_configured(demo_store):
    assert roster.main_branch(demo_store) == "上海陆家嘴营业部"
