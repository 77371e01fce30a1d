"""The checker: one normalisation, one Aho–Corasick pass, then per-rule judgement.

All phrases of all rules (plus proximity words, exclusions, pattern anchors, disclosure
triggers and the risk warnings that satisfy them) go into one automaton, so a message is
scanned once whatever the size of the pack. Regular expressions run only on messages that
contain one of their anchors, and also over a view with Chinese numerals as figures (百分之六,
两成, 二百四 — see textnorm.numeric_view) when they look for figures. Context frames are judged
only for the few candidates found; a message repeated within a batch is judged once.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain

import ahocorasick_rs

from branchdesk.compliance import detectors
from branchdesk.compliance.context import CueSet, Frames, Segment
from branchdesk.compliance.findings import (
    CheckContext,
    CheckResult,
    Finding,
    Verdict,
    verdict_for,
)
from branchdesk.compliance.findings import is_chinese as _is_chinese
from branchdesk.compliance.hits import (
    ANCHOR,
    EXCLUDE,
    LEFT,
    PHRASE,
    REQUIRE,
    RIGHT,
    SATISFY,
    SOUND,
    STARTS,
    TRIGGER,
    LazyPatterns,
)
from branchdesk.compliance.hits import Candidate as _Candidate
from branchdesk.compliance.hits import Hit as _Hit
from branchdesk.compliance.hits import Use as _Use
from branchdesk.compliance.model import shipped_model
from branchdesk.compliance.pinyin import homophones, sound_variants, variants
from branchdesk.compliance.proximity import Pairs
from branchdesk.compliance.rulepack import Category, Rule, RulePack, Severity, expand_classes
from branchdesk.compliance.second_reading import Cue, SecondReader
from branchdesk.compliance.textnorm import (
    Normalised,
    compact_phrase,
    crosses_sentence,
    fold,
    normalise,
    numeric_view,
    strip_filler,
)
from branchdesk.gc_pause import gc_paused

_STARTS = STARTS

_LATIN = re.compile(r"[a-z0-9]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "几": 3,
    "数": 3,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_GC_PAUSE_FROM = 1000  # messages in one batch from which the cycle collector is paused

# Messages worth the number detectors: six digits (or Chinese numerals) in a row, or a number
# written in parts (two runs of three).
_DIGIT_CHARS = "\\d零〇一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖"
_DIGIT_RUN = re.compile(f"[{_DIGIT_CHARS}]{{3,}}")
# A market word directly followed by one of these names a product or a channel, not the
# market (沪深300etf, 港股通的腾讯).
_PRODUCT_AFTER = r"etf|lof|基金|联接|增强|指增|通|\w{0,4}etf"
# Between messages of a batch: a letter (kept in compact text) that no rule contains.
_SEPARATOR = "\ua66e"
# Findings a message that works figures through as arithmetic is excused from (its returns
# and moves are a lesson's examples); promises and tips are not.
_LESSON_CATEGORIES = frozenset({"disclosure", "exaggeration"})


def parse_number(text: str) -> float | None:
    """``15``, ``15.5``, ``十``, ``三``, ``二十`` → a number; None when it is not one."""
    text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        pass
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return float(total + current)


class PhraseIndex:
    """All terms of a pack in one Aho–Corasick automaton (overlapping matches)."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = terms
        self._ac = ahocorasick_rs.AhoCorasick(terms) if terms else None

    def find(self, compact: str) -> list[tuple[int, int, int]]:
        if self._ac is None:
            return []
        return self._ac.find_matches_as_indexes(compact, overlapping=True)


class Checker:
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
            norm_all, joined, cstarts = self._fold_many(texts)
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
                if any(
                    self._matches(rule, p, joined[cstarts[k] : ends[k] - 1])
                    for rule in self._suitability_rules
                    for p in self._patterns[rule]
                )
            }
        todo |= with_digits
        version = self.pack_version
        # Most messages of an export hold nothing any rule looks at: they pass as they are, and
        # share one result (results are read-only).
        passed = CheckResult(Verdict.PASS, [], version)
        results = [passed] * len(texts)
        offsets = list(accumulate((len(t) + len(_SEPARATOR) for t in texts[:-1]), initial=0))
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

    # -- matching -------------------------------------------------------------------------
    @staticmethod
    def _fold_many(texts: Sequence[str]) -> tuple[str, str, list[int]]:
        """All messages folded (joined by a separator), their compact forms likewise, and
        where each compact form starts.

        One translate and one substitution for the whole batch; the separator is a letter no
        rule contains, so it survives filler removal and no match can cross it."""
        norm_all = fold(_SEPARATOR.join(texts))
        if norm_all.count(_SEPARATOR) == len(texts) - 1:
            joined = strip_filler(norm_all)
            cstarts = [0]
            find = joined.find
            at = find(_SEPARATOR)
            while at >= 0:
                cstarts.append(at + 1)
                at = find(_SEPARATOR, at + 1)
            return norm_all, joined, cstarts
        # A message holds the separator itself: join compact forms one by one.
        compacts = [strip_filler(fold(text)) for text in texts]
        cstarts = [0]
        for compact in compacts[:-1]:
            cstarts.append(cstarts[-1] + len(compact) + 1)
        return norm_all, _SEPARATOR.join(compacts), cstarts

    def _worth_judging(self, found: list[tuple[int, int, int]], compact: str) -> bool:
        """Whether a message's automaton matches can lead to a finding. Risk warnings,
        exclusions and half a proximity pair cannot; a pattern anchor can only if one of its
        patterns matches (most "涨" are not "涨了12%")."""
        anchored: set[int] = set()
        triggered: set[int] = set()
        satisfied: set[int] = set()
        lefts: set[int] = set()
        rights: set[int] = set()
        profiles = self._profiles
        for term_id, _, _ in found:
            anchor, trigger, satisfy, left, right, sound = profiles[term_id]
            if sound:
                return True
            anchored |= anchor
            triggered |= trigger
            satisfied |= satisfy
            lefts |= left
            rights |= right
        if triggered - satisfied or lefts & rights:
            return True
        rules = anchored - satisfied
        if not rules:
            return False
        if any(self._matches(rule, p, compact) for rule in rules for p in self._patterns[rule]):
            return True
        numeric = [(rule, p) for rule in rules for p in self._figure_patterns[rule]]
        if not numeric:
            return False
        view = self._numeric_view(compact, 0, len(compact))
        return view is not None and any(self._matches(rule, p, view[0]) for rule, p in numeric)

    def _matches(self, rule: int, pattern: re.Pattern[str], text: str) -> bool:
        """Whether a rule's pattern matches, its figure (group ``n``) reaching ``min_value``:
        年化3% is no match of a rule about 年化30% or more."""
        min_value = self.rules[rule].min_value
        if min_value is None or "n" not in pattern.groupindex:
            return pattern.search(text) is not None
        for m in pattern.finditer(text):
            value = parse_number(m.group("n")) if m.group("n") is not None else min_value
            if value is not None and value >= min_value:
                return True
        return False

    def _numeric_view(self, compact: str, start: int, end: int) -> tuple[str, list[int], list[int]] | None:
        """The message with Chinese numbers as figures (see textnorm.numeric_view), cached for
        the message being judged."""
        key = (compact, start, end)
        if self._view_key != key:
            self._view_key, self._view = key, numeric_view(compact, start, end)
        return self._view

    def _valid_hits(self, nz: Normalised, raw: list[tuple[int, int, int]]) -> list[_Hit]:
        """Automaton matches that respect clause punctuation and English word boundaries,
        one per rule that uses the term."""
        out: list[_Hit] = []
        norm = nz.norm
        latin_start, latin_end, uses = self._latin_start, self._latin_end, self._uses
        for term_id, cstart, cend in raw:
            if cend - cstart > 1 and nz.crosses_hard(cstart, cend):
                continue
            preceded = followed = False
            if latin_start[term_id] or latin_end[term_id]:
                ostart, oend = nz.span(cstart, cend)
                preceded = latin_start[term_id] and ostart > 0 and bool(_LATIN.match(norm[ostart - 1]))
                followed = latin_end[term_id] and oend < len(norm) and bool(_LATIN.match(norm[oend]))
            for use in uses[term_id]:
                # Anchors only gate patterns: they need no word boundary ("10x" → "xreturn").
                if use.role == ANCHOR or not (preceded or (followed and not use.suffix_ok)):
                    out.append(_Hit(use.rule, use.role, cstart, cend))
        return out

    def _judge(
        self,
        nz: Normalised,
        hits: list[_Hit],
        context: CheckContext | None,
        always: set[int],
        excused: set[Category],
        wanted: set[str] | frozenset[str] = frozenset(),
        only: set[int] | None = None,
    ) -> tuple[list[Finding], list[Cue]]:
        """The rules' findings and the support rules' cues (see second_reading); ``excused``
        gets the categories of matches that their context
        (negation, warning, quotation, a risk warning present…) made harmless."""
        ostart, oend = 0, len(nz.original)
        cstart, cend = 0, len(nz.compact)
        by_rule: dict[int, list[_Hit]] = defaultdict(list)
        live: set[int] = set(always)  # rules with a hit that can start a finding
        support, rules = self._support_index, self.rules
        for hit in hits:
            by_rule[hit.rule].append(hit)
            if hit.role in _STARTS and (hit.rule not in support or str(rules[hit.rule].category) in wanted):
                live.add(hit.rule)
            elif hit.role == SATISFY:
                excused.add(self.rules[hit.rule].category)  # a risk warning is there
        segment: Segment | None = None

        def seg() -> Segment:
            nonlocal segment
            if segment is None:
                segment = Segment(nz, self.frames, ostart, oend)
            return segment

        if only is not None:
            live &= only
        candidates: list[_Candidate] = []
        for i in sorted(live):
            rule = self.rules[i]
            rule_hits = by_rule.get(i, [])
            found = self._rule_candidates(i, rule, rule_hits, nz, cstart, cend, seg, context, excused)
            candidates.extend(found)
        findings = [self._finding(nz, c) for c in candidates]
        cues = [Cue(f.category, f.start, f.end) for f in findings if f.rule in self._support]
        findings = [f for f in findings if f.rule not in self._support]
        return _dedupe(findings), cues

    def _rule_candidates(
        self,
        i: int,
        rule: Rule,
        hits: list[_Hit],
        nz: Normalised,
        cstart: int,
        cend: int,
        seg,
        context: CheckContext | None,
        excused: set[Category],
    ) -> list[_Candidate]:
        excludes = sorted((h.cstart, h.cend) for h in hits if h.role == EXCLUDE)
        if excludes:
            ex_starts = [a for a, _ in excludes]
            ex_reach = list(accumulate((b for _, b in excludes), max))

            def kept(h: _Hit) -> bool:
                # Inside an exclusion iff one starting at or before it reaches its end.
                i = bisect_right(ex_starts, h.cstart) - 1
                return i < 0 or ex_reach[i] < h.cend
        else:

            def kept(h: _Hit) -> bool:
                return True

        raw: list[_Candidate] = []
        if rule.kind == "phrase":
            raw = [
                _Candidate(i, h.cstart, h.cend)
                for h in hits
                if (h.role == PHRASE or (h.role == SOUND and self._about_product(nz, h, seg))) and kept(h)
            ]
        elif rule.kind == "proximity":
            roles = {h.role for h in hits}
            if LEFT not in roles or RIGHT not in roles:
                return []  # half a pair
            raw = self._pairs.pairs(i, rule, [h for h in hits if kept(h)], nz, seg)
        elif rule.kind == "pattern":
            if rule.anchors and not any(h.role == ANCHOR for h in hits):
                return []
            raw = self._regex(i, rule, nz, cstart, cend)
        elif rule.kind == "disclosure":
            # An exclusion covers a trigger too: 申购中签 is not 申购中.
            hits = [h for h in hits if h.role != TRIGGER or kept(h)] if excludes else hits
            return self._disclosure(i, rule, hits, nz, cstart, cend, seg, excused)
        elif rule.kind == "privacy":
            keys = [(h.cstart, h.cend) for h in hits if h.role == ANCHOR]
            return [
                _Candidate(i, a, b, {"kind": rule.detector or ""})
                for a, b in detectors.find(
                    rule.detector, nz, cstart, cend, context,
                    keys=keys, reach=rule.reach, contacts=self._contacts,
                )
            ]
        elif rule.kind == "suitability":
            return self._suitability(i, rule, nz, cstart, cend, context)
        kept_raw = [c for c in raw if not self._cancelled(i, rule, c, nz, seg)]
        if len(kept_raw) < len(raw):
            excused.add(rule.category)
        return kept_raw

    def _about_product(self, nz: Normalised, hit: _Hit, seg) -> bool:
        """Whether the sentence of a sound-alike hit (bb, wzbp) names a product or a trade."""
        if self._product is None:
            return False
        return seg().sentence_mentions(self._product, *nz.span(hit.cstart, hit.cend))

    def _warned(self, found: list[tuple[int, int, int]]) -> set[Category]:
        """Categories of the rules a risk warning among these matches satisfies."""
        return {
            self.rules[use.rule].category
            for term_id, _, _ in found
            for use in self._uses[term_id]
            if use.role == SATISFY
        }

    def _cancelled(self, i: int, rule: Rule, cand: _Candidate, nz: Normalised, seg) -> bool:
        if self._market_fact(i, cand, nz, seg):
            return True
        if rule.category in _LESSON_CATEGORIES and rule.contextual and seg().worked_arithmetic():
            return True  # a lesson's figures: 股息率=0.8/20=4%, 10000×1.05^10
        return rule.contextual and seg().excused(*nz.span(cand.cstart, cand.cend))

    def _market_fact(self, i: int, cand: _Candidate, nz: Normalised, seg) -> bool:
        """Whether a word of the rule's ``unless_in_clause`` stands in the match's clause."""
        unless = self._unless[i]
        return unless is not None and seg().clause_mentions(unless, *nz.span(cand.cstart, cand.cend))

    def _regex(self, i: int, rule: Rule, nz: Normalised, cstart: int, cend: int) -> list[_Candidate]:
        out: list[_Candidate] = []
        text = nz.compact
        min_value = rule.min_value
        keep_groups = rule.kind == "suitability"
        view = self._numeric_view(text, cstart, cend) if self._figure_patterns[i] else None
        seen: set[tuple[int, int]] = set()
        for pattern in self._patterns[i]:
            has_n, has_hit = "n" in pattern.groupindex, "hit" in pattern.groupindex
            matches = pattern.finditer(text, cstart, cend)
            if view is not None and pattern.pattern in self._figure_set:
                matches = chain(matches, pattern.finditer(view[0]))
            for m in matches:
                if min_value is not None and has_n and m.group("n") is not None:
                    value = parse_number(m.group("n"))
                    if value is None or value < min_value:
                        continue
                a, b = m.span("hit") if has_hit and m.group("hit") is not None else m.span()
                if a == b:
                    continue
                if m.string is not text:
                    a, b = view[1][a], view[2][b - 1]  # a match in the numeric view
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                if crosses_sentence(nz, a, b) if rule.cross_clauses else nz.crosses_hard(a, b):
                    continue
                values = {k: v for k, v in m.groupdict().items() if v} if keep_groups else None
                out.append(_Candidate(i, a, b, values))
        return out

    def _disclosure(
        self,
        i: int,
        rule: Rule,
        hits: list[_Hit],
        nz: Normalised,
        cstart: int,
        cend: int,
        seg,
        excused: set[Category],
    ) -> list[_Candidate]:
        if any(h.role == SATISFY for h in hits):
            return []
        triggers = [_Candidate(i, h.cstart, h.cend) for h in hits if h.role == TRIGGER]
        if not rule.anchors or any(h.role == ANCHOR for h in hits):
            triggers += self._regex(i, rule, nz, cstart, cend)
        triggers.sort(key=lambda c: c.cstart)
        for cand in triggers:
            if not self._cancelled(i, rule, cand, nz, seg):
                return [cand]
        # A market fact (CPI上涨2%) excuses the missing warning for the model too; a question
        # frame does not: 您问的那只基金，去年收益是6.2% still wants its warning.
        if any(self._market_fact(i, cand, nz, seg) for cand in triggers):
            excused.add(rule.category)
        return []

    def _suitability(
        self, i: int, rule: Rule, nz: Normalised, cstart: int, cend: int, context: CheckContext | None
    ) -> list[_Candidate]:
        if context is None or not context.community_risk_counts:
            return []
        best: _Candidate | None = None
        best_level = 0
        for cand in self._regex(i, rule, nz, cstart, cend):
            level = detectors.risk_level_of((cand.value or {}).get("level", ""))
            if level > best_level:
                best, best_level = cand, level
        if best is None:
            return []
        below = detectors.members_below(context.community_risk_counts, best_level)
        if below <= 0:
            return []
        best.value = {"level": f"R{best_level}", "count": str(below), "allowed": f"C{best_level}"}
        return [best]

    # -- findings ---------------------------------------------------------------------------
    def _finding(self, nz: Normalised, cand: _Candidate) -> Finding:
        rule = self.rules[cand.rule]
        ostart, oend = nz.span(cand.cstart, cand.cend)
        match = nz.original[ostart:oend]
        values = cand.value or {}
        explanation_zh, explanation_en = rule.explanation_zh, rule.explanation_en
        if rule.kind == "suitability":
            explanation_zh = explanation_zh.format_map(_Blanks(values))
            explanation_en = explanation_en.format_map(_Blanks(values))
        action = "none"
        replacement = None
        if rule.kind == "disclosure":
            action = "append"
        elif rule.kind == "privacy":
            action, replacement = "replace", detectors.mask(match)
        else:
            # The rewrite goes into the message, so it follows the message's language.
            replacement = rule.replacement_zh if _is_chinese(match) else rule.replacement_en
            action = "replace" if replacement is not None else "none"
        return Finding(
            rule=rule.id,
            category=Category(rule.category),
            severity=Severity(rule.severity),
            start=ostart,
            end=oend,
            match=match,
            explanation_zh=explanation_zh,
            explanation_en=explanation_en,
            suggestion_zh=rule.suggestion_zh,
            suggestion_en=rule.suggestion_en,
            basis=rule.basis,
            action=action,
            replacement=replacement,
            also=rule.categories[1:],
        )


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


class _Blanks(dict):
    """Fields a custom rule's text names but the finding lacks stay visible, not a crash."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop a finding whose span lies inside another finding of the same category (稳赚 inside
    稳赚不赔), keeping the first rule on equal spans; order by position."""
    findings.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    reach: dict[Category, int] = {}  # furthest end kept so far, per category
    for f in findings:
        # Everything kept starts at or before f, so f is inside one iff one reaches its end.
        if reach.get(f.category, -1) >= f.end:
            continue
        kept.append(f)
        reach[f.category] = max(reach.get(f.category, -1), f.end)
    return kept
