"""Context cues: the pack's word lists built into fast searchers (cue sets, negators with
their look-alikes) and the frames a match is judged in (see segment.Segment, which applies
them to a message: negation, warning, quotation, education, a question, a dialogue)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from branchdesk.compliance.rulepack import ContextCues
from branchdesk.compliance.textnorm import Normalised, compact_phrase

_CJK = re.compile(r"[\u3400-\u9fff]")


def _alternation(words: list[str], *, latin: bool) -> re.Pattern[str] | None:
    if not words:
        return None
    parts = sorted({w for w in words if w}, key=len, reverse=True)
    body = "|".join(re.escape(p) for p in parts)
    # Not \b: an English word right next to a Chinese character (今年CPI上涨) is still a word.
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])" if latin else f"(?:{body})")


def _trie(words: list[str]) -> str:
    """A regular expression that finds whether any of ``words`` occurs, factored by prefix:
    at each position only the branch of the character found there is tried (a flat
    alternation of 200 cues tries them one by one). A word that another word starts with
    makes the longer one redundant for a yes/no search, so the trie is cut there."""
    root: dict = {}
    for word in sorted(set(words)):
        node = root
        for char in word:
            if node.get("") is True:
                break  # a shorter cue already ends here
            node = node.setdefault(char, {})
        else:
            node.clear()
            node[""] = True

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(root)


@dataclass(slots=True)
class CueSet:
    """One list of cues split by script: Chinese cues match the compact text, Latin ones the
    folded text with word boundaries (compact text has lost its spaces)."""

    zh: re.Pattern[str] | None
    en: re.Pattern[str] | None

    @classmethod
    def build(cls, words: list[str], not_followed_by: str | None = None) -> CueSet:
        """``not_followed_by``: a regular expression after which a Chinese cue does not count
        (沪深300 is the market, 沪深300etf a product)."""
        zh = [p for p in (compact_phrase(w) for w in words if _CJK.search(w)) if p]
        en = [w.lower() for w in words if not _CJK.search(w)]
        guard = f"(?!{not_followed_by})" if not_followed_by else ""
        return cls(re.compile(f"(?:{_trie(zh)}){guard}") if zh else None, _alternation(en, latin=True))

    def search(self, compact: str, norm: str) -> bool:
        return bool(
            (self.zh is not None and self.zh.search(compact))
            or (self.en is not None and self.en.search(norm))
        )

    def spans(self, nz: Normalised, ostart: int, oend: int) -> list[tuple[int, int]]:
        """Original spans of the cues found in ``[ostart, oend)``, in text order."""
        out: list[tuple[int, int]] = []
        if self.zh is not None:
            cstart, cend = nz.to_compact(ostart), nz.to_compact(oend)
            found = self.zh.finditer(nz.compact, cstart, cend)
            out += [nz.span(*m.span()) for m in found if m.end() > m.start()]
        if self.en is not None:
            out += [m.span() for m in self.en.finditer(nz.norm, ostart, oend)]
        return sorted(out)


@dataclass(slots=True)
class GuardedCueSet:
    """Cues that some longer words contain without meaning them (不 in 不仅, 别 in 特别): one
    scan where, at each position, the longer harmless words are tried first."""

    zh: re.Pattern[str] | None
    en: re.Pattern[str] | None

    @classmethod
    def build(cls, words: list[str], harmless: list[str]) -> GuardedCueSet:
        def pattern(cues: list[str], skip: list[str], latin: bool) -> re.Pattern[str] | None:
            if not cues:
                return None
            alt = "|".join(re.escape(w) for w in sorted(set(cues), key=len, reverse=True))
            core = f"(?P<hit>{alt})"
            if skip:
                alt_skip = "|".join(re.escape(w) for w in sorted(set(skip), key=len, reverse=True))
                core = f"(?P<skip>{alt_skip})|{core}"
            return re.compile(rf"(?<![a-z0-9])(?:{core})(?![a-z0-9])" if latin else core)

        def split(ws: list[str]) -> tuple[list[str], list[str]]:
            return (
                [compact_phrase(w) for w in ws if _CJK.search(w)],
                [w.lower() for w in ws if not _CJK.search(w)],
            )

        (zh, en), (zh_skip, en_skip) = split(words), split(harmless)
        return cls(pattern(zh, zh_skip, False), pattern(en, en_skip, True))

    def search(self, compact: str, norm: str, before: int | None = None) -> bool:
        """Whether a cue occurs; with ``before``, a Chinese cue must start before that offset
        of ``compact`` (it may run on into a match: 不推荐 before 荐个股)."""
        for found, text in ((self.zh, compact), (self.en, norm)):
            if found is not None:
                for m in found.finditer(text):
                    if m.lastgroup == "hit" and (before is None or text is norm or m.start() < before):
                        return True
        return False


def _asker_pattern(labels: list[str]) -> re.Pattern[str]:
    """A line opened by an asker's label and a colon (folded text: "：" is ":")."""
    words = sorted({w.lower() for w in labels}, key=len, reverse=True)
    # …or a person's question written as "李先生问 …" / "王阿姨问：…".
    return re.compile(
        r"[ \t]*(?:(?:" + "|".join(re.escape(w) for w in words) + r")[ \t]*:|[^\n:,。]{1,6}问[ \t:])"
    )


@dataclass(slots=True)
class Frames:
    negators: GuardedCueSet
    before: CueSet
    after: CueSet
    quote: CueSet
    education: CueSet
    contrast: re.Pattern[str]
    headers: tuple[str, ...] = ()
    reported: CueSet | None = None
    answers: CueSet | None = None
    warnings: CueSet | None = None
    everyday: CueSet | None = None
    product: CueSet | None = None
    askers: re.Pattern[str] | None = None
    # Words that end in a one-character negator without negating (类别, 特别, 个别).
    harmless_endings: tuple[str, ...] = ()

    @classmethod
    def build(cls, cues: ContextCues) -> Frames:
        contrast_words = sorted(cues.contrast or ["但是", "但", "but"], key=len, reverse=True)
        parts = []
        for word in contrast_words:
            if _CJK.search(word):
                # 但凡 ("whoever") and 不但 ("not only") are not contrasts.
                parts.append(re.escape(word) + ("(?!凡)" if word == "但" else ""))
            else:
                parts.append(rf"\b{re.escape(word)}\b")
        return cls(
            negators=GuardedCueSet.build(cues.negators, cues.not_negators),
            before=CueSet.build(cues.frames_before),
            after=CueSet.build(cues.frames_after),
            quote=CueSet.build(cues.quote_frames),
            education=CueSet.build(cues.education),
            contrast=re.compile(r"(?<!不)(?:" + "|".join(parts) + ")"),
            headers=tuple(compact_phrase(h) for h in cues.headers),
            reported=CueSet.build(cues.reported_question) if cues.reported_question else None,
            answers=CueSet.build(cues.answer_markers) if cues.answer_markers else None,
            warnings=CueSet.build([*cues.warnings, *cues.education]) if cues.warnings else None,
            everyday=CueSet.build(cues.news_subjects) if cues.news_subjects else None,
            product=CueSet.build(cues.product_context) if cues.product_context else None,
            askers=_asker_pattern(cues.dialogue_askers) if cues.dialogue_askers else None,
            harmless_endings=tuple(w for w in (compact_phrase(x) for x in cues.not_negators) if len(w) > 1),
        )
