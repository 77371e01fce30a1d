"""Context frames that cancel a match: negation, warning, quotation, education.

Disclaimers and lessons contain the very words a rule bans ("不保本", "警惕‘稳赚不赔’的说法",
"past performance does not guarantee…"), so a match is judged inside its clause and sentence:

* a negator just before it in the same clause (不保本, 无法保证, 没有任何投资能保本);
* a warning or reporting frame earlier in the sentence (警惕, 所谓, 凡是, 有人说, beware);
* a condemnation later in the sentence (…都是骗局, …是违规的, …is a scam);
* quotes around it with a frame word next to them (“稳赚不赔”的说法);
* an education or enforcement cue anywhere in the sentence (被罚, 警示函, 证券法);
* a list introduced by a framing line (常见违规话术有：…) or an education header (【投资者教育】).

A contrast word (但/但是/but, and "I tell you": 我告诉你们) starts a new scope, so
"虽然不保本，但我保证年化8%" still blocks. A yes/no question right after a match (可以上车吗？)
is asked, unless it pushes (还不上车吗？) or is answered yes (当然能！); an education header
does not cover a pitch in the first or second person under it; a negator inside a relative
clause about a person stops at 的 (不会做测评的 | 我帮你们做).

Reported speech (a client's question and its answer, a dialogue, a later sentence that
condemns this one) is judged in segment_speech.py; the marks and words looked for are in
segment_patterns.py.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from branchdesk.compliance.context import CueSet, Frames
from branchdesk.compliance.segment_patterns import (
    ALLOWED_ASK,
    ANSWER_LABEL,
    ARITHMETIC,
    CLAUSE_END,
    CLAUSE_OPENERS,
    CLOSERS,
    FRAME_REACH,
    HEADER_REACH,
    IMMEDIATE_NEGATORS,
    INTERROGATIVE,
    LATIN_CHAR,
    LIST_JOINER,
    LIST_REACH,
    NEGATOR_REACH,
    NO_ANSWER,
    PERSON_AFTER_DE,
    PROHIBITION,
    PUSH_ANSWER,
    PUSH_QUESTION,
    QUOTE_CHARS,
    QUOTE_FRAME_REACH,
    QUOTED_ASKED,
    QUOTES,
    SELLING,
    SENTENCE_END,
)
from branchdesk.compliance.segment_speech import Speech
from branchdesk.compliance.textnorm import Normalised


class Segment(Speech):
    """One message inside a normalised (possibly multi-message) text, with its clause,
    sentence and contrast boundaries computed once, when its first candidate is judged."""

    def __init__(self, nz: Normalised, frames: Frames, start: int, end: int) -> None:
        self.nz = nz
        self.frames = frames
        self.start = start
        self.end = end
        norm = nz.norm[start:end]
        self.sentence_ends = [start + m.start() for m in SENTENCE_END.finditer(norm)]
        self.clause_ends = [start + m.start() for m in CLAUSE_END.finditer(norm)]
        self.contrasts = [(start + m.start(), start + m.end()) for m in frames.contrast.finditer(norm)]
        self.contrast_starts = [c for c, _ in self.contrasts]
        self.contrast_ends = [e for _, e in self.contrasts]
        self._header: bool | None = None
        self._arithmetic: bool | None = None
        self._taught: dict[tuple[int, int], bool] = {}
        self._excused: dict[tuple[int, int], bool] = {}

    # -- slices -----------------------------------------------------------------------------
    def _compact(self, ostart: int, oend: int) -> str:
        nz = self.nz
        return nz.compact[nz.to_compact(ostart) : nz.to_compact(oend)]

    def _views(self, ostart: int, oend: int) -> tuple[str, str]:
        return self._compact(ostart, oend), self.nz.norm[ostart:oend]

    # -- scopes -----------------------------------------------------------------------------
    def sentence(self, ostart: int, oend: int) -> tuple[int, int]:
        i = bisect_left(self.sentence_ends, ostart) - 1
        s_start = self.sentence_ends[i] + 1 if i >= 0 else self.start
        j = bisect_left(self.sentence_ends, oend)
        s_end = self.sentence_ends[j] if j < len(self.sentence_ends) else self.end
        # A rhetorical question answers itself in the next sentence: "保本？不存在的。"
        if s_end < self.end and self.nz.norm[s_end] == "?":
            s_end = self.sentence_ends[j + 1] if j + 1 < len(self.sentence_ends) else self.end
        return s_start, s_end

    def sentence_framed(self, ostart: int, oend: int) -> bool:
        """Whether the sentence around a span holds, outside the span itself, any warning,
        reporting, quotation or education cue (a looser test than ``excused``, for the
        model's second opinion; the matched words cannot frame themselves: 内幕消息)."""
        s_start, s_end = self.sentence(ostart, oend)
        s_start, s_end = max(s_start, ostart - FRAME_REACH), min(s_end, oend + FRAME_REACH)
        if SELLING.search(self._compact(s_start, s_end)):
            return False  # a pitch in the first or second person frames nothing
        f = self.frames
        cues = (f.before, f.after, f.quote, f.education)
        around = [self._views(a, b) for a, b in ((s_start, ostart), (oend, s_end)) if a < b]
        return any(cue.search(compact, norm) for compact, norm in around for cue in cues)

    def before_scope(self, ostart: int, s_start: int) -> int:
        """Start of the part of the sentence that can frame a match at ``ostart``: after the
        last contrast word (但/but) that ends before it."""
        i = bisect_right(self.contrast_ends, ostart) - 1
        if i >= 0 and self.contrasts[i][0] >= s_start:
            return max(s_start, self.contrast_ends[i])
        return s_start

    def after_scope(self, oend: int, s_end: int) -> int:
        """End of the part of the sentence after a match: the next contrast word, if any."""
        i = bisect_left(self.contrast_starts, oend)
        if i < len(self.contrast_starts) and self.contrast_starts[i] < s_end:
            return self.contrast_starts[i]
        return s_end

    def clause_start(self, ostart: int, floor: int) -> int:
        i = bisect_left(self.clause_ends, ostart) - 1
        return max(floor, self.clause_ends[i] + 1 if i >= 0 else self.start)

    # -- the judgement ----------------------------------------------------------------------
    def excused(self, ostart: int, oend: int) -> bool:
        """True when the match at ``[ostart, oend)`` is negated, warned against, quoted as an
        example or taught, rather than said (memoised: rules often share a span)."""
        key = (ostart, oend)
        found = self._excused.get(key)
        if found is None:
            found = self._excused[key] = self._judge_frames(ostart, oend)
        return found

    def _judge_frames(self, ostart: int, oend: int) -> bool:
        f = self.frames
        s_start, s_end = self.sentence(ostart, oend)
        # A frame is near its match: a run-on "sentence" of a pasted article stays linear.
        s_start, s_end = max(s_start, ostart - FRAME_REACH), min(s_end, oend + FRAME_REACH)
        # An education header frames the post, not a sales pitch slipped under it.
        if self.has_header() and not SELLING.search(self.nz.norm, s_start, s_end):
            return True
        if self.dialogue_question(ostart):
            return True
        scope_start = self.before_scope(ostart, s_start)
        clause = self.clause_start(ostart, scope_start)
        if self.negated(clause, ostart):
            return True
        if f.before.search(*self._views(self.own_act_cut(scope_start, ostart), ostart)):
            return True
        if f.after.search(*self._views(oend, self.after_scope(oend, s_end))):
            return True
        if self.taught(s_start, s_end):
            return True
        if self.asked(clause, ostart, oend) or self.topic(ostart, oend):
            return True
        if self.reported(s_start, ostart, oend, s_end):
            return True
        if self.news(ostart, oend, s_start, s_end):
            return True
        if self.quoted(ostart, oend, s_start, s_end) or self.listed(ostart):
            return True
        return self.condemned_next(s_start, s_end)

    def news(self, ostart: int, oend: int, s_start: int, s_end: int) -> bool:
        """The match sits in everyday news naming no product: 主队这赛季稳赢, 票房翻倍."""
        f = self.frames
        if f.everyday is None:
            return False
        around = [self._views(a, b) for a, b in ((s_start, ostart), (oend, s_end)) if a < b]
        if not any(f.everyday.search(*view) for view in around):
            return False
        return f.product is None or not any(f.product.search(*view) for view in around)

    def worked_arithmetic(self) -> bool:
        """The message works figures through as arithmetic (1×2×0.5=1, 10000×1.05^10, 0.8/20=4%):
        a lesson, whose returns and moves are examples, not a product's (memoised)."""
        if self._arithmetic is None:
            self._arithmetic = bool(ARITHMETIC.search(self.nz.norm, self.start, self.end))
        return self._arithmetic

    def taught(self, s_start: int, s_end: int) -> bool:
        """An education or enforcement cue in the sentence (memoised: candidates share it)."""
        key = (s_start, s_end)
        found = self._taught.get(key)
        if found is None:
            found = self._taught[key] = self.frames.education.search(*self._views(s_start, s_end))
        return found

    def topic(self, ostart: int, oend: int) -> bool:
        """A term named as a topic heading: 关于差额补足：…"""
        nz = self.nz
        before = nz.compact[max(0, nz.to_compact(ostart) - 2) : nz.to_compact(ostart)]
        return before == "关于" and nz.norm[oend : oend + 1] in (":", ",")

    def asked(self, clause_start: int, ostart: int, oend: int | None = None) -> bool:
        """The match sits in a real question: 有没有稳赚不赔的产品？ 这只会不会翻倍？
        这个位置可以上车吗？ (but not the push 还不上车吗？)"""
        norm = self.nz.norm
        j = bisect_left(self.sentence_ends, ostart + 1)
        if j >= len(self.sentence_ends) or norm[self.sentence_ends[j]] != "?":
            # A question typed without its mark: the message (or line) ends in 吗/么/嘛 right
            # after the match (这个基金能保本吗).
            end = self.sentence_ends[j] if j < len(self.sentence_ends) else self.end
            tail = norm[oend if oend is not None else ostart : end].rstrip(" ~～。.!…")
            # 嘛 after 就 or 可以 urges rather than asks (想安逸点的就买它嘛, 大家可以看一哈嘛).
            urged = norm[max(clause_start, oend - 12) : oend]
            return (
                oend is not None
                and 0 < len(tail) <= 3
                and (tail[-1] in "吗么" or (tail[-1] == "嘛" and "就" not in urged and "可以" not in urged))
                and not PUSH_QUESTION.search(norm, clause_start, end)
            )
        if self.sentence_ends[j] - ostart > FRAME_REACH:
            return False
        q_mark = self.sentence_ends[j]
        if (
            oend is not None
            and (
                (0 < q_mark - oend <= 5 and norm[q_mark - 1] in "吗么嘛")
                # …or asks whether it is allowed (用信用卡套现的钱炒股可以吗？).
                or (0 < q_mark - oend <= 10 and ALLOWED_ASK.search(norm, max(oend, q_mark - 4), q_mark))
            )
            and not PUSH_QUESTION.search(norm, clause_start, q_mark)
            and not PUSH_ANSWER.match(norm, q_mark + 1)
        ):
            return True
        # The question word stands in the match's clause or the next one, not anywhere
        # before the mark (…亏了算我的，赚了算您的，…什么时候让客户吃过亏？ is a boast).
        k = bisect_left(self.clause_ends, oend if oend is not None else ostart)
        limit = min(q_mark, self.clause_ends[k + 1] if k + 1 < len(self.clause_ends) else q_mark)
        if INTERROGATIVE.search(norm, max(clause_start, ostart - FRAME_REACH), limit):
            return True
        # A question answered "no" right after: 一定能赚钱吗？不一定。
        answer = ANSWER_LABEL.sub("", norm[q_mark + 1 : q_mark + 16].lstrip(" \t\n-—–―~"), count=1)
        return bool(NO_ANSWER.match(answer))

    def negated(self, clause_start: int, ostart: int) -> bool:
        nz = self.nz
        if (clause_start > 0 and nz.norm[clause_start - 1] == LIST_JOINER
                and self._prohibited_list(clause_start)):
            return True
        cpos = nz.to_compact(ostart)
        cfloor = nz.to_compact(clause_start)
        # …unless the character ends a word that does not negate (类别C1, 特别保本).
        if (
            cpos > cfloor
            and nz.compact[cpos - 1] in IMMEDIATE_NEGATORS
            and not nz.compact.endswith(self.frames.harmless_endings, max(cfloor, cpos - 6), cpos)
        ):
            return True
        begin = max(cfloor, cpos - NEGATOR_REACH)
        # A negator inside a relative clause about a person does not reach past it:
        # 不会做测评的 | 我帮你们做.
        cut = nz.compact.rfind("的", begin, cpos)
        if cut >= 0 and PERSON_AFTER_DE.match(nz.compact, cut + 1):
            begin = cut + 1
            if begin >= cpos:
                return False
        # A negator may run on into the match (不推荐 | 荐个股): look two characters into it —
        # unless the match carries its own negation (绝对不 | 不带亏 is no negated 不带亏).
        into = 0 if nz.compact[cpos : cpos + 1] in IMMEDIATE_NEGATORS else 2
        compact = nz.compact[begin : cpos + into]
        norm = nz.norm[max(clause_start, ostart - 4 * NEGATOR_REACH) : ostart]
        english = norm if LATIN_CHAR.search(norm) else ""
        return self.frames.negators.search(compact, english, before=cpos - begin)

    def _prohibited_list(self, clause_start: int) -> bool:
        """The match's clause is an item of a list joined by 、 whose first item opens with a
        prohibition (不得承诺收益、代客操作)."""
        norm = self.nz.norm
        floor = max(0, clause_start - LIST_REACH)
        opened = max(norm.rfind(c, floor, clause_start) for c in CLAUSE_OPENERS) + 1
        return bool(PROHIBITION.match(norm, max(opened, floor)))

    def quoted(self, ostart: int, oend: int, s_start: int, s_end: int) -> bool:
        norm = self.nz.norm
        quotes = [m.start() for m in QUOTE_CHARS.finditer(norm, s_start, ostart)]
        if not quotes:
            return False
        q_open = quotes[-1]
        char = norm[q_open]
        if char in CLOSERS:
            return False  # the nearest quote before the match closes: not inside one
        close = QUOTES[char]
        if close == char and norm.count(char, s_start, ostart) % 2 == 0:
            return False
        q_close = norm.find(close, oend, s_end)
        if q_close < 0:
            return False
        inner = norm[q_open:q_close]
        if "?" in inner or INTERROGATIVE.search(inner):
            return True  # a question being quoted: 有客户问“哪只股票能翻倍”
        if QUOTED_ASKED.match(norm, q_close + 1):
            return True  # a quoted term asked about: “稳稳的幸福”是不是保本产品
        before = self._views(max(s_start, q_open - QUOTE_FRAME_REACH), q_open)
        after = self._views(q_close + 1, min(s_end, q_close + 1 + QUOTE_FRAME_REACH))
        f = self.frames
        return (
            f.quote.search(*after)
            or f.quote.search(*before)
            or f.before.search(*before)
            or f.after.search(*self._views(q_close + 1, s_end))
        )

    def listed(self, ostart: int) -> bool:
        """A match in a list introduced by a framing line: "常见违规话术有：1.保本 2.…"."""
        norm = self.nz.norm
        floor = max(self.start, ostart - LIST_REACH)
        colon = norm.rfind(":", floor, ostart)
        # A line that ends in a dash introduces a list as a colon does (下面这些话都不能说——).
        dash = norm.rfind("—\n", floor, ostart)
        if dash > colon:
            colon = dash
        if colon < 0 or "\n\n" in norm[colon:ostart]:
            return False
        # A colon with its item on the same line (2. 投教活动2场：《…》) introduces no list below.
        line_end = norm.find("\n", colon, ostart)
        if line_end >= 0 and norm[colon + 1 : line_end].strip():
            return False
        line_start = max(norm.rfind("\n", self.start, colon) + 1, self.start, colon - 30)
        views = self._views(line_start, colon)
        f = self.frames
        return f.before.search(*views) or f.education.search(*views)

    def has_header(self) -> bool:
        """The message opens with an education header (【投资者教育】), or with a bracketed
        title that names a warning (【防骗再提提：…】, 【转发｜证监局投资者风险提示】)."""
        if self._header is None:
            head = self._compact(self.start, min(self.end, self.start + 24))
            self._header = bool(self.frames.headers) and head.startswith(self.frames.headers)
            if not self._header and self.frames.warnings is not None:
                norm = self.nz.norm
                close = norm.find("】", self.start, min(self.end, self.start + HEADER_REACH))
                if norm.startswith("【", self.start) and close > 0:
                    self._header = self.frames.warnings.search(*self._views(self.start, close))
        return self._header

    def clause_mentions(self, cues: CueSet, ostart: int, oend: int) -> bool:
        """True when the clause around ``[ostart, oend)``, outside the match itself, contains
        one of ``cues`` (跑赢指数 is about a product; 沪指涨1% is about the market)."""
        i = bisect_left(self.clause_ends, ostart) - 1
        begin = self.clause_ends[i] + 1 if i >= 0 else self.start
        j = bisect_left(self.clause_ends, oend)
        end = self.clause_ends[j] if j < len(self.clause_ends) else self.end
        # A "clause" of a text without punctuation is near the match (linear in long texts).
        begin, end = max(begin, ostart - FRAME_REACH), min(end, oend + FRAME_REACH)
        return cues.search(*self._views(begin, ostart)) or cues.search(*self._views(oend, end))

    def sentence_mentions(self, cues: CueSet, ostart: int, oend: int) -> bool:
        """True when the sentence around ``[ostart, oend)``, outside the span, holds a cue
        (near the span: a sentence without an end stays linear)."""
        s_start, s_end = self.sentence(ostart, oend)
        s_start, s_end = max(s_start, ostart - FRAME_REACH), min(s_end, oend + FRAME_REACH)
        return cues.search(*self._views(s_start, ostart)) or cues.search(*self._views(oend, s_end))

    def in_sentence_between(self, a: int, b: int) -> bool:
        """True when no sentence end lies between original offsets a < b."""
        i = bisect_right(self.sentence_ends, a - 1)
        return not (i < len(self.sentence_ends) and self.sentence_ends[i] < b)
