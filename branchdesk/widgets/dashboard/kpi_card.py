"""A figure card: the figure's name, this week's value and the change on last week (green when
it is good news, red when bad), and an 8-week sparkline."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, Sparkline

from branchdesk.i18n import catalog, get_language, t
from branchdesk.services.review_figures import Figure, show, show_change
from branchdesk.services.weekly_review_model import WeeklyReview


def change_style(figure: Figure, delta: float | None) -> str:
    if not delta or figure.rise_is_good is None:
        return "$text-muted"
    good = (delta > 0) == figure.rise_is_good
    return "$text-success" if good else "$text-error"


def card_title(figure: Figure) -> str:
    """The card's short name (a card is about 22 cells wide at 80 columns), else the figure's."""
    key = f"dashboard_cards.{figure.section}.{figure.name}"
    return t(key) if key in catalog(get_language()) else figure.label


class KpiCard(Vertical):
    def __init__(self, figure: Figure) -> None:
        super().__init__(classes="kpi-card", id=f"kpi-{figure.section}-{figure.name}")
        self.figure = figure

    def compose(self) -> ComposeResult:
        yield Label("", classes="kpi-title", markup=False)
        yield Label("", classes="kpi-value")
        yield Sparkline([], classes="kpi-spark")

    def show(self, review: WeeklyReview | None) -> None:
        figure = self.figure
        self.query_one(".kpi-title", Label).update(card_title(figure))
        self.tooltip = figure.label  # the full name, as the figures table gives it
        if review is None:
            self.query_one(".kpi-value", Label).update(Content("…"))
            return
        value = figure.value(review.current)
        delta = figure.change(review.current, review.previous)
        self.query_one(".kpi-value", Label).update(Content.assemble(
            (show(figure, value), "bold"), "  ",
            (show_change(figure, delta), change_style(figure, delta))))
        self.query_one(".kpi-spark", Sparkline).data = [
            float(figure.value(week) or 0) for week in review.trend]
