"""Speech frames of a message (a mixin of segment.Segment): questions reported by staff and
their answers, dialogues written line by line, the writer's own acts after a reported remark,
a later sentence that condemns an earlier one, and the context checks for a sentence the
model points at."""

from __future__ import annotations

import re
from bisect import bisect_left

from branchdesk.compliance.context import Frames
from branchdesk.compliance.segment_patterns import (
    ADDRESSEE,
    ANSWER_LABEL,
    BACK_REFERENCE,
    FRAME_REACH,
    INTERROGATIVE,
    NO_ANSWER,
    OWN_ACT,
    PUSH_ANSWER,
    PUSH_QUESTION,
    SELLING,
    SPEAKER_LINE,
    SUCH_THINGS,
    YES_ANSWER,
)
from branchdesk.compliance.textnorm import Normalised

# A clause that adds an alternative to a reported question (…，或者帮朋友代操作).
_ALTERNATIVE = re.compile(r"\s*(?:或者|或是|还是|or\b)")


class Speech:
    """Reported speech and questions. The Segment provides the attributes below and the
    scopes these methods call (sentence, has_header, _compact, _views)."""

    nz: Normalised
    frames: Frames
    start: int
    end: int
    clause_ends: list[int]

    def own_act_cut(self, scope_start: int, ostart: int) -> int:
        """Start of the part before a match that a reporting frame can cover: after the
        writer's own act (客户说自己是保守型，我让他重做测评改成激进型 is said, not reported)."""
        last = None
        for m in OWN_ACT.finditer(self.nz.norm, scope_start, ostart):
            last = m
        return last.start() if last is not None else scope_start

    def condemned_next(self, s_start: int, s_end: int) -> bool:
        """The next sentence names this one with a demonstrative and condemns it
        (…提前买卖股票。这是违法的 / …5% a week. That's a scam) — unless this one is a pitch."""
        if s_end >= self.end:
            return False
        head = s_end + 1
        m = BACK_REFERENCE.match(self.nz.norm, head, self.end)
        if m is not None and m.end() > head:
            condemned = self.frames.after.search(*self._views(m.end(), min(self.end, m.end() + 16)))
        else:
            # …or says that such things are never done (正规机构不会做这样的事).
            reach = min(self.end, head + 40)
            such = SUCH_THINGS.search(self.nz.norm, head, reach)
            condemned = such is not None and self.frames.negators.search(
                *self._views(head, such.start())
            )
        return bool(condemned) and not SELLING.search(self._compact(s_start, s_end))

    def dialogue_question(self, ostart: int) -> bool:
        """The match sits in the asker's line of a dialogue written out line by line, and a
        later line answers (客户：这个保本吧\n经理：不是的，…): the question is reported."""
        askers = self.frames.askers
        if askers is None:
            return False
        norm = self.nz.norm
        line_start = max(self.start, norm.rfind("\n", self.start, ostart) + 1)
        if not askers.match(norm, line_start):
            return False
        line_end = norm.find("\n", ostart, self.end)
        if line_end < 0:
            return False
        return SPEAKER_LINE.match(norm, line_end) is not None or bool(
            SPEAKER_LINE.search(norm, line_end, min(self.end, line_end + FRAME_REACH))
        )

    def reported(self, s_start: int, ostart: int, oend: int | None = None, s_end: int | None = None) -> bool:
        """The match sits in a client's question that staff report, before any answer:
        客户问这个能保本不，我说不能 / the client asked if it was guaranteed — unless the
        answer after it says yes (有个大爷问能不能买期权，我说可以啊)."""
        f = self.frames
        if f.reported is None or ostart <= s_start:
            return False
        questions = f.reported.spans(self.nz, s_start, ostart)
        if not questions:
            return False
        # The question runs to the end of its clause (…问我买什么好，我的建议是：… is an answer).
        k = bisect_left(self.clause_ends, questions[-1][1])
        # …or a clause that adds an alternative to the question (问能不能借账户，或者代操作).
        while k + 1 < len(self.clause_ends) and self.clause_ends[k] < ostart and _ALTERNATIVE.match(
            self.nz.norm, self.clause_ends[k] + 1
        ):
            k += 1
        if k < len(self.clause_ends) and self.clause_ends[k] < ostart:
            return False
        answers = f.answers.spans(self.nz, questions[-1][1], ostart) if f.answers is not None else []
        if answers:
            return False
        if oend is not None and s_end is not None and f.answers is not None:
            later = f.answers.spans(self.nz, oend, min(s_end, oend + FRAME_REACH))
            if later:
                said = self.nz.norm[later[0][1] : later[0][1] + 16]
                reply = ANSWER_LABEL.sub("", ADDRESSEE.sub("", said, count=1))
                if YES_ANSWER.match(reply.lstrip(" :,")):
                    return False
        return True

    def sentence_excused(self, ostart: int, oend: int) -> bool:
        """The context checks for a whole sentence the model points at: under an education
        header, asked (a question mark, or 吗/么/嘛 closing it), a reported question not
        answered yes, or a warning or education cue in it — unless the sentence is a pitch
        in the first or second person."""
        s_start, s_end = self.sentence(ostart, oend)
        s_start, s_end = min(s_start, ostart), max(s_end, oend)
        compact, norm = self._views(s_start, s_end)
        selling = bool(SELLING.search(compact))
        if self.has_header() and not selling:
            return True
        if self.dialogue_question(ostart):
            return True
        tail = norm.rstrip(" ~～。.!！…")
        asked = (
            self.nz.norm[s_end : s_end + 1] == "?"
            or tail.endswith(("吗", "么", "嘛", "?"))
            or (
                self.nz.norm[oend : oend + 1] == "?"
                and (bool(INTERROGATIVE.search(norm)) or self.nz.norm[oend - 1 : oend] in ("不", "没", "否"))
            )
        )
        answer_at = oend + 1 if self.nz.norm[oend : oend + 1] == "?" else s_end + 1
        if asked and not PUSH_QUESTION.search(norm) and not PUSH_ANSWER.match(self.nz.norm, answer_at):
            return True
        f = self.frames
        if f.reported is not None:
            questions = f.reported.spans(self.nz, s_start, s_end)
            if questions:
                answers = f.answers.spans(self.nz, questions[-1][1], s_end) if f.answers is not None else []
                if answers:
                    reply = self.nz.norm[answers[-1][1] : answers[-1][1] + 24].lstrip(" :,")
                else:
                    # No answer marker: the question is the rest of its clause; what follows
                    # it in the sentence is the writer's own words (…问我买什么好，我的建议是：…).
                    k = bisect_left(self.clause_ends, questions[-1][1])
                    cut = self.clause_ends[k] + 1 if k < len(self.clause_ends) else s_end
                    reply = self.nz.norm[cut:s_end].strip(" :,。!?") if cut < s_end else ""
                    if not reply:
                        return True
                reply = ANSWER_LABEL.sub("", ADDRESSEE.sub("", reply, count=1))
                if NO_ANSWER.match(reply):
                    return True
        if selling:
            return False
        news = f.everyday is not None and f.everyday.search(compact, norm)
        if news and (f.product is None or not f.product.search(compact, norm)):
            return True  # 今年水稻亩产翻倍: news, not a claim about a product
        return bool(f.warnings is not None and f.warnings.search(compact, norm))
