"""Naming a member at a desk: a name or a mobile's last digits, as the door takes them."""

from __future__ import annotations

import pytest
from event_support import NOW

from branchdesk.errors import UserError
from branchdesk.i18n import set_language
from branchdesk.services.desk_lookup import lookup_member
from branchdesk.store import members as member_rows

TODAY = NOW.date()


def test_last_four_digits_or_a_whole_name_name_one_member(demo_store):
    conn = demo_store.conn
    member_id, phone = conn.execute(
        "SELECT id, phone FROM members m WHERE (SELECT count(*) FROM members o"
        " WHERE substr(o.phone, -4) = substr(m.phone, -4)) = 1 ORDER BY id LIMIT 1").fetchone()
    assert lookup_member(demo_store, phone[-4:], TODAY) == member_id
    account_id, account = conn.execute("SELECT id, account_no FROM members"
                                       " WHERE account_no IS NOT NULL LIMIT 1").fetchone()
    assert lookup_member(demo_store, account, TODAY) == account_id  # as scripts pass it


@pytest.mark.parametrize("language", ["zh", "en"])
def test_several_or_none_are_said_with_masked_mobiles(demo_store, language):
    set_language(language)
    surname = demo_store.conn.execute(
        "SELECT substr(name, 1, 1) s FROM members GROUP BY s ORDER BY count(*) DESC").fetchone()[0]
    with pytest.raises(UserError) as several:
        lookup_member(demo_store, surname, TODAY)
    assert "****" in several.value.message and several.value.key == "events.several_named"
    with pytest.raises(UserError) as none:
        lookup_member(demo_store, "无此人", TODAY)
    assert "无此人" in none.value.message and none.value.key == "events.no_member_named"


def test_a_tail_that_is_also_a_member_id_names_the_mobile_s_holder_not_that_member(demo_store):
    """Four digits are a mobile's last digits, as at the door: member #12 is not whoever's
    mobile ends in 0012 (the first members' ids are every small tail); #12 is the id."""
    conn = demo_store.conn
    holder = conn.execute("SELECT id FROM members WHERE id > 50 LIMIT 1").fetchone()[0]
    member_rows.update_many(conn, [{**member_rows.get(conn, holder), "phone": "13900000012"}],
                            ["phone"])  # its search text follows
    assert lookup_member(demo_store, "0012", TODAY) == holder
    assert lookup_member(demo_store, "#12", TODAY) == 12
    if conn.execute("SELECT count(*) FROM members WHERE substr(phone, -4) = '0012'").fetchone()[0] == 1:
        assert lookup_member(demo_store, "００１２", TODAY) == holder  # however typed
