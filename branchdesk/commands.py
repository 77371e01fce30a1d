"""The command palette (Ctrl+P): every screen and action, by name, in the user's language.

Three sources, in this order:
1. the app's own commands: one per area (mode), the import wizard, help, language, theme;
2. the commands of the screen the palette was opened on, when it offers some (`HasCommands`);
3. every key the screen (or a widget on it that names a help section) binds and that no
   command above claims: so an action that has a key is always in the palette too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.actions import parse
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen

from branchdesk.i18n import get_language, speaking, t
from branchdesk.screens.base import HasCommands, PaletteCommand
from branchdesk.screens.help import is_catalog_key

# Keys that move around rather than do something: the palette has no use for them.
NAVIGATION = frozenset({"command_palette", "focus_next", "focus_previous", "app.focus_next",
                        "app.focus_previous", "quit", "app.quit"})


def app_commands(app: Any) -> list[PaletteCommand]:
    found: list[PaletteCommand] = []
    # One command per top-level area (a mode): a new area shows up here by itself.
    for mode, screen_type in app.MODES.items():
        title_key = getattr(screen_type, "TITLE_KEY", None)
        if title_key:
            help_key = getattr(screen_type, "AREA_HELP", "app.cmd.area_help")
            found.append(PaletteCommand(t("app.cmd.area", area=t(title_key)), t(help_key),
                                        lambda mode=mode: app.action_switch_mode(mode),
                                        f"switch_mode('{mode}')"))
    found += [
        PaletteCommand(t("app.cmd.import"), t("app.cmd.import_help"), app.action_import_roster,
                       "import_roster"),
        PaletteCommand(t("app.cmd.help"), t("app.cmd.help_help"), app.action_help, "help"),
    ]
    if app.current_mode != "dashboard":  # there, the dashboard's own command does it
        found.append(PaletteCommand(t("app.cmd.export_review"), t("app.cmd.export_review_help"),
                                    app.action_export_review, "export_review"))
    found += [
        PaletteCommand(t("app.cmd.language"), t("app.cmd.language_help"),
                       app.action_switch_language, "switch_language"),
        PaletteCommand(t("app.cmd.theme"), t("app.cmd.theme_help"), app.action_toggle_theme,
                       "toggle_theme"),
    ]
    return found


def _nodes_with_keys(screen: Screen) -> Iterator[DOMNode]:
    """The screen, then the widgets on it that list their keys in the help."""
    yield screen
    for node in screen.query("*"):
        if getattr(node, "HELP_SECTION", None):
            yield node


def key_commands(screen: Screen, claimed: set[str]) -> list[PaletteCommand]:
    """A command for each key bound on the screen (and its widgets with a help section) that
    is available now and that no command claims. A widget's keys count when shown in the
    footer (its cursor keys would only clutter the palette)."""
    app = screen.app
    found: list[PaletteCommand] = []
    for node in [app, *_nodes_with_keys(screen)]:
        merged = type(node)._merged_bindings
        if merged is None:
            continue
        for _key, binding in merged:
            action = binding.action
            if (action in claimed or action in NAVIGATION or not is_catalog_key(binding.description)
                    or (node is not screen and node is not app and not binding.show)):
                continue
            _namespace, name, parameters = parse(action)
            if _namespace or not node.check_action(name, parameters):
                continue
            claimed.add(action)
            keys = app.get_key_display(binding)
            found.append(PaletteCommand(t(binding.description), t("app.cmd.key_help", key=keys),
                                        lambda node=node, action=action: node.run_action(action),
                                        action))
    return found


class BranchDeskCommands(Provider):
    def commands(self) -> list[PaletteCommand]:
        app: Any = self.app
        screen = self.screen
        found = app_commands(app)
        if isinstance(screen, HasCommands):
            found += [PaletteCommand(*command) for command in screen.palette_commands()]
        found += key_commands(screen, {command.action for command in found if command.action})
        found.append(PaletteCommand(t("app.cmd.quit"), t("app.cmd.quit_help"), app.action_quit,
                                    "quit"))
        return found

    async def discover(self) -> Hits:
        for title, help_text, callback, _action in self.commands():
            yield DiscoveryHit(title, callback, help=help_text)

    def other_names(self, commands: list[PaletteCommand]) -> list[tuple[str, str]]:
        """For each command in a Chinese app, its English title and the pinyin initials of
        its title: a bilingual user types "audit" or "sjjl" for 审计记录. In English, none."""
        if get_language() == "en":
            return [("", "")] * len(commands)
        from branchdesk.pinyin_sort import initials

        with speaking("en"):
            english = self.commands()
        if len(english) != len(commands):  # the screen changed in between: no English
            english = []
        return [(english[i].title if english else "", initials(command.title))
                for i, command in enumerate(commands)]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        commands = self.commands()
        for command, (english, letters) in zip(commands, self.other_names(commands), strict=True):
            title, help_text = command.title, command.help
            # Match the help text too: "导入" finds the import wizard whatever its title says.
            score = max(matcher.match(title), matcher.match(help_text) * 0.5)
            shown = matcher.highlight(title)
            by_english = matcher.match(english) if english else 0
            by_letters = matcher.match(letters) if letters else 0
            if by_english > score and by_english >= by_letters:
                # Found by its English name: show that name too, so the hit makes sense.
                score, shown = by_english, Content(title + " · ") + matcher.highlight(english)
            elif by_letters > score:
                score = by_letters
            if score > 0:
                yield Hit(score, shown, command.callback, text=title, help=help_text)
