"""Metrics of the checker over labelled messages, shared by the corpus test and by hand runs.

    python -m tests.compliance.corpus_metrics                 # the whole corpus, every miss
    python -m tests.compliance.corpus_metrics round10         # one split of it
    python -m tests.compliance.corpus_metrics --file new.jsonl [--file more.jsonl]
    python -m tests.compliance.corpus_metrics --file new.jsonl --rules-only --by-category

A labelled line is a JSON object with ``text``, ``expect`` (``block``, ``warn`` or
``pass``) and the violation's ``categories`` (a list: a message can be a promise of returns
*and* an exaggeration) or, in older files, one ``category``; ``id``, ``split``, ``kind`` and
``context`` (``community_risk_counts``, ``known_numbers``) are optional. A violation counts as
blocked right when the message is blocked and a blocking finding carries any of its
categories; a missing risk warning (``disclosure``) when any finding is a disclosure finding.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from branchdesk.compliance import CheckContext, Checker, CheckResult, Verdict, load_rulepack

CORPUS = Path(__file__).with_name("corpus.jsonl")
# Later blind sets live in their own files (one split each), written before being run;
# tuning_probes.jsonl holds variants written while widening the rule families (not blind).
BLIND_SETS = sorted(Path(__file__).parent.glob("blind_round*.jsonl"))
PROBES = Path(__file__).with_name("tuning_probes.jsonl")
# Probes written for the structure detectors (issue 14), before they were built.
STRUCTURE = sorted(Path(__file__).parent.glob("structure_*.jsonl"))
CATEGORIES = ("guarantee", "exaggeration", "unlicensed", "insider", "disclosure", "suitability", "privacy")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]
    for number, item in enumerate(items, 1):
        item.setdefault("id", f"{path.stem}:{number}")
        item.setdefault("split", path.stem)
    return items


def load_corpus() -> list[dict]:
    items: list[dict] = []
    for path in (CORPUS, *BLIND_SETS, PROBES, *STRUCTURE):
        items.extend(read_jsonl(path))
    return items


def categories_of(item: dict) -> list[str]:
    """The labelled categories of an item, most telling first (``categories`` or ``category``)."""
    found = item.get("categories")
    if found:
        return [str(c) for c in ([found] if isinstance(found, str) else found)]
    one = item.get("category")
    if isinstance(one, list):
        return [str(c) for c in one]
    return [str(one)] if one else []


def expect_of(item: dict) -> str:
    expect = str(item.get("expect") or "").lower()
    if expect in ("block", "warn", "pass"):
        return expect
    cats = categories_of(item)
    return "pass" if not cats else ("warn" if cats == ["disclosure"] else "block")


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
    blocked_right: int = 0  # blocked, and a blocking finding has a labelled category
    blocked: int = 0
    disclosures: int = 0
    disclosures_warned: int = 0
    compliant: int = 0
    compliant_blocked: int = 0
    compliant_warned: int = 0
    misses: list[str] = field(default_factory=list)
    # Per labelled category (a violation counts under each of its categories): seen, right.
    per_category: Counter = field(default_factory=Counter)
    per_category_right: Counter = field(default_factory=Counter)

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

    def by_category(self) -> str:
        rows = []
        for cat in CATEGORIES:
            seen = self.per_category[cat]
            if seen:
                right = self.per_category_right[cat]
                rows.append(f"  {cat:<13} {right:>4} / {seen:<4} {right / seen:.1%}")
        return "\n".join(rows)


def _describe(item: dict, result: CheckResult) -> str:
    found = ", ".join(
        f"{f.rule}{'' if f.severity.value == 'block' else '(warn)'}:{f.match[:40]!r}" for f in result.findings
    )
    label = "+".join(categories_of(item)) or "ok"
    return f"{item['id']} [{label}→{result.verdict.value}] {item['text']!r}  {found or '-'}"


def finding_categories(result: CheckResult, severity: str | None = None) -> set[str]:
    return {
        c.value
        for f in result.findings
        if severity is None or f.severity.value == severity
        for c in f.categories
    }


def measure(items: list[dict], checker: Checker | None = None) -> Metrics:
    checker = checker or Checker(load_rulepack())
    m = Metrics()
    for item in items:
        result = checker.check(item["text"], context_of(item))
        blocking = finding_categories(result, "block")
        categories = finding_categories(result)
        labels = categories_of(item)
        expect = expect_of(item)
        if expect == "pass":
            m.compliant += 1
            if result.verdict == Verdict.BLOCK:
                m.compliant_blocked += 1
                m.misses.append("FALSE BLOCK " + _describe(item, result))
            elif result.verdict == Verdict.WARN:
                m.compliant_warned += 1
                m.misses.append("FALSE WARN  " + _describe(item, result))
        elif expect == "warn" or labels == ["disclosure"]:
            m.disclosures += 1
            m.per_category["disclosure"] += 1
            if "disclosure" in categories or blocking & set(labels):
                m.disclosures_warned += 1
                m.per_category_right["disclosure"] += 1
            else:
                m.misses.append("MISSED DISC " + _describe(item, result))
        else:
            m.violations += 1
            right = bool(blocking & set(labels))
            for label in labels:
                m.per_category[label] += 1
                m.per_category_right[label] += right
            if result.verdict == Verdict.BLOCK:
                m.blocked += 1
            if right:
                m.blocked_right += 1
            else:
                m.misses.append("MISSED      " + _describe(item, result))
    return m


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Score the compliance checker on labelled messages.")
    parser.add_argument("split", nargs="?", help="one split of the corpus (default: all of it)")
    parser.add_argument("--file", action="append", type=Path, help="a labelled .jsonl file (repeatable)")
    parser.add_argument("--rules-only", action="store_true", help="switch the model's rules off")
    parser.add_argument("--by-category", action="store_true", help="recall per labelled category")
    parser.add_argument("--quiet", action="store_true", help="the summary only, no misses")
    args = parser.parse_args(argv)
    if args.file:
        items = [item for path in args.file for item in read_jsonl(path)]
    else:
        items = [i for i in load_corpus() if args.split in (None, i["split"])]
    pack = load_rulepack()
    disabled = [r.id for r in pack.rules if r.kind == "model"] if args.rules_only else []
    m = measure(items, Checker(pack, disabled=disabled))
    if not args.quiet:
        for line in m.misses:
            print(line)
    if args.by_category:
        print(m.by_category())
    print(m.summary())


if __name__ == "__main__":
    main()
