"""What a check returns: findings, a verdict, and the helpers that apply a suggestion."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Literal, NamedTuple

from branchdesk.compliance.rulepack import Category, Severity
from branchdesk.i18n import get_language, t

Action = Literal["replace", "append", "none"]

_CJK = re.compile(r"[\u3400-\u9fff]")
# Priority when one category has to stand for a blocked message (most specific first).
_CATEGORY_ORDER = (
    Category.INSIDER,
    Category.GUARANTEE,
    Category.UNLICENSED,
    Category.PRIVACY,
    Category.SUITABILITY,
    Category.EXAGGERATION,
    Category.DISCLOSURE,
)


class Verdict(str, Enum):
    PASS = "pass"
    WARN = "warn"
    BLOCK = "block"

    def __str__(self) -> str:
        return self.value

    def label(self) -> str:
        return t(f"compliance.verdict.{self.value}")


class Finding(NamedTuple):
    """One rule hit. ``match == text[start:end]`` of the checked (original) text.

    Immutable; a named tuple because an export checks hundreds of thousands of messages."""

    rule: str
    category: Category
    severity: Severity
    start: int
    end: int
    match: str
    explanation_zh: str
    explanation_en: str
    suggestion_zh: str
    suggestion_en: str
    basis: str
    # What "apply suggestion" does: replace the span, append a sentence, or nothing.
    action: Action = "none"
    replacement: str | None = None
    # Further categories the finding belongs to (its rule's ``also``): see ``categories``.
    also: tuple[Category, ...] = ()

    @property
    def categories(self) -> tuple[Category, ...]:
        """Every category of the finding, its own first."""
        return (self.category, *self.also)

    @property
    def explanation(self) -> str:
        return self.explanation_zh if get_language() == "zh" else self.explanation_en

    @property
    def suggestion(self) -> str:
        return self.suggestion_zh if get_language() == "zh" else self.suggestion_en


class CheckResult(NamedTuple):
    """The verdict on one message, its findings in text order, and the pack version used.

    Read-only: a batch check gives every message with nothing to report the same result."""

    verdict: Verdict
    findings: list[Finding]
    pack_version: str

    @property
    def categories(self) -> set[Category]:
        return {c for f in self.findings for c in f.categories}

    @property
    def primary_category(self) -> Category | None:
        """The category that best names the problem: the most specific blocking one, else the
        most specific warning one."""
        for severity in (Severity.BLOCK, Severity.WARN):
            cats = {f.category for f in self.findings if f.severity == severity}
            for cat in _CATEGORY_ORDER:
                if cat in cats:
                    return cat
        return None


KnownNumbers = Collection[str] | Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What the caller knows about where a message goes.

    ``community_risk_counts``: members of the target community per risk level, e.g.
    ``{"C1": 3, "C2": 10, "C3": 40}``. ``known_numbers``: account numbers and phones of
    members (a set, or a callable that answers for one digit string).
    """

    community_risk_counts: Mapping[str, int] | None = None
    known_numbers: KnownNumbers | None = None

    def is_known(self, digits: str) -> bool:
        known = self.known_numbers
        if known is None:
            return False
        if callable(known):
            return bool(known(digits))
        return digits in known


def verdict_for(findings: list[Finding]) -> Verdict:
    if any(f.severity == Severity.BLOCK for f in findings):
        return Verdict.BLOCK
    return Verdict.WARN if findings else Verdict.PASS


def is_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


def append_risk_warning(text: str, sentence: str | None = None) -> str:
    """``text`` with a risk warning added as its last sentence, punctuated for its language.

    Without ``sentence``, the shipped pack's disclosure suggestion in the message's language
    (the same sentence "apply suggestion" appends for a disclosure finding)."""
    if sentence is None:
        sentence = _default_warning(is_chinese(text))
    body = text.rstrip()
    if not body:
        return sentence
    if is_chinese(sentence):
        joiner = "" if body[-1] in "。！？!?…" else "。"
        return f"{body}{joiner}\n{sentence}"
    joiner = "" if body[-1] in ".!?。！？" else "."
    return f"{body}{joiner} {sentence}"


def _default_warning(chinese: bool) -> str:
    from branchdesk.compliance.rulepack import load_rulepack  # the pack parse is cached

    for rule in load_rulepack().rules:
        if rule.kind == "disclosure":
            return rule.suggestion_zh if chinese else rule.suggestion_en
    return "投资有风险，入市需谨慎。" if chinese else "Investing involves risk."


def apply_suggestion(text: str, finding: Finding) -> str:
    """The text with the finding's suggestion applied: the risk warning appended for a
    disclosure finding, the span replaced where the rule has a rewrite, else unchanged.

    Raises ValueError when the text no longer holds the match at the finding's span.
    """
    if finding.action == "append":
        sentence = finding.suggestion_zh if is_chinese(text) else finding.suggestion_en
        return append_risk_warning(text, sentence)
    if finding.action == "replace" and finding.replacement is not None:
        if text[finding.start : finding.end] != finding.match:
            raise ValueError("the text changed since it was checked; check it again")
        return text[: finding.start] + finding.replacement + text[finding.end :]
    return text
