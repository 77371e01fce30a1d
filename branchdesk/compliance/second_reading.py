"""What the model's reading of a message changes in the rules' findings.

* The model reads a violation the rules did not report in that category: a finding of the
  pack's ``model.<category>`` rule points at the sentence that weighs most for it. A long
  message is also read sentence by sentence, so one bad sentence in a friendly post counts.
* The model is confident the message is harmless (a warning that quotes the banned phrase, a
  scam explained, group rules) and the blocked phrase's sentence holds a warning cue: the
  rules' blocks on wording become warnings, so a reviewer still sees them but the message is
  not stopped. Numbers (privacy) and the audience (suitability) are facts the model cannot
  judge; their blocks stay.

Thresholds were chosen on blind round 5 before it joined the corpus (adding from 0.5, easing
from 0.6) and the sentence reading on round 6; the figures are in
tests/compliance/test_compliance_corpus.py.
"""

from __future__ import annotations

from collections.abc import Callable

from branchdesk.compliance.findings import Finding
from branchdesk.compliance.model import PASS, Model, sentence_spans
from branchdesk.compliance.rulepack import Category, Rule, Severity
from branchdesk.compliance.textnorm import fold, strip_filler

ADD_FROM = 0.5  # probability from which the model's label becomes a finding
EASE_FROM = 0.6  # probability of "harmless" from which blocks on wording become warnings
LONG_MESSAGE = 60  # compact characters from which sentences are also read one by one
MIN_SENTENCE = 12  # compact characters a sentence needs to be read on its own
SENTENCE_FROM = 0.7  # a single sentence must be clearer than a whole message
_FACTS = frozenset((Category.PRIVACY, Category.SUITABILITY))


class SecondReader:
    """The model and the pack's ``model`` rules (one per category; a branch may edit or
    switch them off like any rule — with all of them off the model is not consulted)."""

    def __init__(self, model: Model, rules: list[Rule]) -> None:
        self.model = model
        self.rules = {str(rule.category): rule for rule in rules}

    def revise(
        self,
        text: str,
        compact: str,
        findings: list[Finding],
        excused: set[Category],
        framed: Callable[[int, int], bool],
    ) -> list[Finding]:
        """The findings with the model's reading applied. ``excused``: categories whose words
        the rules saw and found negated, warned against or taught (the model, which reads
        words and not their scope, does not overrule that); ``framed(start, end)``: whether
        the sentence around a span holds any warning or education cue (a block is eased only
        then: a banned phrase in a neutral or selling sentence is no warning, whatever the
        rest of the message says)."""
        label, probability, span = self._strongest_reading(text, compact)
        if label == PASS:
            if probability < EASE_FROM:
                return findings
            return [_eased(f) if self._easable(f) and framed(f.start, f.end) else f for f in findings]
        rule = self.rules.get(label)
        if rule is None or probability < ADD_FROM or rule.category in excused:
            return findings
        if any(f.category == rule.category for f in findings):
            return findings
        start, end = span or self.model.telling_sentence(text, label)
        return sorted([*findings, _finding(rule, text, start, end)], key=lambda f: (f.start, -f.end))

    def _strongest_reading(self, text: str, compact: str) -> tuple[str, float, tuple[int, int] | None]:
        """The whole message's reading, unless the message is long and one of its sentences
        reads as a violation on its own: one bad sentence in a long friendly post is diluted in
        the whole (the finding then points at that sentence)."""
        whole = self.model.read(compact)
        label, probability, span = whole.label, whole.probability, None
        if len(compact) < LONG_MESSAGE:
            return label, probability, span
        for start, end in sentence_spans(text):
            if text[end : end + 1] in ("?", "？"):
                continue  # a question asks: a client's "can you guarantee…?" promises nothing
            piece = strip_filler(fold(text[start:end]))
            if len(piece) < MIN_SENTENCE:
                continue  # a fragment gives the model too little to read
            reading = self.model.read(piece)
            if reading.label in (PASS, label) or reading.label not in self.rules:
                continue
            if reading.probability >= SENTENCE_FROM and (label == PASS or reading.probability > probability):
                label, probability, span = reading.label, reading.probability, (start, end)
        return label, probability, span

    @staticmethod
    def _easable(finding: Finding) -> bool:
        return finding.severity == Severity.BLOCK and finding.category not in _FACTS


def _eased(finding: Finding) -> Finding:
    return finding._replace(severity=Severity.WARN)


def _finding(rule: Rule, text: str, start: int, end: int) -> Finding:
    return Finding(
        rule=rule.id,
        category=Category(rule.category),
        severity=Severity(rule.severity),
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
    )
