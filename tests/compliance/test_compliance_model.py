"""The second reader: the shipped model, and what its reading changes in a check."""

from __future__ import annotations

import json
import math

import pytest

from branchdesk.compliance import Checker, load_rulepack
from branchdesk.compliance.model import PASS, Model, grams, shipped_model

MODEL_RULES = [r.id for r in load_rulepack().rules if r.kind == "model"]


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(load_rulepack())


def test_features_are_characters_pairs_digits_as_zero_and_english_words():
    assert grams("保本付息") == {"保", "本", "付", "息", "保本", "本付", "付息"}
    assert grams("年化8%") == grams("年化9%") == {"年", "化", "0", "%", "年化", "化0", "0%"}
    assert {"#guaranteed", "#return"} <= grams("guaranteedreturn", "guaranteed return")
    assert grams("") == set()


def test_reading_is_one_logistic_per_category():
    tiny = Model.from_json(json.dumps({
        "version": "t", "classes": ["guarantee", "exaggeration"], "bias": [-0.5, -1.0], "scale": 10,
        "weights": {"保本": [40, 20], "你": [0, 5]},
        "thresholds": {c: {"warn": 0.5, "support": 0.6, "block": 0.9, "ease": 0.1}
                       for c in ("guarantee", "exaggeration")},
    }))
    # "保本" counted once, scaled by 1/sqrt(len("保本保本")) = 1/2; each category on its own.
    reading = tiny.read("保本保本")
    assert reading.of("guarantee") == pytest.approx(1 / (1 + math.exp(-(-0.5 + 4.0 / 2))))
    assert reading.of("exaggeration") == pytest.approx(1 / (1 + math.exp(-(-1.0 + 2.0 / 2))))
    assert reading.label == "guarantee"
    assert tiny.read("好的").label == PASS  # no known feature: the biases decide, below one half
    assert tiny.thresholds["guarantee"].support == 0.6


def test_the_fast_readings_agree_with_the_features_and_the_full_reading():
    """The engine's shortcuts — one set for all features, the gate decided on scores —
    give what grams() and the full reading give, on labelled and ordinary messages and on
    readings that sit on a threshold."""
    from compliance.corpus_metrics import load_corpus
    from compliance.ordinary_messages import ordinary_messages

    from branchdesk.compliance.model import _sigmoid, below_score
    from branchdesk.compliance.textnorm import fold, strip_filler

    model = shipped_model()
    texts = [item["text"] for item in load_corpus()][:1500] + ordinary_messages(1500, seed=5)
    texts += ["Guaranteed return 保本 8% 年化", "保本保本", "", "a1 b2"]
    every = list(range(len(model.classes)))
    fresh = Model(model.version, model.classes, model.bias, model._ints, model.scale)
    seen_below = seen_above = 0
    for text in texts:
        norm = fold(text)
        compact = strip_filler(norm)
        assert model._total(compact, norm) == model._sum(grams(compact, norm))
        full = model._reading(model._sum(grams(compact, norm)), compact)
        for floor in (0.5, full.of("guarantee"), 0.3):
            fresh._memo.clear()  # the scores' path, not a remembered reading
            got = fresh.read_unless_below(compact, norm, floor, every)
            below = all(full.of(c) < floor for c in model.classes)
            assert (got is None) == below
            assert got is None or got.probabilities == full.probabilities
            seen_below += below
            seen_above += not below
    assert seen_below and seen_above
    assert below_score(0.5) < 0 and _sigmoid(below_score(0.5)) < 0.5
    assert below_score(1.0) is None and below_score(0.0) is None


def test_shipped_model_is_multi_label_and_calibrated():
    model = shipped_model()
    wording = {"guarantee", "exaggeration", "unlicensed", "insider", "disclosure", "suitability"}
    assert set(model.classes) == wording  # privacy is numbers, not wording
    for label in model.classes:
        t = model.thresholds[label]
        # Chosen on held-out readings; blocking alone needs more than warning.
        assert 0.0 <= t.ease <= t.warn <= t.support <= t.block <= 1.0
        assert t.block >= 0.6
    reading = model.read("这个产品保本保收益")
    assert reading.label == "guarantee"
    # Two categories at once: a certain doubling is a promise and an exaggeration.
    both = model.read("跟着我买的客户没有一个亏的三个月翻倍稳稳的")
    assert both.of("guarantee") > 0.5 and both.of("exaggeration") > 0.5


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("要是跌破您的买入价，差额我个人给您补上，您只管拿着别动。", "guarantee"),
        ("比亚迪今天破位了，手里有的明早集合竞价全部清掉，别心存侥幸。", "unlicensed"),
        ("机构的朋友透露，这家公司定增价要定在十五块，现在十二块买进，稳吃差价。", "insider"),
    ],
)
def test_the_model_blocks_wordings_no_rule_lists(checker, text, category):
    result = checker.check(text)
    assert result.verdict.value == "block"
    found = [f for f in result.findings if f.category.value == category]
    assert found and found[0].rule == f"model.{category}"
    # It points at a sentence of the message, exactly.
    assert text[found[0].start : found[0].end] == found[0].match
    assert found[0].match.strip() == found[0].match and found[0].match


def test_a_model_finding_points_at_the_telling_sentence(checker):
    text = "周末愉快！机构的朋友透露，这家公司定增价要定在十五块，现在十二块买进，稳吃差价。"
    finding = next(f for f in checker.check(text).findings if f.rule == "model.insider")
    assert finding.match == "机构的朋友透露，这家公司定增价要定在十五块，现在十二块买进，稳吃差价"


def test_one_bad_sentence_in_a_long_friendly_post_is_found(checker):
    text = ("感谢各位一直以来对营业部的支持！本周六下午两点在三楼会议室有年末沙龙，欢迎带家人朋友参加，"
            "现场有茶歇。另外说一句，要是跌破您的买入价，差额我个人给您补上，大家放心拿着。祝大家周末愉快！")
    finding = next(f for f in checker.check(text).findings if f.rule == "model.guarantee")
    assert finding.match == "另外说一句，要是跌破您的买入价，差额我个人给您补上，大家放心拿着"


def test_a_clients_question_is_not_read_as_a_promise(checker):
    text = ("Q: Can you guarantee this bond won't default?\nA: No, I can't. Every bond carries credit "
            "risk, and this issuer is rated BBB. A time deposit may suit you better if capital matters most.")
    assert checker.check(text).verdict.value == "pass"


@pytest.mark.parametrize("text", ["本产品不承诺收益", "我们无法保证收益", "有没有稳赚不赔的产品？没有。"])
def test_the_model_does_not_overrule_a_negation_the_rules_saw(checker, text):
    assert checker.check(text).verdict.value == "pass"


def test_a_warning_that_quotes_banned_words_is_eased_to_a_warning(checker):
    text = "“亏了算我的”——如果有人这么跟你说，请直接举报，持牌机构员工不会这样讲。"
    result = checker.check(text)
    assert result.verdict.value == "warn"
    assert [(f.category.value, f.severity.value) for f in result.findings] == [("guarantee", "warn")]
    rules_only = Checker(load_rulepack(), disabled=MODEL_RULES)
    assert rules_only.check(text).verdict.value == "block"


def test_a_pitch_or_a_bare_phrase_is_not_eased(checker):
    pitch = "【投资者教育】\n很多人问我怎么赚钱，我告诉你们，跟着我们的产品，一年翻一倍不是梦！"
    assert checker.check(pitch).verdict.value == "block"
    assert checker.check("好的收到，代客理财！欢迎报名").verdict.value == "block"


def test_numbers_are_facts_the_model_never_eases(checker):
    text = "提醒大家：不要在群里发客户信息，比如刘女士手机13917264583这种，都不行。"
    assert any(f.category.value == "privacy" and f.severity.value == "block"
               for f in checker.check(text).findings)


def test_with_the_model_rules_off_only_rules_speak():
    off = Checker(load_rulepack(), disabled=MODEL_RULES)
    text = "要是跌破您的买入价，差额我个人给您补上，您只管拿着别动。"
    assert not any(f.rule.startswith("model.") for f in off.check(text).findings)
    assert off.pack_version == load_rulepack().version
    version = f"{load_rulepack().version}+model.{shipped_model().version}"
    assert Checker(load_rulepack()).pack_version == version


def test_batch_and_single_checks_agree_with_the_model(checker):
    texts = ["收到", "要是跌破您的买入价，差额我个人给您补上。", "收到", "本产品不承诺收益"]
    assert checker.check_many(texts) == [checker.check(t) for t in texts]
