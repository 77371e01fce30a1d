"""The member card, driven the way a person uses it: keys in, what the database holds out."""

from __future__ import annotations

import json

import pytest
from textual.app import App
from textual.widgets import Input, SelectionList

from branchdesk.models import Need
from branchdesk.screens.member_card import MemberCardScreen
from branchdesk.services import roster
from branchdesk.settings import Settings
from branchdesk.store import audit


class CardApp(App):
    """Stands in for the app shell: holds .store and .settings, opens one card."""

    def __init__(self, store, member_id: int) -> None:
        super().__init__()
        self.store = store
        self.settings = Settings(db_path=store.path, operator="tester", language="en")
        self.member_id = member_id
        self.result: bool | None = None

    def on_mount(self) -> None:
        self.push_screen(MemberCardScreen(self.member_id), self.card_closed)

    def card_closed(self, result: bool | None) -> None:
        self.result = result


def first_member(store):
    return roster.list_members(store, limit=1)[0]


def actions(store, member_id: int) -> list[str]:
    return [e["action"] for e in roster.member_history(store, member_id)]


@pytest.fixture
def member(demo_store):
    return first_member(demo_store)


async def test_change_a_need_and_save_writes_one_audit_row(demo_store, member):
    app = CardApp(demo_store, member.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")                       # to the needs & tags tab
        choices = app.screen.query_one("#tag-choices", SelectionList)
        assert choices.has_focus
        had_profit = Need.PROFIT in member.needs
        await pilot.press("space")                        # toggle the first need: profit
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = roster.get_member(demo_store, member.id)
        assert (Need.PROFIT in saved.needs) is not had_profit
        history = roster.member_history(demo_store, member.id)
        assert history[0]["action"] == "member.update"
        assert set(json.loads(history[0]["after"])) == {"needs"}
        await pilot.press("escape")                       # saved: closes without asking
        await pilot.pause()
    assert app.result is True
    assert audit.verify(demo_store.conn).ok


async def test_new_tag_typed_and_added_with_enter(demo_store, member):
    app = CardApp(demo_store, member.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t", "tab")                # tags tab, then the new-tag box
        await pilot.press(*"VIP-2026", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert "VIP-2026" in roster.get_member(demo_store, member.id).tags


async def test_bad_phone_is_shown_next_to_the_field_and_nothing_is_saved(demo_store, member):
    app = CardApp(demo_store, member.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")                       # reveal, so the phone can be edited
        phone = app.screen.query_one("#field-phone", Input)
        assert phone.value == member.phone and phone.has_focus
        phone.value = ""
        await pilot.press(*"12345", "ctrl+s")
        await pilot.pause()
        error = app.screen.query_one("#error-phone")
        assert error.display
        assert "11 digits" in str(error.render())
        assert phone.has_class("-invalid")
    assert roster.get_member(demo_store, member.id).phone == member.phone
    assert "member.update" not in actions(demo_store, member.id)


async def test_reveal_writes_an_audit_row_and_phone_is_masked_before(demo_store, member):
    app = CardApp(demo_store, member.id)
    async with app.run_test(size=(80, 24)) as pilot:
        phone = app.screen.query_one("#field-phone", Input)
        assert phone.value == member.masked_phone and phone.disabled
        assert "member.reveal_phone" not in actions(demo_store, member.id)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert phone.value == member.phone
    assert actions(demo_store, member.id) == ["member.reveal_phone"]


async def test_escape_with_unsaved_changes_asks_and_can_discard(demo_store, member):
    app = CardApp(demo_store, member.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("end", *"x")                    # edit the name
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "UnsavedChangesScreen"
        await pilot.press("escape")                       # keep editing
        await pilot.pause()
        assert isinstance(app.screen, MemberCardScreen)
        await pilot.press("escape", "d")                  # ask again, discard
        await pilot.pause()
    assert app.result is False
    assert roster.get_member(demo_store, member.id).name == member.name


async def test_escape_with_unsaved_changes_can_save(demo_store, member):
    app = CardApp(demo_store, member.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("end", *"x", "escape", "s")
        await pilot.pause()
    assert app.result is True
    assert roster.get_member(demo_store, member.id).name == member.name + "x"


async def test_history_lists_edits_with_phone_masked(demo_store, member):
    roster.update_member(demo_store, "someone", member.id, {"phone": "13900001111"})
    app = CardApp(demo_store, member.id)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+t", "ctrl+t")
        await pilot.pause()
        text = " ".join(str(s.render()) for s in app.screen.query(".history-entry"))
        assert "someone" in text and "139****1111" in text and "13900001111" not in text
