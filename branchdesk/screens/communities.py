"""The branch's communities (社群): each with its members, how many are conservative
investors (C1–C2, whom the suitability check protects), the advisor who runs it and the
messages written for it. Enter shows its members in the roster; n creates a community,
r renames one, j merges one into another, a sets who runs it.

The communities service does the work (one audited transaction each, members' lists
updated with it); the list is read in a worker, so a large roster never blocks the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Static

from branchdesk.i18n import t
from branchdesk.screens.base import PaletteCommand
from branchdesk.screens.record_list import RecordListScreen
from branchdesk.services import communities
from branchdesk.services.communities import Community
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.errors import error_text
from branchdesk.widgets.form_dialog import FormDialog, FormField, Values
from branchdesk.widgets.roster_columns import fit
from branchdesk.widgets.row_table import RowTable
from branchdesk.widgets.translated_bindings import translate_bindings

COLUMNS = ("name", "advisor", "members", "low_risk", "sent", "waiting")
RIGHT = {"members", "low_risk", "sent", "waiting"}
NOBODY = "-"  # the advisor choice "nobody yet"
RECENT = 3  # messages listed under the selected community


@dataclass
class Loaded(Message, bubble=False):
    """The worker read the communities (and the advisors to choose from)."""

    found: list[Community]
    advisors: list[str]
    messages: dict[str, list[dict[str, Any]]]


@dataclass
class LoadFailed(Message, bubble=False):
    error: Exception


class CommunityTable(RowTable):
    HELP_SECTION = "communities.help.list"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Out of the footer for room at 80 columns; the heading names it.
        Binding("enter", "select_cursor", "communities.key.members", show=False),
    ]


class CommunitiesScreen(RecordListScreen):
    CSS_PATH = "communities.tcss"
    HELP_SECTION = "communities.help.screen"
    TITLE_KEY = "communities.title"
    AREA_HELP = "communities.cmd.open_help"  # the palette's "Go to …" line
    AUTO_FOCUS = "#communities-list"
    COLUMNS = COLUMNS
    COLUMN_TITLES = "communities.col"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_community", "communities.key.new"),
        Binding("r", "rename", "communities.key.rename"),
        Binding("j", "merge", "communities.key.merge"),
        Binding("a", "set_advisor", "communities.key.advisor"),
        # The detail says "press m to write" when a community has no message yet.
        Binding("m", "app.switch_mode('compose')", "compose.key.open"),
        Binding("f5", "reload", "communities.key.reload", show=False),
        Binding("escape", "leave", "communities.key.roster"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.found: list[Community] = []
        self.advisors: list[str] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.loaded = False
        self._keep: str | None = None  # the community to keep the cursor on after a reload
        self._changed: str | None = None  # the one an action renamed, created or merged into

    # --- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE_KEY)
        yield Label(t("communities.loading"), id="communities-heading", markup=False)
        yield CommunityTable(id="communities-list")
        yield Static("", id="community-detail", markup=False)
        yield Footer()

    # --- reading -------------------------------------------------------------------------------

    def reload_data(self) -> None:
        """Read the list again, the cursor staying on the community it is on (or on the one
        an action just renamed or merged into)."""
        if self._changed is not None:
            self._keep, self._changed = self._changed, None
        elif self.current is not None:
            self._keep = self.current.name
        self._load()

    @work(thread=True, exclusive=True, group="communities-load", exit_on_error=False)
    def _load(self) -> None:
        store = self.store
        try:
            from branchdesk.services import roster

            found = communities.list_communities(store)
            advisors = roster.filter_options(store)["advisor"]
            messages = {c.name: communities.recent_messages(store, c, RECENT) for c in found
                        if c.messages}
        except Exception as error:  # shown as a notification; the list on screen stays
            self.post_message(LoadFailed(error))
            return
        finally:
            store.close()  # this worker thread's connection
        self.post_message(Loaded(found, advisors, messages))

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.notify(error_text(message.error), severity="error", markup=False)

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.found, self.advisors, self.messages = message.found, message.advisors, message.messages
        self.loaded = True
        table = self.table
        table.clear()
        for community in self.found:
            advisor = Text(community.advisor or "—",
                           style="italic dim" if community.advisor_from_members else "")
            low = Text(str(community.low_risk), style="bold" if community.low_risk else "dim")
            table.add_row(Text(community.name), advisor,
                          Text(str(community.members), justify="right"),
                          Text(low.plain, style=low.style, justify="right"),
                          Text(str(community.sent), justify="right"),
                          Text(str(community.waiting), justify="right"),
                          key=community.name)
        names = [c.name for c in self.found]
        if self._keep in names:
            table.move_cursor(row=names.index(self._keep))
        self._show_heading()
        self._show_detail()

    def _show_heading(self) -> None:
        if not self.found:
            text = t("communities.heading_empty")
        else:
            text = t("communities.heading", count=len(self.found))
        self.query_one("#communities-heading", Label).update(text)

    @property
    def current(self) -> Community | None:
        table = self.table
        if not self.found or not 0 <= table.cursor_row < min(table.row_count, len(self.found)):
            return None
        return self.found[table.cursor_row]

    @on(DataTable.RowHighlighted, "#communities-list")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#communities-list")
    async def _selected(self) -> None:
        await self.action_show_members()

    def _show_detail(self) -> None:
        self.query_one("#community-detail", Static).update(self.detail_text(self.current))

    def detail_text(self, community: Community | None) -> str:
        if community is None:
            return t("communities.detail_empty") if self.loaded else ""
        lines = []
        if community.advisor is None:
            run_by = t("communities.detail_no_advisor")
        elif community.advisor_from_members:
            run_by = t("communities.detail_advisor_derived", advisor=community.advisor)
        else:
            run_by = t("communities.detail_advisor", advisor=community.advisor)
        first = f"{community.name} · {run_by}"
        if community.former_names:
            first += " · " + t("communities.detail_former", names="、".join(community.former_names))
        lines.append(first)
        mix = " · ".join(f"{level} {community.risk.get(level, 0)}" for level in
                         ("C1", "C2", "C3", "C4", "C5"))
        if community.risk.get(""):
            mix += " · " + t("communities.detail_unknown_risk", count=community.risk[""])
        lines.append(t("communities.detail_members", count=community.members, mix=mix))
        if community.low_risk:
            lines.append(t("communities.detail_low_risk", count=community.low_risk))
        if community.messages:
            parts = [t(f"communities.messages.{status}", count=count)
                     for status, count in sorted(community.messages.items())
                     if status in ("draft", "submitted", "approved", "rejected", "sent")]
            lines.append(t("communities.detail_messages", counts=" · ".join(parts)))
            for row in self.messages.get(community.name, []):
                when = (row["sent_at"] or row["created_at"] or "")[:10]
                head = f"  #{row['id']} {t('messages.status.' + row['status'])} {when}  "
                # One line each: the start of the text is enough to recognise it.
                lines.append(head + fit(" ".join(row["text"].split()), 72 - cell_len(head)))
        else:
            lines.append(t("communities.detail_no_messages"))
        return "\n".join(lines)

    # --- actions -------------------------------------------------------------------------------

    def _chosen(self) -> Community | None:
        community = self.current
        if community is None:
            self.notify(t("communities.nothing_selected"), severity="warning", markup=False)
        return community

    def _advisor_options(self, current: str | None) -> list[tuple[str, str]]:
        names = sorted({*self.advisors, *([current] if current else [])})
        return [(t("communities.advisor_nobody"), NOBODY), *[(name, name) for name in names]]

    def _open(self, title: str, fields: list[FormField], submit, note: str = "",
              ok: str | None = None) -> None:
        # When the dialog closes this screen resumes and reads the list again.
        self.app.push_screen(FormDialog(title, fields, submit, note=note, ok_label=ok))

    def _done(self, key: str, keep: str, **params: object) -> None:
        self._changed = keep
        self.notify(t(key, **params), markup=False)

    def action_new_community(self) -> None:
        def submit(values: Values) -> None:
            advisor = None if values["advisor"] == NOBODY else values["advisor"]
            created = communities.create(self.store, self.operator, values["name"], advisor)
            self._done("communities.created", created.name, name=created.name)

        self._open(t("communities.new_title"),
                   [FormField("name", t("communities.field_name")),
                    FormField("advisor", t("communities.field_advisor"), kind="select",
                              value=NOBODY, options=self._advisor_options(None))],
                   submit, note=t("communities.new_note"))

    def action_rename(self) -> None:
        community = self._chosen()
        if community is None:
            return

        def submit(values: Values) -> None:
            renamed = communities.rename(self.store, self.operator, community.name,
                                         values["name"])
            self._done("communities.renamed", renamed.name, old=community.name,
                       new=renamed.name, count=renamed.members)

        self._open(t("communities.rename_title", name=community.name),
                   [FormField("name", t("communities.field_new_name"), value=community.name)],
                   submit, note=t("communities.rename_note", count=community.members))

    def action_merge(self) -> None:
        community = self._chosen()
        if community is None:
            return
        others = [c.name for c in self.found if c.name != community.name]
        if not others:
            self.notify(t("communities.nothing_to_merge"), severity="warning", markup=False)
            return

        def submit(values: Values) -> None:
            merged = communities.merge(self.store, self.operator, community.name, values["into"])
            self._done("communities.merged", merged.name, source=community.name,
                       target=merged.name, count=merged.members)

        self._open(t("communities.merge_title", name=community.name),
                   [FormField("into", t("communities.field_into"), kind="select", value=others[0],
                              options=[(name, name) for name in others])],
                   submit, note=t("communities.merge_note", name=community.name,
                                  count=community.members),
                   ok=t("communities.merge_ok"))

    def action_set_advisor(self) -> None:
        community = self._chosen()
        if community is None:
            return

        def submit(values: Values) -> None:
            advisor = None if values["advisor"] == NOBODY else values["advisor"]
            changed = communities.set_advisor(self.store, self.operator, community.name, advisor)
            if changed.advisor:
                self._done("communities.advisor_set", changed.name, name=changed.name,
                           advisor=changed.advisor)
            else:
                self._done("communities.advisor_cleared", changed.name, name=changed.name)

        self._open(t("communities.advisor_title", name=community.name),
                   [FormField("advisor", t("communities.field_advisor"), kind="select",
                              value=community.advisor or NOBODY,
                              options=self._advisor_options(community.advisor))],
                   submit)

    async def action_show_members(self) -> None:
        """The community's members in the roster (its filter set to this community)."""
        from branchdesk.screens.roster import RosterScreen

        community = self._chosen()
        if community is None:
            return
        await self.app.switch_mode("roster")
        if isinstance(self.app.screen, RosterScreen):
            self.app.screen.show_community(community.name)

    def action_reload(self) -> None:
        self.reload_data()

    # --- palette ---------------------------------------------------------------------------------

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand(t("communities.cmd.members"), t("communities.cmd.members_help"),
                           self.action_show_members, "select_cursor"),
            PaletteCommand(t("communities.cmd.new"), t("communities.cmd.new_help"),
                           self.action_new_community, "new_community"),
            PaletteCommand(t("communities.cmd.rename"), t("communities.cmd.rename_help"),
                           self.action_rename, "rename"),
            PaletteCommand(t("communities.cmd.merge"), t("communities.cmd.merge_help"),
                           self.action_merge, "merge"),
            PaletteCommand(t("communities.cmd.advisor"), t("communities.cmd.advisor_help"),
                           self.action_set_advisor, "set_advisor"),
        ]
