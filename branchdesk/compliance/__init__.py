"""Compliance checking for group messages: a rule pack as data and a matching engine.

Pure functions, text in and findings out: no UI, no database.

    pack = load_rulepack()
    checker = Checker(pack, extra_rules=[], disabled=set())  # build once, reuse
    result = checker.check(text, context=CheckContext(community_risk_counts={"C1": 3}))
"""

from branchdesk.compliance.engine import Checker
from branchdesk.compliance.findings import (
    CheckContext,
    CheckResult,
    Finding,
    Verdict,
    append_risk_warning,
    apply_suggestion,
)
from branchdesk.compliance.rulepack import (
    Category,
    ContextCues,
    Near,
    Rule,
    RulePack,
    Severity,
    load_rulepack,
    parse_rulepack,
)

__all__ = [
    "Category",
    "CheckContext",
    "CheckResult",
    "Checker",
    "ContextCues",
    "Finding",
    "Near",
    "Rule",
    "RulePack",
    "Severity",
    "Verdict",
    "append_risk_warning",
    "apply_suggestion",
    "load_rulepack",
    "parse_rulepack",
]
