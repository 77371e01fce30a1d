"""The checker: one normalisation, one Aho–Corasick pass, then per-rule judgement.

All phrases of all rules (plus proximity words, exclusions, pattern anchors, disclosure
triggers and the risk warnings that satisfy them) go into one automaton, so a message is
scanned once whatever the size of the pack. Regular expressions run only on messages that
contain one of their anchors, and also over a view with Chinese numerals as figures (百分之六,
两成, 二百四 — see textnorm.numeric_view) when they look for figures. Context frames are judged
only for the few candidates found; a message repeated within a batch is judged once.

The Checker is put together from modules of one job each: ``matching`` (the automaton, a
batch folded and scanned at once, which messages are worth judging), ``judging`` (each
rule's candidates and the context checks that cancel them), ``reporting`` (candidates as
findings), ``second_reading`` (the model's reading of every message). This module builds
the pack into one automaton and runs a batch through them.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate

from branchdesk.compliance import detectors
from branchdesk.compliance.context import CueSet, Frames
from branchdesk.compliance.findings import CheckContext, CheckResult, Finding, Verdict, verdict_for
from branchdesk.compliance.hits import (
    ANCHOR,
    EXCLUDE,
    LEFT,
    PHRASE,
    REQUIRE,
    RIGHT,
    SATISFY,
    SOUND,
    TRIGGER,
    LazyPatterns,
)
from branchdesk.compliance.hits import Use as _Use
from branchdesk.compliance.judging import Judging
from branchdesk.compliance.matching import SEPARATOR, Matching, PhraseIndex, fold_many, parse_number
from branchdesk.compliance.model import shipped_model
from branchdesk.compliance.pinyin import homophones, sound_variants, variants
from branchdesk.compliance.proximity import Pairs
from branchdesk.compliance.rulepack import Category, Rule, RulePack, expand_classes
from branchdesk.compliance.second_reading import Cue, SecondReader
from branchdesk.compliance.segment import Segment
from branchdesk.compliance.textnorm import Normalised, compact_phrase, fold, normalise, strip_filler
from branchdesk.gc_pause import gc_paused

__all__ = ["Checker", "PhraseIndex", "parse_number"]

_LATIN = re.compile(r"[a-z0-9]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_GC_PAUSE_FROM = 1000  # messages in one batch from which the cycle collector is paused

# Messages worth the number detectors: six digits (or Chinese numerals) in a row, or a number
# written in parts (two runs of three).
_DIGIT_CHARS = "\\d零〇一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖"
_DIGIT_RUN = re.compile(f"[{_DIGIT_CHARS}]{{3,}}")
# A market word directly followed by one of these names a product or a channel, not the
# market (沪深300etf, 港股通的腾讯, 纳指qdii基金).
_PRODUCT_AFTER = r"etf|lof|基金|联接|增强|指增|通|\w{0,4}etf|qdii"


class Checker(Matching, Judging):
    """Checks messages against a rule pack. Build once (the automaton), reuse for every check.

    ``extra_rules`` (e.g. custom rules from the database) join the pack; rules whose id is in
    ``disabled`` are skipped. ``index_factory`` exists for the benchmark's per-phrase baseline.
    """

    def __init__(
        self,
        pack: RulePack,
        extra_rules: Iterable[Rule] = (),
        disabled: Iterable[str] = (),
        *,
        index_factory: type[PhraseIndex] = PhraseIndex,
    ) -> None:
        off = set(disabled)
        self.pack_version = pack.version
        self.rules: list[Rule] = [
            expand_classes(r, pack.classes)
            for r in [*pack.rules, *extra_rules]
            if r.enabled and r.id not in off
        ]
        # The model reads a message only while at least one of its rules is on.
        model_rules = [r for r in self.rules if r.kind == "model"]
        self._second = SecondReader(shipped_model(), model_rules) if model_rules else None
        if self._second is not None:
            self.pack_version = f"{pack.version}+model.{self._second.model.version}"
        self.frames = Frames.build(pack.context)
        self._pairs = Pairs(self.frames)
        self._uses: list[list[_Use]] = []
        term_ids: dict[str, int] = {}
        terms: list[str] = []

        def add(phrase: str, rule: int, role: int) -> None:
            # Anchors only gate patterns, so "yield" may also be "yielding".
            suffix_ok = role == ANCHOR or (phrase.endswith("*") and not _CJK.search(phrase))
            if role >= REQUIRE:
                suffix_ok = True  # a required word (a push, a source) is a cue, not a phrase
            term = compact_phrase(phrase.rstrip("*"))
            if not term:
                return
            if term not in term_ids:
                term_ids[term] = len(terms)
                terms.append(term)
                self._uses.append([])
            self._uses[term_ids[term]].append(_Use(rule, role, suffix_ok))

        for i, rule in enumerate(self.rules):
            main_role = TRIGGER if rule.kind == "disclosure" else PHRASE
            for phrase in rule.phrases:
                add(phrase, i, main_role)
                if rule.pinyin:
                    compact = compact_phrase(phrase)
                    for spelled in variants(compact) + homophones(compact):
                        add(spelled, i, main_role)
                    if main_role == PHRASE:
                        for spelled in sound_variants(compact):
                            add(spelled, i, SOUND)
            if rule.near is not None:
                for word in rule.near.left:
                    add(word, i, LEFT)
                for word in rule.near.right:
                    add(word, i, RIGHT)
                for n, group in enumerate(rule.near.requires):
                    for word in group:
                        add(word, i, REQUIRE + n)
            for word in rule.excludes:
                add(word, i, EXCLUDE)
            for word in rule.anchors:
                add(word, i, ANCHOR)
            for word in rule.satisfied_by:
                add(word, i, SATISFY)
        self.index = index_factory(terms)
        # Per term, the rules for which it is an anchor, trigger, risk warning, left or right
        # proximity word (see _worth_judging).
        self._profiles = [
            tuple(
                frozenset(u.rule for u in term_uses if u.role == role)
                for role in (ANCHOR, TRIGGER, SATISFY, LEFT, RIGHT, SOUND)
            )
            for term_uses in self._uses
        ]
        # Terms whose mere presence makes a message worth judging (see _worth_judging).
        # A support rule's phrase is a cue, not a phrase: it matters only where the model reads
        # the message in that category (see _check_many).
        support = {i for i, rule in enumerate(self.rules) if rule.support}
        self._strong = [
            any(use.role == PHRASE and use.rule not in support for use in term_uses)
            for term_uses in self._uses
        ]
        self._cue_categories = [
            frozenset(str(self.rules[use.rule].category) for use in term_uses if use.rule in support)
            for term_uses in self._uses
        ]
        # English words must start (and, unless written "word*", end) at a word boundary.
        self._latin_start = [bool(_LATIN.match(term[0])) for term in terms]
        self._latin_end = [bool(_LATIN.match(term[-1])) for term in terms]
        # Compiled when a message first needs them (a single check needs few of ~240 patterns).
        self._patterns = LazyPatterns([rule.patterns for rule in self.rules])
        # Patterns that look for figures: the only ones worth running on the numeric view.
        figures = [[p for p in rule.patterns if "\\d" in p] for rule in self.rules]
        self._figure_patterns = LazyPatterns(figures)
        self._figure_set = {p for rule in self.rules for p in rule.patterns if "\\d" in p}
        self._view_key: tuple[str, int, int] | None = None
        self._view: tuple[str, list[int], list[int]] | None = None
        # Rules judged on every message, hit or not: patterns without anchors (custom rules).
        self._unanchored = [
            i
            for i, rule in enumerate(self.rules)
            if rule.patterns and not rule.anchors and rule.kind not in ("suitability", "disclosure")
        ]
        # Number detectors: judged only on messages holding a run of six digits or more, or
        # two runs of three (a number written in parts).
        self._privacy_rules = [i for i, rule in enumerate(self.rules) if rule.kind == "privacy"]
        cues = pack.context
        self._contacts = detectors.ContactCues.build(cues.own_contact, cues.third_party)
        self._product = CueSet.build(cues.product_context) if cues.product_context else None
        self._support = {rule.id for rule in self.rules if rule.support}
        self._support_index = {i for i, rule in enumerate(self.rules) if rule.support}
        self._suitability_rules = [i for i, rule in enumerate(self.rules) if rule.kind == "suitability"]
        self._unless = [
            CueSet.build(rule.unless_in_clause, not_followed_by=_PRODUCT_AFTER)
            if rule.unless_in_clause
            else None
            for rule in self.rules
        ]

    # -- public API -----------------------------------------------------------------------
    def warm_up(self, idle: Callable[[], bool]) -> None:
        """Compile the patterns ahead of the messages while ``idle()`` says there is nothing
        else to do (a bulk check's second process, waiting for its first chunk)."""
        for patterns in (self._patterns, self._figure_patterns):
            for rule in patterns.uncompiled():
                if not idle():
                    return
                patterns[rule]

    def check(self, text: str, context: CheckContext | None = None) -> CheckResult:
        return self.check_many([text], context)[0]

    def support_cues(self, text: str) -> set[Category]:
        """Categories of the support rules' cues in a message (after their context checks):
        what the model's calibration needs to know of a message (model_train)."""
        nz = normalise(text)
        hits = self._valid_hits(nz, self.index.find(nz.compact))
        every = {str(c) for c in Category}
        return {cue.category for cue in self._judge(nz, hits, None, set(), set(), every)[1]}

    def check_many(self, texts: Sequence[str], context: CheckContext | None = None) -> list[CheckResult]:
        """Check many messages (a chat export) with one automaton pass over all of them:
        the same findings as checking each one, at a fraction of the cost per message."""
        if len(texts) < _GC_PAUSE_FROM or not gc.isenabled():
            return self._check_many(texts, context)
        # A big batch allocates many small acyclic objects (~6% of the time in the collector).
        with gc_paused():
            return self._check_many(texts, context)

    def _check_many(self, texts: Sequence[str], context: CheckContext | None) -> list[CheckResult]:
        if len(texts) == 1:
            norm_all = fold(texts[0])
            joined, cstarts = strip_filler(norm_all), [0]
        else:
            norm_all, joined, cstarts = fold_many(texts)
        raw: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        strong: set[int] = set()  # messages holding a phrase: judged whatever else they hold
        cued: dict[int, set[str]] = defaultdict(set)  # categories of support cues per message
        is_strong, cue_categories = self._strong, self._cue_categories
        ends = [*cstarts[1:], len(joined) + 1]
        # Matches come ordered by end, and none crosses a separator, so the message index only
        # grows: walk it forward instead of searching for every match.
        k, base, limit = 0, 0, ends[0]
        for term_id, cstart, cend in self.index.find(joined):
            if cend > limit:
                k = bisect_right(cstarts, cstart) - 1
                base, limit = cstarts[k], ends[k]
            raw[k].append((term_id, cstart - base, cend - base))
            if is_strong[term_id]:
                strong.add(k)
            elif cue_categories[term_id]:
                cued[k] |= cue_categories[term_id]
        todo = strong | {
            k for k in raw.keys() - strong if self._worth_judging(raw[k], joined[cstarts[k] : ends[k] - 1])
        }
        # One character class scans faster than an alternation; the rare runs it finds are
        # then checked for six figures or eleven numerals.
        runs: dict[int, int] = defaultdict(int)
        for m in _DIGIT_RUN.finditer(joined):
            runs[bisect_right(cstarts, m.start()) - 1] += 2 if m.end() - m.start() >= 6 else 1
        with_digits = {k for k, weight in runs.items() if weight >= 2}
        # Messages judged only for their numbers or their audience: those detectors alone.
        worth = set(todo)
        suitability = context is not None and bool(context.community_risk_counts)
        if self._unanchored:
            todo = set(range(len(texts)))
        elif suitability:
            # The audience detectors matter only where a product's risk level is named.
            todo |= {
                k
                for k in range(len(texts))
                if k not in todo
                and self._any_match(self._suitability_rules, joined[cstarts[k] : ends[k] - 1])
            }
        todo |= with_digits
        version = self.pack_version
        # Most messages of an export hold nothing any rule looks at: they pass as they are, and
        # share one result (results are read-only).
        passed = CheckResult(Verdict.PASS, [], version)
        results = [passed] * len(texts)
        offsets = list(accumulate((len(t) + len(SEPARATOR) for t in texts[:-1]), initial=0))
        # A chat export repeats itself (forwarded notices, the same disclaimer every day): a
        # message judged once in the batch is not judged again (same text, same context).
        seen: dict[str, CheckResult] = {}
        # The model reads every message: wording no rule lists is its whole point.
        second = self._second
        for k in range(len(texts)) if second is not None else sorted(todo):
            text, ostart = texts[k], offsets[k]
            done = seen.get(text)
            if done is not None:
                results[k] = CheckResult(done.verdict, list(done.findings), version)
                continue
            compact = joined[cstarts[k] : ends[k] - 1]
            view = _View(self, text, norm_all, ostart, compact)
            findings: list[Finding] = []
            cues: list[Cue] = []
            # Support cues count only in categories the model reads high enough (and only then
            # are their rules judged).
            wanted = second.support_wanted(compact, view.norm(), cued[k]) if k in cued and second else set()
            if k in todo or wanted:
                rules = set(self._unanchored)
                if k in with_digits:
                    rules.update(self._privacy_rules)
                # A message judged only for its numbers or its audience: those detectors alone.
                only = rules if k not in worth and not wanted else None
                if suitability:
                    rules.update(self._suitability_rules)
                nz = view.nz()
                found = raw.get(k, [])
                if nz.compact is not compact:
                    # normalise() disagreed with the batch (cannot happen by construction, but a
                    # wrong offset would be worse than a slow path): match this message alone.
                    found = self.index.find(nz.compact)
                excused: set[Category] = set()
                hits = self._valid_hits(nz, found)
                findings, cues = self._judge(nz, hits, context, rules, excused, wanted, only)
            else:
                excused = self._warned(raw.get(k, []))
            if second is not None:
                findings = second.revise(
                    text, compact, view.norm(), findings, excused, cues,
                    view.sentence_excused, view.framed, view.nz,
                )
            # Nothing found: the shared pass result (results are read-only).
            result = CheckResult(verdict_for(findings), findings, version) if findings else passed
            results[k] = seen[text] = result
        return results

class _View:
    """One message's normalised views and context segment, built when first needed (most
    messages the model reads need neither)."""

    __slots__ = ("_checker", "_compact", "_norm_all", "_nz", "_ostart", "_segment", "_text")

    def __init__(self, checker: Checker, text: str, norm_all: str, ostart: int, compact: str) -> None:
        self._checker, self._text, self._norm_all = checker, text, norm_all
        self._ostart, self._compact = ostart, compact
        self._nz: Normalised | None = None
        self._segment: Segment | None = None

    def norm(self) -> str:
        return self._norm_all[self._ostart : self._ostart + len(self._text)]

    def nz(self) -> Normalised:
        if self._nz is None:
            self._nz = normalise(self._text, self.norm(), self._compact)
        return self._nz

    def segment(self) -> Segment:
        if self._segment is None:
            nz = self.nz()
            self._segment = Segment(nz, self._checker.frames, 0, len(nz.original))
        return self._segment

    def sentence_excused(self, start: int, end: int) -> bool:
        return self.segment().sentence_excused(start, end)

    def framed(self, start: int, end: int) -> bool:
        return self.segment().sentence_framed(start, end)
