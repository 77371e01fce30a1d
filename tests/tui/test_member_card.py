"""The member card, driven the way a person uses it: keys in, what the database holds out."""

from __future__ import annotations

import json

from textual.widgets import Input, SelectionList

from branchdesk.models import Need
from branchdesk.screens.member_card import MemberCardScreen
from branchdesk.screens.roster import RosterScreen
from branchdesk.services import roster
from branchdesk.store import audit
from branchdesk.widgets.roster_table import RosterTable


async def open_card(pilot, settle):
    """From the roster, the way a person does it: Enter on the first row of the list."""
    app = pilot.app
    await settle(pilot)
    member = app.screen.query_one(RosterTable).cursor_member
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, MemberCardScreen)
    return member


def actions(store, member_id: int) -> list[str]:
    return [e["action"] for e in roster.member_history(store, member_id)]


async def test_change_a_need_and_save_writes_one_audit_row(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        member = await open_card(pilot, settle)
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
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)       # and the roster shows the change
        assert app.screen.query_one(RosterTable).cursor_member.needs == saved.needs
    assert audit.verify(demo_store.conn).ok


async def test_new_tag_typed_and_added_with_enter(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        member = await open_card(pilot, settle)
        await pilot.press("ctrl+t", "tab")                # tags tab, then the new-tag box
        await pilot.press(*"VIP-2026", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert "VIP-2026" in roster.get_member(demo_store, member.id).tags


async def test_bad_phone_is_shown_next_to_the_field_and_nothing_is_saved(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        member = await open_card(pilot, settle)
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


async def test_reveal_writes_an_audit_row_and_phone_is_masked_before(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        member = await open_card(pilot, settle)
        phone = app.screen.query_one("#field-phone", Input)
        account = app.screen.query_one("#field-account_no", Input)
        title = str(app.screen.query_one("#card-title").render())
        assert phone.value == member.masked_phone and phone.disabled
        assert account.value == member.masked_account and account.disabled
        assert member.account_no not in title and member.masked_account in title
        assert "member.reveal_phone" not in actions(demo_store, member.id)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert phone.value == member.phone and account.value == member.account_no
        assert member.account_no in str(app.screen.query_one("#card-title").render())
    assert actions(demo_store, member.id) == ["member.reveal_phone"]


async def test_escape_with_unsaved_changes_asks_and_can_discard(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        member = await open_card(pilot, settle)
        await pilot.press("end", *"x")                    # edit the name
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "UnsavedChangesScreen"
        await pilot.press("escape")                       # keep editing
        await pilot.pause()
        assert isinstance(app.screen, MemberCardScreen)
        await pilot.press("escape", "d")                  # ask again, discard
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
    assert roster.get_member(demo_store, member.id).name == member.name


async def test_escape_with_unsaved_changes_can_save(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        member = await open_card(pilot, settle)
        await pilot.press("end", *"x", "escape", "s")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    assert roster.get_member(demo_store, member.id).name == member.name + "x"


async def test_history_lists_edits_with_phone_masked(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        member = await open_card(pilot, settle)
        await pilot.press("escape")
        roster.update_member(demo_store, "someone", member.id, {"phone": "13900001111"})
        await pilot.press("enter")                        # the same row again
        await pilot.pause()
        await pilot.press("ctrl+t", "ctrl+t")
        await pilot.pause()
        text = " ".join(str(s.render()) for s in app.screen.query(".history-entry"))
        assert "someone" in text and "139****1111" in text and "13900001111" not in text


async def test_history_names_a_reveal_as_the_audit_trail_does(demo_store, make_app, settle):
    from branchdesk.services import audit_trail

    app = make_app("zh")
    async with app.run_test(size=(120, 36)) as pilot:
        member = await open_card(pilot, settle)
        await pilot.press("ctrl+r")                       # reveal: an audited look
        await pilot.pause()
        await pilot.press("ctrl+t", "ctrl+t")
        await pilot.pause()
        text = " ".join(str(s.render()) for s in app.screen.query(".history-entry"))
        reveal = roster.member_history(demo_store, member.id)[0]
        assert reveal["action"] == "member.reveal_phone"
        trail = audit_trail.change_lines(reveal)          # what the audit screen says
        assert trail == ["涉及字段: 手机号码、资金账号"]
        assert "涉及字段: 手机号码、资金账号" in text
        assert "fields" not in text and "'phone'" not in text and "— →" not in text


async def test_language_switch_keeps_the_edits(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        member = await open_card(pilot, settle)
        await pilot.press("end", *"x", "f2")
        await pilot.pause()
        card = app.screen
        assert isinstance(card, MemberCardScreen)
        assert str(card.query_one("#label-name").render()) == "姓名"
        assert card.query_one("#field-name", Input).value == member.name + "x"
        assert card.changes() == {"name": member.name + "x"}
        assert {b.description for _, b in card._bindings} >= {"保存", "查看号码"}


async def test_arrow_keys_move_between_fields(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot, settle)
        card = app.screen
        await pilot.press("down")                 # the masked phone and account are skipped
        assert card.query_one("#field-branch").has_focus
        await pilot.press("down", "down")                 # advisor, risk level
        assert card.query_one("#field-risk_level").has_focus
        await pilot.press("down")                         # a choice list does not open on down
        assert card.query_one("#field-experience").has_focus
        await pilot.press("up", "up")
        assert card.query_one("#field-advisor").has_focus


async def test_a_member_removed_meanwhile_closes_the_card_with_a_message(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(MemberCardScreen(999_999))   # e.g. removed by an import undo
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        assert any("999999" in n.message for n in app._notifications)
