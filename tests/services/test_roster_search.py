"""Search, sort and filters of the roster as a user meets them: words of names, tags and needs;
phone and account tails but never a phone's masked middle; whole numbers audited; names in
pinyin order; the asset-tier filter; the search index kept in step with every write."""

from __future__ import annotations

import json

import pytest
from support import TODAY

from branchdesk.enums import Need, ValueTier
from branchdesk.member_query import BadQuery, MemberQuery
from branchdesk.services import roster, roster_listing
from branchdesk.store import audit, member_listing
from branchdesk.store import members as member_rows

PEOPLE = [
    # name, phone, account, needs, tags, total assets
    ("王芳", "13812345678", "310000000001", ["recovery"], ["退休"], 50_000),
    ("李秀英", "13912348888", "310000000002", ["profit"], ["宝妈", "ETF定投"], 200_000),
    ("曾国藩", "13700005678", "310000009999", [], [], 800_000),
    ("安娜", "15000001111", None, ["allocation", "recovery"], [], 5_000_000),
    ("白雪", "18600002222", "A0003456", [], ["企业主"], None),
    ("Alice", "17700003333", "310000000006", ["stage"], [], 100_000),
]


@pytest.fixture
def people(store):
    rows = [member_rows.to_db({
        "name": name, "phone": phone, "account_no": account, "needs": needs, "tags": tags,
        "communities": [], "extra": {}, "total_assets": assets})
        for name, phone, account, needs, tags, assets in PEOPLE]
    with store.transaction() as conn:
        member_rows.insert_many(conn, rows)
    return store


def names(store, **query) -> list[str]:
    return [m.name for m in roster.list_members(store, MemberQuery(**query), today=TODAY)]


def test_one_character_finds_a_surname_and_a_given_name(people):
    assert names(people, search="王") == ["王芳"]
    assert names(people, search="英") == ["李秀英"]  # inside a name
    assert names(people, search="秀英") == ["李秀英"]


def test_need_and_tag_words_find_members(people):
    assert names(people, search="解套") == ["安娜", "王芳"]  # the need, in Chinese
    assert names(people, search="recovery") == ["安娜", "王芳"]  # and its English code
    assert names(people, search="退休") == ["王芳"]
    assert names(people, search="定投") == ["李秀英"]  # part of a tag
    assert names(people, search="解套 退休") == ["王芳"]  # every word must match


def test_phone_tails_find_members_but_masked_middle_digits_never_do(people):
    assert names(people, search="5678") == ["王芳", "曾国藩"]  # last four digits
    assert names(people, search="56") == ["王芳", "曾国藩"]  # a tail as it is typed
    assert names(people, search="1234") == []  # 138[1234]5678: the masked middle
    assert names(people, search="0000") == []  # middle digits of several phones
    assert names(people, search="9999") == ["曾国藩"]  # an account's tail
    assert names(people, search="3456") == ["白雪"]


def test_a_whole_number_finds_its_member_and_is_audited_masked(people):
    assert names(people, search="13812345678") == ["王芳"]
    assert names(people, search="138 1234 5678") == ["王芳"]  # typed with spaces
    assert names(people, search="310000000002") == ["李秀英"]
    assert names(people, search="a0003456") == ["白雪"]  # letters in any case
    assert names(people, search="31000000") == []  # not a whole number: finds nobody
    assert roster_listing.audit_number_search(people, "李娜", MemberQuery(search="13812345678"))
    assert roster_listing.audit_number_search(people, "李娜", MemberQuery(search="310000000002"))
    assert not roster_listing.audit_number_search(people, "李娜", MemberQuery(search="王芳"))
    rows = people.conn.execute("SELECT operator, action, after FROM audit_log"
                               " WHERE action = 'members.search_number'").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("李娜", "members.search_number")] * 2
    assert json.loads(rows[0][2])["numbers"] == ["138****5678"]
    assert json.loads(rows[1][2])["numbers"] == ["310*****0002"]
    text = " ".join(r[2] for r in rows)
    assert "13812345678" not in text and "310000000002" not in text
    assert audit.verify(people.conn).ok


@pytest.mark.parametrize("search", ["😀", "!", "-", "%", '"', "。", "_", "！？ -- “”", "👍🏻"])
def test_a_search_of_only_punctuation_or_symbols_finds_nobody(people, search):
    """Not the whole roster: nothing in it can be found by what was typed."""
    assert names(people, search=search) == []
    assert roster.count_members(people, MemberQuery(search=search), TODAY) == 0
    assert names(people, search=f"{search} 王") == ["王芳"]  # beside a word, it is left out
    assert len(names(people, search=" ")) == len(PEOPLE)  # blank: no search at all


def test_names_sort_by_pinyin(people):
    assert names(people) == ["Alice", "安娜", "白雪", "李秀英", "王芳", "曾国藩"]  # al < an
    assert names(people, descending=True)[0] == "曾国藩"


def test_value_tier_filter_in_words_or_codes(people):
    assert names(people, value_tier="钻石") == ["安娜"]
    assert names(people, value_tier=ValueTier.SILVER) == ["Alice", "李秀英"]
    assert names(people, value_tier="basic") == ["王芳"]
    higher = (10_000.0, 60_000.0, 1_000_000.0)
    assert names(people, value_tier="gold", tier_thresholds=higher) == ["Alice", "李秀英", "曾国藩"]
    with pytest.raises(BadQuery) as caught:
        MemberQuery(value_tier="platinum")
    assert "diamond" in " ".join(caught.value.allowed)


def test_filters_take_the_words_users_type():
    assert MemberQuery(need="解套").need is Need.RECOVERY
    assert MemberQuery(risk_level="稳健型").risk_level.value == "C3"
    assert MemberQuery(risk_level="c3").risk_level.value == "C3"
    assert MemberQuery(experience="新手").experience.value == "novice"
    with pytest.raises(BadQuery) as caught:
        MemberQuery(sort="shoe size")
    assert "name" in caught.value.allowed


@pytest.mark.parametrize("search", ["5", "王", "退休", "1 解套"])
def test_every_way_of_reading_a_search_gives_the_same_pages(people, monkeypatch, search):
    """A page is read by looking the matches up, by walking the sort order through them, or
    by testing each row's text (chosen by how many match): the same members either way."""
    from branchdesk.store import member_search

    pages = {}
    for how in (member_search.LOOKUP, member_search.WALK, member_search.SCAN):
        monkeypatch.setattr(member_listing, "_reading", lambda conn, terms, how=how: how)
        pages[how] = (names(people, search=search), names(people, search=search, descending=True),
                      [m.name for m in roster.list_members(people, MemberQuery(search=search),
                                                           offset=1, limit=1, today=TODAY)])
    assert pages[member_search.LOOKUP] == pages[member_search.WALK] == pages[member_search.SCAN]
    assert pages[member_search.LOOKUP][0]  # the search finds someone


def test_the_search_index_follows_edits_imports_and_undo(people):
    [wang] = roster.list_members(people, MemberQuery(search="王芳"), today=TODAY)
    roster.update_member(people, "李娜", wang.id, {"name": "汪芳", "tags": ["新开户"]})
    assert names(people, search="王芳") == []
    assert names(people, search="汪") == ["汪芳"] and names(people, search="新开户") == ["汪芳"]
    assert names(people)[-2:] == ["汪芳", "曾国藩"]  # and sorts under its new name
    with people.transaction() as conn:
        member_rows.delete_many(conn, [wang.id])
    assert names(people, search="汪") == []
    assert people.conn.execute(
        "INSERT INTO member_search(member_search) VALUES ('integrity-check')") is not None
