"""The command palette (Ctrl+P): every screen and action, by name, in the user's language.

The app's own commands come first; the screen the palette was opened on adds its own through
`palette_commands()` (a list of (title, help, callback)).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from branchdesk.i18n import t

Command = tuple[str, str, Callable[[], Any]]


class BranchDeskCommands(Provider):
    def commands(self) -> list[Command]:
        app: Any = self.app
        found: list[Command] = []
        # One command per top-level area (a mode): a new area shows up here by itself.
        for mode, screen_type in app.MODES.items():
            title_key = getattr(screen_type, "TITLE_KEY", None)
            if title_key:
                help_key = getattr(screen_type, "AREA_HELP", "app.cmd.area_help")
                found.append((t("app.cmd.area", area=t(title_key)), t(help_key),
                              lambda mode=mode: app.switch_mode(mode)))
        found += [
            (t("app.cmd.import"), t("app.cmd.import_help"), app.action_import_roster),
            (t("app.cmd.help"), t("app.cmd.help_help"), app.action_help),
            (t("app.cmd.language"), t("app.cmd.language_help"), app.action_switch_language),
            (t("app.cmd.theme"), t("app.cmd.theme_help"), app.action_toggle_theme),
        ]
        screen_commands = getattr(self.screen, "palette_commands", None)
        if screen_commands is not None:
            found.extend(screen_commands())
        found.append((t("app.cmd.quit"), t("app.cmd.quit_help"), app.action_quit))
        return found

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            # Match the help text too: "导入" finds the import wizard whatever its title says.
            score = max(matcher.match(title), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
