"""One declaration of a member's fields: the model, the table, the card and the importer say
the same thing, and the masks SQLite applies to a listing are the ones the screens apply."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from branchdesk import member_fields
from branchdesk.importers import headers
from branchdesk.models import Member
from branchdesk.services import roster, roster_listing
from branchdesk.store import members as member_rows
from branchdesk.widgets import member_card_form


def test_every_list_of_fields_comes_from_the_declaration():
    names = member_fields.FIELD_NAMES
    assert names == member_rows.DATA_COLUMNS
    # value_tier is derived from the total; dormant and reactivated come with a listing;
    # version is bookkeeping (an edit made on an older read is refused).
    assert list(Member.model_fields) == ["id", *names[:13], "value_tier", *names[13:],
                                         "dormant", "reactivated", "version"]
    assert roster.EDITABLE_FIELDS == headers.FIELDS == tuple(n for n in names if n != "extra")
    assert set(member_card_form.FORM_FIELDS) == set(roster.EDITABLE_FIELDS) - {"needs", "tags"}
    assert set(headers.SYNONYMS) == set(headers.FIELDS)  # every field a column can fill


@given(st.one_of(st.none(), st.text(alphabet="0123456789Ab", max_size=20)),
       st.one_of(st.none(), st.text(alphabet="0123456789xyZ-", max_size=30)))
def test_the_masks_in_sql_are_the_masks_in_python(phone, account):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE members (phone TEXT, account_no TEXT)")
    conn.execute("INSERT INTO members VALUES (?, ?)", (phone, account))
    sql = roster_listing._MASKED_PHONE + ", " + roster_listing._MASKED_ACCOUNT
    masked_phone, masked_account = conn.execute(f"SELECT {sql} FROM members").fetchone()
    assert (masked_phone or "") == member_fields.mask_phone(phone)
    assert (masked_account or "") == member_fields.mask_account(account)


def test_account_numbers_are_masked_like_phones():
    assert member_fields.mask_phone("13812345678") == "138****5678"
    assert member_fields.mask_account("310000001234") == "310*****1234"
    assert member_fields.mask_account("A12345") == "****45"
