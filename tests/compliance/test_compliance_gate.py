"""The model reads every message, blocks alone only above its calibrated threshold (or with a
same-category cue from a support rule), warns otherwise, and its sentences pass the same
context checks as the rules' matches; the traps that used to block honest messages; a large
generated set of ordinary messages kept apart from the training data."""

from __future__ import annotations

import pytest
from compliance.corpus_metrics import load_corpus
from compliance.hard_ordinary import hard_ordinary_messages
from compliance.model_negatives import negatives
from compliance.ordinary_messages import ordinary_messages

from branchdesk.compliance import Checker, load_rulepack
from branchdesk.compliance.model import Model, Reading, Thresholds, shipped_model
from branchdesk.compliance.rulepack import Category
from branchdesk.compliance.second_reading import Cue, SecondReader

MODEL_RULES = [r.id for r in load_rulepack().rules if r.kind == "model"]


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(load_rulepack())


class _FixedModel(Model):
    """A model whose reading of every text is given (to drive the gate's decisions)."""

    def __init__(self, probabilities: dict[str, float]) -> None:
        super().__init__("fixed", list(probabilities), [0.0] * len(probabilities), {}, 1,
                         {c: Thresholds(warn=0.5, block=0.9, ease=0.1, support=0.6) for c in probabilities})
        self._fixed = probabilities

    def read(self, compact: str, norm: str | None = None) -> Reading:
        return Reading(dict(self._fixed))

    def read_pieces(self, compact, norm, compact_spans, norm_spans):
        return [Reading(dict(self._fixed)) for _ in compact_spans]


def _revise(probability: float, cues=(), excused=frozenset(), span_excused=lambda a, b: False):
    pack = load_rulepack()
    rules = [r for r in pack.rules if r.kind == "model"]
    reader = SecondReader(_FixedModel({"guarantee": probability, "insider": 0.0}), rules)
    text = "这个东西您放心拿着就行。"
    return reader.revise(text, "这个东西您放心拿着就行", text, [], set(excused), list(cues),
                         span_excused, lambda a, b: False, lambda: None)


def test_the_gate_blocks_alone_only_above_its_threshold():
    (found,) = _revise(0.95)
    assert (found.rule, found.severity.value) == ("model.guarantee", "block")
    (found,) = _revise(0.7)
    assert found.severity.value == "warn"  # a reviewer's look, not a block
    assert _revise(0.4) == []


def test_a_support_cue_of_the_same_category_lets_a_middle_reading_block():
    cue = Cue(Category.GUARANTEE, 4, 6)  # 放心
    (found,) = _revise(0.7, cues=[cue])
    assert found.severity.value == "block"
    other = Cue(Category.INSIDER, 4, 6)
    assert _revise(0.7, cues=[other])[0].severity.value == "warn"
    assert _revise(0.55, cues=[cue])[0].severity.value == "warn"  # below the support threshold


def test_the_gate_obeys_the_context_checks_and_the_rules_excuses():
    assert _revise(0.95, span_excused=lambda a, b: True) == []  # asked, reported, warned, taught
    assert _revise(0.95, excused={Category.GUARANTEE}) == []  # the rules saw its words negated


def test_the_model_reads_a_message_holding_no_term_of_the_pack():
    """The gate used to read only messages holding a pack term; now every message is read.
    With an automaton that finds nothing at all, the model still reports the wording."""
    from branchdesk.compliance.engine import PhraseIndex

    class NoTerms(PhraseIndex):
        def find(self, compact: str) -> list[tuple[int, int, int]]:
            return []

    blind = Checker(load_rulepack(), index_factory=NoTerms)
    text = "这位老师带的学员，一年下来资产都翻了好几番"
    assert [f.rule for f in blind.check(text).findings] == ["model.exaggeration"]


@pytest.mark.parametrize(
    "text",
    [
        # a question, asked or reported without a question mark, answered with a no
        "客户问这个能保本不 我说不能，说明书写得很清楚",
        "有客户问我们能不能承诺收益，我回答说不能",
        "Client asked if the fund was guaranteed and I told her no.",
        # scam warnings that quote the banned words
        "【反诈】“稳赚不赔”“内部消息”“带你翻倍”都是骗子的话术，请大家提高警惕",
        "有人在群里发“保本高收益”的广告，已经移出群聊",
        # lessons that work through returns as arithmetic
        "算一算：10万元按年化5%复利，10年后约16.3万元，这只是数学演示",
        "72法则：年化8%时本金大约9年翻一番，这只是估算方法",
        "举个例子：先跌50%，要涨100%才能回本",
        # news using a banned word in another sense
        "今年西瓜产量翻倍，果农乐开了花",
        "这部电影票房翻番，周末去看",
        "主队这赛季稳赢，球迷都乐坏了",
        "年会抽奖保底每人一个红包",
        "今年CPI同比上涨2%，物价基本平稳",
        # staff giving their own work contact
        "我是营业部的客户经理小陈，工作手机13800138000，工作日随时联系我",
        "有事打营业部电话021-58881234，前台会转给我",
    ],
)
def test_false_block_traps_pass(checker, text):
    result = checker.check(text)
    assert result.verdict.value != "block", [(f.rule, f.match) for f in result.findings]


def _blocked_share_apart_from_training(checker, messages: list[str]) -> None:
    """At most 2% of ``messages`` (distinct, none in the model's training data) is blocked."""
    assert len(set(messages)) == len(messages)
    training = {item["text"] for item in load_corpus()} | set(negatives())
    assert not training & set(messages)
    results = checker.check_many(messages)
    blocked = [(m, [(f.rule, f.match) for f in r.findings]) for m, r in zip(messages, results, strict=True)
               if r.verdict.value == "block"]
    assert len(blocked) <= 0.02 * len(messages), blocked[:20]


def test_thousands_of_ordinary_messages_are_rarely_blocked(checker):
    """At most 2% of a large generated set of distinct ordinary messages is blocked. The set
    is kept apart from the model's training data (its own templates; no message shared)."""
    messages = ordinary_messages(3000, seed=2026)
    assert len(messages) == 3000
    _blocked_share_apart_from_training(checker, messages)


def test_honest_messages_in_the_violations_vocabulary_are_rarely_blocked(checker):
    """At most 2% of a generated set of distinct honest messages that talk about losses,
    rules, scams, leverage lessons, enforcement news, denials, clients' own requests and
    product notices in the violations' own words is blocked (kept apart from training)."""
    messages = hard_ordinary_messages(1000, seed=2026)
    assert len(messages) == 1000
    _blocked_share_apart_from_training(checker, messages)


def test_reading_sentences_together_equals_reading_each_alone():
    from branchdesk.compliance.model import sentence_spans
    from branchdesk.compliance.textnorm import fold, normalise, strip_filler

    text = ("各位早。今天大盘涨了1.5%，医药领涨。我们的基金年化8.5%，稳稳的！"
            "Past performance, 3,000 points; 不构成投资建议。")
    norm = fold(text)
    compact = strip_filler(norm)
    nz = normalise(text, norm, compact)
    spans = sentence_spans(text, norm)
    model = shipped_model()
    compact_spans = [(nz.to_compact(s), nz.to_compact(e)) for s, e in spans]
    together = model.read_pieces(compact, norm, compact_spans, spans)
    alone = [Model.read(model, strip_filler(norm[s:e]), norm[s:e]) for s, e in spans]
    assert [r.probabilities for r in together] == [r.probabilities for r in alone]


def test_a_blocked_message_carries_every_category_the_model_reads_in_it():
    pack = load_rulepack()
    rules = [r for r in pack.rules if r.kind == "model"]
    model = _FixedModel({"guarantee": 0.95, "exaggeration": 0.7, "insider": 0.1})
    reader = SecondReader(model, rules)
    text = "这个东西您放心拿着就行，一年翻一倍。"
    found = reader.revise(text, "这个东西您放心拿着就行一年翻一倍", text, [], set(), [],
                          lambda a, b: False, lambda a, b: False, lambda: None)
    # One block in guarantee that is also an exaggeration; no separate exaggeration warning.
    assert [(f.rule, f.severity.value, {c.value for c in f.categories}) for f in found] == [
        ("model.guarantee", "block", {"guarantee", "exaggeration"})
    ]
