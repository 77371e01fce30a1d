"""Mechanisms added for messages in new wording: numbers in Chinese numerals, yes/no questions,
education headers over a pitch, 'I tell you' scopes, repeated messages, bank cards."""

from __future__ import annotations

import pytest

from branchdesk.compliance import Checker, load_rulepack
from branchdesk.compliance.context import _trie
from branchdesk.compliance.detectors import luhn_valid
from branchdesk.compliance.textnorm import cn_number, numeric_view


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(load_rulepack())


def rules(checker: Checker, text: str) -> set[str]:
    return {f.rule for f in checker.check(text).findings}


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("十八", 18),
        ("二百四", 240),
        ("三百二十", 320),
        ("一千六", 1600),
        ("三零零七五零", 300750),
        ("五点二", 5.2),
    ],
)
def test_chinese_numbers(words, value):
    assert cn_number(words) == value


@pytest.mark.parametrize(
    ("compact", "view"),
    [
        ("年化百分之六", "年化6%"),
        ("至少赚两成", "至少赚20%"),
        ("收益五个多点", "收益5个点"),
        ("四块八附近", "4.8块附近"),
        ("目标二百四", "目标240"),
    ],
)
def test_numeric_view_rewrites_figures(compact, view):
    found = numeric_view(compact)
    assert found is not None and found[0] == view


def test_numeric_view_leaves_words_alone():
    assert numeric_view("十分感谢一个两个") is None


def test_figures_in_words_are_matched_and_mapped_back(checker):
    text = "买了这只基金，保证你明年这个时候至少赚两成"
    result = checker.check(text)
    assert result.verdict.value == "block"
    assert any(f.match.endswith("两成") and text[f.start : f.end] == f.match for f in result.findings)


def test_yes_no_question_is_asked_but_a_push_is_not(checker):
    assert checker.check("这个位置可以上车吗？我不知道，你们怎么看？").verdict.value == "pass"
    assert checker.check("这只票一定能翻倍吗？当然能！").verdict.value == "block"
    assert checker.check("想要稳赚不赔吗？马上加入我们！").verdict.value == "block"


def test_qa_label_does_not_hide_the_answer(checker):
    assert checker.check("问：定投一定能赚钱吗？答：不一定，不能保证收益。").verdict.value == "pass"


def test_education_header_does_not_cover_a_pitch(checker):
    lesson = "【投资者教育】\n常见的违规话术包括：\n1. 保本保收益\n2. 稳赚不赔\n遇到以上说法请及时举报。"
    pitch = "【投资者教育】\n很多人问我怎么赚钱，我告诉你们，跟着我们的产品，一年翻一倍不是梦！"
    assert checker.check(lesson).verdict.value == "pass"
    assert checker.check(pitch).verdict.value == "block"


def test_repeated_messages_in_a_batch_get_equal_results(checker):
    texts = ["这款产品保本保息", "收到", "这款产品保本保息"]
    results = checker.check_many(texts)
    assert results[0] == results[2] and results[0].findings is not results[2].findings


def test_bank_cards(checker):
    assert luhn_valid("4111111111111111")
    assert "privacy.bank-card" in rules(checker, "他的银行卡号是6222 0212 3456 7890 123，帮忙核对")
    assert "privacy.bank-card" not in rules(checker, "流水号 4111111111111111")


def test_cue_trie_matches_like_the_words():
    import re

    pattern = re.compile(_trie(["警惕", "警", "违规", "违法"]))
    assert pattern.search("请警觉") and pattern.search("这是违法的") and not pattern.search("正常")


@pytest.mark.parametrize(
    "unit",
    [
        "稳赚不赔",  # one banned phrase, repeated, no punctuation at all
        "警惕“稳赚不赔”的说法，",  # a warning quoting it, repeated
        "guaranteed returns, ",  # English runs on through commas
        "保 本 ",  # an evasion, repeated
        "新手朋友们，期权收益高，赶紧开通。客户电话13812345678。",
    ],
)
def test_work_grows_linearly_with_a_repeated_phrase(checker, monkeypatch, unit):
    """Issue 15: checking a text that repeats one phrase thousands of times took time growing
    with the square of its length (8,000 characters: 18.6 s). The context checks now look
    near each match; the characters they scan are counted here (not timed): four times the
    text, at most about four times the scanning."""
    from branchdesk.compliance import context

    scanned = [0]
    for cls in (context.CueSet, context.GuardedCueSet):
        original = cls.search

        def counting(self, compact, norm, *args, _original=original, **kwargs):
            scanned[0] += len(compact) + len(norm)
            return _original(self, compact, norm, *args, **kwargs)

        monkeypatch.setattr(cls, "search", counting)

    def work(times: int) -> int:
        scanned[0] = 0
        checker.check(unit * times)
        return scanned[0]

    small, large = work(500), work(2000)
    assert large <= 4.6 * small, (small, large)
