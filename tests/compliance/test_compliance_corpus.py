"""The labelled corpus (tests/compliance/corpus.jsonl, written for this project): the checker
must block violations with the right category, warn every missing risk warning, and leave
compliant look-alikes alone.

The corpus grew in batches ("split"). ``tune`` was written first and the rules fitted to it;
each later batch (holdout, fresh, blind, blind2 … blind12) was written *before* being run,
its first-run metrics noted, and only then were rule families widened to cover it. Those
first runs are the honest estimate for unseen messages: pooled over the fourteen later
batches, 53% of violations blocked with the right category, 91% of missing risk warnings
warned, 4.5% of compliant messages blocked and 1.8% warned (batch by batch the block rate
went 73, 65, 60, 36, 39, 41, 40, 71, 50, 40, 58, 59, 58, 43%; false blocks in the last six
batches 10, 0, 4, 0, 5, 0%). Two later sets live in their own files, one split each:
``round2`` (blind_round2.jsonl, 186 messages in styles the corpus lacked: long posts,
one-liners, Chinese numerals, sarcasm, Q&A, English mixes) ran first at 72% blocked with the
right category, 67% of missing warnings warned, 8.0% false blocks; ``round3``
(blind_round3.jsonl, 87 messages written after round 2 was tuned) ran first at 44%, 83%,
2.5%; ``round4`` (blind_round4.jsonl, 62 messages written after round 3 was tuned) ran first
at 46%, 50%, 0%: phrase rules alone block about half of the violations in new wording.

Then came the second reader (compliance/model.py), a model of the whole message fitted on the
corpus. ``round5`` (blind_round5.jsonl, 280 messages by two helpers who saw no code), with the
model fitted on the earlier batches: rules alone 67.7% blocked with the right category and
4.1% false blocks; rules and model 90.8% and 1.4% (87.5% of missing warnings warned either
way). ``round6`` (blind_round6.jsonl, 140 messages, long posts with one bad sentence, Q&A,
English), model fitted through round 5: rules alone 56.7% and 8.6% false blocks; rules and
model 80.0% and 2.9% — after which long messages are also read sentence by sentence.
``round7`` (blind_round7.jsonl, 160 everyday messages), model fitted through round 6: rules
alone 59.7%, with the model 93.5% blocked with the right category and 1.1% false blocks.
``round8`` (blind_round8.jsonl, 440 messages across the product range and the boundary between
compliant and violating wording), same model: rules alone 58.9% and 3.6% false blocks, with
the model 87.9% and 4.5%. ``round9`` (blind_round9.jsonl, 160 messages of a month in a branch's
groups), same model: rules alone 57.4%, with the model 83.6% and 2.3% false blocks (86.9%
once refitted with round 8, before any rule was widened for it). ``round10``
(blind_round10.jsonl, 500 messages: short chat with dialect and emoji, English, traditional
and mixed messages, product posts), model fitted through round 9: rules alone 56.4% and 55.2%
blocked with the right category (2.4% and 3.2% false blocks), with the model 85.5% and 82.9%
(6.4% and 3.2%: the model reads one-liners too boldly). Three of its messages, bare index and
sector moves (科创50今天大涨5%), were relabelled as market facts, the corpus's convention.
``round11`` (blind_round11.jsonl, 200 messages of a month in several branches' groups), run
once on the finished checker (model fitted through round 10): rules alone 66.7%, with the
model 96.0% blocked with the right category, 100% of missing warnings warned, 0.9% of honest
messages blocked and 0.9% warned — the first unseen set to meet every target on its first run.
So on wording never seen, expect roughly 83–96% of violations blocked with the right category
and 1–6% of honest messages blocked; every batch is then fitted and widened until it meets
the targets, and this test keeps it there, so that no later change loses what an earlier one
won.

Issue 14 (structure over phrases) then measured three unseen sets at 72–89% and found where
phrase lists fail: suitability stated in the text, privacy without the database, insiders
named as sources, leverage and paid tips in new wording, sound-alikes, category confusion,
false blocks on lessons and news. Three probe sets were written for it, each before the work
it measured: ``structure`` (structure_probes.jsonl, 174 messages of exactly those kinds) ran
first at 52.9% blocked with a right category and 10.1% false blocks; ``structure2``
(structure_probes2.jsonl, 139 messages of a branch's traffic, with most detectors built) at
89.7% and 2.1%; ``structure3`` (structure_probes3.jsonl, 154 messages, three in four honest,
on the finished detectors and calibrated model) at 94.9%, 1.8% false blocks, 0.9% warned;
``structure4`` (structure_probes4.jsonl, 69 messages written to attack those detectors:
dual recording and video witness scripts, other people's accounts, fear-of-loss audiences,
initials, English insiders, warnings about the same) at 75.0% and 8.1%; ``structure5``
(structure_probes5.jsonl, 28 long posts and dialect lines, each bad post paired with an honest
twin) at 78.6% and 21.4% (3 of 14 honest).
These were written by the same hand as the detectors, so they flatter them; the blind rounds
scored by others are the honest figures (benchmarks/RESULTS.md). ``round12``–``round14``
(blind_round12–14.jsonl, 320 messages each, written by a helper who saw no code, rules or
corpus) were scored once on the merged checker — 77.6%, 81.6% and 65.1% blocked with a right
category, 1.7%, 7.5% and 6.0% false blocks — then tuned on: first on rounds 12 and 13 alone,
after which round 14 scored 71.4% and 4.4% (the leave-one-out figure), then on all three.
``round17`` (blind_round17.jsonl, 320 messages of a rally and a drop) was scored blind by the
lead (on the merged checker it scores 81.2% blocked right, 50% of missing warnings warned and
13.0% false blocks), then tuned on by kind; ``structure6`` (78 honest messages in the violations'
vocabulary and leftover miss kinds) ran first at 75.0% and 15.7% false blocks, ``structure7`` (48,
each kind with an honest twin) at 94.1% and 10.3%. ``round18`` (blind_round18.jsonl, 320 long posts,
forwards, dialect and English) was scored once on main before tuning — 83.3% blocked right, 87.5% of
missing warnings warned, 12.0% false blocks — and ``structure8`` (66, each kind with an honest twin,
written before that tuning) ran first at 88.5% and 10.8%. ``round19`` (blind_round19.jsonl, 320
messages of a month of one client-service group at base rates) was scored once on main before tuning
— 78.1% blocked right, 84.6% of missing warnings warned, 3.5% false blocks — and ``structure9`` (66,
each kind with an honest twin, written before that tuning) ran first at 85.2% and 2.8%. ``round20``
(blind_round20.jsonl, 320 messages of a quarter of small-business owners' groups) was scored once on
main before tuning — 77.0% blocked right, 71.4% of missing warnings warned, 6.0% false blocks.
``structure10`` and ``structure11`` (structure_probes10/11.jsonl, 400 each, written as training sets
by people who saw no code: violations with honest twins and implicit wording; evasions, English,
long posts, numbers in parts) ran first, after the round-20 tuning, at 76.7% / 78.6% / 7.0% and
73.3% / 95.8% / 10.5% (on main before it: 76.2% / 82.1% / 6.5% and 73.3% / 95.8% / 10.0%).
``round21`` and ``round22`` (blind_round21/22.jsonl, 320 each, Spring Festival groups and an advice
team's volatile month) were scored once on main before the tuning on round 20 — 83.7% and 80.2%
blocked right, 4.2% and 5.2% false blocks — and again after it with their misses unread (85.9%,
86.5%; 4.2%, 4.2%). ``structure12`` and ``structure13`` (structure_probes12/13.jsonl, 400 each,
training sets by people who saw no code: privacy, unlicensed and exaggeration with honest twins;
staff long posts, missing warnings, suitability, insider, dialect) ran first at 74.6% / 86.7% / 7.0%
and 85.0% / 82.5% / 3.8% (main scored them the same). Items may carry a ``categories`` list: a
violation is blocked right when a blocking finding has any of them.
"""

from __future__ import annotations

from collections import Counter

import pytest
from compliance.corpus_metrics import categories_of, expect_of, load_corpus, measure

from branchdesk.compliance import Checker, load_rulepack

SPLITS = sorted({item["split"] for item in load_corpus()})


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(load_rulepack())


def test_corpus_is_large_varied_and_balanced():
    items = load_corpus()
    assert len(items) >= 220
    assert len({i["id"] for i in items}) == len(items)
    categories = Counter(c for i in items for c in categories_of(i))
    for category in (
        "guarantee",
        "exaggeration",
        "unlicensed",
        "insider",
        "disclosure",
        "suitability",
        "privacy",
    ):
        assert categories[category] >= 10, category
    compliant = sum(1 for i in items if expect_of(i) == "pass")
    # Real traffic is mostly honest, and later rounds sample it at its base rate.
    assert 0.35 <= compliant / len(items) <= 0.6
    assert sum(1 for i in items if i.get("kind") == "evasion") >= 20
    assert sum(1 for i in items if i["split"] != "tune") >= 200


@pytest.mark.parametrize("split", [None, *SPLITS])
def test_corpus_metrics(checker, split):
    items = [i for i in load_corpus() if split in (None, i["split"])]
    m = measure(items, checker)
    report = m.summary() + "\n" + "\n".join(m.misses)
    assert m.block_recall >= 0.95, report
    assert m.right_category_rate >= 0.95, report
    assert m.disclosure_recall == 1.0, report
    assert m.false_block_rate <= 0.02, report
    assert m.warn_rate <= 0.10, report


def test_pattern_anchors_hide_nothing_in_the_corpus():
    """Anchors only decide when a pattern is worth running: with every anchor removed, the
    corpus must give exactly the same rule findings. (Anchors are also words that get a
    message read by the model, so the model's rules are off on both sides here.)"""
    model_rules = [r.id for r in load_rulepack().rules if r.kind == "model"]
    anchored = Checker(load_rulepack(), disabled=model_rules)
    pack = load_rulepack()
    for rule in pack.rules:
        if rule.kind == "pattern":
            rule.anchors = []
    unanchored = Checker(pack, disabled=model_rules)
    from compliance.corpus_metrics import context_of

    for item in load_corpus():
        context = context_of(item)
        assert anchored.check(item["text"], context) == unanchored.check(item["text"], context), item["id"]
