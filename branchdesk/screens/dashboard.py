"""The dashboard (看板): the weekly review on screen — this week against last week with the
change, 8-week sparklines, every figure, the advisors — and what needs doing today (overdue
complaints, today's follow-ups) as counts that open their lists. `[` and `]` move a week;
`x` writes the week's workbook, with a progress bar.

The figures are the weekly review's model (services/weekly_review_model.py), computed in a worker:
the same numbers as `branchdesk review` and the workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, ProgressBar

from branchdesk.i18n import t
from branchdesk.screens.base import AppContext, PaletteCommand
from branchdesk.services.iso_week import IsoWeek
from branchdesk.services.review_figures import (
    FIGURES,
    HEADLINE,
    advisor_label,
    section_label,
    show,
    show_change,
)
from branchdesk.services.weekly_review import (
    ReviewSettings,
    TodayCounts,
    compute_review,
    today_counts,
)
from branchdesk.services.weekly_review_model import WeeklyReview
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.dashboard.kpi_card import KpiCard, change_style
from branchdesk.widgets.engagement.log_contact import today_of
from branchdesk.widgets.translated_bindings import translate_bindings

BARS = "▁▂▃▄▅▆▇█"
WIDE = 130  # columns from which the two tables stand side by side
# A table cell takes a Rich style: the change's colour, as the cards show it.
RICH_STYLES = {"$text-success": "green", "$text-error": "red", "$text-muted": "dim"}
ADVISOR_FIELDS = ("members", "active", "contacts", "reactivated", "attended", "messages",
                  "complaints")


def spark_text(values: tuple[int, ...]) -> str:
    """An 8-week trend in one table cell."""
    top = max(values, default=0)
    if not top:
        return BARS[0] * len(values)
    return "".join(BARS[min(len(BARS) - 1, round(v / top * (len(BARS) - 1)))] for v in values)


@dataclass(frozen=True)
class Computed:
    review: WeeklyReview
    counts: TodayCounts


class DashboardScreen(AppContext, Screen[None]):
    HELP_SECTION = "dashboard.help.screen"
    TITLE_KEY = "dashboard.title"
    AREA_HELP = "dashboard.cmd.open_help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "week(-1)", "dashboard.key.previous", id="dashboard.previous"),
        Binding("right_square_bracket", "week(1)", "dashboard.key.next", id="dashboard.next"),
        Binding("o", "open_overdue", "dashboard.key.overdue", id="dashboard.overdue"),
        Binding("t", "open_follow_ups", "dashboard.key.follow_ups", show=False,
                id="dashboard.follow_ups"),  # the line of today's counts says "t"
        Binding("x", "export", "dashboard.key.export", id="dashboard.export"),
        Binding("0", "this_week", "dashboard.key.this_week", show=False,
                id="dashboard.this_week"),
        Binding("f5", "reload", "dashboard.key.reload", show=False, id="dashboard.reload"),
        Binding("escape", "leave", "dashboard.key.roster", id="dashboard.roster"),
    ]

    class Ready(Message):
        """A week's review, computed in the worker."""

        def __init__(self, computed: Computed) -> None:
            super().__init__()
            self.computed = computed

    class ExportProgress(Message):
        def __init__(self, fraction: float) -> None:
            super().__init__()
            self.fraction = fraction

    class Exported(Message):
        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.week: IsoWeek | None = None
        self.review: WeeklyReview | None = None
        self.counts: TodayCounts | None = None
        self._left = False  # the screen was left (another area, a dialog) since it was mounted
        self._export_wanted = False  # the palette asked for the workbook before the figures came

    @property
    def today(self):
        return today_of(self.app)

    def compose(self) -> ComposeResult:
        # The review starts with the key that opened the dashboard, in its worker, while
        # Textual builds and paints the screen (half the time to the first figures).
        self.week = IsoWeek.containing(self.today)
        self._compute(self.week)
        yield AppHeader(self.TITLE_KEY)
        yield Label("", id="dashboard-heading", markup=False)
        with Horizontal(id="dashboard-today"):
            yield Label("", id="dashboard-overdue", classes="dashboard-link")
            yield Label("", id="dashboard-follow-ups", classes="dashboard-link")
        with VerticalScroll(id="dashboard-body"):
            with Grid(id="dashboard-cards"):
                for figure in HEADLINE:
                    yield KpiCard(figure)
            with Container(id="dashboard-tables"):
                with Vertical(classes="dashboard-column"):
                    yield Label("", id="dashboard-figures-title", classes="dashboard-section")
                    yield DataTable(id="dashboard-figures", cursor_type="row", zebra_stripes=True)
                with Vertical(classes="dashboard-column"):
                    yield Label("", id="dashboard-advisors-title", classes="dashboard-section")
                    yield DataTable(id="dashboard-advisors", cursor_type="row",
                                    zebra_stripes=True)
        yield ProgressBar(id="dashboard-export", total=1.0, show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dashboard-export", ProgressBar).display = False
        self._labels()
        self._heading(computing=self.review is None)  # compose started the computation
        self.query_one("#dashboard-figures", DataTable).focus()

    def on_resize(self) -> None:
        columns = max(1, min(len(HEADLINE), (self.size.width - 2) // 22))
        self.query_one("#dashboard-cards", Grid).styles.grid_size_columns = columns
        # wide: the figures and the advisors side by side
        self.query_one("#dashboard-tables").set_class(self.size.width >= WIDE, "-wide")

    # --- the review, computed in a worker -----------------------------------------------------

    def reload_data(self) -> None:
        if self.week is not None:
            self._heading(computing=True)
            self._compute(self.week)

    @work(thread=True, exclusive=True, group="dashboard")
    def _compute(self, week: IsoWeek) -> None:
        """This week and last first (a sixth of the work: the figures show at once), then
        the whole review with its 8-week trend."""
        config = ReviewSettings.from_settings(self.app.settings)  # type: ignore[attr-defined]
        counts = today_counts(self.store, self.today)
        quick = compute_review(self.store, week, config, today=self.today, trend_weeks=2)
        self.post_message(self.Ready(Computed(quick, counts)))
        review = compute_review(self.store, week, config, today=self.today)
        self.post_message(self.Ready(Computed(review, counts)))

    @on(Ready)
    def _ready(self, message: Ready) -> None:
        review = message.computed.review
        if self.week != review.week:
            return  # an older week's answer, overtaken by a key press
        if (self.review is not None and self.review.week == review.week
                and len(review.trend) < len(self.review.trend)):
            return  # the whole review is here already
        self.review, self.counts = review, message.computed.counts
        self._show()
        wanted, self._export_wanted = self._export_wanted, False  # asked from the palette…
        if wanted and self.is_current:  # …and still on this screen, not popped up elsewhere
            self.action_export()

    def _heading(self, computing: bool = False) -> None:
        week = self.week
        if week is None:
            return
        text = t("dashboard.heading", week=week.label, start=week.start.strftime("%m-%d"),
                 end=week.end.strftime("%m-%d"))
        if week == IsoWeek.containing(self.today):
            text += t("dashboard.this_week_mark")
        if computing:
            text += "  " + t("dashboard.computing")
        self.query_one("#dashboard-heading", Label).update(text)

    def _show(self) -> None:
        review, counts = self.review, self.counts
        self._heading()
        if counts is not None:
            self.query_one("#dashboard-overdue", Label).update(Content.styled(
                t("dashboard.overdue", count=counts.complaints_overdue),
                "bold $text-error" if counts.complaints_overdue else ""))
            self.query_one("#dashboard-follow-ups", Label).update(Content(t(
                "dashboard.follow_ups", count=counts.follow_ups_today,
                overdue=counts.follow_ups_overdue)))
        for card in self.query(KpiCard):
            card.show(review)
        if review is None:
            return
        self._figures(review)
        self._advisors(review)

    def _figures(self, review: WeeklyReview) -> None:
        table = self.query_one("#dashboard-figures", DataTable)
        row = table.cursor_row
        headings = (t("weekly_review.figure_heading"), t("weekly_review.this_week"),
                    t("weekly_review.last_week"), t("weekly_review.change"))
        rows: list[tuple[Text, ...]] = []
        section = ""
        for figure in FIGURES:
            if figure.section != section:
                section = figure.section
                rows.append((Text(section_label(section), style="bold"), Text(""), Text(""),
                             Text("")))
            delta = figure.change(review.current, review.previous)
            rows.append((
                Text("  " + figure.label),
                Text(show(figure, figure.value(review.current)), justify="right", style="bold"),
                Text(show(figure, figure.value(review.previous)), justify="right"),
                Text(show_change(figure, delta), justify="right",
                     style=RICH_STYLES[change_style(figure, delta)])))
        table.clear(columns=True)
        # Widths measured here, not left to the table: refilled while a first fill's widths
        # are still pending (a loaded machine), it kept widths of one or two cells.
        for index, heading in enumerate(headings):
            table.add_column(heading, width=max(cell_len(heading),
                                                *(r[index].cell_len for r in rows)))
        table.add_rows(rows)
        table.move_cursor(row=min(row, table.row_count - 1))

    def _advisors(self, review: WeeklyReview) -> None:
        table = self.query_one("#dashboard-advisors", DataTable)
        table.clear(columns=True)
        table.add_columns(t("weekly_review.advisor.advisor"),
                          *(t(f"weekly_review.advisor.{name}") for name in ADVISOR_FIELDS),
                          t("weekly_review.advisor.trend"))
        for advisor in review.advisors:
            table.add_row(Text(advisor_label(advisor.advisor)),
                          *(Text(f"{getattr(advisor, name):,}", justify="right")
                            for name in ADVISOR_FIELDS),
                          spark_text(advisor.active_trend))

    # --- keys ---------------------------------------------------------------------------------

    def action_week(self, step: int) -> None:
        if self.week is None:
            return
        week = self.week.shift(step)
        if week > IsoWeek.containing(self.today):  # days to come have no figures yet
            self.notify(t("dashboard.no_later_week"), markup=False)
            return
        self.week = week
        self.reload_data()

    def action_this_week(self) -> None:
        self.week = IsoWeek.containing(self.today)
        self.reload_data()

    def action_reload(self) -> None:
        self.reload_data()

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        # Back from another area or a dialog: something may have changed. On the first
        # showing the mount has started the computation already; a second one would only
        # compete with it (a thread worker cannot be stopped) and with the first paint.
        if self._left:
            self.reload_data()

    def action_leave(self) -> None:
        self.app.switch_mode("roster")

    async def action_open_overdue(self) -> None:
        from branchdesk.screens.complaints import ComplaintsScreen

        await self.app.switch_mode("complaints")
        screen = self.app.screen
        if isinstance(screen, ComplaintsScreen):
            screen.view = "overdue"
            screen.opened_from("dashboard")
            screen.reload_data()

    async def action_open_follow_ups(self) -> None:
        from branchdesk.screens.engagement_base import EngagementScreen

        await self.app.switch_mode("followups")
        screen = self.app.screen
        if isinstance(screen, EngagementScreen):
            screen.opened_from("dashboard")

    @on(events.Click, "#dashboard-overdue")
    async def _overdue_clicked(self) -> None:
        await self.action_open_overdue()

    @on(events.Click, "#dashboard-follow-ups")
    async def _follow_ups_clicked(self) -> None:
        await self.action_open_follow_ups()

    # --- export ---------------------------------------------------------------------------------

    def default_export_path(self) -> Path:
        from branchdesk.exports.review_workbook import default_name

        assert self.week is not None
        return Path.home() / default_name(self.week)

    def export_when_ready(self) -> None:
        """The export dialog now, or once this week's figures are in (opened from elsewhere)."""
        self._export_wanted = self.review is None
        self.action_export()

    def action_export(self) -> None:
        from branchdesk.exports.review_workbook import check_target
        from branchdesk.widgets.form_dialog import FormDialog, FormField

        if self.review is None:
            return
        chosen: list[Path] = []

        def submit(values: dict[str, str]) -> None:
            path = Path(values["path"].strip()).expanduser()
            check_target(path)  # a wrong path is said in the dialog, before any work
            chosen.append(path)

        def closed(done: bool | None) -> None:
            if done and chosen and self.review is not None:
                bar = self.query_one("#dashboard-export", ProgressBar)
                bar.update(progress=0)
                bar.display = True
                self._export(self.review, chosen[-1])

        self.app.push_screen(FormDialog(
            t("dashboard.export_title", week=self.review.week.label),
            [FormField("path", t("dashboard.export_path"), value=str(self.default_export_path()))],
            submit, ok_label=t("dashboard.export_ok")), closed)

    @work(thread=True, exclusive=True, group="dashboard-export")
    def _export(self, review: WeeklyReview, path: Path) -> None:
        from branchdesk.exports.review_workbook import write_review
        from branchdesk.services.weekly_review import TREND_WEEKS

        if len(review.trend) < TREND_WEEKS:  # only the quick first showing is here yet
            config = ReviewSettings.from_settings(self.app.settings)  # type: ignore[attr-defined]
            review = compute_review(self.store, review.week, config, today=self.today)
        try:
            written = write_review(self.store, review, path, settings=self.app.settings,  # type: ignore[attr-defined]
                                   progress=lambda f: self.post_message(self.ExportProgress(f)))
        finally:
            self.post_message(self.ExportProgress(-1.0))
        self.post_message(self.Exported(written))

    @on(ExportProgress)
    def _export_progress(self, message: ExportProgress) -> None:
        bar = self.query_one("#dashboard-export", ProgressBar)
        if message.fraction < 0:
            bar.display = False
        else:
            bar.update(progress=message.fraction)

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.notify(t("dashboard.exported", file=str(message.path)), markup=False, timeout=10)

    # --- palette and language -------------------------------------------------------------------

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand(t("dashboard.cmd.export"), t("dashboard.cmd.export_help"),
                           self.action_export, "export"),
            PaletteCommand(t("dashboard.cmd.overdue"), t("dashboard.cmd.overdue_help"),
                           self.action_open_overdue, "open_overdue"),
            PaletteCommand(t("dashboard.cmd.this_week"), t("dashboard.cmd.this_week_help"),
                           self.action_this_week, "this_week"),
        ]

    def relabel(self) -> None:
        self._labels()
        self.reload_data()

    def _labels(self) -> None:
        self.query_one(AppHeader).refresh()
        self.query_one("#dashboard-figures-title", Label).update(t("dashboard.figures"))
        self.query_one("#dashboard-advisors-title", Label).update(t("weekly_review.section.advisors"))
        self._show()
