"""The member card's total assets as people write them (12万, as the import reads them), labels
that keep their units, and the tier rule the total puts the member under."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import Input, Label

from branchdesk.screens.member_card import MemberCardScreen
from branchdesk.services import roster
from branchdesk.widgets.member_card_form import FORM_FIELDS, field_label


async def open_card(pilot, settle) -> MemberCardScreen:
    await settle(pilot)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, MemberCardScreen)
    return pilot.app.screen


def tier_text(card) -> str:
    return str(card.query_one("#tier-rule").render())


@pytest.mark.parametrize(("typed", "yuan"), [("12万", 120000.0), ("12万元", 120000.0),
                                             ("1.5w", 15000.0), ("250,000", 250000.0)])
async def test_total_assets_typed_as_people_write_them(demo_store, make_app, settle, typed, yuan):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        card = await open_card(pilot, settle)
        box = card.query_one("#field-total_assets", Input)
        box.focus()
        await pilot.press("end", "ctrl+u", *typed, "ctrl+s")
        await pilot.pause()
        assert roster.get_member(demo_store, card.member_id).total_assets == yuan
        assert box.value == f"{yuan:,.0f}"               # shown back in yuan: 120,000


async def test_an_unreadable_amount_is_refused_next_to_the_field(demo_store, make_app, settle):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        card = await open_card(pilot, settle)
        before = roster.get_member(demo_store, card.member_id).total_assets
        card.query_one("#field-total_assets", Input).focus()
        await pilot.press("end", "ctrl+u", *"十二万", "ctrl+s")
        await pilot.pause()
        assert card.query_one("#error-total_assets").display
        assert "25万" in str(card.query_one("#error-total_assets").render())
        assert roster.get_member(demo_store, card.member_id).total_assets == before


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_labels_keep_their_units_at_80_columns(make_app, settle, language):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        card = await open_card(pilot, settle)
        for name in FORM_FIELDS:
            label = card.query_one(f"#label-{name}", Label)
            assert label.size.width >= cell_len(field_label(name)), name
    assert field_label("total_assets").endswith("(yuan)") or language == "zh"


async def test_the_card_shows_the_tier_rule_and_follows_a_save(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        card = await open_card(pilot, settle)
        card.query_one("#field-total_assets", Input).focus()
        await pilot.press("end", "ctrl+u", *"8万", "ctrl+s")
        await pilot.pause()
        assert tier_text(card) == "Basic: under 100,000 yuan (Silver from 100,000)"
        await pilot.press("end", "ctrl+u", *"60万", "ctrl+s")
        await pilot.pause()
        assert tier_text(card) == "Gold: 500,000 yuan or more (Diamond from 3,000,000)"
        await pilot.press("end", "ctrl+u", *"5000万", "ctrl+s")
        await pilot.pause()
        assert tier_text(card) == "Diamond: 3,000,000 yuan or more (the top tier)"
        await pilot.press("f2")
        await pilot.pause()
        assert tier_text(card) == "钻石：总资产不低于 3,000,000 元（最高等级）"
        await pilot.press("end", "ctrl+u", "ctrl+s")            # no total: no tier
        await pilot.pause()
        assert tier_text(card) == "未分级：总资产未知"
