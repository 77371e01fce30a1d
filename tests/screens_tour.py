"""Every screen of the app, reached the way a person gets there, for tests that look at all
of them (layout at 80x24, the palette, snapshots). Not a test module itself."""

from __future__ import annotations

from textual.widgets import DirectoryTree


async def settle_all(pilot) -> None:
    """Workers done (the file tree's folder reader aside: it lives as long as the tree) and
    the screen redrawn."""
    for _ in range(3):
        busy = [w for w in pilot.app.workers if not isinstance(w.node, DirectoryTree)]
        if busy:
            await pilot.app.workers.wait_for_complete(busy)
        await pilot.pause()


async def _palette_area(pilot, words: str) -> None:
    await pilot.press("ctrl+p", *words)
    await pilot.pause()
    await pilot.press("enter")


async def roster(pilot):
    pass


async def roster_search(pilot):
    await pilot.press("slash")


async def roster_filters(pilot):
    await pilot.press("f")


async def roster_empty_search(pilot):
    await pilot.press(*"没有这个人")


async def compose_screen(pilot):
    await pilot.press("m")


async def compose_checked(pilot):
    await pilot.press("m")
    await pilot.pause()
    screen = pilot.app.screen
    screen.editor.load_text("保证年化15%，稳赚不赔，名额有限速来")
    await pilot.pause()  # the editor's Changed first (it starts the typing pause's timer) ...
    screen.check_now()  # ... then the check, which stops that timer: nothing left to fire
    screen.editor.focus()  # where a person left it, the cursor at the start
    screen.editor.move_cursor((0, 0))
    await pilot.pause()


async def review(pilot):
    await pilot.press("v")


async def rules(pilot):
    await pilot.app.switch_mode("rules")


async def rule_editor(pilot):
    await pilot.app.switch_mode("rules")
    await pilot.pause()
    await pilot.press("n")


async def staff(pilot):
    await pilot.app.switch_mode("staff")


async def staff_add(pilot):
    await pilot.app.switch_mode("staff")
    await pilot.pause()
    await pilot.press("n")


async def communities(pilot):
    await pilot.press("g")


async def member_card(pilot):
    await pilot.press("enter")


async def member_card_needs(pilot):
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("ctrl+t")


async def member_card_history(pilot):
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("ctrl+t", "ctrl+t")


async def community_picker(pilot):
    from branchdesk.widgets.communities.field import CommunitiesField

    await pilot.press("enter")
    await pilot.pause()
    pilot.app.screen.query_one(CommunitiesField).focus()
    await pilot.press("enter")


async def import_wizard(pilot):
    await pilot.press("i")


async def dashboard(pilot):
    await pilot.press("b")


async def help_screen(pilot):
    await pilot.press("f1")


TOUR = {
    "roster": roster, "roster-search": roster_search, "roster-filters": roster_filters,
    "roster-no-match": roster_empty_search, "compose": compose_screen,
    "compose-checked": compose_checked, "review": review, "rules": rules,
    "rule-editor": rule_editor, "staff": staff, "staff-add": staff_add,
    "communities": communities, "member-card": member_card,
    "member-card-needs": member_card_needs, "member-card-history": member_card_history,
    "community-picker": community_picker, "import-wizard": import_wizard, "help": help_screen,
    "dashboard": dashboard,
}
