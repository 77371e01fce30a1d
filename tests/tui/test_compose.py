"""The compose screen, driven by keys: the check follows the typing, fixes rewrite the text,
drafts are saved as versions and submitted for review."""

from __future__ import annotations

import json

import pytest

from branchdesk.screens import compose
from branchdesk.screens.compose import ComposeScreen
from branchdesk.services import messages
from branchdesk.store import audit
from branchdesk.widgets.findings_view import FindingsView, VerdictBadge

# Pilot types a full-width comma as nothing; an ASCII one keeps the clause break.
PROMISE = "保证年化15%,稳赚不赔"


@pytest.fixture(autouse=True)
def quick_check(monkeypatch):
    monkeypatch.setattr(compose, "CHECK_DELAY", 0.02)


async def open_compose(pilot, settle) -> ComposeScreen:
    """From the roster, the way a person gets there: off the search box, then `m`."""
    await settle(pilot)
    await pilot.press("m")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ComposeScreen) and pilot.app.current_mode == "compose"
    assert screen.editor.has_focus
    return screen


async def typed(pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.pause(0.1)  # past the debounce
    await pilot.pause()


async def choose(pilot, screen, rule: str) -> None:
    """Ctrl+N until the finding of `rule` is the selected one."""
    for _ in range(len(screen.result.findings)):
        if screen.result.findings[screen.selected].rule == rule:
            return
        await pilot.press("ctrl+n")
    raise AssertionError(f"no finding of {rule}")


def verdict(screen) -> str:
    return screen.query_one(VerdictBadge).verdict


def rows(store) -> list[dict]:
    return messages.recent(store, ("draft", "submitted", "superseded"))


async def test_typing_a_promise_marks_it_and_turns_the_verdict_to_block(make_app, settle):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_compose(pilot, settle)
        assert verdict(screen) == "pass"
        await typed(pilot, "明天开盘,")
        assert verdict(screen) == "pass"
        await typed(pilot, PROMISE)
        assert verdict(screen) == "block"
        view = screen.query_one(FindingsView)
        text = screen.editor.text
        marked = {text[start:end]: severity for start, end, severity in view.marked_spans}
        assert marked.get("稳赚不赔") == "block"
        # What the reader sees: the rendered text carries a style over the promise.
        start = text.index("稳赚不赔")
        content = view.render()
        assert any(span.start <= start and span.end >= start + 4 for span in content.spans)
        assert len(screen.panel.items) == len(screen.result.findings) >= 2


async def test_apply_fix_rewrites_the_promise_and_undo_takes_it_back(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compose(pilot, settle)
        await typed(pilot, PROMISE)
        await choose(pilot, screen, "guarantee.return")
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert "稳赚不赔" not in screen.editor.text
        assert "收益不确定，可能亏损" in screen.editor.text
        assert "guarantee.return" not in [f.rule for f in screen.result.findings]
        await pilot.press("ctrl+z")
        await pilot.pause(0.1)
        assert screen.editor.text == PROMISE


async def test_apply_fix_appends_the_risk_warning_for_a_missing_disclosure(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compose(pilot, settle)
        await typed(pilot, "这只基金今年收益8%")
        assert verdict(screen) == "warn"
        assert screen.result.findings[0].category.value == "disclosure"
        await pilot.press("ctrl+f")
        await pilot.pause(0.1)
        assert screen.editor.text.startswith("这只基金今年收益8%。\n投资有风险")
        assert verdict(screen) == "pass"


async def test_enter_in_the_findings_list_applies_the_chosen_fix(make_app, settle):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_compose(pilot, settle)
        await typed(pilot, "这只基金今年收益8%")
        await pilot.press("tab")                           # editor → findings list
        assert screen.query_one("#findings-list").has_focus
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert "投资有风险" in screen.editor.text


async def test_save_keeps_versions_and_submit_sends_the_latest_for_review(demo_store, make_app,
                                                                          settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compose(pilot, settle)
        await typed(pilot, PROMISE)
        await pilot.press("ctrl+s")
        await pilot.pause()
        first = messages.get_message(demo_store, screen.message_id)
        assert first["status"] == "draft" and first["verdict"] == "block"
        assert {f["rule"] for f in first["findings"]} >= {"guarantee.return"}
        await pilot.press("ctrl+s")                        # nothing changed: no new version
        await pilot.pause()
        assert len(rows(demo_store)) == 1
        await choose(pilot, screen, "guarantee.return")
        await pilot.press("ctrl+f")                        # a fix, then save again
        await pilot.pause(0.1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        second = messages.get_message(demo_store, screen.message_id)
        assert second["previous_id"] == first["id"] and second["text"] != first["text"]
        assert messages.get_message(demo_store, first["id"])["status"] == "superseded"
        assert "version 2" in str(screen.query_one("#compose-status").render())
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert messages.get_message(demo_store, second["id"])["status"] == "submitted"
        assert screen.editor.text == "" and screen.message_id is None   # ready for the next one
        assert [m["id"] for m in messages.review_queue(demo_store)] == [second["id"]]
    steps = [(e["action"], json.loads(e["after"]).get("previous_id"))
             for e in reversed(audit.entries_for(demo_store.conn, "message", second["id"]))]
    assert steps == [("message.draft", first["id"]), ("message.submitted", None)]
    assert audit.verify(demo_store.conn).ok


async def test_empty_message_is_not_saved_and_says_why(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compose(pilot, settle)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert rows(demo_store) == []
        assert any(n.severity == "error" and "empty" in n.message for n in app._notifications)


async def test_the_chosen_community_is_saved_with_the_draft(demo_store, make_app, settle):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_compose(pilot, settle)
        await typed(pilot, "周末沙龙报名开始了")
        await pilot.press("shift+tab", "enter", "down", "enter")   # pick the first community
        await pilot.pause()
        assert screen.community is not None
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert rows(demo_store)[0]["community"] == screen.community


async def test_panels_stack_on_a_small_terminal(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compose(pilot, settle)
        await typed(pilot, PROMISE)
        assert screen.has_class("-narrow")
        for selector in ("#compose-editor", "#compose-preview-box", "#findings-list",
                         "#finding-detail-box"):
            region = screen.query_one(selector).region
            assert region.width >= 20 and region.height >= 3, selector
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_compose(pilot, settle)
        assert not screen.has_class("-narrow")


async def test_escape_goes_back_to_the_roster_and_keeps_the_text(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compose(pilot, settle)
        await typed(pilot, "草稿")
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "roster"
        await pilot.press("m")
        await pilot.pause()
        assert app.screen is screen and screen.editor.text == "草稿"


async def test_language_switch_keeps_the_text_and_translates_the_findings(make_app, settle):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_compose(pilot, settle)
        await typed(pilot, PROMISE)
        await pilot.press("f2")
        await pilot.pause()
        assert screen.editor.text == PROMISE
        assert "结论" not in str(screen.query_one(VerdictBadge).render())
        assert "拦截" in str(screen.query_one(VerdictBadge).render())


async def test_help_and_palette_list_the_compose_keys_and_areas(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compose(pilot, settle)
        await pilot.press("f1")
        await pilot.pause()
        text = str(app.screen.query_one("#help-keys").render())
        for words in ("Save draft", "Submit", "Next finding", "Apply fix", "Write", "Review"):
            assert words in text
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        titles = [c[0] for c in app.screen._providers[0].commands()]
        for title in ("Go to Write a message", "Go to Review messages", "Go to Compliance rules",
                      "Go to Staff", "Submit the message for review"):
            assert title in titles


@pytest.mark.parametrize(("language", "category", "basis", "suggestion", "rule_line"), [
    ("zh", "拦截 · 承诺保本保收益", "依据：《证券法》第135条；《广告法》第25条", "修改建议：",
     "规则编号：guarantee.return"),
    ("en", "Block · Promised returns or capital",
     "Law: Securities Law art. 135; Advertising Law art. 25", "Suggestion: ",
     "Rule id: guarantee.return"),
])
async def test_a_finding_is_named_by_its_kind_and_says_what_to_change(
        make_app, settle, language, category, basis, suggestion, rule_line):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compose(pilot, settle)
        await typed(pilot, PROMISE)
        await choose(pilot, screen, "guarantee.return")
        lines = str(screen.query_one("#finding-detail").render()).splitlines()
        assert lines[0] == category  # the kind of problem, not the rule's id
        assert lines[1] == basis  # the law it breaks, in the reader's language
        assert lines[2].startswith(suggestion)  # what to write instead, next
        # The law is on the 80x24 screen as it is drawn, without scrolling the detail box.
        shown = "\n".join(strip.text for strip in screen._compositor.render_strips())
        law = basis.split("；")[0].split(";")[0]
        assert law in shown
        assert lines[-1] == rule_line  # the id last, for asking compliance about it
        assert not any("guarantee.return" in line for line in lines[:-1])
