from __future__ import annotations

import pytest

from branchdesk.errors import UserError
from branchdesk.services import rules, staff
from branchdesk.services.staff import Credentials
from branchdesk.store import audit

MANAGER = Credentials("周经理", "secret-1")


def operators(store, action: str) -> list[str]:
    return [row[0] for row in store.conn.execute(
        "SELECT operator FROM audit_log WHERE action = ? ORDER BY id", (action,))]


def test_passwords_are_salted_scrypt_hashes(store):
    staff.init_branch(store, "周经理", "secret-1")
    stored = store.conn.execute("SELECT password_hash FROM staff").fetchone()[0]
    assert stored.startswith("scrypt$") and "secret-1" not in stored
    assert staff.hash_password("same-pw") != staff.hash_password("same-pw")
    assert staff.authenticate(store, MANAGER)["role"] == "manager"
    with pytest.raises(UserError):
        staff.authenticate(store, Credentials("周经理", "wrong-pw"))


def test_a_branch_is_set_up_once_and_its_first_member_is_the_manager(store):
    assert not staff.has_staff(store)
    staff.init_branch(store, "周经理", "secret-1")
    assert [(p["name"], p["role"]) for p in staff.list_staff(store)] == [("周经理", "manager")]
    assert operators(store, "staff.init") == ["周经理"]
    with pytest.raises(UserError, match="already set up"):
        staff.init_branch(store, "小王", "pass-wang")
    assert [p["name"] for p in staff.list_staff(store)] == ["周经理"]


def test_adding_staff_needs_a_set_up_branch_and_a_managers_password(store):
    with pytest.raises(UserError, match="staff init"):                  # no free first manager
        staff.add_staff(store, Credentials("周经理", "anything"), "周经理", "manager", "secret-1")
    assert not staff.has_staff(store)
    staff.init_branch(store, "周经理", "secret-1")
    with pytest.raises(UserError, match="manager"):
        staff.add_staff(store, None, "小王", "staff", "pass-wang")
    with pytest.raises(UserError, match="Wrong name or password"):
        staff.add_staff(store, Credentials("周经理", "nope!!"), "小王", "staff", "pass-wang")
    staff.add_staff(store, MANAGER, "小王", "staff", "pass-wang")
    with pytest.raises(UserError, match="manager"):                     # staff cannot add staff
        staff.add_staff(store, Credentials("小王", "pass-wang"), "小李", "reviewer", "pass-li")
    with pytest.raises(UserError):
        staff.set_role(store, Credentials("周经理", "nope!!"), "小王", "reviewer")
    staff.set_role(store, MANAGER, "小王", "reviewer")
    assert staff.authenticate(store, Credentials("小王", "pass-wang"), role="reviewer")
    assert operators(store, "staff.add") == ["周经理"]
    assert operators(store, "staff.role") == ["周经理"]


def test_a_new_password_is_typed_twice():
    with pytest.raises(UserError, match="not the same"):
        staff.confirm_password("pass-wang", "pass-wamg")
    with pytest.raises(UserError, match="at least"):
        staff.confirm_password("123", "123")
    assert staff.confirm_password("pass-wang", "pass-wang") == "pass-wang"


def test_changing_someone_elses_password_needs_theirs_or_a_managers(store):
    staff.init_branch(store, "周经理", "secret-1")
    staff.add_staff(store, MANAGER, "小王", "staff", "pass-wang")
    staff.add_staff(store, MANAGER, "小李", "staff")                     # no password yet
    with pytest.raises(UserError):
        staff.set_password(store, "小王", "hijacked")
    with pytest.raises(UserError):                                       # nor a first one, unasked
        staff.set_password(store, "小李", "hijacked")
    staff.set_password(store, "小王", "new-pass", old_password="pass-wang")
    staff.set_password(store, "小王", "reset-pw", manager=MANAGER)
    staff.set_password(store, "小李", "first-pw", manager=MANAGER)
    assert staff.authenticate(store, Credentials("小王", "reset-pw"))
    assert operators(store, "staff.password") == ["小王", "周经理", "周经理"]


def test_short_passwords_and_duplicates_are_refused(store):
    staff.init_branch(store, "周经理", "secret-1")
    with pytest.raises(UserError):
        staff.add_staff(store, MANAGER, "小王", "staff", "123")
    staff.add_staff(store, MANAGER, "小王", "staff", "123456")
    with pytest.raises(UserError):
        staff.add_staff(store, MANAGER, "小王", "staff", "123456")
    assert [p["name"] for p in staff.list_staff(store)] == ["小王", "周经理"]  # by pinyin
    assert "password_hash" not in staff.list_staff(store)[0]


def test_deactivated_staff_cannot_sign_and_the_last_manager_stays(store):
    staff.init_branch(store, "周经理", "secret-1")
    staff.add_staff(store, MANAGER, "小王", "reviewer", "pass-wang")
    staff.deactivate(store, MANAGER, "小王")
    with pytest.raises(UserError):
        staff.authenticate(store, Credentials("小王", "pass-wang"))
    with pytest.raises(UserError, match="last active manager"):
        staff.deactivate(store, MANAGER, "周经理")
    with pytest.raises(UserError, match="last active manager"):
        staff.set_role(store, MANAGER, "周经理", "staff")
    assert staff.authenticate(store, MANAGER)["role"] == "manager"


def test_sign_in_is_audited_under_the_person_and_the_operator_must_be_staff(store):
    staff.check_operator(store, "anyone")            # no staff yet: the branch runs as before
    staff.init_branch(store, "周经理", "secret-1")
    with pytest.raises(UserError, match="Wrong name or password"):
        staff.sign_in(store, Credentials("周经理", "wrong-pw"))
    assert staff.sign_in(store, MANAGER)["name"] == "周经理"
    assert operators(store, "staff.sign_in") == ["周经理"]
    staff.check_operator(store, "周经理")
    with pytest.raises(UserError, match="--user NAME"):
        staff.check_operator(store, "root")


@pytest.fixture
def branch(store):
    staff.init_branch(store, "周经理", "secret-1")
    staff.add_staff(store, MANAGER, "王合规", "reviewer", "rev-pass")
    staff.add_staff(store, MANAGER, "小李", "staff", "staff-pass")
    return store


def rule_state(store, rule_id: str) -> dict:
    return next(r for r in rules.list_rules(store) if r["id"] == rule_id)


@pytest.mark.parametrize("who", [None, Credentials("", ""), Credentials("王合规", "wrong-pw"),
                                 Credentials("小李", "staff-pass")])
def test_switching_a_rule_off_without_a_reviewers_password_changes_nothing(branch, who):
    before = audit.head(branch.conn).anchor
    with pytest.raises(UserError):
        rules.set_enabled(branch, who, "guarantee.capital", False)
    with pytest.raises(UserError):
        rules.save_rule(branch, who, {**rule_state(branch, "guarantee.capital")["rule"],
                                      "severity": "warn"})
    assert not rule_state(branch, "guarantee.capital")["disabled"]
    assert rule_state(branch, "guarantee.capital")["source"] == "shipped"
    assert audit.head(branch.conn).anchor == before


def test_a_reviewers_password_switches_a_rule_off_in_their_name(branch):
    rules.set_enabled(branch, Credentials("王合规", "rev-pass"), "guarantee.capital", False)
    assert rule_state(branch, "guarantee.capital")["disabled"]
    assert operators(branch, "rule.disable") == ["王合规"]
    with pytest.raises(UserError, match="Wrong name or password"):
        rules.reset_rule(branch, Credentials("王合规", "nope!!"), "guarantee.capital")
    rules.reset_rule(branch, MANAGER, "guarantee.capital")              # a manager may too
    assert operators(branch, "rule.reset") == ["周经理"]
    assert not rule_state(branch, "guarantee.capital")["disabled"]


def test_on_a_branch_without_staff_nobody_can_change_the_rules(store):
    with pytest.raises(UserError, match="staff init"):
        rules.set_enabled(store, Credentials("root", "whatever"), "guarantee.capital", False)
    assert not rule_state(store, "guarantee.capital")["disabled"]


def test_staff_are_listed_by_pinyin(demo_store):
    """周 (zhou), 安 (an), 丁 (ding): a person reads 安 丁 周, not code-point order."""
    from branchdesk.services.staff import Credentials

    staff.init_branch(demo_store, "周经理", "pass-1234")
    for name in ("丁伟", "安琪"):
        staff.add_staff(demo_store, Credentials("周经理", "pass-1234"), name, "staff", "pass-1234")
    assert [person["name"] for person in staff.list_staff(demo_store)] == ["安琪", "丁伟", "周经理"]
