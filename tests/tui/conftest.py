"""Fixtures for driving the real app headless: a demo branch in a temporary database and a
fixed "today", so dormant markers and snapshots never depend on the day the tests run."""

from __future__ import annotations

import pytest
from support import MANAGER_NAME, MANAGER_PASSWORD, STAFF_NAME, STAFF_PASSWORD, TODAY
from textual.worker import WorkerState

from branchdesk.app import BranchDeskApp
from branchdesk.i18n import set_language
from branchdesk.screens.roster import SEARCH_DEBOUNCE
from branchdesk.settings import Settings


@pytest.fixture
def make_app(demo_store):
    """BranchDeskApp(language) on the 200-member demo branch."""

    def make(language: str = "en", branch_name: str = "") -> BranchDeskApp:
        set_language(language)
        settings = Settings(db_path=demo_store.path, operator="tester", language=language,
                            branch_name=branch_name)
        return BranchDeskApp(settings, demo_store, today=TODAY)

    return make


_BUSY = (WorkerState.PENDING, WorkerState.RUNNING)


async def _settle(pilot) -> None:
    """Wait out the search debounce and every worker, then let the screen redraw; again until
    no work is left (a redraw may ask for pages, whose arrival may ask for more), however slow
    the machine. Then make every text cursor steady: a blinking one would be on or off in a
    screenshot depending on the moment it is taken."""
    await pilot.pause(SEARCH_DEBOUNCE + 0.05)
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.state in _BUSY for worker in pilot.app.workers):
            break
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False
    await pilot.pause()


async def _sign_in(pilot, name: str = "tester", password: str = "tester-pass") -> None:
    """Through the sign-in screen, as a person does: name, password, Enter."""
    from textual.widgets import Input

    from branchdesk.screens.signin import SignInScreen

    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SignInScreen)
    screen.query_one("#signin-name", Input).value = name
    screen.query_one("#signin-password", Input).focus()
    await pilot.press(*password, "enter")
    await pilot.pause()
    assert not isinstance(pilot.app.screen, SignInScreen), pilot.app.screen


@pytest.fixture
def sign_in():
    """`await sign_in(pilot, name, password)`: past the sign-in of a branch with staff."""
    return _sign_in


@pytest.fixture
def settle():
    """`await settle(pilot)`: the screen as it is once every search and page has landed."""
    return _settle


@pytest.fixture
def staffed_branch(demo_store):
    """The demo branch set up with staff: its manager and 小李 (staff); the app signs in."""
    from branchdesk.services import staff
    from branchdesk.services.staff import Credentials

    staff.init_branch(demo_store, MANAGER_NAME, MANAGER_PASSWORD)
    staff.add_staff(demo_store, Credentials(MANAGER_NAME, MANAGER_PASSWORD), STAFF_NAME, "staff",
                    STAFF_PASSWORD)
    return demo_store
