"""Detectors of structure (issue 14): word classes at a distance rather than written-down
phrases, multi-label findings, and the look-alikes each must leave alone."""

from __future__ import annotations

import pytest

from branchdesk.compliance import Checker, load_rulepack, parse_rulepack
from branchdesk.compliance.rulepack import Rule, class_refs, expand_classes

MODEL_RULES = [r.id for r in load_rulepack().rules if r.kind == "model"]


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(load_rulepack())


@pytest.fixture(scope="module")
def rules_only() -> Checker:
    """The rules alone: what a detector finds without the model's help."""
    return Checker(load_rulepack(), disabled=MODEL_RULES)


def blocked_by(checker: Checker, text: str) -> set[str]:
    return {f.rule for f in checker.check(text).findings if f.severity.value == "block"}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # audience named in the message x a risky product, across clauses, with a push
        ("退休的叔叔阿姨们，这只雪球结构的私募正适合你们，收益比存款高", "suitability.audience-risky"),
        ("没有经验的小白，先开个两融账户做起来，赚得快", "suitability.audience-risky"),
        ("保守型的客户，这个R5的产品也可以少量配一点", "suitability.audience-risky"),
        ("Beginners, leveraged ETFs are a great fit for a small account.", "suitability.audience-risky"),
        # getting round the questionnaire or the mismatch confirmation
        ("风险问卷最后几道题你都选最激进的，等级就够了", "suitability.questionnaire-evasion"),
        ("弹出风险不匹配提示的时候，直接点确认就能买", "suitability.questionnaire-evasion"),
        ("测评我让孩子帮你填，填成进取型就能买私募", "suitability.questionnaire-evasion"),
        # a named insider as the source of a coming corporate action
        ("我表哥在那家公司当董秘，他说下个月要公告重组", "insider.named-source"),
        ("Someone on the board told me the buyback will be announced next week.", "insider.named-source"),
        # an announcement dated ahead of its release, with what it will say
        ("周四盘后会出公告，中标一个三十亿的大单", "insider.dated-announcement"),
        # a teaser for those "in the know"
        ("懂的都懂，下周一这只票见分晓，代码我私发", "insider.teaser"),
        # leverage lending, paid tips in pinyin and English, a password asked with words between
        ("本金不够找我们配资，一比十，当天到账", "unlicensed.leverage-offer"),
        ("五万本金放大到五十万，5万变50万，随借随还", "unlicensed.leverage-figure"),
        ("进我们的VIP群，shou fei 每月599，每天发三只金股", "unlicensed.paid-tips"),
        ("Join our paid signals group, $149 a month, stock picks every morning.", "unlicensed.paid-tips"),
        ("你把交易那个密码用微信发我一下，我来帮你调仓", "unlicensed.password-request"),
        ("Please send me your account password so I can rebalance for you.", "unlicensed.password-request"),
        ("推荐一个境外平台，美股港股都能做，开户链接私聊", "unlicensed.offshore-platform"),
        ("这个P2P平台年化12%，比我们的理财收益高", "unlicensed.offshore-platform"),
        ("这只私募二十万起投，不用做合格投资者认证", "unlicensed.private-below-threshold"),
        ("私募门槛100万，但我们可以几个人凑一份，每人出二十万", "unlicensed.private-pooling"),
    ],
)
def test_structure_detectors_find_wording_nobody_wrote_down(rules_only, text, rule):
    # The detector's category is blocked by the rules alone (another rule of the category
    # may report a wider span of the same words; the finding inside it is then merged).
    category = next(r.category for r in rules_only.rules if r.id == rule)
    found = rules_only.check(text).findings
    assert any(f.severity.value == "block" and category in f.categories for f in found), [
        (f.rule, f.match) for f in found
    ]


def test_the_detectors_report_in_their_own_name(rules_only):
    assert "suitability.audience-risky" in blocked_by(rules_only, "退休的叔叔阿姨们，这只私募正适合你们")
    assert "insider.named-source" in blocked_by(rules_only, "我表哥在那家公司当董秘，他说下个月要公告重组")
    assert "unlicensed.private-pooling" in blocked_by(rules_only, "这只私募可以几个人拼单买，门槛就下来了")


@pytest.mark.parametrize(
    "text",
    [
        "期权风险很高，新手不建议参与，先把基础知识学好",
        "保守型客户只能购买R1、R2级别的产品",
        "退休的朋友以存款和国债为主，别碰杠杆",
        "阿姨，这个产品是R4的，您的等级是C2，买不了",
        "风险测评请本人如实作答，不要让任何人代答",
        "系统提示风险不匹配时请认真阅读，别随手点确认",
        "XX科技昨晚公告拟收购XX公司51%股权，详见交易所网站",
        "XX银行将于4月28日披露一季报，届时请关注",
        "下周将公布社融和信贷数据，市场波动或加大",
        "配资炒股是违法的，亏损不受法律保护",
        "请不要把交易密码告诉任何人，工作人员不会索要",
        "私募基金只向合格投资者销售，单只产品起投100万元",
        "P2P已经全面清退，打着这个旗号借钱的都是骗局",
        "Never share your password with anyone, including our staff.",
    ],
)
def test_their_look_alikes_pass(checker, text):
    result = checker.check(text)
    assert result.verdict.value != "block", [(f.rule, f.match) for f in result.findings]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("这款产品bb，年化5个点稳稳的", "guarantee"),
        ("wzbp的好产品，名额不多，抓紧", "guarantee"),
        ("nm消息，下周XX要重组，懂的来", "insider"),
    ],
)
def test_initials_count_next_to_a_product(rules_only, text, category):
    assert category in {f.category.value for f in rules_only.check(text).findings}


@pytest.mark.parametrize("text", ["bb今天发烧了，请假一天", "周末带bb去公园", "nm这天气也太热了"])
def test_the_same_initials_in_another_sense_pass(checker, text):
    assert checker.check(text).verdict.value == "pass"


def test_a_finding_carries_every_category_of_its_rule(checker):
    text = "跟着老师买的股票推一只涨一只，从来没有失手过"
    result = checker.check(text)
    record = next(f for f in result.findings if f.rule == "exaggeration.track-record")
    assert record.category.value == "exaggeration"
    assert {c.value for c in record.categories} == {"exaggeration", "guarantee"}
    assert {"exaggeration", "guarantee"} <= {c.value for c in result.categories}


def test_word_classes_expand_in_lists_and_patterns():
    pack = parse_rulepack(
        """
version = "t"
[classes]
elders = ["老人", "退休"]
[[rules]]
id = "t.near"
category = "suitability"
severity = "block"
kind = "proximity"
explanation_zh = "x"
explanation_en = "x"
[rules.near]
left = ["@elders"]
right = ["期货"]
scope = "sentence"
[[rules]]
id = "t.pattern"
category = "suitability"
severity = "block"
kind = "pattern"
patterns = ['(?:{@elders})\\w{0,4}?期权']
explanation_zh = "x"
explanation_en = "x"
"""
    )
    near = expand_classes(pack.rules[0], pack.classes)
    assert near.near is not None and near.near.left == ["老人", "退休"]
    assert expand_classes(pack.rules[1], pack.classes).patterns == ["(?:(?:老人|退休))\\w{0,4}?期权"]
    checker = Checker(pack)
    assert checker.check("退休了，做点期货吧").verdict.value == "block"
    assert checker.check("老人玩期权").verdict.value == "block"


def test_an_unknown_word_class_is_refused():
    with pytest.raises(ValueError, match="no word class"):
        parse_rulepack(
            'version = "t"\n[[rules]]\nid = "t"\ncategory = "insider"\nseverity = "block"\n'
            'phrases = ["@nobody"]\nexplanation_zh = "x"\nexplanation_en = "x"\n'
        )
    rule = Rule(id="t", category="insider", severity="block", phrases=["@insider_source"],
                explanation_zh="x", explanation_en="x")
    assert class_refs(rule) == {"insider_source"}
