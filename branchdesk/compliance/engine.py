"""The checker: one normalisation, one Aho–Corasick pass, then per-rule judgement.

All phrases of all rules (plus proximity words, exclusions, pattern anchors, disclosure
triggers and the risk warnings that satisfy them) go into one automaton, so a message is
scanned once whatever the size of the pack. Regular expressions run only on messages that
contain one of their anchors. Context frames are judged only for the few candidates found.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick_rs

from branchdesk.compliance import detectors
from branchdesk.compliance.context import CueSet, Frames, Segment
from branchdesk.compliance.findings import CheckContext, CheckResult, Finding, verdict_for
from branchdesk.compliance.findings import is_chinese as _is_chinese
from branchdesk.compliance.pinyin import variants
from branchdesk.compliance.rulepack import Category, Rule, RulePack, Severity
from branchdesk.compliance.textnorm import Normalised, compact_phrase, normalise

# Roles a term plays for a rule.
PHRASE, LEFT, RIGHT, EXCLUDE, ANCHOR, TRIGGER, SATISFY = range(7)

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
_SEPARATOR = "\n"  # between messages of one bulk check: a hard boundary no match crosses


@dataclass(slots=True)
class _Use:
    rule: int
    role: int
    suffix_ok: bool  # an English phrase written "guarantee*" also matches "guaranteed"


@dataclass(slots=True)
class _Hit:
    rule: int
    role: int
    cstart: int
    cend: int


@dataclass(slots=True)
class _Candidate:
    rule: int
    cstart: int
    cend: int
    value: dict[str, str] | None = None


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
        self.rules: list[Rule] = [r for r in [*pack.rules, *extra_rules] if r.enabled and r.id not in off]
        self.frames = Frames.build(pack.context)
        self._uses: list[list[_Use]] = []
        term_ids: dict[str, int] = {}
        terms: list[str] = []

        def add(phrase: str, rule: int, role: int) -> None:
            suffix_ok = phrase.endswith("*") and not _CJK.search(phrase)
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
                    for spelled in variants(compact_phrase(phrase)):
                        add(spelled, i, main_role)
            if rule.near is not None:
                for word in rule.near.left:
                    add(word, i, LEFT)
                for word in rule.near.right:
                    add(word, i, RIGHT)
            for word in rule.excludes:
                add(word, i, EXCLUDE)
            for word in rule.anchors:
                add(word, i, ANCHOR)
            for word in rule.satisfied_by:
                add(word, i, SATISFY)
        self.index = index_factory(terms)
        self._patterns = [[re.compile(p) for p in rule.patterns] for rule in self.rules]
        # Rules judged on every message, hit or not: unanchored patterns and number detectors.
        self._unanchored = [
            i
            for i, rule in enumerate(self.rules)
            if (rule.patterns and not rule.anchors and rule.kind != "suitability") or rule.kind == "privacy"
        ]
        self._unless = [
            CueSet.build(rule.unless_in_clause) if rule.unless_in_clause else None for rule in self.rules
        ]

    # -- public API -----------------------------------------------------------------------
    def check(self, text: str, context: CheckContext | None = None) -> CheckResult:
        return self.check_many([text], context)[0]

    def check_many(self, texts: Sequence[str], context: CheckContext | None = None) -> list[CheckResult]:
        """Check many messages in one pass (a chat export): the same findings as checking
        each one, at a fraction of the cost per message."""
        starts: list[int] = []
        pos = 0
        for text in texts:
            starts.append(pos)
            pos += len(text) + len(_SEPARATOR)
        nz = normalise(_SEPARATOR.join(texts))
        per_segment = self._hits_by_segment(nz, starts, texts)
        results = []
        for k, text in enumerate(texts):
            findings = self._judge(nz, starts[k], starts[k] + len(text), per_segment.get(k, []), context)
            results.append(CheckResult(verdict_for(findings), findings, self.pack_version))
        return results

    # -- matching -------------------------------------------------------------------------
    def _hits_by_segment(
        self, nz: Normalised, starts: list[int], texts: Sequence[str]
    ) -> dict[int, list[_Hit]]:
        out: dict[int, list[_Hit]] = defaultdict(list)
        norm = nz.norm
        for term_id, cstart, cend in self.index.find(nz.compact):
            ostart, oend = nz.span(cstart, cend)
            seg = bisect_right(starts, ostart) - 1
            if oend > starts[seg] + len(texts[seg]) or nz.crosses_hard(cstart, cend):
                continue
            term = self.index.terms[term_id]
            if _LATIN.match(term[0]) and ostart > starts[seg] and _LATIN.match(norm[ostart - 1]):
                continue
            latin_end = _LATIN.match(term[-1]) is not None
            followed = oend < len(norm) and _LATIN.match(norm[oend]) is not None
            for use in self._uses[term_id]:
                if latin_end and followed and not use.suffix_ok:
                    continue
                out[seg].append(_Hit(use.rule, use.role, cstart, cend))
        return out

    def _judge(
        self,
        nz: Normalised,
        ostart: int,
        oend: int,
        hits: list[_Hit],
        context: CheckContext | None,
    ) -> list[Finding]:
        cstart, cend = nz.to_compact(ostart), nz.to_compact(oend)
        by_rule: dict[int, list[_Hit]] = defaultdict(list)
        for hit in hits:
            by_rule[hit.rule].append(hit)
        segment: Segment | None = None

        def seg() -> Segment:
            nonlocal segment
            if segment is None:
                segment = Segment(nz, self.frames, ostart, oend)
            return segment

        candidates: list[_Candidate] = []
        rule_ids = set(by_rule) | set(self._unanchored)
        if context is not None and context.community_risk_counts:
            rule_ids |= {i for i, r in enumerate(self.rules) if r.kind == "suitability"}
        for i in sorted(rule_ids):
            rule = self.rules[i]
            rule_hits = by_rule.get(i, [])
            found = self._rule_candidates(i, rule, rule_hits, nz, cstart, cend, seg, context)
            candidates.extend(found)
        findings = [self._finding(nz, ostart, c, context) for c in candidates]
        return _dedupe([f for f in findings if f is not None])

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
    ) -> list[_Candidate]:
        excludes = [(h.cstart, h.cend) for h in hits if h.role == EXCLUDE]

        def kept(h: _Hit) -> bool:
            return not any(a <= h.cstart and h.cend <= b for a, b in excludes)

        raw: list[_Candidate] = []
        if rule.kind == "phrase":
            raw = [_Candidate(i, h.cstart, h.cend) for h in hits if h.role == PHRASE and kept(h)]
        elif rule.kind == "proximity":
            raw = self._pairs(i, rule, [h for h in hits if kept(h)], nz, seg)
        elif rule.kind == "pattern":
            if rule.anchors and not any(h.role == ANCHOR for h in hits):
                return []
            raw = self._regex(i, rule, nz, cstart, cend)
        elif rule.kind == "disclosure":
            return self._disclosure(i, rule, hits, nz, cstart, cend, seg)
        elif rule.kind == "privacy":
            return [
                _Candidate(i, a, b, {"kind": rule.detector or ""})
                for a, b in detectors.find(rule.detector, nz.compact, cstart, cend, context)
            ]
        elif rule.kind == "suitability":
            return self._suitability(i, rule, nz, cstart, cend, context)
        return [c for c in raw if not self._cancelled(i, rule, c, nz, seg)]

    def _cancelled(self, i: int, rule: Rule, cand: _Candidate, nz: Normalised, seg) -> bool:
        ostart, oend = nz.span(cand.cstart, cand.cend)
        unless = self._unless[i]
        if unless is not None and seg().clause_mentions(unless, ostart, oend):
            return True
        return rule.contextual and seg().excused(ostart, oend)

    def _pairs(self, i: int, rule: Rule, hits: list[_Hit], nz: Normalised, seg) -> list[_Candidate]:
        near = rule.near
        assert near is not None
        lefts = [h for h in hits if h.role == LEFT]
        rights = [h for h in hits if h.role == RIGHT]
        out: list[_Candidate] = []
        for left in lefts:
            best: tuple[int, int, int] | None = None
            for right in rights:
                if right.cstart >= left.cend:
                    gap = right.cstart - left.cend
                elif not near.ordered and right.cend <= left.cstart:
                    gap = left.cstart - right.cend
                else:
                    continue
                if gap > near.window:
                    continue
                a, b = min(left.cstart, right.cstart), max(left.cend, right.cend)
                if nz.crosses_hard(a, b) or self._broken(nz, left, right):
                    continue
                if best is None or gap < best[0]:
                    best = (gap, a, b)
            if best is not None:
                out.append(_Candidate(i, best[1], best[2]))
        return out

    def _broken(self, nz: Normalised, left: _Hit, right: _Hit) -> bool:
        """A negator or clause punctuation between the two words breaks the link
        (承诺的是服务，不是收益; we promise service, not returns)."""
        a, b = sorted(((left.cstart, left.cend), (right.cstart, right.cend)))
        between_c = nz.compact[a[1] : b[0]]
        if not between_c:
            return False
        oa, ob = nz.span(a[0], a[1])[1], nz.span(b[0], b[1])[0]
        between_o = nz.norm[oa:ob]
        if any(ch in "。！？；，、!?;,\n" for ch in between_o):
            return True
        negators = self.frames.negators
        return any(ch in "不没非无未别" for ch in between_c) or negators.search(between_c, between_o)

    def _regex(self, i: int, rule: Rule, nz: Normalised, cstart: int, cend: int) -> list[_Candidate]:
        out: list[_Candidate] = []
        text = nz.compact
        for pattern in self._patterns[i]:
            for m in pattern.finditer(text, cstart, cend):
                groups = m.groupdict()
                if rule.min_value is not None and groups.get("n") is not None:
                    value = parse_number(groups["n"])
                    if value is None or value < rule.min_value:
                        continue
                a, b = m.span("hit") if groups.get("hit") is not None else m.span()
                if a == b or nz.crosses_hard(a, b):
                    continue
                out.append(_Candidate(i, a, b, {k: v for k, v in groups.items() if v}))
        return out

    def _disclosure(
        self, i: int, rule: Rule, hits: list[_Hit], nz: Normalised, cstart: int, cend: int, seg
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
    def _finding(
        self, nz: Normalised, seg_start: int, cand: _Candidate, context: CheckContext | None
    ) -> Finding | None:
        rule = self.rules[cand.rule]
        ostart, oend = nz.span(cand.cstart, cand.cend)
        match = nz.original[ostart:oend]
        values = cand.value or {}
        explanation_zh, explanation_en = rule.explanation_zh, rule.explanation_en
        if rule.kind == "suitability":
            explanation_zh = explanation_zh.format(**values)
            explanation_en = explanation_en.format(**values)
        action = "none"
        replacement = None
        if rule.kind == "disclosure":
            action = "append"
        elif rule.kind == "privacy":
            action, replacement = "replace", detectors.mask(match)
        else:
            chinese = _is_chinese(match)
            replacement = rule.replacement_zh if chinese else rule.replacement_en
            replacement = (
                replacement
                if replacement is not None
                else (rule.replacement_en if chinese else rule.replacement_zh)
            )
            action = "replace" if replacement is not None else "none"
        return Finding(
            rule=rule.id,
            category=Category(rule.category),
            severity=Severity(rule.severity),
            start=ostart - seg_start,
            end=oend - seg_start,
            match=match,
            explanation_zh=explanation_zh,
            explanation_en=explanation_en,
            suggestion_zh=rule.suggestion_zh,
            suggestion_en=rule.suggestion_en,
            basis=rule.basis,
            action=action,
            replacement=replacement,
        )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop a finding whose span lies inside another finding of the same category (稳赚 inside
    稳赚不赔), keeping the first rule on equal spans; order by position."""
    findings.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for f in findings:
        if any(k.category == f.category and k.start <= f.start and f.end <= k.end for k in kept):
            continue
        kept.append(f)
    return kept
