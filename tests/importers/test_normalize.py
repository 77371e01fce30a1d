"""Cell normalisers: every shape a real roster sheet holds a value in, and the bad ones."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date, datetime, time

import pytest

from branchdesk.i18n import catalog
from branchdesk.importers import normalize
from branchdesk.importers.normalize import accounts, amounts, dates, levels, phones
from branchdesk.importers.normalize.accounts import normalize_account
from branchdesk.importers.normalize.amounts import normalize_amount
from branchdesk.importers.normalize.dates import normalize_date
from branchdesk.importers.normalize.levels import normalize_experience, normalize_risk
from branchdesk.importers.normalize.phones import normalize_phone
from branchdesk.importers.normalize.text import normalize_text
from branchdesk.importers.normalize.words import split_needs_and_tags, split_words
from branchdesk.models import Experience, Need, RiskLevel


def reason_of(function, *args) -> str:
    with pytest.raises(ValueError) as caught:
        function(*args)
    return caught.value.args[0]


def test_every_reason_key_has_text_in_both_languages():
    modules = [importlib.import_module(f"{normalize.__name__}.{info.name}")
               for info in pkgutil.iter_modules(normalize.__path__)]
    keys = {value for module in modules for name, value in vars(module).items()
            if name[0].isupper() and isinstance(value, str)
            and value.startswith("roster_fields.reason.") and value != "roster_fields.reason."}
    assert len(keys) >= 15
    for language in ("en", "zh"):
        assert keys <= catalog(language).keys()


# --- phone ---------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", [
    "138 1234 5678", "+86-138-1234-5678", "8613812345678", "+86 13812345678", "0086 13812345678",
    "(+86)138-1234-5678", 13812345678, 13812345678.0, 8613812345678.0, "１３８１２３４５６７８",
    "138-1234-5678", " 13812345678 ", "13812345678.0", "1.3812345678E+10", "138.1234.5678",
])
def test_phone_variants_become_eleven_digits(cell):
    assert normalize_phone(cell) == "13812345678"


def test_phone_cell_with_two_numbers_gives_the_first_mobile():
    assert normalize_phone("010-12345678 / 13912345678") == "13912345678"
    assert normalize_phone("13812345678；13912345678") == "13812345678"


@pytest.mark.parametrize("cell", [None, "", "   ", "-", "无", "N/A"])
def test_blank_phone_is_none(cell):
    assert normalize_phone(cell) is None


@pytest.mark.parametrize("cell", ["010-12345678", "0755-1234567", "12345678", "(021)87654321"])
def test_landline_is_rejected_as_landline(cell):
    assert reason_of(normalize_phone, cell) == phones.PHONE_LANDLINE


@pytest.mark.parametrize("cell", ["12345", "12345678901", "1381234567", "138123456789", "abc",
                                  13812345678.5, True, date(2024, 1, 1), float("nan")])
def test_not_a_mobile_is_rejected(cell):
    assert reason_of(normalize_phone, cell) == phones.PHONE_NOT_MOBILE


def test_float_text_of_ten_digits_is_not_read_as_a_mobile():
    # its digits and the zero of ".0" would make eleven: the text of a float is read as a float
    assert reason_of(normalize_phone, "1381234567.0") == phones.PHONE_NOT_MOBILE


@pytest.mark.parametrize("cell", ["138****5678", "138xxxx5678", "138 **** 5678"])
def test_masked_phone_says_it_is_masked(cell):
    assert reason_of(normalize_phone, cell) == phones.PHONE_MASKED


# --- account -------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    ("000123", "000123"),
    ("ab123", "ab123"),
    (" 0001 2345 ", "00012345"),
    ("００１２３", "00123"),
    (123456789.0, "123456789"),
    (1.23456789e11, "123456789000"),
    (123456789, "123456789"),
    ("123456789.0", "123456789"),
    ("SH-00123", "SH-00123"),
])
def test_account_keeps_its_digits(cell, expected):
    assert normalize_account(cell) == expected


@pytest.mark.parametrize("cell", [None, "", "  ", "-", "无"])
def test_blank_account_is_none(cell):
    assert normalize_account(cell) is None


def test_account_in_scientific_text_has_lost_digits():
    assert reason_of(normalize_account, "1.23457E+11") == accounts.ACCOUNT_SCIENTIFIC


def test_account_past_fifteen_digits_as_a_number_was_rounded_by_excel():
    assert reason_of(normalize_account, 1234567890123456.0) == accounts.ACCOUNT_TOO_LONG


@pytest.mark.parametrize("cell", ["账号12", "12#3", 12.5, -5, True])
def test_bad_account_is_rejected(cell):
    assert reason_of(normalize_account, cell) == accounts.ACCOUNT_INVALID


# --- dates ---------------------------------------------------------------------------------

JULY_2 = date(2024, 7, 2)


@pytest.mark.parametrize("cell", [
    JULY_2, datetime(2024, 7, 2, 10, 30), 45475, 45475.0, 45475.75, "2024/7/2", "2024-07-02",
    "2024.7.2", "2024年7月2日", "2024 年 7 月 2 日", "20240702", 20240702, 20240702.0,
    "2024/07/02 10:30:00", "2024-07-02T10:30:00", "2024-07-02 10:30", "2024/7/2 下午3:30",
    "２０２４－０７－０２",
])
def test_date_variants(cell):
    assert normalize_date(cell) == JULY_2


def test_excel_serials_around_the_phantom_1900_leap_day():
    assert normalize_date(1) == date(1900, 1, 1)
    assert normalize_date(59) == date(1900, 2, 28)
    assert reason_of(normalize_date, 60) == dates.DATE_IMPOSSIBLE  # Excel's 1900-02-29
    assert normalize_date(61) == date(1900, 3, 1)
    assert normalize_date(36526) == date(2000, 1, 1)


@pytest.mark.parametrize("cell", [None, "", " ", "-", "无"])
def test_blank_date_is_none(cell):
    assert normalize_date(cell) is None


@pytest.mark.parametrize("cell", ["2024-02-30", "2023-02-29", "2024/13/01", "20241301", "2024年6月31日"])
def test_impossible_date(cell):
    assert reason_of(normalize_date, cell) == dates.DATE_IMPOSSIBLE


@pytest.mark.parametrize("cell", [0, -3, 99999999, 10_000_000.0, "1899-12-31", "2101-01-01",
                                  date(1800, 1, 1)])
def test_date_out_of_range(cell):
    assert reason_of(normalize_date, cell) == dates.DATE_OUT_OF_RANGE


@pytest.mark.parametrize("cell", ["24/7/2", "2024年7月", "yesterday", "7/2-2024", True])
def test_date_not_in_a_known_format(cell):
    assert reason_of(normalize_date, cell) == dates.DATE_FORMAT


@pytest.mark.parametrize("cell", ["7/2/2024", "07-02-2024", "2/7/2024 10:30"])
def test_day_and_month_either_way_round_is_ambiguous(cell):
    assert reason_of(normalize_date, cell) == dates.DATE_AMBIGUOUS


@pytest.mark.parametrize(("cell", "expected"), [
    ("12/25/2019", date(2019, 12, 25)),  # month first (US): only one order makes a date
    ("25/12/2019", date(2019, 12, 25)),  # day first
    ("25.12.2019", date(2019, 12, 25)),
    ("4/4/2019", date(2019, 4, 4)),      # either order, the same date
    ("7/22/2024 3:30 PM", date(2024, 7, 22)),
])
def test_year_last_dates_with_only_one_reading(cell, expected):
    assert normalize_date(cell) == expected


def test_year_last_date_that_is_no_date_either_way():
    assert reason_of(normalize_date, "2/30/2019") == dates.DATE_IMPOSSIBLE
    assert reason_of(normalize_date, "13/13/2019") == dates.DATE_IMPOSSIBLE


def test_time_without_date():
    assert reason_of(normalize_date, time(10, 30)) == dates.DATE_TIME_ONLY


# --- risk level ----------------------------------------------------------------------------

@pytest.mark.parametrize("cell", [
    "C3", "c3", "C 3", "3", 3, 3.0, "稳健型", "稳健", "C3-稳健型", "C3（稳健型）", "C3(稳健型)",
    "C3 稳健型", "C3级", "三级", "稳健型投资者", "balanced", "Balanced", "平衡型",
])
def test_risk_c3_variants(cell):
    assert normalize_risk(cell) is RiskLevel.C3


@pytest.mark.parametrize(("cell", "expected"), [
    ("保守型", RiskLevel.C1), ("保守", RiskLevel.C1), ("C1（最低类别）", RiskLevel.C1),
    ("谨慎型", RiskLevel.C2), ("谨慎", RiskLevel.C2), ("相对保守型", RiskLevel.C2),
    ("积极型", RiskLevel.C4), ("积极", RiskLevel.C4), ("成长型", RiskLevel.C4),
    ("激进型", RiskLevel.C5), ("激进", RiskLevel.C5), ("进取型", RiskLevel.C5),
    ("C5-激进型", RiskLevel.C5), ("aggressive", RiskLevel.C5), ("Moderately Conservative", RiskLevel.C2),
])
def test_risk_words(cell, expected):
    assert normalize_risk(cell) is expected


@pytest.mark.parametrize("cell", [None, "", "-", "未知"])
def test_blank_risk_is_none(cell):
    assert normalize_risk(cell) is None


@pytest.mark.parametrize("cell", ["R3", "r3", "R3-中风险"])
def test_product_risk_level_is_not_a_client_level(cell):
    assert reason_of(normalize_risk, cell) == levels.RISK_PRODUCT_LEVEL


def test_code_and_word_that_disagree():
    assert reason_of(normalize_risk, "C3-积极型") == levels.RISK_CONFLICT


@pytest.mark.parametrize("cell", ["C6", "C0", "6", 0, 3.5, "高", "medium-ish", True])
def test_unknown_risk(cell):
    assert reason_of(normalize_risk, cell) == levels.RISK_UNKNOWN


# --- experience ----------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    *[(w, Experience.NOVICE) for w in ("新手", "小白", "入门", "初级", "新股民", "novice", "Beginner",
                                       "无经验", "零基础")],
    *[(w, Experience.INTERMEDIATE) for w in ("进阶", "中级", "有一定经验", "intermediate")],
    *[(w, Experience.VETERAN) for w in ("资深", "老手", "高级", "老股民", "veteran", "经验丰富")],
])
def test_experience_words(cell, expected):
    assert normalize_experience(cell) is expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("半年", Experience.NOVICE),
    ("6个月", Experience.NOVICE),
    ("1年以下", Experience.NOVICE),
    ("不足1年", Experience.NOVICE),
    ("0-1年", Experience.NOVICE),
    ("1-3年", Experience.INTERMEDIATE),
    ("3年以上", Experience.INTERMEDIATE),
    ("三年", Experience.INTERMEDIATE),
    ("3-5年", Experience.INTERMEDIATE),
    ("5年以上", Experience.VETERAN),
    ("5-10年", Experience.VETERAN),
    ("十年以上", Experience.VETERAN),
    ("10年+", Experience.VETERAN),
    # years among words about them, as hand-made sheets write them
    ("入市10年", Experience.VETERAN),
    ("炒股8年", Experience.VETERAN),
    ("10年股龄", Experience.VETERAN),
    ("股龄两年", Experience.INTERMEDIATE),
    ("有10年炒股经验", Experience.VETERAN),
    ("投资经验5年以上", Experience.VETERAN),
    ("不到1年", Experience.NOVICE),
    ("入市 3 年", Experience.INTERMEDIATE),
    ("over 10 years", Experience.VETERAN),
    ("2 years", Experience.INTERMEDIATE),
])
def test_experience_in_years(cell, expected):
    assert normalize_experience(cell) is expected


@pytest.mark.parametrize("cell", [None, "", "-"])
def test_blank_experience_is_none(cell):
    assert normalize_experience(cell) is None


@pytest.mark.parametrize("cell", ["abc", 3, 3.0, "很多",
                                  "2015年入市",  # a calendar year, not a span
                                  "3年或5年"])  # two spans: which one?
def test_unknown_experience(cell):
    # a bare number could be a level code as well as years: rejected rather than guessed
    assert reason_of(normalize_experience, cell) == levels.EXPERIENCE_UNKNOWN


# --- words, needs, tags --------------------------------------------------------------------

def test_split_words_on_every_separator_deduped_in_order():
    cell = "价值1群；价值2群、 新手群，a,b/c｜d|e  f;g\n价值1群"
    assert split_words(cell) == ["价值1群", "价值2群", "新手群", "a", "b", "c", "d", "e", "f", "g"]


def test_split_words_blank():
    assert split_words(None) == []
    assert split_words("  ;  ,") == []
    assert split_words(12.0) == ["12"]


def test_needs_and_tags():
    needs, tags = split_needs_and_tags("赚钱;VIP、解套;新手课程;理财;分享;盈利")
    assert needs == [Need.PROFIT, Need.RECOVERY, Need.ALLOCATION, Need.STAGE]
    assert tags == ["VIP", "新手课程"]


@pytest.mark.parametrize(("word", "need"), [
    ("赚钱", Need.PROFIT), ("盈利", Need.PROFIT), ("收益", Need.PROFIT), ("Profit", Need.PROFIT),
    ("解套", Need.RECOVERY), ("回本", Need.RECOVERY), ("套牢", Need.RECOVERY),
    ("recovery", Need.RECOVERY), ("解套需求", Need.RECOVERY), ("想回本", Need.RECOVERY),
    ("配置", Need.ALLOCATION), ("资产配置", Need.ALLOCATION), ("理财", Need.ALLOCATION),
    ("allocation", Need.ALLOCATION),
    ("舞台", Need.STAGE), ("分享", Need.STAGE), ("展示", Need.STAGE), ("stage", Need.STAGE),
])
def test_need_variants(word, need):
    assert split_needs_and_tags(word) == ([need], [])


# --- amounts -------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    ("12,345.67", 12345.67), ("1.2万", 12000.0), ("３万", 30000.0), ("12万元", 120000.0),
    ("12 万", 120000.0), ("1.5亿", 150_000_000.0), ("¥12,000", 12000.0), ("12000元", 12000.0),
    (12345.0, 12345.0), (12345, 12345.0), (0, 0.0), ("0", 0.0),
])
def test_amounts(cell, expected):
    assert normalize_amount(cell) == expected


def test_header_unit_multiplies_plain_numbers_but_not_cells_with_their_own_unit():
    assert normalize_amount(1.2, 10000) == 12000.0  # not 12000.000000000002
    assert normalize_amount("12.5", 10000) == 125000.0
    assert normalize_amount("3", 1e8) == 300_000_000.0
    assert normalize_amount("1.2万", 10000) == 12000.0
    assert normalize_amount("500元", 10000) == 500.0


@pytest.mark.parametrize("cell", [None, "", "-", "—", "无"])
def test_blank_amount_is_none(cell):
    assert normalize_amount(cell) is None


@pytest.mark.parametrize("cell", [-5, -0.01, "-5", "-1.2万", "(1,234)"])
def test_negative_amount(cell):
    assert reason_of(normalize_amount, cell) == amounts.AMOUNT_NEGATIVE


@pytest.mark.parametrize("cell", ["abc", "12..3", "1.2万万", True, float("inf"), date(2024, 1, 1)])
def test_not_an_amount(cell):
    assert reason_of(normalize_amount, cell) == amounts.AMOUNT_FORMAT


# --- text ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    ("张三", "张三"), (" 张三 ", "张三"), ("张  三", "张三"), ("张\u3000三", "张三"),
    ("Li   Wei", "Li Wei"), ("Li\nWei", "Li Wei"), ("阿卜杜·热合曼", "阿卜杜·热合曼"), (3101.0, "3101"),
    ("", None), ("-", None), ("无", None), (None, None),
])
def test_text(cell, expected):
    assert normalize_text(cell) == expected


def test_phone_in_lossy_scientific_notation_is_refused_not_guessed():
    import pytest

    from branchdesk.importers.normalize.phones import PHONE_SCIENTIFIC, normalize_phone

    with pytest.raises(ValueError, match=PHONE_SCIENTIFIC):
        normalize_phone("1.39123E+10")
    assert normalize_phone("1.3812345678E+10") == "13812345678"
