"""The communities screen and the member card's communities, driven by keys."""

from __future__ import annotations

from textual.widgets import Input, SelectionList

from branchdesk.screens.communities import CommunitiesScreen
from branchdesk.screens.member_card import MemberCardScreen
from branchdesk.screens.roster import RosterScreen
from branchdesk.services import communities, roster
from branchdesk.widgets.communities.field import CommunitiesField
from branchdesk.widgets.communities.picker import CommunityPicker
from branchdesk.widgets.form_dialog import FormDialog
from branchdesk.widgets.roster_table import RosterTable


async def open_communities(pilot, settle) -> CommunitiesScreen:
    await settle(pilot)
    await pilot.press("g")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CommunitiesScreen)
    return screen


async def choose(pilot, screen: CommunitiesScreen, name: str) -> None:
    names = [c.name for c in screen.found]
    screen.table.move_cursor(row=names.index(name))
    await pilot.pause()


def shown(app) -> str:
    return str(app.screen.query_one("#community-detail").render())


async def test_the_list_shows_members_low_risk_advisor_and_messages(demo_store, make_app, settle):
    expected = {c.name: c for c in communities.list_communities(demo_store)}
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_communities(pilot, settle)
        assert screen.table.row_count == len(expected)
        first = screen.found[0]
        row = [str(cell) for cell in screen.table.get_row_at(0)]
        assert row[0] == first.name and row[2] == str(expected[first.name].members)
        assert row[3] == str(expected[first.name].low_risk)
        assert f"{first.members} members: C1 {first.risk.get('C1', 0)}" in shown(app)
        assert f"{first.low_risk} are C1–C2" in shown(app)
        assert "most members' advisor" in shown(app)


async def test_rename_from_the_screen_updates_the_members(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_communities(pilot, settle)
        await choose(pilot, screen, "解套互助群")
        count = screen.current.members
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press("end", "ctrl+u", *"解套交流群", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CommunitiesScreen)
        assert screen.current.name == "解套交流群" and screen.current.members == count
        assert "formerly 解套互助群" in shown(app)
    members = roster.list_members(demo_store)
    assert sum("解套交流群" in m.communities for m in members) == count
    assert not any("解套互助群" in m.communities for m in members)


async def test_rename_to_an_existing_name_is_refused_in_the_dialog(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_communities(pilot, settle)
        await choose(pilot, screen, "解套互助群")
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("end", "ctrl+u", *"新手成长营", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)             # stays open, says what to do
        assert "merge" in str(app.screen.query_one("#form-error").render())


async def test_merge_from_the_screen(demo_store, make_app, settle):
    before = {c.name: c.members for c in communities.list_communities(demo_store)}
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_communities(pilot, settle)
        await choose(pilot, screen, "两融学习群")
        await pilot.press("j")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        target = str(dialog.query_one("#field-into").value)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "两融学习群" not in [c.name for c in screen.found]
        assert screen.current.name == target
        assert any(n.message.startswith(f"已将 两融学习群 合并到 {target}")
                   for n in app._notifications)
    after = {c.name: c.members for c in communities.list_communities(demo_store)}
    assert after[target] <= before[target] + before["两融学习群"]


async def test_enter_shows_the_communitys_members_in_the_roster(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_communities(pilot, settle)
        await choose(pilot, screen, "新手成长营")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        table = app.screen.query_one(RosterTable)
        assert table.query_shown.community == "新手成长营"
        assert table.row_count == screen.found[[c.name for c in screen.found].index("新手成长营")].members


async def open_picker(pilot, settle) -> tuple[MemberCardScreen, CommunitiesField]:
    await settle(pilot)
    await pilot.press("enter")                       # the first member's card
    await pilot.pause()
    card = pilot.app.screen
    assert isinstance(card, MemberCardScreen)
    field = card.query_one(CommunitiesField)
    field.focus()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommunityPicker)
    return card, field


async def test_the_card_picks_communities_from_the_list(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        card, field = await open_picker(pilot, settle)
        picker = app.screen
        before = field.names
        listed = [str(o.prompt) for o in picker.query_one(SelectionList)._options]
        assert listed[:len(before)] == before                   # the member's own first
        assert set(communities.known_names(demo_store)) <= set(listed)
        picker.query_one("#picker-new", Input).focus()
        await pilot.press(*"ETF 定投群", "enter")                # a typo of an existing one
        await pilot.pause()
        assert "ETF定投群 already exists" in str(picker.query_one("#picker-note").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MemberCardScreen)
        assert field.names == [*before, "ETF定投群"] if "ETF定投群" not in before else before
        await pilot.press("ctrl+s")                              # save the card
        await pilot.pause()
    member = roster.get_member(demo_store, card.member_id)
    assert "ETF定投群" in member.communities
    assert "ETF 定投群" not in communities.known_names(demo_store)


async def test_a_new_community_only_on_purpose_and_created_with_the_save(demo_store, make_app,
                                                                          settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        _card, field = await open_picker(pilot, settle)
        picker = app.screen
        picker.query_one("#picker-new", Input).focus()
        await pilot.press(*"期权学习群", "enter")
        await pilot.pause()
        assert "is new" in str(picker.query_one("#picker-note").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "期权学习群" in field.names
        assert "期权学习群" not in communities.known_names(demo_store)   # not before the save
        await pilot.press("ctrl+s")
        await pilot.pause()
    created = communities.find(demo_store, "期权学习群")
    assert created.id is not None and created.members == 1


async def test_esc_in_the_picker_changes_nothing(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        _card, field = await open_picker(pilot, settle)
        before = field.names
        await pilot.press("space", "escape")                   # untick the first, then cancel
        await pilot.pause()
        assert isinstance(app.screen, MemberCardScreen) and field.names == before


async def test_the_compose_screen_offers_a_renamed_community_by_its_new_name(demo_store, make_app,
                                                                             settle):
    from textual.widgets import Select
    from textual.widgets._select import SelectOverlay

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")                               # compose once: its list is made
        await settle(pilot)
        await pilot.press("escape")
        communities.rename(demo_store, "tester", "解套互助群", "解套交流群")
        await pilot.press("m")
        await settle(pilot)
        overlay = app.screen.query_one("#compose-community", Select).query_one(SelectOverlay)
        offered = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        assert "解套交流群" in offered and "解套互助群" not in offered
