"""A message with its findings marked: block spans red, warn spans yellow, the selected one
underlined; and the verdict badge beside it.

TextArea has no public API for custom highlights, so the marks live in a view of their own
under (or beside) the editor. Works for live findings (compliance.Finding) and for the
frozen ones a saved message carries (plain dicts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from textual.content import Content
from textual.widgets import Static

from branchdesk.compliance.basis import basis_text, shipped_basis
from branchdesk.i18n import get_language, t

# Theme variables, so the marks read on light and dark themes alike.
SEVERITY_STYLE = {"block": "bold $text-error on $error-muted",
                  "warn": "$text-warning on $warning-muted"}
SELECTED_STYLE = "underline reverse"


def _value(value: Any) -> str:
    return str(getattr(value, "value", value))


@dataclass(frozen=True)
class FindingItem:
    """What the views need of one finding, whichever shape it came in."""

    rule: str
    category: str
    severity: str
    start: int
    end: int
    match: str
    explanation: str
    suggestion: str
    basis: str = ""  # the legal basis, in the current language

    @classmethod
    def of(cls, finding: Any) -> FindingItem:
        """From a compliance Finding or a stored finding dict, explained in the current
        language (a stored finding keeps both; one saved before that, the language it was
        saved in)."""
        if isinstance(finding, Mapping):
            language = get_language()

            def get(name: str) -> Any:
                return finding.get(f"{name}_{language}") or finding.get(name)
            # One kept before findings carried their law: the shipped rule's.
            basis = finding["basis"] if "basis" in finding else shipped_basis(str(finding["rule"]))
        else:
            def get(name: str) -> Any:
                return getattr(finding, name)
            basis = finding.basis
        return cls(rule=str(get("rule")), category=_value(get("category")),
                   severity=_value(get("severity")), start=int(get("start")),
                   end=int(get("end")), match=str(get("match") or ""),
                   explanation=str(get("explanation") or ""),
                   suggestion=str(get("suggestion") or ""),
                   basis=basis_text(str(basis or "")))


def items_of(findings: Iterable[Any]) -> list[FindingItem]:
    return [FindingItem.of(f) for f in findings]


def marked_text(text: str, items: list[FindingItem], selected: int | None = None) -> Content:
    """The text with every finding's span styled; blocks drawn over warnings."""
    content = Content(text)  # Content, not markup: a message is data
    size = len(text)
    order = sorted(range(len(items)), key=lambda i: items[i].severity == "block")
    for index in order:
        item = items[index]
        start, end = max(0, item.start), min(size, item.end)
        if start < end:
            content = content.stylize(SEVERITY_STYLE.get(item.severity, "underline"), start, end)
    if selected is not None and 0 <= selected < len(items):
        item = items[selected]
        if item.start < item.end:
            content = content.stylize(SELECTED_STYLE, max(0, item.start), min(size, item.end))
    return content


class FindingsView(Static):
    """The message as it will be sent, with the findings marked."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self.text = ""
        self.items: list[FindingItem] = []
        self.selected: int | None = None

    def show(self, text: str, items: list[FindingItem], selected: int | None = None, *,
             empty: str | None = None) -> None:
        """`empty`: what to say when there is no text (the compose screen's "start typing"
        unless the caller has something better to say)."""
        self.text, self.items, self.selected = text, items, selected
        if text:
            self.update(marked_text(text, items, selected))
        else:
            self.update(Content.styled(empty or t("compose.preview_empty"), "$text-muted italic"))

    @property
    def marked_spans(self) -> list[tuple[int, int, str]]:
        """(start, end, severity) of each mark shown: what a reader sees highlighted."""
        return [(i.start, i.end, i.severity) for i in self.items if i.start < i.end]


class VerdictBadge(Static):
    """PASS / WARN / BLOCK in the verdict's colour (classes -pass, -warn, -block)."""

    DEFAULT_CSS = """
    VerdictBadge { width: auto; height: 1; padding: 0 1; text-style: bold; }
    VerdictBadge.-pass { background: $success; color: $text; }
    VerdictBadge.-warn { background: $warning; color: $text; }
    VerdictBadge.-block { background: $error; color: $text; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.verdict = "pass"

    def on_mount(self) -> None:
        self.show_verdict(self.verdict)

    def show_verdict(self, verdict: str, count: int = 0) -> None:
        self.verdict = verdict
        for name in ("pass", "warn", "block"):
            self.set_class(name == verdict, f"-{name}")
        label = t(f"compliance.verdict.{verdict}")
        if count:
            label += " · " + t("compliance.findings_count", count=count)
        self.update(Content(label))
