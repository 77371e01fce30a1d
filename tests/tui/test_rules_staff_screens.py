"""The rules and staff screens, driven by keys: switch a rule off and on, add and edit rules
as TOML (errors shown, nothing saved), add staff and change roles with a manager's password."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from branchdesk.screens.rules import RulesScreen
from branchdesk.screens.staff import StaffScreen
from branchdesk.services import rules, staff
from branchdesk.services.checking import check_text
from branchdesk.services.rule_toml import parse_toml, to_toml
from branchdesk.store import audit
from branchdesk.widgets.form_dialog import FormDialog
from branchdesk.widgets.rule_editor import RuleEditor

BRANCH_RULE = """\
id = "branch.no-vip-tips"
category = "unlicensed"
severity = "block"
phrases = ["内部VIP荐股"]
explanation_zh = "不得以VIP名义荐股。"
explanation_en = "No stock tips sold as VIP."
"""


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


async def test_space_switches_a_rule_off_and_on(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await go_to(pilot, settle, "compliance rules", RulesScreen)
        first = screen.current["id"]
        await pilot.press("space")
        await pilot.pause()
        assert rule(demo_store, first)["disabled"]
        assert "1 switched off" in str(screen.query_one("#rules-heading").render())
        await pilot.press("space")
        await pilot.pause()
        assert not rule(demo_store, first)["disabled"]
    actions = [e["action"] for e in reversed(audit.entries_for(demo_store.conn, "rule", first))]
    assert actions == ["rule.disable", "rule.enable"]


async def test_a_new_branch_rule_as_toml_is_validated_then_checked(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
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
        assert isinstance(app.screen, RulesScreen)
        assert screen.current["id"] == "branch.no-vip-tips"
        assert rule(demo_store, "branch.no-vip-tips")["source"] == "custom"
    assert check_text(demo_store, "加入内部VIP荐股群").verdict.value == "block"


async def test_enter_edits_a_shipped_rule_which_then_shows_as_edited(demo_store, make_app,
                                                                     settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
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
        edited = rule(demo_store, first)
        assert edited["source"] == "edited" and edited["rule"]["severity"] == definition["severity"]
        await pilot.press("x", "x")                             # reset: press twice
        await pilot.pause()
        assert rule(demo_store, first)["source"] == "shipped"


async def fill(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#field-{field}", Input)
    widget.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u", *text)


async def test_staff_added_and_roles_changed_with_a_managers_password(demo_store, make_app,
                                                                      settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await go_to(pilot, settle, "go to staff", StaffScreen)
        await pilot.press("n")                                  # the first manager: free
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog) and not dialog.query("#field-manager")
        await fill(pilot, "name", "周经理")
        dialog.query_one("#field-role").value = "manager"
        await fill(pilot, "password", "mgr-pass-1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
        assert [p["role"] for p in staff.list_staff(demo_store)] == ["manager"]

        await pilot.press("n")                                  # now a manager must agree
        await pilot.pause()
        assert app.screen.query("#field-manager")
        await fill(pilot, "name", "李合规")
        app.screen.query_one("#field-role").value = "reviewer"
        await fill(pilot, "password", "rev-pass-1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        assert "manager" in str(app.screen.query_one("#form-error").render())
        await fill(pilot, "manager", "周经理")
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
        await fill(pilot, "manager", "周经理")
        await fill(pilot, "manager_password", "wrong-pass")
        await pilot.press("enter")
        await pilot.pause()
        assert "Wrong name or password" in str(app.screen.query_one("#form-error").render())
        await fill(pilot, "manager_password", "mgr-pass-1")
        await pilot.press("enter")
        await pilot.pause()
        assert {p["name"]: p["role"] for p in staff.list_staff(demo_store)}["李合规"] == "staff"
    actions = [e["action"] for e in reversed(audit.entries_for(demo_store.conn, "staff", "李合规"))]
    assert actions == ["staff.add", "staff.role"]
    assert audit.verify(demo_store.conn).ok


def test_every_shipped_rule_survives_the_toml_round_trip():
    from branchdesk.compliance import load_rulepack
    from branchdesk.compliance.rulepack import Rule

    for shipped in load_rulepack().rules:
        text = to_toml(shipped.model_dump(mode="json", exclude_none=True))
        assert Rule.model_validate(parse_toml(text)) == shipped, shipped.id


async def test_a_password_is_set_then_changed_with_the_old_one(demo_store, make_app, settle):
    staff.add_staff(demo_store, "admin", "小王", "staff")              # no password yet
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, settle, "go to staff", StaffScreen)
        await pilot.press("p")
        await pilot.pause()
        assert not app.screen.query("#field-old_password")          # none to give yet
        await fill(pilot, "password", "first-pw")
        await pilot.press("enter")
        await pilot.pause()
        assert staff.has_password(demo_store, "小王")
        await pilot.press("p")
        await pilot.pause()
        await fill(pilot, "password", "second-pw")
        await fill(pilot, "old_password", "first-pw")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
    assert staff.authenticate(demo_store, staff.Credentials("小王", "second-pw"))
