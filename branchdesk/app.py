"""The BranchDesk app: modes (top-level areas), global keys, command palette, language and
theme switches, and the safety net that turns a user-caused error into a notification.

Each area is a Textual mode with its own screen stack: "roster" today; "compose", "events"
and "dashboard" slot into MODES the same way.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from typing import Any, ClassVar

from textual._context import active_app
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.notifications import Notification, Notify
from textual.screen import Screen
from textual.widgets import Input, TextArea
from textual.worker import WorkerFailed

from branchdesk.commands import BranchDeskCommands
from branchdesk.errors import UserError
from branchdesk.i18n import get_language, set_language, t
from branchdesk.screens.base import HoldsUnsavedWork, Relabels, Reloads
from branchdesk.screens.help import HelpScreen
from branchdesk.screens.roster import RosterScreen
from branchdesk.services import staff
from branchdesk.settings import Settings
from branchdesk.store.database import Store
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.errors import error_text, is_user_facing
from branchdesk.widgets.translated_bindings import translate_bindings, translate_textual_bindings

# What works on the sign-in screen: help, language, theme, quitting, moving between fields.
SIGN_IN_ACTIONS = frozenset({"quit", "help", "switch_language", "toggle_theme", "focus_next",
                             "focus_previous", "help_quit"})
SIGN_IN_HINT_SECONDS = 6  # a hint, not a warning: long enough to read, then out of the way
DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


def retranslate_bindings(node: DOMNode) -> None:
    """Binding descriptions in the current language, from the class's catalog keys."""
    merged = type(node)._merged_bindings
    if merged is None:
        return
    node._bindings = merged.copy()
    translate_bindings(node)


@dataclass(frozen=True)
class Area:
    """A top-level area whose screen module is imported the first time it is opened, so
    start-up does not pay for it (the compliance engine behind "compose" takes ~0.2 s).
    Carries the screen's TITLE_KEY and AREA_HELP for the palette, which lists every area."""

    module: str  # under branchdesk.screens
    screen: str
    TITLE_KEY: str
    AREA_HELP: str = "app.cmd.area_help"

    def __call__(self) -> Screen:
        screen = getattr(import_module(f"branchdesk.screens.{self.module}"), self.screen)()
        # Textual 8.2 re-parses every style sheet of the app and restyles every widget, twice,
        # when a mode's screen first opens (its CSS counter starts at -1): 0.1-0.2 s of the
        # first open of every area. A new screen's widgets are styled as they mount, from the
        # app's current rules (all area styles load at start, CSS_PATH), so nothing is stale:
        # mark it as current. A screen built earlier still restyles after a theme change.
        screen._css_update_count = active_app.get()._css_update_count
        return screen


class BranchDeskApp(App[None]):
    # Every area's styles load at start: a screen's own CSS file makes Textual re-parse and
    # re-apply every style when the screen first opens (0.3-0.5 s).
    CSS_PATH: ClassVar[list[str]] = ["app.tcss", "screens/roster.tcss", "screens/events.tcss",
                                     "screens/engagement.tcss", "screens/dashboard.tcss"]
    MODES: ClassVar[dict[str, Any]] = {
        "roster": RosterScreen,  # home: needed at once
        "compose": Area("compose", "ComposeScreen", "compose.title", "compose.cmd.open_help"),
        "review": Area("review", "ReviewScreen", "review.title", "review.cmd.open_help"),
        "rules": Area("rules", "RulesScreen", "rules_screen.title", "rules_screen.cmd.open_help"),
        "staff": Area("staff", "StaffScreen", "staff_screen.title", "staff_screen.cmd.open_help"),
        "events": Area("events", "EventsScreen", "events_screen.title",
                       "events_screen.cmd.open_help"),
        "reactivation": Area("reactivation", "ReactivationScreen", "engagement_screens.reactivation_title",
                             "engagement_screens.cmd.reactivation_help"),
        "followups": Area("followups", "FollowUpsScreen", "engagement_screens.followups_title",
                          "engagement_screens.cmd.followups_help"),
        "complaints": Area("complaints", "ComplaintsScreen", "engagement_screens.complaints_title",
                           "engagement_screens.cmd.complaints_help"),
        "audit": Area("audit_trail", "AuditTrailScreen", "audit_screen.title",
                      "audit_screen.cmd.open_help"),
        "communities": Area("communities", "CommunitiesScreen", "communities.title",
                            "communities.cmd.open_help"),
        "dashboard": Area("dashboard", "DashboardScreen", "dashboard.title", "dashboard.cmd.open_help"),
    }
    DEFAULT_MODE = "roster"
    # Textual's own system commands are English-only: ours replace them.
    COMMANDS: ClassVar[set[Any]] = {BranchDeskCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "app.key.quit", show=False, priority=True),
        Binding("f1,question_mark", "help", "app.key.help"),
        # Shown in the roster's footer (it binds them again); here they work everywhere.
        Binding("m", "switch_mode('compose')", "compose.key.open", show=False),
        Binding("v", "switch_mode('review')", "review.key.open", show=False),
        Binding("e", "switch_mode('events')", "events_screen.key.area", show=False),
        Binding("g", "switch_mode('communities')", "communities.key.open", show=False),
        Binding("w", "switch_mode('reactivation')", "engagement_screens.key.open_reactivation", show=False),
        Binding("t", "switch_mode('followups')", "engagement_screens.key.open_followups", show=False),
        Binding("k", "switch_mode('complaints')", "engagement_screens.key.open_complaints", show=False),
        Binding("b", "switch_mode('dashboard')", "dashboard.key.open", show=False),
        Binding("f2", "switch_language", "app.key.language", show=False),
        Binding("f3", "toggle_theme", "app.key.theme", show=False),
        Binding("f4", "sign_out", "sign_out.key", show=False),  # only on a branch with staff
        Binding("ctrl+p", "command_palette", "app.key.palette", show=False, priority=True),
        # Screens bind Tab already; these lines are here so the help screen lists them.
        Binding("tab", "focus_next", "app.key.next_field", show=False),
        Binding("shift+tab", "focus_previous", "app.key.previous_field", show=False),
    ]

    def __init__(self, settings: Settings, store: Store, *, today: date | None = None) -> None:
        """`today` fixes the date used for dormant markers (tests, snapshots); None: the real date."""
        super().__init__()
        self.settings = settings
        self.store = store
        self.today = today
        self.theme = DARK_THEME
        self.startup_notices: list[str] = [w.message for w in store.warnings]
        # Once a branch has staff, nobody works until someone signs in (see signed_in).
        self.signing_in = staff.has_staff(store)
        self.hint_sign_in = False  # run_app: on a branch without staff, say how to set it up
        self._sign_in_hint: Notification | None = None  # while shown: said again after F2
        translate_bindings(self)
        translate_textual_bindings()

    def on_mount(self) -> None:
        for notice in self.startup_notices:  # a repaired audit log, a failed daily backup
            self.notify(notice, severity="warning", timeout=20, markup=False)
        if self.hint_sign_in and not self.signing_in:
            self._say_sign_in_hint()
        if self.signing_in:
            from branchdesk.screens.signin import SignInScreen

            self.push_screen(SignInScreen(self.settings.operator if staff.is_active_staff(
                self.store, self.settings.operator) else ""), self.signed_in)

    def _say_sign_in_hint(self) -> None:
        """How to set up staff, briefly (it covers the corner of the screen while shown)."""
        self._sign_in_hint = Notification(t("signin.no_staff_hint", name=self.settings.operator),
                                          timeout=SIGN_IN_HINT_SECONDS)
        self.post_message(Notify(self._sign_in_hint))

    def _resay_sign_in_hint(self) -> None:
        """After a language switch, a hint still on screen is said again in the new language."""
        hint = self._sign_in_hint
        if hint is None or hint.has_expired or hint not in self._notifications:
            return
        self._unnotify(hint)
        self._say_sign_in_hint()

    def signed_in(self, name: str | None) -> None:
        """Everything from now on is recorded under the signed-in person's name."""
        if not name:
            return
        self.settings.operator = name
        self.signing_in = False
        for screen in self._all_screens():
            for header in screen.query(AppHeader):
                header.refresh()
        self.screen.refresh_bindings()
        self.notify(t("signin.signed_in", name=name, role=t(f"staff.role.{staff.role_of(self.store, name)}")),
                    markup=False)

    async def action_sign_out(self) -> None:
        """The person at the keyboard leaves: the sign-in screen, without quitting. The other
        areas start afresh for whoever signs in next (nothing the last person typed or
        revealed there stays); this one is at its own screen (see check_action)."""
        from branchdesk.screens.sign_out import reset_other_areas
        from branchdesk.screens.signin import SignInScreen

        staff.sign_out(self.store, self.settings.operator)
        self.signing_in = True
        await reset_other_areas(self)
        self.push_screen(SignInScreen(""), self.signed_in)
        self.notify(t("sign_out.done", name=self.settings.operator), markup=False)

    # --- areas and screens -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A letter that opens an area would be typed into a text field: shown (and acting)
        # only when none has focus, not in the area it opens, and not over a screen pushed
        # on top of an area (the import wizard, a member card, a dialog).
        if self.signing_in and action not in SIGN_IN_ACTIONS:
            return False  # before sign-in: no areas, no palette
        if action == "switch_mode":
            return not (isinstance(self.screen.focused, (Input, TextArea))
                        or parameters[:1] == (self.current_mode,)
                        or len(self.screen_stack) > 1)
        if action == "sign_out":
            return self._can_sign_out()
        return True

    async def action_switch_mode(self, mode: str) -> None:
        """An area opened for the first time takes a moment to build (the dashboard computes
        the week's figures): the screen left shows a busy sign at once, until it is up."""
        if mode in self._screen_stacks or not isinstance(self.MODES.get(mode), Area):
            await self.switch_mode(mode)
            return
        left = self.screen
        left.loading = True
        self.call_after_refresh(self._switch_when_painted, mode, left)

    async def _switch_when_painted(self, mode: str, left: Screen) -> None:
        try:
            await self.switch_mode(mode)
        finally:
            left.loading = False

    def _can_sign_out(self) -> bool:
        """On a branch with staff, from an area's own screen (the palette may be open over it),
        never over a card or a dialog left half done."""
        from textual.command import CommandPalette

        screens = [s for s in self.screen_stack if not isinstance(s, CommandPalette)]
        return len(screens) == 1 and staff.has_staff(self.store)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_import_roster(self) -> None:
        try:
            from branchdesk.screens.import_wizard import ImportWizardScreen
        except ModuleNotFoundError as error:
            if error.name != "branchdesk.screens.import_wizard":
                raise
            feature = t("app.feature.import_wizard")
            self.notify(t("app.not_ready", feature=feature), severity="warning")
            return
        if not isinstance(self.screen, ImportWizardScreen):
            self.push_screen(ImportWizardScreen(), self._import_closed)

    async def action_export_review(self) -> None:
        """The weekly review workbook from any area: the dashboard, then its export dialog."""
        from branchdesk.screens.dashboard import DashboardScreen

        await self.switch_mode("dashboard")
        if isinstance(self.screen, DashboardScreen):
            self.screen.export_when_ready()

    def _import_closed(self, imported: Any) -> None:
        """The wizard dismisses with what it imported (a report or True), or None/False."""
        if not imported:
            return
        self.reload_data()
        self.notify(t("app.import_done"))

    def reload_data(self) -> None:
        """Every open screen that shows data reads it again."""
        for screen in self._all_screens():
            if isinstance(screen, Reloads):
                screen.reload_data()

    def _all_screens(self) -> list[Any]:
        return [screen for stack in self._screen_stacks.values() for screen in stack]

    # --- language and theme ----------------------------------------------------------------------

    async def action_switch_language(self) -> None:
        language = "en" if get_language() == "zh" else "zh"
        set_language(language)
        self.settings.language = language
        await self.relabel()
        self._resay_sign_in_hint()
        self.notify(t("app.language_switched"))

    async def relabel(self) -> None:
        """Every label in the new language. A screen with `relabel()` updates in place (keeping
        what the user typed); any other screen is composed again."""
        translate_textual_bindings()
        retranslate_bindings(self)
        for screen in self._all_screens():
            for node in screen.walk_children(with_self=True):
                retranslate_bindings(node)
            if isinstance(screen, Relabels):
                screen.relabel()
            else:
                await screen.recompose()
        self.screen.refresh_bindings()

    def action_toggle_theme(self) -> None:
        dark = self.theme != DARK_THEME
        self.theme = DARK_THEME if dark else LIGHT_THEME
        name = t("app.theme_dark") if dark else t("app.theme_light")
        self.notify(t("app.theme_switched", theme=name))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        # Textual's palette, with our placeholder text in the user's language.
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=t("app.palette_placeholder"),
                                            id="--command-palette"))

    async def action_quit(self) -> None:
        """Ctrl+Q and the palette's Quit: at once, unless a screen (in any area) holds unsaved
        changes; then ask. Asked already, Ctrl+Q again quits."""
        from branchdesk.widgets.quit_dialog import QuitWithUnsavedScreen

        where = [screen.unsaved_work_title() for screen in self._all_screens()
                 if isinstance(screen, HoldsUnsavedWork) and screen.has_unsaved_changes()]
        if not where or isinstance(self.screen, QuitWithUnsavedScreen):
            self.exit()
            return
        self.push_screen(QuitWithUnsavedScreen(where), self._quit_answered)

    def _quit_answered(self, quit_anyway: bool | None) -> None:
        if quit_anyway:
            self.exit()

    def action_help_quit(self) -> None:
        """Ctrl+C copies in a text field; say how to quit, in the user's language."""
        self.notify(t("app.quit_hint"), title=t("app.quit_title"))

    # --- errors ----------------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """A locked database, a failed write or a bad value becomes a notification and the app
        goes on (the transaction already rolled back). Anything else is a bug: Textual's
        handling shows the traceback."""
        cause = error.error if isinstance(error, WorkerFailed) else error
        if is_user_facing(cause):
            self.notify(error_text(cause), severity="error", timeout=10)
            return
        super()._handle_exception(error)


def run_app(settings: Settings, *, demo: bool = False) -> int:
    """Open the database and run the app; a database that cannot be opened is one message."""
    from branchdesk.store.database import open_store

    set_language(settings.language)
    from branchdesk.services.backup import daily_on_start

    backup_failure = daily_on_start(settings)
    try:
        store = open_store(settings.db_path)
    except UserError as error:
        print(f"branchdesk: {error.message}", file=sys.stderr)
        return 2
    if not settings.branch_name:  # not configured: the branch most members belong to
        from branchdesk.services.roster import main_branch

        settings.branch_name = main_branch(store) or ""
    try:
        app = BranchDeskApp(settings, store)
        if backup_failure:
            app.startup_notices.append(backup_failure)
        app.hint_sign_in = not demo  # the demo is for looking round: no set-up advice
        app.run()
    finally:
        store.close()
    return app.return_code or 0
