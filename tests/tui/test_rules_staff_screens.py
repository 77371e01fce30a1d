"""The rules and staff screens, driven by keys: switch a rule off and on, add and edit rules
as TOML (errors shown, nothing saved) — each with a reviewer's or manager's password — set up
the branch, add staff and change roles with a manager's password."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from branchdesk.screens.rules import RulesScreen
from branchdesk.screens.staff import StaffScreen
from branchdesk.services import rules, staff
from branchdesk.services.checking import check_text
from branchdesk.services.rule_toml import parse_toml, to_toml
from branchdesk.services.staff import Credentials
from branchdesk.store import audit
from branchdesk.widgets.form_dialog import FormDialog
from branchdesk.widgets.rule_editor import RuleEditor

MANAGER = Credentials("周经理", "mgr-pass-1")
REVIEWER = Credentials("李合规", "rev-pass-1")

BRANCH_RULE = """\
id = "branch.no-vip-tips"
category = "unlicensed"
severity = "block"
phrases = ["内部VIP荐股"]
explanation_zh = "不得以VIP名义荐股。"
explanation_en = "No stock tips sold as VIP."
"""


@pytest.fixture
def team(demo_store):
    """周经理 manages, 李合规 reviews, "tester" (at the keyboard) is staff."""
    staff.init_branch(demo_store, MANAGER.name, MANAGER.password)
    staff.add_staff(demo_store, MANAGER, REVIEWER.name, "reviewer", REVIEWER.password)
    staff.add_staff(demo_store, MANAGER, "tester", "staff", "tester-pass")
    return demo_store


async def authorise(pilot, who: Credentials | None) -> None:
    """In the password dialog: a name (None: keep the one filled in) and a password, Enter."""
    dialog = pilot.app.screen
    assert isinstance(dialog, FormDialog)
    if who is not None:
        await fill(pilot, "approver", who.name)
    await fill(pilot, "approver_password", who.password if who else "tester-pass")
    await pilot.press("enter")
    await pilot.pause()


def dialog_error(app) -> str:
    return str(app.screen.query_one("#form-error").render())


async def go_to(pilot, settle, words: str, screen_type):
    """Through the command palette, by name, as a person finds a screen they rarely use."""
    await settle(pilot)
    await pilot.press("ctrl+p", *words)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, screen_type)
    return pilot.app.screen


def rule(store, rule_id: str) -> dict:
    return next(r for r in rules.list_rules(store) if r["id"] == rule_id)


async def edit_text(pilot, text: str) -> None:
    area = pilot.app.screen.query_one("#rule-text", TextArea)
    area.text = text  # a person would paste it
    await pilot.pause()


async def test_space_switches_a_rule_off_and_on_with_a_reviewers_password(team, make_app,
                                                                           settle, sign_in):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await go_to(pilot, settle, "compliance rules", RulesScreen)
        first = screen.current["id"]
        await pilot.press("space")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        assert dialog.query_one("#field-approver", Input).value == "tester"   # who signed in
        await authorise(pilot, None)                          # tester's own password: staff
        assert isinstance(app.screen, FormDialog) and "reviewer" in dialog_error(app)
        await authorise(pilot, Credentials(REVIEWER.name, "wrong-pass"))
        assert "Wrong name or password" in dialog_error(app)
        assert not rule(team, first)["disabled"]
        await pilot.press("escape")                                       # cancel: nothing
        await pilot.pause()
        assert isinstance(app.screen, RulesScreen) and not rule(team, first)["disabled"]
        await pilot.press("space")
        await pilot.pause()
        await authorise(pilot, REVIEWER)
        assert isinstance(app.screen, RulesScreen)
        assert rule(team, first)["disabled"]
        assert "1 switched off" in str(screen.query_one("#rules-heading").render())
        await pilot.press("space")
        await pilot.pause()
        await authorise(pilot, MANAGER)                                   # a manager may too
        assert not rule(team, first)["disabled"]
    entries = list(reversed(audit.entries_for(team.conn, "rule", first)))
    assert [(e["action"], e["operator"]) for e in entries] == [
        ("rule.disable", REVIEWER.name), ("rule.enable", MANAGER.name)]


async def test_on_a_branch_without_staff_the_rules_say_how_to_set_one_up(demo_store, make_app,
                                                                         settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await go_to(pilot, settle, "compliance rules", RulesScreen)   # no sign-in
        first = screen.current["id"]
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, RulesScreen)
        assert any("staff init" in str(n.message) for n in app._notifications)
    assert not rule(demo_store, first)["disabled"]


async def test_a_new_branch_rule_as_toml_is_validated_then_checked(team, make_app, settle,
                                                                   sign_in):
    demo_store = team
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot)
        screen = await go_to(pilot, settle, "compliance rules", RulesScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, RuleEditor)
        await edit_text(pilot, 'id = "branch.x"\ncategory = ')           # broken TOML
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RuleEditor)
        assert "not valid TOML" in str(app.screen.query_one("#rule-error").render())
        await edit_text(pilot, BRANCH_RULE.replace('"block"', '"fatal"'))  # a bad value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "severity" in str(app.screen.query_one("#rule-error").render())
        assert not any(r["id"] == "branch.no-vip-tips" for r in rules.list_rules(demo_store))
        await edit_text(pilot, BRANCH_RULE)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)                 # valid: now a password
        await pilot.press("escape")                               # not given: back to the text
        await pilot.pause()
        assert isinstance(app.screen, RuleEditor)
        assert not any(r["id"] == "branch.no-vip-tips" for r in rules.list_rules(demo_store))
        await pilot.press("ctrl+s")
        await pilot.pause()
        await authorise(pilot, REVIEWER)
        assert isinstance(app.screen, RulesScreen)
        assert screen.current["id"] == "branch.no-vip-tips"
        assert rule(demo_store, "branch.no-vip-tips")["source"] == "custom"
    assert check_text(demo_store, "加入内部VIP荐股群").verdict.value == "block"


async def test_enter_edits_a_shipped_rule_which_then_shows_as_edited(team, make_app, settle,
                                                                     sign_in):
    demo_store = team
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await go_to(pilot, settle, "compliance rules", RulesScreen)
        first = screen.current["id"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RuleEditor)
        text = app.screen.query_one("#rule-text", TextArea).text
        definition = parse_toml(text)
        assert definition["id"] == first
        definition["severity"] = "warn" if definition["severity"] == "block" else "block"
        await edit_text(pilot, to_toml(definition))
        await pilot.press("ctrl+s")
        await pilot.pause()
        await authorise(pilot, REVIEWER)
        edited = rule(demo_store, first)
        assert edited["source"] == "edited" and edited["rule"]["severity"] == definition["severity"]
        await pilot.press("x")                                  # reset: the dialog confirms
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await authorise(pilot, MANAGER)
        assert rule(demo_store, first)["source"] == "shipped"
    operators = [(e["action"], e["operator"]) for e in audit.entries_for(demo_store.conn, "rule", first)]
    assert operators == [("rule.reset", MANAGER.name), ("rule.save", REVIEWER.name)]


async def fill(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#field-{field}", Input)
    widget.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u", *text)


async def test_the_branch_is_set_up_then_staff_added_with_a_managers_password(
        demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await go_to(pilot, settle, "go to staff", StaffScreen)
        await pilot.press("n")                                  # no staff: set up the branch
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog) and not dialog.query("#field-role")
        assert dialog.query_one("#field-name", Input).value == "tester"
        await fill(pilot, "name", "周经理")
        await fill(pilot, "password", "mgr-pass-1")
        await fill(pilot, "repeat", "mgr-pass-2")
        await pilot.press("enter")
        await pilot.pause()
        assert "not the same" in dialog_error(app)
        assert not staff.has_staff(demo_store)
        await fill(pilot, "repeat", "mgr-pass-1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
        assert [p["role"] for p in staff.list_staff(demo_store)] == ["manager"]
        assert app.settings.operator == "周经理"                 # signed in as the manager

        await pilot.press("n")                                  # now a manager must agree
        await pilot.pause()
        assert app.screen.query_one("#field-manager", Input).value == "周经理"
        await fill(pilot, "name", "李合规")
        app.screen.query_one("#field-role").value = "reviewer"
        await fill(pilot, "password", "rev-pass-1")
        await fill(pilot, "repeat", "rev-pass-1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        assert "Wrong name or password for 周经理" in dialog_error(app)
        await fill(pilot, "manager_password", "mgr-pass-1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
        people = {p["name"]: p["role"] for p in staff.list_staff(demo_store)}
        assert people == {"周经理": "manager", "李合规": "reviewer"}
        assert screen.table.row_count == 2

        screen.table.move_cursor(row=screen.table.get_row_index("李合规"))
        await pilot.press("r")                                  # role back to staff
        await pilot.pause()
        app.screen.query_one("#field-role").value = "staff"
        await fill(pilot, "manager_password", "wrong-pass")
        await pilot.press("enter")
        await pilot.pause()
        assert "Wrong name or password" in dialog_error(app)
        await fill(pilot, "manager_password", "mgr-pass-1")
        await pilot.press("enter")
        await pilot.pause()
        assert {p["name"]: p["role"] for p in staff.list_staff(demo_store)}["李合规"] == "staff"
    entries = list(reversed(audit.entries_for(demo_store.conn, "staff", "李合规")))
    assert [(e["action"], e["operator"]) for e in entries] == [("staff.add", "周经理"),
                                                               ("staff.role", "周经理")]
    assert audit.verify(demo_store.conn).ok


def test_every_shipped_rule_survives_the_toml_round_trip():
    from branchdesk.compliance import load_rulepack
    from branchdesk.compliance.rulepack import Rule

    for shipped in load_rulepack().rules:
        text = to_toml(shipped.model_dump(mode="json", exclude_none=True))
        assert Rule.model_validate(parse_toml(text)) == shipped, shipped.id


async def test_a_first_password_is_set_by_a_manager_then_changed_with_the_old_one(
        demo_store, make_app, settle, sign_in):
    staff.init_branch(demo_store, MANAGER.name, MANAGER.password)
    staff.add_staff(demo_store, MANAGER, "小王", "staff")              # no password yet
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, MANAGER.name, MANAGER.password)
        screen = await go_to(pilot, settle, "go to staff", StaffScreen)
        screen.table.move_cursor(row=screen.table.get_row_index("小王"))
        await pilot.press("p")
        await pilot.pause()
        assert not app.screen.query("#field-old_password")          # none to give yet
        await fill(pilot, "password", "first-pw")
        await fill(pilot, "repeat", "first-pw")
        await fill(pilot, "manager_password", MANAGER.password)
        await pilot.press("enter")
        await pilot.pause()
        assert staff.has_password(demo_store, "小王")
        await pilot.press("p")
        await pilot.pause()
        await fill(pilot, "password", "second-pw")
        await fill(pilot, "repeat", "second-pw")
        await fill(pilot, "old_password", "first-pw")
        await pilot.press("ctrl+s")                             # no manager needed: save now
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
    assert staff.authenticate(demo_store, staff.Credentials("小王", "second-pw"))
    assert [e["operator"] for e in reversed(audit.entries_for(demo_store.conn, "staff", "小王"))
            if e["action"] == "staff.password"] == [MANAGER.name, "小王"]
