"""Proximity rules: two kinds of words near each other, in one clause or one sentence.

A negator or clause punctuation between the two words breaks the link (承诺的是服务，不是收益),
except that a promise word closing its clause governs the next (我保证，下周至少涨20%). In
sentence scope the words may stand in different clauses (退休的叔叔阿姨们，这只私募正适合你们),
with a word of each ``requires`` group somewhere in the sentence; a negator breaks them only
in one clause with both words or leading into the later one.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from branchdesk.compliance.context import Frames
from branchdesk.compliance.hits import LEFT, REQUIRE, RIGHT, Candidate, Hit
from branchdesk.compliance.rulepack import Near, Rule
from branchdesk.compliance.textnorm import Normalised

# A quotation opened by a verb of saying between the two words of a pair.
_REPORTED_QUOTE = re.compile(r"(?:说|称|讲|问|发|写着|道|says|said)\s*:?\s*[“「『\"]")
_LATIN_START = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_CLAUSE_PUNCT = frozenset("。；，、!?;,\n")  # in folded text (NFKC made ！？；， ASCII)
_SENTENCE_PUNCT = frozenset("。!?;\n")


class Pairs:
    """Finds the pairs of proximity rules; built once per checker (its context frames)."""

    def __init__(self, frames: Frames) -> None:
        self.frames = frames

    def pairs(self, i: int, rule: Rule, hits: list[Hit], nz: Normalised, seg) -> list[Candidate]:
        """Candidates of a proximity rule: each left word with its nearest right word, in one
        clause (or, with ``scope = "sentence"``, one sentence with every required group)."""
        near = rule.near
        assert near is not None
        lefts = [h for h in hits if h.role == LEFT]
        rights = sorted((h for h in hits if h.role == RIGHT), key=lambda h: h.cstart)
        right_starts = [h.cstart for h in rights]
        longest = max((h.cend - h.cstart for h in rights), default=0)
        reach = near.window * 2
        out: list[Candidate] = []
        if near.scope == "sentence":
            return self._sentence_pairs(i, near, lefts, rights, hits, nz, seg)
        for left in lefts:
            best: tuple[int, int, int] | None = None
            # Only rights that start within reach of this left word (long texts stay linear).
            lo = bisect_right(right_starts, left.cstart - reach - longest - 1)
            hi = bisect_right(right_starts, left.cend + reach)
            for right in rights[lo:hi]:
                if right.cstart >= left.cend:
                    gap = right.cstart - left.cend
                elif not near.ordered and right.cend <= left.cstart:
                    gap = left.cstart - right.cend
                else:
                    continue
                # A promise word closing its clause governs the whole next one: twice the reach.
                reach = near.window * 2 if right.cstart >= left.cend else near.window
                if gap > reach:
                    continue
                a, b = min(left.cstart, right.cstart), max(left.cend, right.cend)
                if self._broken(nz, near, left, right):
                    continue
                if gap > near.window and not self._promise_closes_clause(nz, left, right):
                    continue
                if best is None or gap < best[0]:
                    best = (gap, a, b)
            if best is not None:
                out.append(Candidate(i, best[1], best[2]))
        return out

    def _sentence_pairs(
        self, i: int, near: Near, lefts: list[Hit], rights: list[Hit], hits: list[Hit], nz: Normalised, seg
    ) -> list[Candidate]:
        """Pairs of a sentence-scope rule: a left and a right word within ``window`` compact
        characters of one sentence, not broken by a negator or a contrast between them, with
        a word of every ``requires`` group somewhere in that sentence."""
        right_starts = [h.cstart for h in rights]
        longest = max((h.cend - h.cstart for h in rights), default=0)
        groups = [
            sorted(nz.span(h.cstart, h.cend) for h in hits if h.role == REQUIRE + n)
            for n in range(len(near.requires))
        ]
        group_starts = [[x for x, _ in group] for group in groups]
        out: list[Candidate] = []
        for left in lefts:
            best: tuple[int, int, int] | None = None
            lo = bisect_right(right_starts, left.cstart - near.window - longest - 1)
            hi = bisect_right(right_starts, left.cend + near.window)
            for right in rights[lo:hi]:
                if right.cstart >= left.cend:
                    gap = right.cstart - left.cend
                elif not near.ordered and right.cend <= left.cstart:
                    gap = left.cstart - right.cend
                else:
                    continue
                if gap > near.window or (best is not None and gap >= best[0]):
                    continue
                if self._broken_in_sentence(nz, near, left, right):
                    continue
                a, b = min(left.cstart, right.cstart), max(left.cend, right.cend)
                oa, ob = nz.span(a, b)
                s_start, s_end = seg().sentence(oa, ob)
                pairs = zip(groups, group_starts, strict=True)
                if all(_within(group, starts, s_start, s_end) for group, starts in pairs):
                    best = (gap, a, b)
            if best is not None:
                out.append(Candidate(i, best[1], best[2]))
        return out

    def _broken_in_sentence(self, nz: Normalised, near: Near, left: Hit, right: Hit) -> bool:
        """A sentence end or (unless the rule allows it) a contrast word between the two words
        of a sentence-scope pair, or a negator in the clause of either word, between them:
        新手不适合期权 / 期权收益高，但新手别碰. A negator in a clause of its own between them
        negates that clause only (刚毕业的，别买货基了，直接上3倍杠杆)."""
        a, b = sorted(((left.cstart, left.cend), (right.cstart, right.cend)))
        oa, ob = nz.span(*a)[1], nz.span(*b)[0]
        between_o = nz.norm[oa:ob]
        if any(ch in _SENTENCE_PUNCT for ch in between_o):
            return True
        if a[1] >= b[0]:
            return False
        if not near.through_contrast and self.frames.contrast.search(between_o):
            return True
        between_c = nz.compact[a[1] : b[0]]
        if self.frames.before.search(between_c, between_o):
            return True  # 新手以为买期权就很安全: the pair is reported, not said
        if _REPORTED_QUOTE.search(between_o):
            return True  # 给老太太打电话，说“五倍配资…”: the later word is someone's quoted line
        # One clause: a negator between the words breaks them (新手不适合期权). Across clauses,
        # only one leading into the later word does (老人家，千万别碰期权); a negation inside
        # an earlier clause is about that clause (风险揭示书那么厚没人看，签字就行).
        cuts = [i for i, ch in enumerate(between_o) if ch in _CLAUSE_PUNCT]
        pieces = [(oa, ob)] if not cuts else [(oa + cuts[-1] + 1, ob)]
        negators = self.frames.negators
        for start, end in pieces:
            piece = nz.compact[nz.to_compact(start) : nz.to_compact(end)]
            if start < end and negators.search(piece, nz.norm[start:end]):
                return True
        # The left word named after the right one, in a clause of its own that it opens
        # with a negation (期权卖方损失无限，新手别碰期权): that clause is a warning.
        if cuts and right.cend <= left.cstart:
            tail = nz.compact[left.cend : left.cend + _AFTER_LEFT]
            return negators.search(tail, "", before=_AFTER_LEFT - 2)
        return False

    @staticmethod
    def _promise_closes_clause(nz: Normalised, left: Hit, right: Hit) -> bool:
        oa, ob = nz.span(left.cstart, left.cend)[1], nz.span(right.cstart, right.cend)[0]
        return nz.norm[oa:ob].lstrip(" ")[:1] in (",", ":")

    def _broken(self, nz: Normalised, near: Near, left: Hit, right: Hit) -> bool:
        """A negator or clause punctuation between the two words breaks the link
        (承诺的是服务，不是收益; we promise service, not returns) — except that a promise
        word closing its clause governs the next one (我保证，下周至少涨20%)."""
        a, b = sorted(((left.cstart, left.cend), (right.cstart, right.cend)))
        between_c = nz.compact[a[1] : b[0]]
        oa, ob = nz.span(*a)[1], nz.span(*b)[0]
        between_o = nz.norm[oa:ob]
        # English runs on through commas; Chinese clauses end at them.
        stops = _SENTENCE_PUNCT if nz.compact[left.cstart] in _LATIN_START else _CLAUSE_PUNCT
        hard = [i for i, ch in enumerate(between_o) if ch in stops]
        if hard:
            promise_first = left.cstart < right.cstart
            first = between_o.lstrip(" ")[:1]
            if not (promise_first and len(hard) == 1 and first in ",:"):
                return True
        if not between_c:
            return False
        if not near.through_contrast and self.frames.contrast.search(between_o):
            return True  # 承诺的是服务，但收益要看市场 / we promise service, but returns vary
        negators = self.frames.negators
        return any(ch in "不没非无未别" for ch in between_c) or negators.search(between_c, between_o)


_AFTER_LEFT = 6  # compact characters after a later left word in which its clause's negator stands


def _within(spans: list[tuple[int, int]], starts: list[int], low: int, high: int) -> bool:
    """Whether one of the sorted ``spans`` lies within ``[low, high)`` (a bisect, not a scan:
    a long text may hold thousands)."""
    k = bisect_left(starts, low)
    while k < len(spans) and spans[k][0] < high:
        if spans[k][1] <= high:
            return True
        k += 1
    return False
