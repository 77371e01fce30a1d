"""The roster's columns: what each shows, how wide it wants to be, and which fit a width.

Widths are terminal cells, never characters: a Chinese character takes two cells, so text
is measured with `cell_len` and cut with `set_cell_size`. Pure functions, no Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from branchdesk.i18n import get_language, t
from branchdesk.models import Experience, Member, Need, RiskLevel

GAP = 2  # cells between two columns
LEFT_PAD = 1
SORT_MARK = {False: "▲", True: "▼"}  # ascending, descending


def fit(text: str, width: int) -> str:
    """`text` padded or cut to exactly `width` cells, with an ellipsis when cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, width - 1).rstrip() + "…", width)


def _list_separator() -> str:
    return "、" if get_language() == "zh" else ", "


def _widest(labels: Sequence[str]) -> int:
    return max((cell_len(label) for label in labels), default=0)


def _risk_labels() -> list[str]:
    return [f"{r.value} {r.label()}" for r in RiskLevel]


def _risk(member: Member, dormant: bool, width: int) -> str:
    risk = member.risk_level
    if risk is None:
        return ""
    # The same form on every row: "C3 稳健型" when all of them fit, else the code alone.
    return f"{risk.value} {risk.label()}" if width >= _widest(_risk_labels()) else risk.value


def _status(member: Member, dormant: bool, width: int) -> str:
    """Dormant, or woken this week (store/dormancy.py decides both)."""
    if dormant:
        return t("roster_screen.dormant")
    return t("engagement_screens.reactivated_mark") if member.reactivated else ""


def _status_width() -> int:
    return max(cell_len(t("roster_screen.dormant")), cell_len(t("engagement_screens.reactivated_mark")))


def _needs_width() -> int:
    """Room for three needs, the most a member usually has."""
    labels = sorted((cell_len(n.label()) for n in Need), reverse=True)
    return sum(labels[:3]) + 2


@dataclass(frozen=True)
class Column:
    """One column of the roster. `ideal_width` shows every value whole; see STEPS for which
    columns a narrow terminal leaves out."""

    key: str
    min_width: Callable[[], int]
    ideal_width: Callable[[], int]
    value: Callable[[Member, bool, int], str]  # member, dormant, width → text
    sort_field: str | None = None
    flexible: bool = False  # takes the space left over
    whole: bool = False  # grows straight to its ideal width or not at all

    @property
    def title(self) -> str:
        return t(f"roster_screen.col.{self.key}")

    def header_width(self) -> int:
        # A sortable column keeps room for the sort mark so the layout never jumps.
        return cell_len(self.title) + (2 if self.sort_field else 0)

    def min_cells(self) -> int:
        return max(self.min_width(), self.header_width())

    def ideal_cells(self) -> int:
        return max(self.ideal_width(), self.min_cells())


def _const(n: int) -> Callable[[], int]:
    return lambda: n


COLUMNS: tuple[Column, ...] = (
    Column("name", _const(10), _const(12), lambda m, d, w: m.name, sort_field="name"),
    Column("phone", _const(11), _const(11), lambda m, d, w: m.masked_phone),
    Column("account", _const(12), _const(12), lambda m, d, w: m.masked_account,
           sort_field="account_no"),
    Column("experience", lambda: _widest([e.label() for e in Experience]),
           lambda: _widest([e.label() for e in Experience]),
           lambda m, d, w: m.experience.label() if m.experience else "", sort_field="experience"),
    Column("risk", _const(2), lambda: _widest(_risk_labels()), _risk, sort_field="risk_level",
           whole=True),
    Column("needs", _const(9), _needs_width,
           lambda m, d, w: "/".join(n.label() for n in m.needs)),
    Column("advisor", _const(6), _const(6), lambda m, d, w: m.advisor or "",
           sort_field="advisor"),
    Column("last_active", _const(10), _const(10),
           lambda m, d, w: m.last_active_on.isoformat() if m.last_active_on else "—",
           sort_field="last_active_on"),
    Column("dormant", _status_width, _status_width, _status),
    Column("tags", _const(8), _const(30), lambda m, d, w: _list_separator().join(m.tags),
           flexible=True),
)

SORT_COLUMNS: dict[str, Column] = {c.sort_field: c for c in COLUMNS if c.sort_field}


# How the columns claim the width, most important first: each step is taken if it fits.
# "add" puts a column in at its minimum width; "grow" widens it towards its ideal.
STEPS: tuple[tuple[str, str], ...] = (
    ("add", "name"), ("add", "phone"), ("add", "risk"), ("add", "last_active"),
    ("add", "dormant"), ("add", "needs"), ("add", "advisor"), ("add", "experience"),
    ("grow", "risk"), ("add", "account"), ("grow", "needs"), ("grow", "advisor"),
    ("add", "tags"), ("grow", "name"), ("grow", "tags"),
)


def layout(width: int, columns: Sequence[Column] = COLUMNS,
           steps: Sequence[tuple[str, str]] = STEPS) -> list[tuple[Column, int]]:
    """The columns that fit in `width` cells, in display order, with their widths.

    A flexible column finally takes whatever is left, so the table fills the line.
    """
    by_key = {c.key: c for c in columns}
    widths: dict[str, int] = {}
    spare = width - LEFT_PAD + GAP  # the first column has no gap before it
    for step, key in steps:
        column = by_key.get(key)
        if column is None:
            continue
        if step == "add" and key not in widths:
            need = column.min_cells() + GAP
            if need <= spare:
                widths[key] = column.min_cells()
                spare -= need
        elif step == "grow" and key in widths:
            grow = min(spare, column.ideal_cells() - widths[key])
            if grow > 0 and not (column.whole and widths[key] + grow < column.ideal_cells()):
                widths[key] += grow
                spare -= grow
    flexible = [c for c in columns if c.flexible and c.key in widths]
    if flexible and spare > 0:
        widths[flexible[-1].key] += spare
    return [(c, widths[c.key]) for c in columns if c.key in widths]
