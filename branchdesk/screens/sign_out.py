"""Signing out (f4, or "Sign out" in the palette): the app asks who is at the keyboard next.

Each area (a Textual mode) keeps its own stack of screens while the app runs: a draft being
written, a member card with a number revealed. Whoever signs in next must not find them, so
every area but the one shown is taken down and set up again from its declared screen (it
opens afresh the next time); the area shown is at its own screen, since signing out is
refused over a card or a dialog (BranchDeskApp.check_action).
"""

from __future__ import annotations

from typing import Any


async def reset_other_areas(app: Any) -> None:
    declared = type(app).MODES
    for mode in list(app._screen_stacks):  # only the areas opened since the app started
        if mode == app.current_mode or mode not in declared:
            continue
        await app.remove_mode(mode)
        app.add_mode(mode, declared[mode])
