"""Write a message for a community and check it while typing: the findings marked in the
text, why each is a problem and a rewrite one key away; save drafts (each save after an edit
is a new version) and submit for review.

The screen only gathers the text and shows results: checking.check_text and the messages
service do the work, so the CLI and the app agree on every verdict.
"""

from __future__ import annotations

import sqlite3
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Label, Select, Static, TextArea

from branchdesk.compliance import CheckResult, Verdict, apply_suggestion
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.screens.base import AppContext, PaletteCommand
from branchdesk.services import messages
from branchdesk.services.checking import check_text, checker_for
from branchdesk.services.roster import filter_options
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.errors import error_text
from branchdesk.widgets.findings_panel import FindingsPanel, fix_hint
from branchdesk.widgets.findings_view import FindingsView, VerdictBadge, items_of
from branchdesk.widgets.message_editor import MessageEditor
from branchdesk.widgets.translated_bindings import translate_bindings

CHECK_DELAY = 0.2  # seconds of quiet typing before the text is checked again
NARROW = 100  # below this many columns the panels stack (80x24 stays usable)


class ComposeScreen(AppContext, Screen[None]):
    CSS_PATH = "compose.tcss"
    HELP_SECTION = "compose.help.screen"
    TITLE_KEY = "compose.title"
    AREA_HELP = "compose.cmd.open_help"  # the palette's "Go to …" line
    AUTO_FOCUS = "#compose-editor"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "compose.key.save"),
        Binding("ctrl+r", "submit", "compose.key.submit"),
        Binding("ctrl+n", "next_finding", "compose.key.next_finding", show=False),
        Binding("ctrl+f", "apply_fix", "compose.key.apply_fix"),
        Binding("ctrl+o", "new_message", "compose.key.new", show=False),
        Binding("escape", "leave", "compose.key.roster"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.check_delay = CHECK_DELAY
        self.result: CheckResult | None = None
        self.checked: tuple[str, str | None] | None = None  # (text, community) of `result`
        self.selected: int | None = None
        # The saved version this text continues (None: a new message) and what it holds.
        self.message_id: int | None = None
        self.saved: tuple[str, str | None] | None = None
        self.version = 0
        self.event: tuple[int, str] | None = None  # (id, title) of the event it invites to
        self._timer: Timer | None = None
        self._discard_armed = False
        self.rejected: dict[str, Any] | None = None  # the rejected message being revised

    # --- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE_KEY)
        with Horizontal(id="compose-top"):
            yield Label(t("compose.community"), id="compose-community-label")
            yield Select(self._community_options(), prompt=t("compose.no_community"),
                         id="compose-community", compact=True)
            yield VerdictBadge(id="compose-verdict")
        # Revising a rejected message: why it was rejected, above the text being changed.
        yield Static("", id="compose-reason", markup=False)
        with Horizontal(id="compose-body"):
            with Vertical(id="compose-left"):
                yield MessageEditor(id="compose-editor", soft_wrap=True, show_line_numbers=False,
                                    tab_behavior="focus")
                # Not in the Tab order: editor → findings is the path people take.
                with VerticalScroll(id="compose-preview-box", can_focus=False):
                    yield FindingsView(id="compose-preview")
            yield FindingsPanel(id="compose-side")
        yield Static("", id="compose-status", markup=False)
        yield Footer()

    def _community_options(self) -> list[tuple[str, str]]:
        try:
            names = filter_options(self.store)["community"]
        except sqlite3.Error as error:  # the roster is unreadable: compose without a community
            self.notify(error_text(error), severity="error", markup=False)
            names = []
        self._communities_shown = [(name, name) for name in names]
        return self._communities_shown

    def on_mount(self) -> None:
        self.query_one("#compose-reason").display = False
        self._label_boxes()
        self._warm_up()
        self.check_now()
        self._show_status()

    def on_screen_resume(self) -> None:
        """Back from another area: a community may have been renamed, merged or created."""
        select = self.query_one("#compose-community", Select)
        shown = self._communities_shown
        options = self._community_options()
        if options == shown:
            return
        chosen = select.value
        with self.prevent(Select.Changed):
            select.set_options(options)
            if chosen in {value for _, value in options}:
                select.value = chosen

    def _label_boxes(self) -> None:
        self.query_one("#compose-editor").border_title = t("compose.editor_title")
        self.query_one("#compose-preview-box").border_title = t("compose.preview_title")
        self.query_one("#compose-side").border_title = t("compose.findings_title")

    @work(thread=True, exit_on_error=False, group="compose-warm-up")
    def _warm_up(self) -> None:
        """Build the rule automaton off the UI thread, so the first keystroke is instant."""
        checker_for(self.store)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    @property
    def editor(self) -> MessageEditor:
        return self.query_one("#compose-editor", MessageEditor)

    @property
    def panel(self) -> FindingsPanel:
        return self.query_one(FindingsPanel)

    @property
    def community(self) -> str | None:
        value = self.query_one("#compose-community", Select).value
        return None if value is Select.NULL else str(value)

    @property
    def current(self) -> tuple[str, str | None]:
        return self.editor.text, self.community

    @property
    def unsaved(self) -> bool:
        text, _ = self.current
        return self.current != self.saved and (bool(text.strip()) or self.saved is not None)

    def has_unsaved_changes(self) -> bool:
        return self.unsaved

    def unsaved_work_title(self) -> str:
        return t(self.TITLE_KEY)

    # --- the live check ------------------------------------------------------------------------

    @on(TextArea.Changed, "#compose-editor")
    def _text_changed(self) -> None:
        # Debounced: a burst of typing is checked once, when it pauses.
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.check_delay, self.check_now)
        self._discard_armed = False
        self._show_status()

    @on(Select.Changed, "#compose-community")
    def _community_changed(self) -> None:
        self.check_now()  # suitability depends on who is in the group
        self._show_status()

    def check_now(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text, community = self.current
        try:
            # Nothing written, nothing to find: and the rule automaton, still being built
            # by the warm-up when the screen opens, is not waited for.
            self.result = check_text(self.store, text, community) if text.strip() else \
                CheckResult(Verdict.PASS, [], "")
        except (UserError, sqlite3.Error) as error:  # a locked database must not end the app
            self.notify(error_text(error), severity="error", markup=False)
            return
        self.checked = (text, community)
        findings = self.result.findings
        if self.selected is not None:
            self.selected = min(self.selected, len(findings) - 1) if findings else None
        elif findings:
            self.selected = 0
        self._show_result()

    def _fresh_result(self) -> CheckResult | None:
        """The check of the text as it is now (checked at once if typing is still pending)."""
        if self.checked != self.current:
            self.check_now()
        return self.result

    def _show_result(self) -> None:
        result = self.result
        if result is None:
            return
        items = items_of(result.findings)
        text = self.checked[0] if self.checked else ""
        self.query_one(FindingsView).show(text, items, self.selected)
        self.query_one(VerdictBadge).show_verdict(result.verdict.value, len(items))
        self.panel.show(items, self.selected, [fix_hint(f) for f in result.findings])

    @property
    def verdict(self) -> str:
        return self.result.verdict.value if self.result else Verdict.PASS.value

    @on(FindingsPanel.Chosen)
    def _finding_chosen(self, event: FindingsPanel.Chosen) -> None:
        self.selected = event.index
        self._show_marks()

    @on(FindingsPanel.Applied)
    def _finding_applied(self, event: FindingsPanel.Applied) -> None:
        self.selected = event.index
        self.action_apply_fix()

    def _show_marks(self) -> None:
        view = self.query_one(FindingsView)
        view.show(view.text, view.items, self.selected)

    # --- actions -------------------------------------------------------------------------------

    def action_next_finding(self) -> None:
        result = self._fresh_result()
        if not result or not result.findings:
            self.notify(t("compose.no_findings"), markup=False)
            return
        count = len(result.findings)
        self.selected = 0 if self.selected is None else (self.selected + 1) % count
        self.panel.select(self.selected)
        self._show_marks()

    def action_apply_fix(self) -> None:
        result = self._fresh_result()
        if not result or self.selected is None or not result.findings:
            self.notify(t("compose.no_findings"), markup=False)
            return
        finding = result.findings[self.selected]
        old = self.editor.text
        try:
            new = apply_suggestion(old, finding)
        except ValueError:  # the text moved under the finding: check again, then retry
            self.check_now()
            self.notify(t("compose.fix_stale"), severity="warning", markup=False)
            return
        if new == old:
            self.notify(t("compose.fix_manual"), severity="warning", markup=False)
            return
        self.editor.change_text_to(new)
        self.check_now()
        self.notify(t("compose.fix_applied"), markup=False)

    def action_save(self) -> dict[str, Any] | None:
        """Save the text as a draft (a new version when it continues a saved one)."""
        if self.message_id is not None and not self.unsaved:
            self.notify(t("compose.nothing_to_save"), markup=False)
            return messages.get_message(self.store, self.message_id)
        text, community = self.current
        try:
            row = messages.save_draft(self.store, self.operator, text, community,
                                      previous_id=self.message_id,
                                      event_id=self.event[0] if self.event else None)
        except UserError as error:
            self.notify(error.message, severity="error", markup=False)
            return None
        self.message_id, self.saved = row["id"], (text, community)
        self.version = len(messages.history(self.store, row["id"]))
        self._show_status()
        self.notify(t("compose.saved", id=row["id"], version=self.version,
                      verdict=t(f"compliance.verdict.{row['verdict']}")), markup=False)
        return row

    def action_submit(self) -> None:
        row = self.action_save() if self.unsaved or self.message_id is None else \
            messages.get_message(self.store, self.message_id)
        if row is None:
            return
        try:
            messages.submit(self.store, self.operator, row["id"])
        except UserError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        self.notify(t("compose.submitted", id=row["id"]), markup=False)
        self.start_new()

    def action_new_message(self) -> None:
        if self.unsaved and not self._discard_armed:
            self._discard_armed = True  # a second press discards
            self.notify(t("compose.discard_question"), severity="warning", markup=False)
            return
        self.start_new()

    def start_new(self) -> None:
        self.message_id, self.saved, self.version, self.selected = None, None, 0, None
        self.event = None
        self._discard_armed = False
        self._show_reason(None)
        self.editor.load_text("")
        self.check_now()
        self._show_status()
        self.editor.focus()

    def load_message(self, row: dict[str, Any]) -> None:
        """Continue a saved draft or a rejected message: the next save is its new version."""
        self.message_id = row["id"]
        self.saved = (row["text"], row["community"])
        self.event = (row["event_id"], "") if row.get("event_id") else None
        self.version = len(messages.history(self.store, row["id"]))
        self.selected = None
        self._show_reason(row if row["status"] == "rejected" else None)
        self.editor.load_text(row["text"])
        select = self.query_one("#compose-community", Select)
        with self.prevent(Select.Changed):
            known = {value for _, value in self._community_options()}
            select.value = row["community"] if row["community"] in known else Select.NULL
        self.check_now()
        self._show_status()
        self.editor.focus()

    def link_event(self, event_id: int, title: str) -> None:
        """Write an event's invitation: a new message (unless unsaved text is waiting), saved
        linked to the event, checked and reviewed like any other."""
        if not self.unsaved:
            self.start_new()
        self.event = (event_id, title)
        self._show_status()
        self.editor.focus()

    def _show_reason(self, rejected: dict[str, Any] | None) -> None:
        self.rejected = rejected
        box = self.query_one("#compose-reason", Static)
        box.display = rejected is not None
        if rejected is not None:
            box.update(t("compose.rejected_reason", id=rejected["id"],
                         reviewer=rejected["reviewer"] or "—",
                         reason=rejected["review_reason"] or "—"))

    def action_leave(self) -> None:
        self.app.switch_mode("roster")

    # --- status, language, palette -------------------------------------------------------------

    def _show_status(self) -> None:
        if self.message_id is None:
            status = t("compose.status_new")
        else:
            status = t("compose.status_draft", id=self.message_id, version=self.version)
        if self.event is not None:
            status += "  " + t("compose_event.linked", id=self.event[0], title=self.event[1])
        if self.unsaved:
            status += "  " + t("compose.status_unsaved")
        self.query_one("#compose-status", Static).update(status)

    def relabel(self) -> None:
        """The language changed: labels in place, the text and the check kept."""
        self.query_one(AppHeader).refresh()
        self.query_one("#compose-community-label", Label).update(t("compose.community"))
        self.query_one("#compose-community", Select).prompt = t("compose.no_community")
        self._label_boxes()
        self._show_reason(self.rejected)
        self.check_now()  # explanations come in the new language
        self._show_status()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand(t("compose.cmd.save"), t("compose.cmd.save_help"), self.action_save,
                           "save"),
            PaletteCommand(t("compose.cmd.submit"), t("compose.cmd.submit_help"),
                           self.action_submit, "submit"),
            PaletteCommand(t("compose.cmd.apply_fix"), t("compose.cmd.apply_fix_help"),
                           self.action_apply_fix, "apply_fix"),
            PaletteCommand(t("compose.cmd.new"), t("compose.cmd.new_help"),
                           self.action_new_message, "new_message"),
        ]
