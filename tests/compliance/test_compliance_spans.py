"""Every finding points at the exact words of the original text, whatever normalisation
removed or changed in between (spaces, zero-width characters, symbols, emoji, full width,
traditional characters)."""

from __future__ import annotations

import random

import pytest

from branchdesk.compliance import Checker, load_rulepack
from branchdesk.compliance.textnorm import compact_phrase

PHRASES = ["保本保收益", "稳赚不赔", "内幕消息", "代客理财", "零风险", "翻倍不是梦", "guaranteed return"]
FILLERS = [" ", "\u200b", "\u200d", "\ufeff", ".", "·", "*", "💰", "🔥", "　", "-", "_", "~", "\u00ad"]
NEUTRAL = ["各位早上好", "今天行情一般", "周六有沙龙", "欢迎报名", "好的收到", "谢谢老师", "Hi all"]
FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
TRADITIONAL = {
    "稳": "穩",
    "赚": "賺",
    "赔": "賠",
    "内": "內",
    "消": "消",
    "理": "理",
    "财": "財",
    "险": "險",
    "倍": "倍",
    "梦": "夢",
    "风": "風",
    "收": "收",
    "益": "益",
}


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(load_rulepack())


def disguise(phrase: str, rng: random.Random) -> str:
    out = []
    for i, char in enumerate(phrase):
        if rng.random() < 0.3:
            char = TRADITIONAL.get(char, char)
        if rng.random() < 0.3:
            char = FULL_WIDTH.get(char, char)
        if rng.random() < 0.3:
            char = char.upper()
        out.append(char)
        if i < len(phrase) - 1 and char != " " and rng.random() < 0.6:
            out.append("".join(rng.choice(FILLERS) for _ in range(rng.randint(1, 2))))
    return "".join(out)


def assert_points_at(text: str, phrase: str, checker: Checker) -> None:
    result = checker.check(text)
    assert result.verdict.value == "block", (text, result.findings)
    want = compact_phrase(phrase)
    spans = [f for f in result.findings if compact_phrase(f.match) == want]
    assert spans, (text, [f.match for f in result.findings])
    for finding in result.findings:
        assert text[finding.start : finding.end] == finding.match
        # The span starts and ends on a character of the phrase, never on a filler.
        assert compact_phrase(finding.match[0]) and compact_phrase(finding.match[-1])


def test_disguised_phrases_map_back_exactly(checker):
    rng = random.Random(20250601)
    for _ in range(400):
        phrase = rng.choice(PHRASES)
        text = rng.choice(NEUTRAL) + "，" + disguise(phrase, rng) + "！" + rng.choice(NEUTRAL)
        assert_points_at(text, phrase, checker)


hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(
    before=st.text(max_size=30),
    after=st.text(max_size=30),
    phrase=st.sampled_from(PHRASES),
    seed=st.integers(0, 2**32),
)
def test_property_spans_survive_any_surroundings(checker, before, after, phrase, seed):
    text = before + "。" + disguise(phrase, random.Random(seed)) + "。" + after
    result = checker.check(text)
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.match


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(texts=st.lists(st.text(max_size=40), max_size=6))
def test_property_batch_equals_single(checker, texts):
    batch = checker.check_many(texts)
    assert [r.findings for r in batch] == [checker.check(t).findings for t in texts]
    for text, result in zip(texts, batch, strict=True):
        for finding in result.findings:
            assert text[finding.start : finding.end] == finding.match
