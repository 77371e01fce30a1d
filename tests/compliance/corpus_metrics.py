"""Metrics of the checker over the labelled corpus (shared by the test and by hand runs:
``python -m tests.compliance.corpus_metrics [tune|holdout]`` prints every miss)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from branchdesk.compliance import CheckContext, Checker, CheckResult, Verdict, load_rulepack

CORPUS = Path(__file__).with_name("corpus.jsonl")
# Later blind sets live in their own files (one split each), written before being run;
# tuning_probes.jsonl holds variants written while widening the rule families (not blind).
BLIND_SETS = sorted(Path(__file__).parent.glob("blind_round*.jsonl"))
PROBES = Path(__file__).with_name("tuning_probes.jsonl")


def load_corpus() -> list[dict]:
    items: list[dict] = []
    for path in (CORPUS, *BLIND_SETS, PROBES):
        with path.open(encoding="utf-8") as fh:
            items.extend(json.loads(line) for line in fh if line.strip())
    return items


def context_of(item: dict) -> CheckContext | None:
    ctx = item.get("context")
    if not ctx:
        return None
    known = ctx.get("known_numbers")
    return CheckContext(
        community_risk_counts=ctx.get("community_risk_counts"),
        known_numbers=set(known) if known else None,
    )


@dataclass
class Metrics:
    violations: int = 0
    blocked_right: int = 0  # blocked, and a blocking finding has the labelled category
    blocked: int = 0
    disclosures: int = 0
    disclosures_warned: int = 0
    compliant: int = 0
    compliant_blocked: int = 0
    compliant_warned: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def block_recall(self) -> float:
        return self.blocked_right / self.violations if self.violations else 1.0

    @property
    def right_category_rate(self) -> float:
        return self.blocked_right / self.blocked if self.blocked else 1.0

    @property
    def disclosure_recall(self) -> float:
        return self.disclosures_warned / self.disclosures if self.disclosures else 1.0

    @property
    def false_block_rate(self) -> float:
        return self.compliant_blocked / self.compliant if self.compliant else 0.0

    @property
    def warn_rate(self) -> float:
        return self.compliant_warned / self.compliant if self.compliant else 0.0

    def summary(self) -> str:
        return (
            f"violations {self.violations}: block recall (right category) "
            f"{self.block_recall:.1%}, right-category rate {self.right_category_rate:.1%}; "
            f"disclosure {self.disclosures}: warned {self.disclosure_recall:.1%}; "
            f"compliant {self.compliant}: false-block {self.false_block_rate:.1%}, "
            f"warned {self.warn_rate:.1%}"
        )


def _describe(item: dict, result: CheckResult) -> str:
    found = ", ".join(f"{f.rule}:{f.match!r}" for f in result.findings) or "-"
    return f"{item['id']} [{item['category'] or 'ok'}→{result.verdict.value}] {item['text']!r}  {found}"


def measure(items: list[dict], checker: Checker | None = None) -> Metrics:
    checker = checker or Checker(load_rulepack())
    m = Metrics()
    for item in items:
        result = checker.check(item["text"], context_of(item))
        blocking = {f.category.value for f in result.findings if f.severity.value == "block"}
        categories = {f.category.value for f in result.findings}
        if item["expect"] == "pass":
            m.compliant += 1
            if result.verdict == Verdict.BLOCK:
                m.compliant_blocked += 1
                m.misses.append("FALSE BLOCK " + _describe(item, result))
            elif result.verdict == Verdict.WARN:
                m.compliant_warned += 1
                m.misses.append("FALSE WARN  " + _describe(item, result))
        elif item["category"] == "disclosure":
            m.disclosures += 1
            if "disclosure" in categories:
                m.disclosures_warned += 1
            else:
                m.misses.append("MISSED DISC " + _describe(item, result))
        else:
            m.violations += 1
            if result.verdict == Verdict.BLOCK:
                m.blocked += 1
            if item["category"] in blocking:
                m.blocked_right += 1
            else:
                m.misses.append("MISSED      " + _describe(item, result))
    return m


def main() -> None:
    split = sys.argv[1] if len(sys.argv) > 1 else None
    items = [i for i in load_corpus() if split in (None, i["split"])]
    m = measure(items)
    for line in m.misses:
        print(line)
    print(m.summary())


if __name__ == "__main__":
    main()
