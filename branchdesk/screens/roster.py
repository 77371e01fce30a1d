"""The roster (home screen): search as you type, filters, sort, and a paged table of members.

The screen holds the user's choices (search text, filters, sort) and turns them into a
MemberQuery; the table fetches the rows; the roster service does the SQL.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, OptionList

from branchdesk import datetimes
from branchdesk.i18n import t, t_count
from branchdesk.models import MemberQuery
from branchdesk.screens.base import PaletteCommand
from branchdesk.screens.roster_source import RosterSource
from branchdesk.services import roster
from branchdesk.settings import Settings
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.errors import error_text
from branchdesk.widgets.filter_bar import FilterBar, describe_filters
from branchdesk.widgets.roster_columns import SORT_COLUMNS, SORT_MARK
from branchdesk.widgets.roster_search_box import SearchBox
from branchdesk.widgets.roster_table import RosterTable
from branchdesk.widgets.status_line import StatusLine
from branchdesk.widgets.translated_bindings import translate_bindings

SEARCH_DEBOUNCE = 0.15  # seconds of quiet typing before a search runs
# The sortable columns (each backed by an index), left to right as the table shows them: `s`
# cycles through those on screen, the palette offers them all.
SORT_CYCLE = tuple(SORT_COLUMNS)


class RosterScreen(Screen[None]):
    """Home: every member of the branch, a page at a time."""

    HELP_SECTION = "roster_screen.help.screen"
    TITLE_KEY = "roster_screen.title"
    AREA_HELP = "roster_screen.area_help"  # under "Open the roster" in the palette
    # The list has focus at start, so the keys of the footer (and "Press i to import" on an
    # empty roster) work at once; anything else typed there goes to the search box.
    AUTO_FOCUS = "#roster-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # The footer fits 80 columns in both languages, most used first; "/", "r", "i" and
        # the other areas' keys (the app binds them everywhere) are in the help and the palette.
        Binding("slash", "focus_search", "roster_screen.key.search", show=False),
        Binding("f", "toggle_filters", "roster_screen.key.filters"),
        Binding("escape", "close_filters", "roster_screen.key.close_filters"),  # in the filters
        Binding("s", "cycle_sort", "roster_screen.key.sort"),
        Binding("d", "toggle_dormant", "roster_screen.key.dormant"),
        Binding("l", "log_contact", "engagement_screens.key.log_contact"),
        # Not a letter (a letter typed in the list searches); priority: the search box would
        # take it as "cursor to the end".
        Binding("ctrl+e", "export_members", "roster_screen.key.export", priority=True),
        Binding("c", "clear_filters", "roster_screen.key.clear"),  # while a filter is in force
        Binding("r", "reverse_sort", "roster_screen.key.reverse", show=False),
        Binding("i", "import_roster", "app.key.import", show=False),
        Binding("a", "toggle_reactivated", "engagement_screens.key.reactivated_filter", show=False),
        Binding("f5", "reload", "roster_screen.key.reload", show=False),
    ]
    # Single letters would be typed into a text field: they act only when none has focus.
    LETTER_ACTIONS = frozenset({"focus_search", "toggle_filters", "toggle_dormant",
                                "cycle_sort", "reverse_sort", "clear_filters",
                                "import_roster", "log_contact", "toggle_reactivated"})

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.search_text = ""
        self.filters: dict[str, Any] = {}
        self.sort = "name"
        self.descending = False
        self.total: int | None = None
        self._debounce: Timer | None = None
        self._last_keystroke = 0.0
        self._filters_opened = False

    # --- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        app: Any = self.app
        self.source = RosterSource(app.store, app.settings, getattr(app, "today", None))
        yield AppHeader(self.TITLE_KEY)
        with Horizontal(id="search-row"):
            yield Label(t("roster_screen.search_label"), id="search-label")
            yield SearchBox(placeholder=t("roster_screen.search_placeholder"), compact=True,
                            id="search")
        yield FilterBar(id="filter-bar", classes="-hidden")
        yield RosterTable(self.source, id="roster-table")
        yield StatusLine(id="status-line")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.table.load(self.current_query())
        self._load_meta()
        self._show_status()

    @property
    def table(self) -> RosterTable:
        return self.query_one(RosterTable)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def search_box(self) -> SearchBox:
        return self.query_one(SearchBox)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_filters":
            return self.focused is not None and self.filter_bar in self.focused.ancestors_with_self
        if action == "clear_filters" and not (self.filters or self.search_text.strip()):
            return False  # nothing to clear: off the footer
        # False hides the key from the footer while the user types in a field.
        return not (action in self.LETTER_ACTIONS and isinstance(self.focused, (Input, OptionList)))

    def on_key(self, event: events.Key) -> None:
        """A character typed in the list that is not one of its keys (a Chinese character, a
        digit, a letter no key uses) starts a search with it."""
        if self.focused is not self.table or not event.is_printable:
            return
        character = event.character or ""
        if not character or character.isspace() or event.key in self.active_bindings:
            return
        event.stop()
        event.prevent_default()
        self.search_box.type_in(character)

    def on_paste(self, event: events.Paste) -> None:
        """Text pasted in the list (a phone number, a name) is searched for."""
        if self.focused is self.table and event.text.strip():
            event.stop()
            self.search_box.type_in(" ".join(event.text.split()))

    # --- the query -----------------------------------------------------------------------------

    def current_query(self) -> MemberQuery:
        settings: Settings = self.app.settings  # type: ignore[attr-defined]
        return MemberQuery(search=self.search_text.strip(), dormant_days=settings.dormant_days,
                           tier_thresholds=settings.tier_thresholds, sort=self.sort,
                           descending=self.descending, **self.filters)

    def requery(self) -> None:
        self.table.load(self.current_query())
        self._show_status()
        self.refresh_bindings()  # "c" is in the footer while a filter or search is in force

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        """Debounced, but the first key after a pause searches at once (it feels instant);
        a burst of typing waits for a 150 ms pause. The newest query always wins."""
        self.search_text = event.value
        now = time.monotonic()
        quiet = now - self._last_keystroke >= SEARCH_DEBOUNCE
        self._last_keystroke = now
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if quiet:
            self.requery()
        else:
            self._debounce = self.set_timer(SEARCH_DEBOUNCE, self._search_now)

    def _search_now(self) -> None:
        self._debounce = None
        self.requery()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._search_now()
        self.table.focus()

    @on(FilterBar.Changed)
    def _filters_changed(self, event: FilterBar.Changed) -> None:
        kept = {"reactivated_only": True} if self.filters.get("reactivated_only") else {}
        self.filters = {**kept, **{k: v for k, v in event.values.items() if v not in (None, False)}}
        self.requery()

    @on(RosterTable.CountChanged)
    def _count_changed(self) -> None:
        self._show_status()

    @on(RosterTable.SortClicked)
    def _sort_clicked(self, event: RosterTable.SortClicked) -> None:
        if event.sort_field == self.sort:
            self.action_reverse_sort()
        else:
            self.sort_by(event.sort_field)

    @on(RosterTable.MemberChosen)
    def _member_chosen(self, event: RosterTable.MemberChosen) -> None:
        self.open_member(event.member_id)

    # --- what the status line says ---------------------------------------------------------------

    def _show_status(self) -> None:
        table = self.table
        total = "…" if self.total is None else f"{self.total:,}"
        if table.counting or (table.busy and not table.row_count):
            counts = t("roster_screen.counting")
        else:
            counts = t("roster_screen.shown", shown=f"{table.row_count:,}", total=(
                t_count("roster_words.members", self.total, count=total)
                if self.total is not None else total))
        summary = describe_filters(self.filters,
                                   self.app.settings.dormant_days)  # type: ignore[attr-defined]
        if summary:
            counts += "  " + t("roster_screen.filters", filters=summary)
        column = SORT_COLUMNS[self.sort].title
        sort = t("roster_screen.sort", column=column, arrow=SORT_MARK[self.descending])
        self.query_one(StatusLine).show(counts, sort)

    # --- background reads ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="roster-meta", exit_on_error=False)
    def _load_meta(self) -> None:
        """The total; and the advisors and communities for the filter lists once the filters
        have been opened (reading them walks every member: seconds on a million, which the
        first screen should not wait behind)."""
        store = self.source.store
        try:
            total = roster.total_members(store)
            options = roster.filter_options(store) if self._filters_opened else None
        except Exception as error:
            self.app.call_from_thread(self.notify, error_text(error), severity="error")
            return
        self.app.call_from_thread(self._meta_loaded, total, options)

    def _meta_loaded(self, total: int, options: dict[str, list[str]] | None) -> None:
        self.total = total
        if options is not None:
            self.filter_bar.set_choices(options.get("advisor", []), options.get("community", []))
        self._show_status()

    # --- actions ---------------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.search_box.focus()

    def action_toggle_filters(self) -> None:
        bar = self.filter_bar
        if not self._filters_opened:
            self._filters_opened = True
            self._load_meta()  # the advisors and communities, for their lists
        bar.toggle_class("-hidden")
        if bar.has_class("-hidden"):
            if self.focused is None or bar in self.focused.ancestors_with_self:
                self.table.focus()
        else:
            bar.query_one("#filter-need").focus()

    def action_close_filters(self) -> None:
        """Esc in the filters: hide them and go back to the list; the filters stay in force."""
        self.filter_bar.add_class("-hidden")
        self.table.focus()

    def show_community(self, name: str) -> None:
        """One community's members (its screen's Enter): that filter alone, no search."""
        self.filters = {"community": name}
        self.search_text = ""
        with self.prevent(Input.Changed):
            self.search_box.value = ""
        self.filter_bar.set_values(self.filters)
        self.requery()
        self.table.focus()

    def action_toggle_dormant(self) -> None:
        if not self.filters.pop("dormant_only", False):
            self.filters["dormant_only"] = True
        self.filter_bar.set_values(self.filters)
        self.requery()

    def action_toggle_reactivated(self) -> None:
        """Only the members reactivated this week (store/dormancy.py), or everyone again."""
        if self.filters.pop("reactivated_only", False) is False:
            self.filters["reactivated_only"] = True
        self.requery()

    def action_log_contact(self) -> None:
        """Log a contact with the member on the cursor row: l, then Enter (a call) or a digit."""
        from branchdesk.widgets.engagement.log_contact import open_log_contact

        member = self.table.cursor_member
        if member is None or member.id is None:
            self.notify(t("engagement_screens.no_member_selected"), severity="warning")
            return
        open_log_contact(self, member.id, lambda _activity: self.reload_data())

    def action_export_members(self) -> None:
        """The members shown (search, filters, sort) to an Excel workbook: ctrl+e."""
        from branchdesk.widgets.member_export.dialog import MemberExportDialog, default_path

        app: Any = self.app
        query = self.current_query()
        today = getattr(app, "today", None) or datetimes.today()
        app.push_screen(MemberExportDialog(app.store, app.settings.operator, query,
                                           self.source.count(query), default_path(today),
                                           today))

    def sort_by(self, field: str, descending: bool = False) -> None:
        self.sort, self.descending = field, descending
        self.requery()

    def action_cycle_sort(self) -> None:
        cycle = self.table.shown_sort_fields or list(SORT_CYCLE)
        index = cycle.index(self.sort) if self.sort in cycle else -1
        self.sort_by(cycle[(index + 1) % len(cycle)])

    def action_reverse_sort(self) -> None:
        self.sort_by(self.sort, not self.descending)

    def action_clear_filters(self) -> None:
        self.filters = {}
        self.search_text = ""
        with self.prevent(Input.Changed):
            self.search_box.value = ""
        self.filter_bar.set_values({})
        self.requery()
        self.notify(t("roster_screen.filters_cleared"))

    def action_import_roster(self) -> None:
        self.app.action_import_roster()  # type: ignore[attr-defined]

    def action_reload(self) -> None:
        self.reload_data()

    def reload_data(self) -> None:
        """Read everything again (after an edit, an import, or F5), keeping the cursor."""
        self.table.reload()
        self._load_meta()

    def open_member(self, member_id: int) -> None:
        try:
            from branchdesk.screens.member_card import MemberCardScreen
        except ModuleNotFoundError as error:
            if error.name != "branchdesk.screens.member_card":
                raise
            feature = t("app.feature.member_card")
            self.notify(t("app.not_ready", feature=feature), severity="warning")
            return
        self.app.push_screen(MemberCardScreen(member_id), self._card_closed)

    def _card_closed(self, saved: bool | None) -> None:
        if saved:
            self.reload_data()

    # --- language and palette --------------------------------------------------------------------

    def relabel(self) -> None:
        """The language changed: every label on this screen, in place (the user's search,
        filters, sort and cursor stay)."""
        self.query_one(AppHeader).refresh()
        self.query_one("#search-label", Label).update(t("roster_screen.search_label"))
        self.search_box.placeholder = t("roster_screen.search_placeholder")
        self.filter_bar.relabel()
        self.table.relabel()
        self._show_status()

    def palette_commands(self) -> list[PaletteCommand]:
        """What this screen adds to the command palette."""
        days = self.app.settings.dormant_days  # type: ignore[attr-defined]
        commands: list[PaletteCommand] = [
            PaletteCommand(t("roster_screen.cmd.search"), t("roster_screen.cmd.search_help"),
                           self.action_focus_search, "focus_search"),
            PaletteCommand(t("roster_screen.cmd.filters"), t("roster_screen.cmd.filters_help"),
                           self.action_toggle_filters, "toggle_filters"),
            PaletteCommand(t("roster_screen.cmd.dormant"),
                           t("roster_screen.cmd.dormant_help", days=days),
                           self.action_toggle_dormant, "toggle_dormant"),
            PaletteCommand(t("engagement_screens.cmd.log_contact"),
                           t("engagement_screens.cmd.log_contact_help"), self.action_log_contact,
                           "log_contact"),
            PaletteCommand(t("engagement_screens.cmd.reactivated_filter"),
                           t("engagement_screens.cmd.reactivated_filter_help"),
                           self.action_toggle_reactivated, "toggle_reactivated"),
            PaletteCommand(t("roster_screen.cmd.reverse"), t("roster_screen.cmd.reverse_help"),
                           self.action_reverse_sort, "reverse_sort"),
            PaletteCommand(t("roster_screen.cmd.clear"), t("roster_screen.cmd.clear_help"),
                           self.action_clear_filters, "clear_filters"),
            PaletteCommand(t("roster_screen.cmd.reload"), t("roster_screen.cmd.reload_help"),
                           self.action_reload, "reload"),
            PaletteCommand(t("member_export.cmd_title"), t("member_export.cmd_help"),
                           self.action_export_members, "export_members"),
        ]
        for field in SORT_CYCLE:
            commands.append(PaletteCommand(
                t("roster_screen.cmd.sort_by", column=SORT_COLUMNS[field].title),
                t("roster_screen.cmd.sort_by_help"), lambda field=field: self.sort_by(field)))
        return commands
