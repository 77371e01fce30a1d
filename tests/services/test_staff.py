from __future__ import annotations

import pytest

from branchdesk.errors import UserError
from branchdesk.services import staff
from branchdesk.services.staff import Credentials


def test_passwords_are_salted_scrypt_hashes(store):
    staff.add_staff(store, "admin", "周经理", "manager", "secret-1")
    stored = store.conn.execute("SELECT password_hash FROM staff").fetchone()[0]
    assert stored.startswith("scrypt$") and "secret-1" not in stored
    assert staff.hash_password("same-pw") != staff.hash_password("same-pw")
    assert staff.authenticate(store, Credentials("周经理", "secret-1"))["role"] == "manager"
    with pytest.raises(UserError):
        staff.authenticate(store, Credentials("周经理", "wrong-pw"))


def test_roles_above_staff_need_a_manager_once_there_is_one(store):
    staff.add_staff(store, "admin", "周经理", "manager", "secret-1")
    staff.add_staff(store, "周经理", "小王", "staff", "pass-wang")
    with pytest.raises(UserError, match="manager"):
        staff.add_staff(store, "小王", "小李", "reviewer", "pass-li")
    with pytest.raises(UserError):
        staff.set_role(store, "小王", "小王", "reviewer", manager=Credentials("周经理", "nope!!"))
    staff.set_role(store, "周经理", "小王", "reviewer", manager=Credentials("周经理", "secret-1"))
    assert staff.authenticate(store, Credentials("小王", "pass-wang"), role="reviewer")


def test_changing_someone_elses_password_needs_theirs_or_a_managers(store):
    staff.add_staff(store, "admin", "周经理", "manager", "secret-1")
    staff.add_staff(store, "周经理", "小王", "staff", "pass-wang")
    with pytest.raises(UserError):
        staff.set_password(store, "小李", "小王", "hijacked")
    staff.set_password(store, "小王", "小王", "new-pass", old_password="pass-wang")
    staff.set_password(store, "周经理", "小王", "reset-pw", manager=Credentials("周经理", "secret-1"))
    assert staff.authenticate(store, Credentials("小王", "reset-pw"))


def test_short_passwords_and_duplicates_are_refused(store):
    with pytest.raises(UserError):
        staff.add_staff(store, "admin", "小王", "staff", "123")
    staff.add_staff(store, "admin", "小王", "staff", "123456")
    with pytest.raises(UserError):
        staff.add_staff(store, "admin", "小王", "staff", "123456")
    assert [p["name"] for p in staff.list_staff(store)] == ["小王"]
    assert "password_hash" not in staff.list_staff(store)[0]


def test_deactivated_staff_cannot_sign(store):
    staff.add_staff(store, "admin", "小王", "reviewer", "pass-wang")
    staff.deactivate(store, "admin", "小王")
    with pytest.raises(UserError):
        staff.authenticate(store, Credentials("小王", "pass-wang"))
