"""Finding the header row and the roster sheet, and mapping header text to member fields."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from branchdesk.errors import UserError
from branchdesk.importers.headers import (
    SYNONYMS,
    choose_sheet,
    display_header,
    find_header,
    map_columns,
    match_header,
)


@dataclass
class Sheet:
    """Shaped like importers.reader.SheetData."""

    name: str
    rows: list[list[object]]
    first_row: int = 1
    first_col: int = 1


def fields_of(match) -> dict[str, str]:
    return {c.field: c.header for c in match.columns}


ROSTER_HEADER = ["序号", "客户姓名", "手机号码", "资金账号", "营业部", "服务人员", "风险承受能力",
                 "投资经验", "客户需求", "标签", "所在社群", "开户日期", "出生日期", "总资产（万元）",
                 "最近活跃", "备注"]
ROSTER_ROW = [1, "张三", 13812345678.0, "000123", "上海营业部", "李投顾", "C3", "新手", "赚钱",
              "VIP", "价值1群", "2020-01-01", "1980-05-06", 12.5, "2024-07-01", ""]


def test_every_synonym_maps_to_its_own_field():
    for field, words in SYNONYMS.items():
        for word in words:
            found = match_header(word)
            assert found is not None and found.field == field, word


@pytest.mark.parametrize(("text", "field"), [
    ("*姓名", "name"), ("＊姓名", "name"), ("姓名：", "name"), ("姓名:", "name"), (" 姓 名 ", "name"),
    ("手机\n号码", "phone"), ("手机号码（必填）", "phone"), ("客户手机号", "phone"),
    ("Client Name", "name"), ("CLIENT NAME", "name"), ("Mobile", "phone"), ("Account No.", "account_no"),
    ("Risk Level", "risk_level"), ("Total Assets", "total_assets"), ("Last Active", "last_active_on"),
    ("资金帐号", "account_no"), ("风险承受能力等级", "risk_level"), ("开户营业部名称", "branch"),
    ("出生日期(YYYYMMDD)", "birthday"), ("最近一次联系日期", "last_active_on"), ("微信群名", "communities"),
])
def test_header_variants(text, field):
    found = match_header(text)
    assert found is not None and found.field == field


@pytest.mark.parametrize(("text", "multiplier"), [
    ("总资产（万元）", 1e4), ("总资产(元)", 1.0), ("资产(万)", 1e4), ("总资产", 1.0), ("AUM (亿元)", 1e8),
    ("总资产（单位：万元）", 1e4), ("总资产/万元", 1e4), ("总资产万元", 1e4), ("资产【千元】", 1e3),
])
def test_units_in_amount_headers(text, multiplier):
    found = match_header(text)
    assert found is not None and found.field == "total_assets" and found.multiplier == multiplier


def test_units_only_apply_to_amounts():
    assert match_header("手机号码(11位)").multiplier == 1.0


@pytest.mark.parametrize("text", [
    "客户经理编号", "资产等级", "总资产等级", "产品风险等级", "日均资产", "昵称", "序号", "备用", "",
    "XX营业部2024年度客户信息汇总表",
])
def test_headers_that_are_not_member_fields(text):
    assert match_header(text) is None


def test_display_header_joins_broken_lines():
    assert display_header("手机\n号码") == "手机号码"
    assert display_header("Client\nName") == "Client Name"
    assert display_header("  *姓名 ") == "*姓名"
    assert display_header(None) == ""


def test_header_under_title_rows_and_merged_title():
    rows = [
        ["XX证券上海营业部客户名单", None, None, None, None],  # merged title: text in A1 only
        [None, None, None, None, None],
        ["制表日期：2024-07-01", None, None, None, "单位：万元"],
        ["序号", "*姓名", "手机\n号码", "总资产（万元）", "自定义"],
        [1, "张三", 13812345678.0, 12.5, "x"],
    ]
    match = find_header(rows)
    assert match is not None
    assert match.row_index == 3
    assert fields_of(match) == {"name": "*姓名", "phone": "手机号码", "total_assets": "总资产（万元）"}
    assert match.column_for("total_assets").multiplier == 10000
    assert match.unknown == {4: "自定义"}
    assert match.ignored == {0: "序号"}


def test_english_headers():
    rows = [["Client Name", "Mobile", "Account No", "Risk Level", "Tags", "Notes"]]
    match = find_header(rows)
    assert set(fields_of(match)) == {"name", "phone", "account_no", "risk_level", "tags", "notes"}


def test_better_synonym_wins_and_the_other_column_is_kept_as_extra():
    match = map_columns(["客户号", "姓名", "资金账号", "电话", "手机号码"])
    assert fields_of(match) == {"account_no": "资金账号", "name": "姓名", "phone": "手机号码"}
    assert match.unknown == {0: "客户号", 3: "电话"}


def test_leftmost_of_two_equal_headers_wins():
    match = map_columns(["姓名", "手机号码", "手机号码"])
    assert match.column_for("phone").column == 1
    assert match.unknown == {2: "手机号码"}


def test_header_row_is_the_one_with_most_fields():
    rows = [["姓名", "说明"], ROSTER_HEADER, ROSTER_ROW]
    assert find_header(rows).row_index == 1


def test_no_header_in_a_sheet_of_prose():
    rows = [["填写说明"], ["1. 姓名必填"], ["2. 手机号码和资金账号至少填写一项"]]
    assert find_header(rows) is None


def test_header_beyond_max_scan_is_not_found():
    rows = [[f"标题{i}"] for i in range(40)] + [ROSTER_HEADER]
    assert find_header(rows) is None
    assert find_header(rows, max_scan=50).row_index == 40


def test_choose_sheet_skips_the_instructions_sheet():
    instructions = Sheet("填写说明", [
        ["填写说明"],
        ["字段", "说明"],
        ["姓名", "必填"],
        ["手机号码", "11位手机号"],
    ])
    roster = Sheet("客户名单", [["客户名单"], ROSTER_HEADER, ROSTER_ROW])
    sheet, match = choose_sheet([instructions, roster])
    assert sheet is roster
    assert match.row_index == 1


def test_choose_sheet_prefers_the_sheet_with_data_over_an_empty_template():
    template = Sheet("模板", [ROSTER_HEADER])
    roster = Sheet("Sheet2", [ROSTER_HEADER, ROSTER_ROW])
    assert choose_sheet([template, roster])[0] is roster


def test_choose_sheet_by_name():
    first = Sheet("一月", [ROSTER_HEADER, ROSTER_ROW])
    second = Sheet("二月", [ROSTER_HEADER, ROSTER_ROW])
    assert choose_sheet([first, second], "二月")[0] is second
    assert choose_sheet([first, second], " 二月 ")[0] is second


def test_choose_sheet_unknown_name():
    with pytest.raises(UserError) as caught:
        choose_sheet([Sheet("一月", [ROSTER_HEADER])], "三月", file="roster.xlsx")
    assert caught.value.key == "roster_fields.no_such_sheet"
    assert "三月" in caught.value.message and "一月" in caught.value.message


def test_no_header_anywhere():
    sheets = [Sheet("说明", [["请按模板填写"]]), Sheet("Sheet1", [])]
    with pytest.raises(UserError) as caught:
        choose_sheet(sheets, file="roster.xlsx")
    assert caught.value.key == "roster_fields.no_header"
    message = caught.value.message
    assert "roster.xlsx" in message and "说明" in message and "Sheet1" in message


def test_missing_required_columns():
    sheets = [Sheet("客户", [["姓名", "营业部", "风险等级"], ["张三", "上海", "C3"]])]
    with pytest.raises(UserError) as caught:
        choose_sheet(sheets, file="roster.xlsx")
    assert caught.value.key == "roster_fields.missing_required"
    assert "Mobile or Account no." in caught.value.message


def test_missing_name_column():
    sheets = [Sheet("客户", [["手机号码", "资金账号"], [13812345678.0, "1"]])]
    with pytest.raises(UserError) as caught:
        choose_sheet(sheets)
    assert caught.value.key == "roster_fields.missing_required"
    assert "Name" in caught.value.message
    assert "this file" in caught.value.message


@pytest.mark.parametrize("contact", ["手机号码", "资金账号"])
def test_name_and_either_contact_column_is_enough(contact):
    sheet = Sheet("客户", [["姓名", contact], ["张三", "1"]])
    assert choose_sheet([sheet])[0] is sheet


def test_very_wide_sheet_keeps_its_far_columns():
    wide = [f"字段{i}" for i in range(2_000)]
    rows = [[*ROSTER_HEADER, *wide] for _ in range(30)]
    match = find_header(rows)
    assert match.row_index == 0
    assert match.unknown[len(ROSTER_HEADER) + 1_999] == "字段1999"
