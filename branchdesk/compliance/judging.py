"""Judging: each live rule's candidates in a message (phrases, proximity pairs, patterns,
number and audience detectors, missing risk warnings), then the context checks that cancel
them (a market fact, a lesson's arithmetic, negation, warning, quotation, a question)."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from itertools import accumulate, chain

from branchdesk.compliance import detectors
from branchdesk.compliance.context import CueSet, Frames
from branchdesk.compliance.findings import CheckContext, Finding
from branchdesk.compliance.hits import (
    ANCHOR,
    EXCLUDE,
    LEFT,
    PHRASE,
    RIGHT,
    SATISFY,
    SOUND,
    STARTS,
    TRIGGER,
    LazyPatterns,
)
from branchdesk.compliance.hits import Candidate as _Candidate
from branchdesk.compliance.hits import Hit as _Hit
from branchdesk.compliance.matching import parse_number
from branchdesk.compliance.proximity import Pairs
from branchdesk.compliance.reporting import build_finding, dedupe
from branchdesk.compliance.rulepack import Category, Rule
from branchdesk.compliance.second_reading import Cue
from branchdesk.compliance.segment import Segment
from branchdesk.compliance.textnorm import Normalised, crosses_sentence

_STARTS = STARTS
# Findings a message that works figures through as arithmetic is excused from (its returns
# and moves are a lesson's examples); promises and tips are not.
_LESSON_CATEGORIES = frozenset({"disclosure", "exaggeration"})


class Judging:
    """The Checker's judging side (a mixin: the Checker builds the attributes it reads)."""

    rules: list[Rule]
    frames: Frames
    _pairs: Pairs
    _support: set[str]
    _support_index: set[int]
    _product: CueSet | None
    _unless: list[CueSet | None]
    _contacts: detectors.ContactCues
    _patterns: LazyPatterns
    _figure_patterns: LazyPatterns
    _figure_set: set[str]

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
        findings = [build_finding(self.rules[c.rule], nz, c) for c in candidates]
        cues = [Cue(f.category, f.start, f.end) for f in findings if f.rule in self._support]
        findings = [f for f in findings if f.rule not in self._support]
        return dedupe(findings), cues

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
