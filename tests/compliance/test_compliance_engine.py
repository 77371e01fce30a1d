"""What the compose screen and the reviewer rely on: verdicts, categories, spans in the original
text, context frames, evasions, personal numbers, suitability and applying a suggestion."""

from __future__ import annotations

import pytest

from branchdesk.compliance import (
    Category,
    CheckContext,
    Checker,
    Finding,
    Verdict,
    append_risk_warning,
    apply_suggestion,
    load_rulepack,
)
from branchdesk.i18n import set_language


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(load_rulepack())


def verdict(checker: Checker, text: str, context: CheckContext | None = None) -> str:
    return checker.check(text, context).verdict.value


def categories(checker: Checker, text: str, context: CheckContext | None = None) -> set[str]:
    return {f.category.value for f in checker.check(text, context).findings}


# -- the result ---------------------------------------------------------------------------------


def test_result_shape(checker):
    text = "各位放心，这款产品保本保收益！"
    result = checker.check(text)
    assert result.verdict is Verdict.BLOCK
    assert result.pack_version.startswith(load_rulepack().version + "+model.")
    (finding,) = result.findings
    assert isinstance(finding, Finding)
    assert finding.rule == "guarantee.capital"
    assert finding.category is Category.GUARANTEE
    assert finding.severity.value == "block"
    assert text[finding.start : finding.end] == finding.match == "保本保收益"
    assert "证券法" in finding.basis
    assert finding.explanation_zh and finding.explanation_en
    assert result.primary_category is Category.GUARANTEE


def test_explanation_follows_the_language():
    result = Checker(load_rulepack()).check("保本保收益")
    finding = result.findings[0]
    set_language("zh")
    assert finding.suggestion == finding.suggestion_zh
    assert finding.explanation == finding.explanation_zh
    set_language("en")
    assert finding.suggestion == finding.suggestion_en


def test_verdict_is_the_worst_finding(checker):
    assert verdict(checker, "周六下午两点营业部三楼举办沙龙，欢迎报名～") == "pass"
    assert verdict(checker, "XX纯债基金近一年回报4.2%，适合稳健型配置") == "warn"
    assert verdict(checker, "XX纯债基金近一年回报4.2%，稳赚不赔") == "block"


def test_check_many_equals_checking_one_by_one(checker):
    texts = [
        "保本保收益",
        "",
        "不保本",
        "📈",
        "稳，赚，不，赔",
        "XX基金近一年回报4.2%，值得配置",
        "电话13812345678",
        "no risk at all",
        "ꙮ保本ꙮ",
        "Past performance does not guarantee.",
    ]
    batch = checker.check_many(texts)
    assert [r.findings for r in batch] == [checker.check(t).findings for t in texts]


# -- context: negation, warnings, education, quotes ---------------------------------------------

COMPLIANT = [
    "不保本",
    "本产品不承诺收益",
    "我们无法保证收益",
    "没有任何投资能保本",
    "任何承诺保本保收益都是违规的",
    "大家要警惕“稳赚不赔”的说法",
    "Past performance does not guarantee future results.",
    "某券商员工因在群里承诺保本保收益，被证监局出具警示函。",
    "买保险是为了保障，不是为了赚钱",
    "止损是为了保护本金",
    "融资融券要缴纳保证金，维持担保比例过低会被平仓",
    "No investment is risk-free.",
    "很多人以为打新稳赚不赔，其实破发并不少见",
    "有没有稳赚不赔的产品？没有。",
    "只要坚持定投，一定能赚钱吗？不一定。",
    "今天有客户问我“哪只股票能翻倍”，说实话没人知道。",
    "今年CPI上涨2%，物价基本平稳",
]


@pytest.mark.parametrize("text", COMPLIANT)
def test_negations_warnings_and_lessons_pass(checker, text):
    assert verdict(checker, text) == "pass", checker.check(text).findings


def test_a_promise_next_to_a_disclaimer_still_blocks(checker):
    result = checker.check("虽然不保本，但我保证年化8%")
    assert result.verdict is Verdict.BLOCK
    assert [f.match for f in result.findings if f.severity.value == "block"] == ["保证年化8%"]


@pytest.mark.parametrize("text", ["想要稳赚不赔吗？马上加入我们！", "这只票一定能翻倍吗？当然能！"])
def test_rhetorical_questions_still_block(checker, text):
    assert verdict(checker, text) == "block"


def test_a_promise_word_closing_its_clause_governs_the_next(checker):
    assert "guarantee" in categories(checker, "我拍胸脯保证，下周至少涨20%")
    assert "guarantee" not in categories(checker, "我们保证服务质量，收益方面看市场")


# -- evasions ---------------------------------------------------------------------------------

EVASIONS = {
    "保 本": "保 本",
    "稳.赚.不.赔": "稳.赚.不.赔",
    "这个保本💰保收益": "保本💰保收益",
    "穩賺不賠": "穩賺不賠",
    "买它，bao本": "bao本",
    "ｂａｏ本": "ｂａｏ本",
    "保\u200b本\u200d理财": "保\u200b本",
    "稳，赚，不，赔": "稳，赚，不，赔",
    "GUARANTEED RETURNS": "GUARANTEED RETURN",
    "Ｒｉｓｋ－ｆｒｅｅ": "Ｒｉｓｋ－ｆｒｅｅ",
}


@pytest.mark.parametrize("text", list(EVASIONS))
def test_evasions_match_and_map_back_to_the_original(checker, text):
    result = checker.check(text)
    assert result.verdict is Verdict.BLOCK, text
    finding = result.findings[0]
    assert text[finding.start : finding.end] == finding.match == EVASIONS[text]


def test_clause_punctuation_is_not_an_evasion():
    # "涨" and "停" in two clauses, "保" and "本" in two clauses: no rule matches across them.
    # (The phrase rules' matching is the subject here, so the model's rules are off.)
    rules_only = Checker(load_rulepack(), disabled=[r.id for r in load_rulepack().rules if r.kind == "model"])
    assert verdict(rules_only, "今天大家别追涨，停一停再看") == "pass"
    assert "guarantee" not in categories(rules_only, "我们不保，本周的活动取消")


# -- personal data ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, match",
    [
        ("客户电话13812345678", "13812345678"),
        ("客户电话 138 1234 5678 请回电", "138 1234 5678"),
        ("客户电话138-1234-5678", "138-1234-5678"),
        ("Call +86 139 1234 5678", "139 1234 5678"),
        ("身份证110101199003074477", "110101199003074477"),
        ("身份证 11010119900307447 7", "11010119900307447 7"),
        ("身份证11010519491231002X", "11010519491231002X"),
        ("联系王经理：一三九一二三四五六七八", "一三九一二三四五六七八"),
        # Without a database: a number after an identity keyword, in any spacing or in parts.
        ("身份证110101199003074478", "110101199003074478"),  # a wrong check digit is still an ID
        ("客户资金账号 3100 8866 2211 转不出钱", "3100 8866 2211"),
        ("王姐手机号一八六，一二三四，五六七八", "一八六，一二三四，五六七八"),
        ("客户电话前三位139，中间8765，最后4321", "139，中间8765，最后4321"),
        ("赵先生手机：壹叁玖 捌柒陆伍 肆叁贰壹", "壹叁玖 捌柒陆伍 肆叁贰壹"),
        ("The client's account number is 3100 8866 2211, please check", "3100 8866 2211"),
    ],
)
def test_full_numbers_are_found(checker, text, match):
    findings = [f for f in checker.check(text).findings if f.category is Category.PRIVACY]
    assert [f.match for f in findings] == [match]


@pytest.mark.parametrize(
    "text",
    [
        "客户电话138****5678",
        "资金账号3100****2211",
        "客服热线95588，400-820-8888",
        "有问题打我的工作手机13812345678",  # staff's own work contact
        "营业部电话021-58881234，欢迎来电",
        "资金账户里有3000000元",  # an amount, not an account number
        "成交额1.02万亿，代码600519",
        "订单号202503011234567890",
    ],
)
def test_masked_or_invalid_numbers_pass(checker, text):
    assert "privacy" not in categories(checker, text)


def test_member_numbers_from_the_database(checker):
    text = "李总的资金账号是 3100 2345 6789，大家留意下"
    # After an account keyword the number needs no database…
    assert [f.rule for f in checker.check(text).findings] == ["privacy.keyed-number"]
    # …and without one, only the database knows it is a member's.
    bare = "3100 2345 6789 这个今天申购失败了，谁帮忙看一下"
    assert "privacy" not in categories(checker, bare)
    assert "privacy" in categories(checker, bare, CheckContext(known_numbers={"310023456789"}))
    known = CheckContext(known_numbers={"310023456789"})
    (finding,) = checker.check(text, known).findings
    assert finding.rule == "privacy.known-number"
    assert finding.match == "3100 2345 6789"
    lookup = CheckContext(known_numbers=lambda digits: digits == "310023456789")
    assert checker.check(text, lookup).verdict is Verdict.BLOCK


# -- suitability --------------------------------------------------------------------------------


def test_suitability_counts_members_below_the_product_level(checker):
    text = "本周主推XX成长混合（R4），感兴趣的联系我。投资有风险，入市需谨慎。"
    counts = {"C1": 5, "C2": 12, "C3": 30, "C4": 20, "C5": 8}
    result = checker.check(text, CheckContext(community_risk_counts=counts))
    (finding,) = result.findings
    assert finding.category is Category.SUITABILITY and finding.match == "R4"
    assert "47" in finding.explanation_zh and "47" in finding.explanation_en
    # Everyone may buy an R1 product; nobody is below C4 in an all-C4/C5 group.
    assert (
        checker.check(text.replace("R4", "R1"), CheckContext(community_risk_counts=counts)).verdict
        is Verdict.PASS
    )
    ok = CheckContext(community_risk_counts={"C4": 20, "C5": 8})
    assert checker.check(text, ok).verdict is Verdict.PASS
    # Without community counts there is nothing to compare with.
    assert checker.check(text).verdict is Verdict.PASS


# -- applying suggestions -------------------------------------------------------------------------


def test_appending_the_risk_warning_clears_the_disclosure_finding(checker):
    text = "XX新能源基金今年以来收益32.6%，还没配置的可以关注"
    result = checker.check(text)
    (finding,) = result.findings
    assert finding.category is Category.DISCLOSURE and finding.action == "append"
    fixed = apply_suggestion(text, finding)
    assert fixed.startswith(text)
    assert checker.check(fixed).verdict is Verdict.PASS


def test_the_risk_warning_helper(checker):
    text = "XX红利ETF股息率5.8%，适合长期配置"
    fixed = append_risk_warning(text)
    assert fixed.startswith(text) and "投资有风险" in fixed
    assert checker.check(fixed).verdict is Verdict.PASS
    assert "past performance" in append_risk_warning("Our fund returned 6%").lower()
    assert append_risk_warning("你好！", "投资有风险。") == "你好！\n投资有风险。"


def test_appending_in_english(checker):
    text = "Our bond fund returned 6.5% last year. We recommend it."
    (finding,) = checker.check(text).findings
    fixed = apply_suggestion(text, finding)
    assert "past performance" in fixed.lower()
    assert checker.check(fixed).verdict is Verdict.PASS


def test_replacing_a_span(checker):
    text = "客户电话 138 1234 5678 请回电"
    (finding,) = checker.check(text).findings
    assert apply_suggestion(text, finding) == "客户电话 138 **** 5678 请回电"
    text = "这款产品保本保收益，欢迎咨询"
    # The promise is replaced; the push with no risk warning (欢迎咨询) is a separate warning.
    (finding,) = [f for f in checker.check(text).findings if f.category == "guarantee"]
    fixed = apply_suggestion(text, finding)
    assert "保本保收益" not in fixed
    assert checker.check(fixed).verdict is not Verdict.BLOCK


def test_a_stale_finding_is_refused(checker):
    (finding,) = checker.check("客户电话13812345678").findings
    with pytest.raises(ValueError):
        apply_suggestion("客户电话：13812345678", finding)
