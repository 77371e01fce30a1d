"""Reporting: what a rule's candidate becomes for the user (a finding with its span,
explanation, suggestion, legal basis and rewrite), and findings nested in others dropped."""

from __future__ import annotations

from branchdesk.compliance import detectors
from branchdesk.compliance.findings import Finding
from branchdesk.compliance.findings import is_chinese as _is_chinese
from branchdesk.compliance.hits import Candidate
from branchdesk.compliance.rulepack import Category, Rule, Severity
from branchdesk.compliance.textnorm import Normalised


def build_finding(rule: Rule, nz: Normalised, cand: Candidate) -> Finding:
    """The finding a rule's candidate becomes: its span in the original text, explanation,
    suggestion and the rewrite it offers."""
    ostart, oend = nz.span(cand.cstart, cand.cend)
    match = nz.original[ostart:oend]
    values = cand.value or {}
    explanation_zh, explanation_en = rule.explanation_zh, rule.explanation_en
    if rule.kind == "suitability":
        explanation_zh = explanation_zh.format_map(_Blanks(values))
        explanation_en = explanation_en.format_map(_Blanks(values))
    action = "none"
    replacement = None
    if rule.kind == "disclosure":
        action = "append"
    elif rule.kind == "privacy":
        action, replacement = "replace", detectors.mask(match)
    else:
        # The rewrite goes into the message, so it follows the message's language.
        replacement = rule.replacement_zh if _is_chinese(match) else rule.replacement_en
        action = "replace" if replacement is not None else "none"
    return Finding(
        rule=rule.id,
        category=Category(rule.category),
        severity=Severity(rule.severity),
        start=ostart,
        end=oend,
        match=match,
        explanation_zh=explanation_zh,
        explanation_en=explanation_en,
        suggestion_zh=rule.suggestion_zh,
        suggestion_en=rule.suggestion_en,
        basis=rule.basis,
        action=action,
        replacement=replacement,
        also=rule.categories[1:],
    )


class _Blanks(dict):
    """Fields a custom rule's text names but the finding lacks stay visible, not a crash."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop a finding whose span lies inside another finding of the same category (稳赚 inside
    稳赚不赔), keeping the first rule on equal spans; order by position."""
    findings.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    reach: dict[Category, int] = {}  # furthest end kept so far, per category
    for f in findings:
        # Everything kept starts at or before f, so f is inside one iff one reaches its end.
        if reach.get(f.category, -1) >= f.end:
            continue
        kept.append(f)
        reach[f.category] = max(reach.get(f.category, -1), f.end)
    return kept
