"""What the model's reading of a message changes in the rules' findings.

The model reads every message (model.py), one probability per category, with thresholds
calibrated on held-out data. For a category no rule reported:

* from its ``block`` threshold the model blocks on its own: a finding of the pack's
  ``model.<category>`` rule on the sentence that weighs most for it;
* from its ``support`` threshold it blocks when a ``support`` rule of that category found a
  cue in the message (the finding then points at the cue's sentence);
* from its ``warn`` threshold it warns.

A model finding's sentence passes the same context checks as a rule's match: a question, a
question reported and answered, a warning, education or quotation frame, an education
header — and the categories whose words the rules saw and found negated or framed
(``excused``) are not overruled.

When the model is sure a message is not a violation of a category (below ``ease``) and the
blocked phrase's sentence holds a warning cue, the rules' blocks on wording become warnings
(a warning that quotes the banned phrase, a scam explained): a reviewer still sees them.
Numbers (privacy) and the audience named by the roster (suitability) are facts the model
cannot judge; their blocks stay.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from branchdesk.compliance.findings import Finding
from branchdesk.compliance.model import Model, Reading, sentence_spans
from branchdesk.compliance.rulepack import Category, Rule, Severity
from branchdesk.compliance.textnorm import Normalised

# A linear reading of a few characters says little: below SHORT the model reports nothing,
# below ALONE it may warn but not block on its own (明天开盘 is a time, not a stock call).
SHORT = 6
ALONE = 10
LONG_MESSAGE = 60  # compact characters from which sentences are also read one by one
MIN_SENTENCE = 12  # characters (four English letters counting one) a sentence needs to be read alone
_LETTERS = re.compile(r"[a-z]")
_FACTS = frozenset((Category.PRIVACY, Category.SUITABILITY))


@dataclass(frozen=True, slots=True)
class Cue:
    """A support rule's match: category, span, and the rule."""

    category: Category
    start: int
    end: int


class SecondReader:
    """The model and the pack's ``model`` rules (one per category; a branch may edit or
    switch them off like any rule — with all of them off the model is not consulted)."""

    def __init__(self, model: Model, rules: list[Rule]) -> None:
        self.model = model
        self.rules = {str(rule.category): rule for rule in rules if str(rule.category) in model.classes}
        # No reading below the lowest warning threshold can lead to a finding.
        self._floor = min((model.thresholds[label].warn for label in self.rules), default=1.0)
        self._labels = [model.classes.index(label) for label in self.rules]

    def support_wanted(self, compact: str, norm: str, categories: set[str]) -> set[str]:
        """Of ``categories``, those the model reads the message in high enough for a support
        rule's cue to count (only their support rules are then judged)."""
        reading = self.model.read(compact, norm)
        thresholds = self.model.thresholds
        return {
            label
            for label in categories
            if label in thresholds and reading.of(label) >= thresholds[label].support
        }

    def revise(
        self,
        text: str,
        compact: str,
        norm: str,
        findings: list[Finding],
        excused: set[Category],
        cues: Sequence[Cue],
        span_excused: Callable[[int, int], bool],
        framed: Callable[[int, int], bool],
        normalised: Callable[[], Normalised],
    ) -> list[Finding]:
        """The findings with the model's reading applied.

        ``excused``: categories whose words the rules saw and found negated, warned against or
        taught; ``cues``: support rules' matches (context-checked); ``span_excused(start,
        end)``: whether a sentence is asked, reported, framed or taught (the context checks);
        ``framed(start, end)``: whether the sentence around a rule's match holds a warning
        cue (a block is eased only then)."""
        # Most messages: nothing reported, one reading, under every warning threshold.
        if not findings and len(compact) < LONG_MESSAGE and self.model.read_unless_below(
                compact, norm, self._floor, self._labels) is None:
            return findings
        readings = self._readings(text, compact, norm, normalised)
        whole = readings[0][1]
        size = _size(compact)
        reported = {f.category for f in findings}
        blocked = {c for f in findings if f.severity == Severity.BLOCK for c in f.categories}
        added: list[Finding] = []
        for label, rule in self.rules.items():
            category = rule.category
            if category in reported or category in excused or category in blocked:
                continue
            limits = self.model.thresholds[label]
            probability, span = whole.of(label), None
            # A sentence read on its own counts only when it is clear enough to block: short
            # pieces read less reliably than whole messages.
            for piece_span, reading in readings[1:]:
                if reading.of(label) >= max(limits.block, probability):
                    probability, span = reading.of(label), piece_span
            if probability < limits.warn or size < SHORT:
                continue
            if span is None:
                span = self.model.telling_sentence(text, label)
            if span_excused(*span):
                continue
            # A message read above all as a product's performance without a risk warning is
            # first a missing warning (这只基金今年收益8%): the model reports it as that.
            first = category == Category.DISCLOSURE or Category.DISCLOSURE in excused or (
                probability >= whole.of(str(Category.DISCLOSURE))
            )
            if not first:
                continue
            alone = size >= ALONE
            if rule.severity == Severity.BLOCK and probability >= limits.block and alone:
                added.append(_finding(rule, text, *span, Severity.BLOCK))
                continue
            support = None
            if probability >= limits.support:
                support = self._supported(text, category, cues, span_excused)
            if rule.severity == Severity.BLOCK and support is not None:
                added.append(_finding(rule, text, *support, Severity.BLOCK))
            else:
                added.append(_finding(rule, text, *span, Severity.WARN))
        if added:
            findings = sorted([*findings, *added], key=lambda f: (f.start, -f.end))
        findings = self._read_also(findings, whole, excused)
        return [
            _eased(f)
            if self._easable(f) and self._sure_not(whole, f.category) and framed(f.start, f.end)
            else f
            for f in findings
        ]

    def _read_also(self, findings: list[Finding], whole: Reading, excused: set[Category]) -> list[Finding]:
        """A blocked message the model also reads in further categories (from their warning
        thresholds): the blocking findings carry those categories too — the model is
        multi-label, a promise of returns is often an exaggeration as well — and the model's
        separate warnings in those categories are folded into them."""
        if not any(f.severity == Severity.BLOCK for f in findings):
            return findings
        also = [
            rule.category
            for label, rule in self.rules.items()
            if rule.category != Category.DISCLOSURE
            and rule.category not in excused
            and whole.of(label) >= self.model.thresholds[label].warn
        ]
        if not also:
            return findings
        out = []
        for f in findings:
            if f.severity == Severity.BLOCK and f.category not in _FACTS:
                extra = tuple(c for c in also if c not in f.categories)
                f = f._replace(also=(*f.also, *extra)) if extra else f
            out.append(f)
        covered = {c for f in out if f.severity == Severity.BLOCK for c in f.categories}
        return [
            f for f in out
            if not (f.rule.startswith("model.") and f.severity == Severity.WARN and f.category in covered)
        ]

    @staticmethod
    def _supported(
        text: str, category: Category, cues: Sequence[Cue], span_excused: Callable[[int, int], bool]
    ) -> tuple[int, int] | None:
        """The sentence of the first cue of ``category`` that passes the context checks."""
        spans: list[tuple[int, int]] | None = None
        for cue in cues:
            if cue.category != category:
                continue
            if spans is None:
                spans = sentence_spans(text)
            k = bisect_right(spans, (cue.start, len(text) + 1)) - 1
            inside = k >= 0 and spans[k][0] <= cue.start and cue.end <= spans[k][1]
            if inside and not span_excused(*spans[k]):
                return spans[k]
        return None

    def _sure_not(self, reading: Reading, category: Category) -> bool:
        """Whether the model is sure the message is no violation of ``category``."""
        limits = self.model.thresholds.get(str(category))
        return limits is not None and reading.of(str(category)) < limits.ease

    def _readings(
        self, text: str, compact: str, norm: str, normalised: Callable[[], Normalised]
    ) -> list[tuple[tuple[int, int] | None, Reading]]:
        """The whole message's reading (span None: its telling sentence), and, for a long
        message, each sentence's own: one bad sentence in a long friendly post is diluted in
        the whole. A question is not read on its own: a client's "can you guarantee…?"
        promises nothing."""
        out: list[tuple[tuple[int, int] | None, Reading]] = [(None, self.model.read(compact, norm))]
        if len(compact) < LONG_MESSAGE:
            return out
        spans = [(s, e) for s, e in sentence_spans(text, norm) if text[e : e + 1] not in ("?", "？")]
        if len(spans) < 2 and spans and spans[0] == (0, len(text)):
            return out  # one sentence: the whole reading is its reading
        nz = normalised()
        pieces = [(nz.to_compact(s), nz.to_compact(e), s, e) for s, e in spans]
        pieces = [p for p in pieces if _size(compact[p[0] : p[1]]) >= MIN_SENTENCE]
        readings = self.model.read_pieces(compact, norm, [p[0:2] for p in pieces], [p[2:4] for p in pieces])
        out.extend(((s, e), reading) for (_, _, s, e), reading in zip(pieces, readings, strict=True))
        return out

    @staticmethod
    def _easable(finding: Finding) -> bool:
        return finding.severity == Severity.BLOCK and finding.category not in _FACTS


def _size(compact: str) -> float:
    """A sentence's length in Chinese characters: four English letters count as one."""
    letters = len(_LETTERS.findall(compact))
    return len(compact) - letters + letters / 4


def _eased(finding: Finding) -> Finding:
    return finding._replace(severity=Severity.WARN)


def _finding(rule: Rule, text: str, start: int, end: int, severity: Severity) -> Finding:
    return Finding(
        rule=rule.id,
        category=Category(rule.category),
        severity=severity,
        start=start,
        end=end,
        match=text[start:end],
        explanation_zh=rule.explanation_zh,
        explanation_en=rule.explanation_en,
        suggestion_zh=rule.suggestion_zh,
        suggestion_en=rule.suggestion_en,
        basis=rule.basis,
        # The risk warning can be appended; any other rewrite needs a person.
        action="append" if rule.category == Category.DISCLOSURE else "none",
        also=rule.categories[1:],
    )
