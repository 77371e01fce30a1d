"""Matching: the pack's terms in one automaton, a batch of messages folded and scanned at
once, and the cheap tests that decide which messages are worth the rules' judgement (a
pattern's anchor is not a match: most "涨" are not "涨了12%")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import ahocorasick_rs

from branchdesk.compliance.findings import Category
from branchdesk.compliance.hits import ANCHOR, SATISFY, LazyPatterns
from branchdesk.compliance.hits import Hit as _Hit
from branchdesk.compliance.hits import Use as _Use
from branchdesk.compliance.rulepack import Rule
from branchdesk.compliance.textnorm import Normalised, fold, numeric_view, strip_filler

LATIN = re.compile(r"[a-z0-9]")
_CN_DIGITS = {
    "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "几": 3, "数": 3,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# Between messages of a batch: a letter (kept in compact text) that no rule contains.
SEPARATOR = "\ua66e"


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


def fold_many(texts: Sequence[str]) -> tuple[str, str, list[int]]:
    """All messages folded (joined by a separator), their compact forms likewise, and
    where each compact form starts.

    One translate and one substitution for the whole batch; the separator is a letter no
    rule contains, so it survives filler removal and no match can cross it."""
    norm_all = fold(SEPARATOR.join(texts))
    if norm_all.count(SEPARATOR) == len(texts) - 1:
        joined = strip_filler(norm_all)
        cstarts = [0]
        find = joined.find
        at = find(SEPARATOR)
        while at >= 0:
            cstarts.append(at + 1)
            at = find(SEPARATOR, at + 1)
        return norm_all, joined, cstarts
    # A message holds the separator itself: join compact forms one by one.
    compacts = [strip_filler(fold(text)) for text in texts]
    cstarts = [0]
    for compact in compacts[:-1]:
        cstarts.append(cstarts[-1] + len(compact) + 1)
    return norm_all, SEPARATOR.join(compacts), cstarts


class Matching:
    """The Checker's matching side (a mixin: the Checker builds the attributes it reads)."""

    rules: list[Rule]
    _uses: list[list[_Use]]
    _profiles: list[tuple[frozenset[int], ...]]
    _patterns: LazyPatterns
    _figure_patterns: LazyPatterns
    _latin_start: list[bool]
    _latin_end: list[bool]
    _view_key: tuple[str, int, int] | None
    _view: tuple[str, list[int], list[int]] | None

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
        if self._any_match(rules, compact):
            return True
        numeric = [(rule, p) for rule in rules for p in self._figure_patterns[rule]]
        if not numeric:
            return False
        view = self._numeric_view(compact, 0, len(compact))
        return view is not None and any(self._matches(rule, p, view[0]) for rule, p in numeric)

    def _any_match(self, rules: Iterable[int], text: str) -> bool:
        """Whether a pattern of one of ``rules`` matches (``_matches``), the patterns of a rule
        without a figure threshold searched directly (most of them)."""
        patterns, defined = self._patterns, self.rules
        for rule in rules:
            if defined[rule].min_value is None:
                for pattern in patterns[rule]:
                    if pattern.search(text) is not None:
                        return True
            elif any(self._matches(rule, p, text) for p in patterns[rule]):
                return True
        return False

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
                preceded = latin_start[term_id] and ostart > 0 and bool(LATIN.match(norm[ostart - 1]))
                followed = latin_end[term_id] and oend < len(norm) and bool(LATIN.match(norm[oend]))
            for use in uses[term_id]:
                # Anchors only gate patterns: they need no word boundary ("10x" → "xreturn").
                if use.role == ANCHOR or not (preceded or (followed and not use.suffix_ok)):
                    out.append(_Hit(use.rule, use.role, cstart, cend))
        return out

    def _warned(self, found: list[tuple[int, int, int]]) -> set[Category]:
        """Categories of the rules a risk warning among these matches satisfies."""
        return {
            self.rules[use.rule].category
            for term_id, _, _ in found
            for use in self._uses[term_id]
            if use.role == SATISFY
        }
