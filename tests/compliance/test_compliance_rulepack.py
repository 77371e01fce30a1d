"""The shipped rule pack is data: it loads, validates, covers every category, and custom rules
built from the same fields (as the database will store them) plug into a checker."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from branchdesk.compliance import Category, Checker, Rule, load_rulepack, parse_rulepack
from branchdesk.compliance.rulepack import _trie_alternation
from branchdesk.i18n import catalog


def test_shipped_pack_is_versioned_and_complete():
    pack = load_rulepack()
    assert pack.version
    assert {rule.category for rule in pack.rules} == set(Category)
    # Realistic size: phrases, patterns and proximity words (not counting pinyin variants).
    assert pack.term_count() >= 500
    for rule in pack.rules:
        assert rule.basis, rule.id
        assert rule.explanation_zh and rule.explanation_en, rule.id
        assert rule.support or (rule.suggestion_zh and rule.suggestion_en), rule.id


def test_every_legal_basis_named_in_the_brief_is_cited():
    bases = " ".join(rule.basis for rule in load_rulepack().rules)
    for cited in (
        "第135条",
        "第56条",
        "第53条",
        "第54条",
        "第88条",
        "适当性管理办法》第22条",
        "《证券投资顾问业务暂行规定》第19条",
        "《广告法》第25条",
        "《个人信息保护法》第28条",
    ):
        assert cited in bases


def test_load_returns_an_independent_copy():
    pack = load_rulepack()
    pack.rules.clear()
    assert load_rulepack().rules


def test_rule_from_json_as_the_database_stores_it():
    stored = json.dumps(
        {
            "id": "custom.no-wechat-red-packets",
            "category": "unlicensed",
            "severity": "warn",
            "phrases": ["抢红包返现"],
            "explanation_zh": "营销活动须经审批。",
            "explanation_en": "Promotions need approval.",
            "basis": "营业部内部规定",
        }
    )
    rule = Rule.model_validate(json.loads(stored))
    checker = Checker(load_rulepack(), extra_rules=[rule])
    result = checker.check("今晚八点群里抢红包返现，大家准时！")
    assert [f.rule for f in result.findings] == ["custom.no-wechat-red-packets"]
    assert result.verdict.value == "warn"


def test_disabled_rules_are_skipped():
    text = "这款产品保本保收益"
    assert Checker(load_rulepack()).check(text).verdict.value == "block"
    checker = Checker(load_rulepack(), disabled={"guarantee.capital", "guarantee.return"})
    assert [f.rule for f in checker.check(text).findings] == ["model.guarantee"]  # the model still reads it
    checker = Checker(load_rulepack(), disabled={"guarantee.capital", "guarantee.return", "model.guarantee"})
    assert checker.check(text).verdict.value == "pass"


@pytest.mark.parametrize(
    "broken",
    [
        {"kind": "pattern", "patterns": ["(unclosed"]},
        {"kind": "proximity"},
        {"kind": "phrase"},
        {"category": "gossip", "phrases": ["x"]},
        {"severity": "maybe", "phrases": ["x"]},
        {"id": "Has Spaces", "phrases": ["x"]},
        {"phrases": ["x"], "unknown_field": 1},
    ],
)
def test_invalid_rules_are_refused(broken):
    base = {
        "id": "custom.x",
        "category": "guarantee",
        "severity": "block",
        "explanation_zh": "说明",
        "explanation_en": "why",
    }
    with pytest.raises(ValidationError):
        Rule.model_validate({**base, **broken})


def test_duplicate_rule_ids_are_refused():
    rule = (
        '[[rules]]\nid = "a"\ncategory = "guarantee"\nseverity = "block"\nphrases = ["x"]\n'
        'explanation_zh = "z"\nexplanation_en = "e"\n'
    )
    with pytest.raises(ValidationError):
        parse_rulepack('version = "1"\n' + rule + rule)


def test_category_and_verdict_labels_exist_in_both_languages():
    for language in ("zh", "en"):
        strings = catalog(language)
        for category in Category:
            assert strings[f"compliance.category.{category.value}"]
        for verdict in ("pass", "warn", "block"):
            assert strings[f"compliance.verdict.{verdict}"]


def test_enums_read_as_their_codes():
    """Screens build catalog keys with f-strings: f"compliance.category.{finding.category}"."""
    from branchdesk.compliance import Severity, Verdict

    assert f"{Category.GUARANTEE}" == "guarantee"
    assert str(Severity.WARN) == "warn"
    assert f"{Verdict.BLOCK}" == "block"


def test_every_shipped_pattern_compiles_with_its_word_classes():
    """The shipped pack is read without compiling its patterns (start-up time): they are
    compiled here, word classes expanded, as the checker compiles them on first use."""
    import re

    from branchdesk.compliance.rulepack import expand_classes

    pack = load_rulepack()
    for rule in pack.rules:
        for pattern in expand_classes(rule, pack.classes).patterns:
            re.compile(pattern)


def test_every_law_a_rule_cites_has_an_english_name():
    from branchdesk.compliance.basis import basis_in

    for rule in load_rulepack().rules:
        english = basis_in(rule.basis, "en")
        assert rule.basis and "《" not in english and "第" not in english, (rule.id, english)
    assert basis_in("《证券法》第50条、第53条；《广告法》第25条", "en") == (
        "Securities Law arts. 50, 53; Advertising Law art. 25")
    assert basis_in("《某某条例》第3条", "en") == "《某某条例》 art. 3"  # an unknown law keeps its title


def test_a_finding_kept_before_findings_carried_their_law_shows_the_rules():
    from branchdesk.i18n import set_language
    from branchdesk.widgets.findings_view import FindingItem

    kept = {"rule": "guarantee.return", "category": "guarantee", "severity": "block", "start": 0,
            "end": 4, "match": "稳赚不赔", "explanation_en": "x", "suggestion_en": "y"}
    set_language("en")
    assert FindingItem.of(kept).basis == "Securities Law art. 135; Advertising Law art. 25"
    set_language("zh")
    try:
        assert FindingItem.of({**kept, "basis": "《广告法》第25条"}).basis == "《广告法》第25条"
    finally:
        set_language("en")


@settings(max_examples=300, deadline=None)
@given(words=st.sets(st.text(alphabet="老王李小张a1", min_size=1, max_size=4), min_size=1, max_size=12),
       text=st.text(alphabet="老王李小张a1x", max_size=40))
def test_a_word_class_in_a_pattern_matches_as_its_longest_first_alternation(words, text):
    """A word class expands into a prefix tree (rulepack._trie_alternation, for speed): every
    pattern finds the same spans as with the words tried longest first, one by one — alone,
    and followed by more pattern that forces backtracking into a shorter word."""
    flat = "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
    trie = _trie_alternation(words)
    for tail in ("", "x", "a?1"):
        assert [m.span() for m in re.finditer(flat + tail, text)] == \
            [m.span() for m in re.finditer(trie + tail, text)]
