"""The review queue: submitted messages, oldest first; the selected one's text with its
findings marked; approve (the reviewer's own name and password, an override reason for a
blocked message), reject with a reason, mark an approved message as sent, or take a draft
or rejected message back to the compose screen.

The messages service decides who may approve what; this screen collects the name,
password and reason and shows what the service says.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Label, Static

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.screens.base import PaletteCommand
from branchdesk.screens.record_list import RecordListScreen
from branchdesk.services import messages
from branchdesk.services.staff import Credentials
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.findings_panel import FindingsPanel
from branchdesk.widgets.findings_view import FindingsView, items_of
from branchdesk.widgets.form_dialog import FormDialog, FormField, Values
from branchdesk.widgets.row_table import RowTable
from branchdesk.widgets.translated_bindings import translate_bindings

COLUMNS = ("id", "author", "community", "verdict", "status", "age")
# Rich styles: DataTable measures rich Text (a Content cell would be cut to the header's width).
VERDICT_STYLE = {"block": "bold red", "warn": "yellow", "pass": "green"}


def age_text(stamp: str | None, now: datetime | None = None) -> str:
    """How long ago an ISO timestamp was, in the largest whole unit."""
    if not stamp:
        return ""
    try:
        then = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    minutes = max(0, int(((now or datetime.now(UTC)) - then).total_seconds() // 60))
    if minutes < 1:
        return t("review.age_now")
    if minutes < 60:
        return t("review.age_minutes", n=minutes)
    if minutes < 24 * 60:
        return t("review.age_hours", n=minutes // 60)
    return t("review.age_days", n=minutes // (24 * 60))


class MessageTable(RowTable):
    HELP_SECTION = "review.help.list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "review.key.show", show=False),
    ]


class ReviewScreen(RecordListScreen):
    CSS_PATH = "review.tcss"
    HELP_SECTION = "review.help.screen"
    TITLE_KEY = "review.title"
    AREA_HELP = "review.cmd.open_help"  # the palette's "Go to …" line
    AUTO_FOCUS = "#review-list"
    COLUMNS = COLUMNS
    COLUMN_TITLES = "review.col"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "approve", "review.key.approve"),
        Binding("x", "reject", "review.key.reject"),
        Binding("s", "mark_sent", "review.key.sent"),
        Binding("c", "copy_text", "review.key.copy"),
        # Out of the footer for room at 80 columns: the message's line says when e applies,
        # the heading names t; both are in the help and the palette.
        Binding("e", "revise", "review.key.revise", show=False),
        Binding("t", "toggle_list", "review.key.toggle", show=False),
        Binding("f5", "reload", "review.key.reload", show=False),
        Binding("escape", "leave", "review.key.roster"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.show_all = False  # False: the queue; True: recent messages of every status
        self.rows: dict[int, dict[str, Any]] = {}
        self.current_id: int | None = None

    # --- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE_KEY)
        yield Label("", id="review-heading", markup=False)
        yield MessageTable(id="review-list")
        with Horizontal(id="review-detail"):
            with Vertical(id="review-message"):
                yield Static("", id="review-info", markup=False)
                with VerticalScroll(id="review-text-box"):
                    yield FindingsView(id="review-text")
            yield FindingsPanel(applicable=False, id="review-findings")
        yield Footer()

    def on_mount(self) -> None:
        # The list is read by RecordListScreen.on_mount, which Textual calls after this one.
        self.query_one("#review-findings").border_title = t("compose.findings_title")

    # --- reading -------------------------------------------------------------------------------

    def reload_data(self) -> None:
        found = messages.recent(self.store) if self.show_all else messages.review_queue(self.store)
        self.rows = {row["id"]: row for row in found}
        table = self.table
        keep = self.current_id
        table.clear()
        now = datetime.now(UTC)
        for row in found:
            verdict = row["verdict"]
            table.add_row(
                f"#{row['id']}", Text(row["author"]), Text(row["community"] or "—"),
                Text(t(f"compliance.verdict.{verdict}"), style=VERDICT_STYLE.get(verdict, "")),
                t(f"messages.status.{row['status']}"),
                age_text(row["submitted_at"] or row["created_at"], now), key=str(row["id"]))
        if keep in self.rows:
            table.move_cursor(row=table.get_row_index(str(keep)))
        self._show_heading()
        self._show_current()

    def _show_heading(self) -> None:
        key = "review.heading_all" if self.show_all else "review.heading_queue"
        self.query_one("#review-heading", Label).update(t(key, count=len(self.rows)))

    @property
    def current(self) -> dict[str, Any] | None:
        return self.record_at_cursor(self.rows, int)

    @on(DataTable.RowHighlighted, "#review-list")
    def _row_highlighted(self) -> None:
        self._show_current()

    @on(DataTable.RowSelected, "#review-list")
    def _row_selected(self) -> None:
        # Enter: read the findings one by one (the text is already shown beside them).
        self._show_current()
        if self.current and self.current["findings"]:
            self.query_one("#findings-list").focus()

    def _show_current(self) -> None:
        row = self.current
        self.current_id = row["id"] if row else None
        info = self.query_one("#review-info", Static)
        view = self.query_one(FindingsView)
        panel = self.query_one(FindingsPanel)
        if row is None:
            info.update(t("review.empty_queue") if not self.show_all else t("review.empty_all"))
            panel.border_subtitle = ""
            view.show("", [], empty=t("review.empty_text_all" if self.show_all
                                      else "review.empty_text_queue"))
            panel.show([], None)
            return
        items = items_of(row["findings"])
        info.update(self._info(row))
        panel.border_subtitle = t("review.pack", pack=row["pack_version"])
        view.show(row["text"], items, 0 if items else None)
        panel.show(items, 0 if items else None)

    def _info(self, row: dict[str, Any]) -> str:
        lines = [t("review.info", id=row["id"], author=row["author"],
                   community=row["community"] or "—",
                   verdict=t(f"compliance.verdict.{row['verdict']}"),
                   status=t(f"messages.status.{row['status']}"))]
        if row["reviewer"]:
            lines.append(t("review.info_reviewer", reviewer=row["reviewer"]))
        if row["override_reason"]:
            lines.append(t("review.info_override", reason=row["override_reason"]))
        if row["review_reason"]:
            lines.append(t("review.info_reason", reason=row["review_reason"]))
        next_step = {"approved": "review.next_approved", "sent": "review.next_sent",
                     "rejected": "review.next_rejected", "draft": "review.next_draft"}
        if row["status"] in next_step:
            lines.append(t(next_step[row["status"]]))
        return "\n".join(lines)

    @on(FindingsPanel.Chosen)
    def _finding_chosen(self, event: FindingsPanel.Chosen) -> None:
        view = self.query_one(FindingsView)
        view.show(view.text, view.items, event.index)

    # --- actions -------------------------------------------------------------------------------

    def _chosen(self, statuses: tuple[str, ...]) -> dict[str, Any] | None:
        """The selected message if it is in one of `statuses`; else say why not."""
        row = self.current
        if row is None:
            self.notify(t("review.nothing_selected"), severity="warning", markup=False)
            return None
        if row["status"] not in statuses:
            self.notify(t("review.not_now", id=row["id"],
                          status=t(f"messages.status.{row['status']}")),
                        severity="warning", markup=False)
            return None
        return row

    def _reviewers_exist(self) -> bool:
        """No staff yet (a demo): said at once, with how to set one up, not after a password."""
        try:
            messages.require_reviewers(self.store)
        except UserError as error:
            self.notify(error.message, severity="error", markup=False, timeout=20)
            return False
        return True

    def _credentials(self) -> list[FormField]:
        return [FormField("name", t("review.field_name"), value=self.operator),
                FormField("password", t("review.field_password"), kind="password")]

    def action_approve(self) -> None:
        row = self._chosen(("submitted",))
        if row is None or not self._reviewers_exist():
            return
        fields = self._credentials()
        note = t("review.approve_note", id=row["id"], author=row["author"])
        if row["verdict"] == "block":
            # The service insists on a reason; asking for it here saves a round trip.
            fields.append(FormField("reason", t("review.field_override")))
            note += "\n" + t("review.approve_block_note")

        def submit(values: Values) -> None:
            messages.approve(self.store, Credentials(values["name"].strip(), values["password"]),
                             row["id"], values.get("reason"))

        self.app.push_screen(
            FormDialog(t("review.approve_title"), fields, submit, note=note,
                       ok_label=t("review.approve_ok")),
            lambda done: self._reviewed(done, "review.approved", row["id"]))

    def action_reject(self) -> None:
        row = self._chosen(("submitted",))
        if row is None or not self._reviewers_exist():
            return
        fields = [*self._credentials(), FormField("reason", t("review.field_reason"))]

        def submit(values: Values) -> None:
            messages.reject(self.store, Credentials(values["name"].strip(), values["password"]),
                            row["id"], values["reason"])

        self.app.push_screen(
            FormDialog(t("review.reject_title"), fields, submit,
                       note=t("review.reject_note", id=row["id"], author=row["author"]),
                       ok_label=t("review.reject_ok")),
            lambda done: self._reviewed(done, "review.rejected", row["id"]))

    def _reviewed(self, done: bool | None, key: str, message_id: int) -> None:
        if done:
            self.notify(t(key, id=message_id), markup=False)
            self.reload_data()

    def action_mark_sent(self) -> None:
        row = self._chosen(("approved",))
        if row is None:
            return
        try:
            messages.mark_sent(self.store, self.operator, row["id"])
        except UserError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        self.notify(t("review.marked_sent", id=row["id"]), markup=False)
        self.reload_data()

    def action_copy_text(self) -> None:
        """The approved text on the clipboard, to paste into the group as it was approved."""
        row = self._chosen(("approved", "sent"))
        if row is None:
            return
        self.app.copy_to_clipboard(row["text"])
        self.notify(t("review.copied", id=row["id"], chars=len(row["text"])), markup=False)

    async def action_revise(self) -> None:
        from branchdesk.screens.compose import ComposeScreen

        row = self._chosen(("draft", "rejected"))
        if row is None:
            return
        await self.app.switch_mode("compose")
        if isinstance(self.app.screen, ComposeScreen):
            self.app.screen.load_message(row)

    def action_toggle_list(self) -> None:
        self.show_all = not self.show_all
        self.reload_data()

    def action_reload(self) -> None:
        self.reload_data()

    # --- language and palette ------------------------------------------------------------------

    def relabel(self) -> None:
        self.query_one("#review-findings").border_title = t("compose.findings_title")
        super().relabel()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand(t("review.cmd.approve"), t("review.cmd.approve_help"),
                           self.action_approve, "approve"),
            PaletteCommand(t("review.cmd.reject"), t("review.cmd.reject_help"),
                           self.action_reject, "reject"),
            PaletteCommand(t("review.cmd.copy"), t("review.cmd.copy_help"),
                           self.action_copy_text, "copy_text"),
            PaletteCommand(t("review.cmd.sent"), t("review.cmd.sent_help"),
                           self.action_mark_sent, "mark_sent"),
            PaletteCommand(t("review.cmd.revise"), t("review.cmd.revise_help"),
                           self.action_revise, "revise"),
            PaletteCommand(t("review.cmd.toggle"), t("review.cmd.toggle_help"),
                           self.action_toggle_list, "toggle_list"),
        ]
