"""Sheet rows → ParsedRow: values, Excel row numbers, skipped rows, errors and warnings."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from branchdesk.i18n import set_language
from branchdesk.importers.headers import find_header
from branchdesk.importers.rows import parse_blocks, parse_rows
from branchdesk.models import Experience, Member, Need, RiskLevel
from branchdesk.store.members import STORED_FORM


@dataclass
class Sheet:
    """Shaped like importers.reader.SheetData."""

    name: str
    rows: list[list[object]]
    first_row: int = 1
    first_col: int = 1


HEADER = ["序号", "客户姓名", "手机\n号码", "资金账号", "营业部", "服务人员", "风险承受能力",
          "投资经验", "客户需求", "标签", "所在社群", "开户日期", "出生日期", "总资产（万元）",
          "最近活跃", "备注", "自定义字段"]


def parse(*data_rows: list[object], title_rows: int = 1, first_row: int = 1, header=HEADER):
    rows = [["XX营业部客户名单"]] * title_rows + [list(header)] + [list(r) for r in data_rows]
    sheet = Sheet("客户", rows, first_row=first_row)
    return list(parse_rows(sheet, find_header(sheet.rows)))


def row(**cells: object) -> list[object]:
    """A data row by header text: row(客户姓名="张三", 手机号码=...)."""
    out: list[object] = [None] * len(HEADER)
    for key, value in cells.items():
        out[[h.replace("\n", "") for h in HEADER].index(key)] = value
    return out


def test_full_row_becomes_clean_values():
    [parsed] = parse([1, " 张三 ", 13812345678.0, "000123", "上海营业部", "李投顾", "C3（稳健型）",
                      "新手", "赚钱；新手课程", "VIP、解套", "价值1群/价值2群", date(2020, 1, 2),
                      "1980年5月6日", 12.5, 45475.0, "老客户\n需回访", "甲"])
    assert parsed.row == 3
    assert parsed.error is None and parsed.warnings == []
    assert parsed.values == {
        "name": "张三", "phone": "13812345678", "account_no": "000123", "branch": "上海营业部",
        "advisor": "李投顾", "risk_level": RiskLevel.C3, "experience": Experience.NOVICE,
        "needs": [Need.PROFIT, Need.RECOVERY], "tags": ["新手课程", "VIP"],
        "communities": ["价值1群", "价值2群"], "opened_on": date(2020, 1, 2),
        "birthday": date(1980, 5, 6), "total_assets": 125000.0, "last_active_on": date(2024, 7, 2),
        "notes": "老客户\n需回访",
    }
    assert parsed.extra == {"自定义字段": "甲"}
    Member(**parsed.values, extra=parsed.extra)  # what it yields is what the model accepts


def test_only_filled_fields_are_present():
    [parsed] = parse(row(客户姓名="李四", 资金账号=123456789.0))
    assert parsed.values == {"name": "李四", "account_no": "123456789"}
    assert parsed.extra == {}


def test_row_numbers_are_excel_row_numbers():
    parsed = parse(row(客户姓名="甲", 手机号码="13800000001"), [None] * 5,
                   row(客户姓名="乙", 手机号码="13800000002"), title_rows=3, first_row=2)
    # header at spreadsheet row 5 (2 + 3 title rows); the blank row 7 is skipped
    assert [p.row for p in parsed] == [6, 8]


def test_blank_and_placeholder_rows_are_skipped():
    parsed = parse([None] * len(HEADER), [""] * len(HEADER), ["  ", "-", "无"], [],
                   row(客户姓名="甲", 手机号码="13800000001"))
    assert [p.values["name"] for p in parsed] == ["甲"]


def test_placeholders_under_needs_and_tags_make_a_blank_row_too():
    parsed = parse(row(客户需求="无", 标签="-"), row(客户姓名="甲", 手机号码="13800000001"))
    assert [p.values["name"] for p in parsed] == ["甲"]


def test_rows_come_out_the_same_whatever_the_block_size():
    """Rows are parsed a block of rows at a time, column by column; a block boundary must
    not change a row: memos, skipped rows, errors and warnings carry on across it."""
    data = [
        row(客户姓名="甲", 手机号码="13800000001", 客户需求="赚钱、VIP", 标签="解套", 风险承受能力="C9"),
        [None] * len(HEADER),
        row(客户姓名="乙", 手机号码="12345", 资金账号="A1", 所在社群="1群", 开户日期="2024/2/30"),
        row(手机号码="13800000003", 客户需求="配置"),
        ["合计", "3人"],
        HEADER,
        row(客户姓名="丙", 手机号码="bad", 客户需求="赚钱、VIP", 标签="解套", 自定义字段="x"),
        ["丁", "", "13800000004"],
        row(客户姓名="戊", 资金账号=12.0, 风险承受能力="C9", 所在社群="1群"),
    ]
    sheet = Sheet("客户", [["XX营业部客户名单"], HEADER, *data])
    header = find_header(sheet.rows)
    for stored_form in (None, STORED_FORM):
        whole = [asdict(p) for p in parse_rows(sheet, header, stored_form=stored_form)]
        assert [p["row"] for p in whole] == [3, 5, 6, 9, 10, 11]
        for size in (1, 2, 3, 4):
            blocks = parse_blocks(sheet, header, stored_form=stored_form, block_rows=size)
            assert [asdict(b.row(i)) for b in blocks for i in range(len(b))] == whole


def test_footer_rows_are_skipped_silently():
    parsed = parse(
        row(客户姓名="甲", 手机号码="13800000001", **{"总资产（万元）": 10}),
        [None, "合计", None, None, None, None, None, None, None, None, None, None, None, 10],
        ["总计：1人"],
        ["制表人：王五", None, None, "审核人：赵六"],
        [None, "说明：数据截至6月30日"],
        ["注：本表仅供内部使用"],
    )
    assert [p.values["name"] for p in parsed] == ["甲"]
    assert all(p.error is None for p in parsed)


def test_header_repeated_on_a_later_page_is_skipped():
    parsed = parse(row(客户姓名="甲", 手机号码="13800000001"), HEADER,
                   row(客户姓名="乙", 手机号码="13800000002"))
    assert [p.values["name"] for p in parsed] == ["甲", "乙"]


def test_row_without_name_is_an_error():
    [parsed] = parse(row(手机号码="13812345678", 营业部="上海"))
    assert parsed.error is not None
    assert (parsed.error.row, parsed.error.column) == (3, "客户姓名")
    assert "name is empty" in parsed.error.reason


def test_row_without_phone_or_account_is_an_error():
    [parsed] = parse(row(客户姓名="张三", 营业部="上海"))
    assert parsed.error.column == "手机号码"
    assert "Neither a mobile number nor an account number" in parsed.error.reason


def test_bad_phone_without_account_is_the_error_itself():
    [parsed] = parse(row(客户姓名="张三", 手机号码="010-12345678"))
    assert parsed.error.column == "手机号码"
    assert "landline" in parsed.error.reason
    assert parsed.error.value == "010-12345678"
    assert parsed.warnings == []


def test_bad_phone_with_an_account_is_a_warning_and_the_phone_is_dropped():
    [parsed] = parse(row(客户姓名="张三", 手机号码="138****5678", 资金账号="0001"))
    assert parsed.error is None
    assert "phone" not in parsed.values and parsed.values["account_no"] == "0001"
    [warning] = parsed.warnings
    assert (warning.row, warning.column) == (3, "手机号码")
    assert "masked" in warning.reason


def test_bad_optional_values_are_dropped_with_one_warning_each():
    [parsed] = parse(row(客户姓名="张三", 手机号码=13812345678.0, 风险承受能力="R3",
                         投资经验="很多", 开户日期="2024-02-30", 出生日期="2090-01-01",
                         **{"总资产（万元）": "-5"}))
    assert parsed.error is None
    assert set(parsed.values) == {"name", "phone"}
    assert [(w.row, w.column) for w in parsed.warnings] == [
        (3, "风险承受能力"), (3, "投资经验"), (3, "开户日期"), (3, "出生日期"), (3, "总资产（万元）"),
    ]
    reasons = [w.reason for w in parsed.warnings]
    assert "product's risk level" in reasons[0]
    assert "No such date" in reasons[2]
    assert "future" in reasons[3]
    assert "negative" in reasons[4]


def test_the_same_bad_value_in_many_rows_warns_on_each_row():
    parsed = parse(*[row(客户姓名=f"客户{i}", 手机号码=f"1380000000{i}", 风险承受能力="R3")
                     for i in range(3)])
    assert [w.row for p in parsed for w in p.warnings] == [3, 4, 5]


def test_reasons_follow_the_language():
    set_language("zh")
    [parsed] = parse(row(客户姓名="张三"))
    assert "手机号码和资金账号都没有" in parsed.error.reason


def test_need_words_under_tags_go_to_needs():
    [parsed] = parse(row(客户姓名="张三", 手机号码="13812345678", 客户需求="赚钱", 标签="回本;VIP;赚钱"))
    assert parsed.values["needs"] == [Need.PROFIT, Need.RECOVERY]
    assert parsed.values["tags"] == ["VIP"]


def test_values_from_a_memo_are_not_shared_between_rows():
    rows = [row(客户姓名=name, 手机号码="13800000001", 所在社群="1群", 客户需求="赚钱")
            for name in ("甲", "乙")]
    sheet = Sheet("客户", [HEADER, *rows])
    parsed = parse_rows(sheet, find_header(sheet.rows))
    first = next(parsed)
    first.values["communities"].append("2群")  # a consumer edits a row while reading on
    first.values["needs"].append(Need.STAGE)
    second = next(parsed)
    assert second.values["communities"] == ["1群"]
    assert second.values["needs"] == [Need.PROFIT]


def test_short_rows_and_extra_columns():
    [parsed] = parse(["", "张三", "13812345678"])  # calamine trims trailing blanks
    assert parsed.values == {"name": "张三", "phone": "13812345678"}


def test_extra_values_as_text_and_duplicate_unknown_headers_kept_apart():
    header = ["姓名", "手机号码", "备用", "备用", "积分"]
    [parsed] = parse(["张三", "13812345678", "a", date(2024, 7, 2), 120.0], header=header)
    assert parsed.extra == {"备用": "a", "备用 (2)": "2024-07-02", "积分": "120"}


def test_unknown_columns_alone_make_a_row_with_an_error():
    # values only outside the mapped columns: reported, not silently lost
    header = ["姓名", "手机号码", "积分"]
    [parsed] = parse([None, None, 5], header=header)
    assert parsed.error is not None and parsed.extra == {"积分": "5"}


def test_english_sheet():
    header = ["Client Name", "Mobile", "Account No", "Risk Level", "Total Assets (万元)"]
    [parsed] = parse(["Li Wei", "+86 138 1234 5678", "A001", "balanced", 3], header=header)
    assert parsed.values == {"name": "Li Wei", "phone": "13812345678", "account_no": "A001",
                             "risk_level": RiskLevel.C3, "total_assets": 30000.0}
