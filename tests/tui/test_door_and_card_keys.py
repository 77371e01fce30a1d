"""The door and the event card as a newcomer meets them: what stays in the box after an answer,
what the card's footer offers, and what `x` asks before it cancels a place."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from branchdesk.datetimes import zone
from branchdesk.member_query import MemberQuery
from branchdesk.screens.checkin import CheckInScreen
from branchdesk.services import events, registrations

TZ = zone("Asia/Shanghai")


def plan(store, start, capacity=30):
    return events.create_events(store, "tester", {
        "kind": "salon", "title": "价值投资沙龙", "start": start, "end": start + timedelta(hours=2),
        "room": "301", "capacity": capacity}, tz=TZ).events[0]


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_the_door_box_is_ready_for_the_next_person_after_a_refusal(make_app, settle,
                                                                          demo_store, language):
    start = datetime.now(TZ).replace(hour=14, minute=0, second=0, microsecond=0) + \
        timedelta(days=1)  # tomorrow: the door refuses until 12:00
    event = plan(demo_store, start)
    member = demo_store.conn.execute("SELECT id, name, phone FROM members ORDER BY id"
                                     " LIMIT 1").fetchone()
    registrations.register(demo_store, "tester", event.id, member[0])
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(CheckInScreen(event.id))
        await pilot.pause()
        await pilot.press(member[1][0], "enter")
        await pilot.pause()
        box = app.screen.query_one("#door-input")
        assert "12:00" in str(app.screen.query_one("#door-result").render())
        await pilot.press(*member[2][-4:])
        await pilot.pause()
        assert box.value == member[2][-4:]


def full_event_with_a_waitlist(store):
    """Two seats, both taken, one member waiting."""
    start = datetime.now(TZ).replace(hour=14, minute=0, second=0, microsecond=0) + \
        timedelta(days=2)
    event = plan(store, start, capacity=2)
    members = store.conn.execute("SELECT id, name FROM members WHERE risk_level IS NOT NULL"
                                 " ORDER BY id LIMIT 3").fetchall()
    for member_id, _ in members:
        registrations.register(store, "tester", event.id, member_id)
    return event, members


def states(store, event_id) -> dict[int, str]:
    return dict(store.conn.execute("SELECT member_id, state FROM registrations WHERE event_id = ?",
                                   (event_id,)).fetchall())


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_x_asks_before_cancelling_a_place_and_names_who_moves_up(make_app, settle,
                                                                       demo_store, language):
    from branchdesk.screens.event_card import EventCardScreen
    from branchdesk.widgets.import_wizard_dialogs import ConfirmScreen

    event, members = full_event_with_a_waitlist(demo_store)
    before = states(demo_store, event.id)
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EventCardScreen(event.id))
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = " ".join(str(label.render()) for label in app.screen.query("Label"))
        assert members[0][1] in question and members[2][1] in question
        assert ("候补" in question) if language == "zh" else "waitlist" in question
        await pilot.press("n")                               # no: nothing changes
        await pilot.pause()
        assert isinstance(app.screen, EventCardScreen)
        assert states(demo_store, event.id) == before
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")                               # yes: cancelled, the next moves up
        await pilot.pause()
        assert isinstance(app.screen, EventCardScreen)
    after = states(demo_store, event.id)
    assert after[members[0][0]] == "cancelled" and after[members[2][0]] == "registered"


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_r_registers_by_name_as_the_door_finds_people(make_app, settle, demo_store,
                                                            language):
    from branchdesk.screens.event_card import EventCardScreen
    from branchdesk.widgets.form_dialog import FormDialog

    conn = demo_store.conn
    event = plan(demo_store, datetime.now(TZ).replace(hour=14, minute=0, second=0,
                                                      microsecond=0) + timedelta(days=2))
    unique = conn.execute("SELECT id, name FROM members m WHERE risk_level IS NOT NULL AND"
                          " (SELECT count(*) FROM members o WHERE instr(o.name, m.name)) = 1"
                          " ORDER BY id LIMIT 1").fetchone()
    surname = conn.execute("SELECT substr(name, 1, 1) s FROM members GROUP BY s"
                           " HAVING count(*) >= 3 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EventCardScreen(event.id))
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(surname, "enter", "enter")          # several: said, masked, not guessed
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        error = str(dialog.query_one("#form-error").render())
        assert surname in error and "****" in error
        assert ("多位客户" in error) if language == "zh" else "several members" in error
        dialog.set_value("member", unique[1])                 # a whole, unique name: registered
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EventCardScreen)
    assert conn.execute("SELECT state FROM registrations WHERE event_id = ? AND member_id = ?",
                        (event.id, unique[0])).fetchone()[0] == "registered"
    assert conn.execute("SELECT count(*) FROM registrations WHERE event_id = ?",
                        (event.id,)).fetchone()[0] == 1


@pytest.mark.parametrize(("language", "words"), [
    ("zh", ("x 取消名额", "r 报名", "[] 名单", "e 修改", "k 结束登记", "c 取消活动",
            "s 保存 .ics", "esc 返回")),
    ("en", ("x Cancel", "r Register", "[] Lists", "e Edit", "k Close event", "c Cancel event",
            "s Save .ics", "esc Back"))])
async def test_the_card_shows_all_its_keys_at_80_columns(make_app, settle, demo_store, language,
                                                         words):
    from branchdesk.screens.event_card import EventCardScreen

    event = plan(demo_store, datetime.now(TZ).replace(hour=14, minute=0, second=0,
                                                      microsecond=0) + timedelta(days=2))
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EventCardScreen(event.id))
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()
        bottom = "\n".join(strip.text for strip in app.screen._compositor.render_strips()[-2:])
        assert all(word in bottom for word in words), bottom
        await pilot.press("f2")                              # the other language: the line too
        await settle(pilot)
        keys = str(app.screen.query_one("#card-keys").render())
    assert ("修改" in keys) == (language == "en") and ("Edit" in keys) == (language == "zh")


@pytest.mark.parametrize(("language", "listed", "unsuitable"), [
    ("zh", "已在本活动名单上 {n} 位（含已报名、候补",
     "风险等级不适合 R4 级产品。"),
    ("en", "{n} already on the list (registered and waitlisted too", "does not allow an R4 product.")])
async def test_the_invite_dialog_says_who_is_already_listed_and_keeps_phrases_whole(
        make_app, settle, demo_store, language, listed, unsuitable):
    """The card's "invited" tab counts open invitations; the dialog counts everyone listed —
    said so. At 80x24 the unsuitable note is not broken inside a phrase."""
    from branchdesk.screens.event_card import EventCardScreen
    from branchdesk.widgets.events.invite_dialog import InviteDialog

    start = datetime.now(TZ).replace(hour=14, minute=0, second=0, microsecond=0) + \
        timedelta(days=2)
    event = events.create_events(demo_store, "tester", {
        "kind": "salon", "title": "沙龙", "start": start, "end": start + timedelta(hours=2),
        "room": "301", "capacity": 30, "product_risk": "R4"}, tz=TZ).events[0]
    fit = [r[0] for r in demo_store.conn.execute(
        "SELECT id FROM members WHERE risk_level IN ('C4', 'C5') ORDER BY id LIMIT 2")]
    registrations.register(demo_store, "tester", event.id, fit[0])  # registered, not "invited"
    registrations.invite(demo_store, "tester", event.id,
                         MemberQuery(search=demo_store.conn.execute(
                             "SELECT name FROM members WHERE id = ?", (fit[1],)).fetchone()[0]))
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EventCardScreen(event.id))
        await pilot.pause()
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, InviteDialog)
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
    shown = "\n".join(lines)
    assert listed.format(n=2) in shown, shown
    assert any(unsuitable in line for line in lines), shown


@pytest.mark.parametrize(("language", "ok", "keep"), [("zh", "取消活动", "不取消"),
                                                      ("en", "Cancel the event", "Keep the event")])
async def test_the_cancel_event_dialog_says_keep_not_cancel(make_app, settle, demo_store,
                                                            language, ok, keep):
    from textual.widgets import Button

    from branchdesk.screens.event_card import EventCardScreen
    from branchdesk.widgets.form_dialog import FormDialog

    event = plan(demo_store, datetime.now(TZ).replace(hour=14, minute=0, second=0,
                                                      microsecond=0) + timedelta(days=2))
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EventCardScreen(event.id))
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert labels == [ok, keep]
        app.screen.query_one("#form-cancel", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, EventCardScreen)
    assert events.get_event(demo_store, event.id).stored_status != "cancelled"
