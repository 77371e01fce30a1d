"""`branchdesk check` on exports: each line's community, each distinct text judged once, a
second process that changes nothing in the results, and broken input as one clear message."""

from __future__ import annotations

import json

import pytest

from branchdesk.cli import main
from branchdesk.compliance import CheckContext, Checker
from branchdesk.services import bulk_check, bulk_share
from branchdesk.services.checking import checker_from_changes

R5 = "本周主推XX进取一号（R5），感兴趣的联系我。投资有风险，入市需谨慎。"


def _run(capsys, *args):
    code = main([*args])
    return code, capsys.readouterr()


def _jsonl(path, rows) -> str:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return str(path)


def test_a_lines_community_key_is_used(demo_store, tmp_path, capsys):
    """Suitability against a community's members: a line names its community (or --community
    gives one to lines that name none)."""
    db = str(demo_store.path)
    demo_store.close()
    community = "银发理财沙龙"
    source = _jsonl(tmp_path / "export.jsonl", [
        {"id": "a", "text": R5, "community": community},
        {"id": "b", "text": R5},
    ])
    code, out = _run(capsys, "--db", db, "check", source, "--json")
    lines = {json.loads(line)["id"]: json.loads(line) for line in out.out.splitlines()}
    assert code == 1
    assert any(f["rule"] == "suitability.risk-level" for f in lines["a"]["findings"])
    assert not any(f["rule"] == "suitability.risk-level" for f in lines["b"]["findings"])
    code, out = _run(capsys, "--db", db, "check", source, "--json", "--community", community)
    lines = {json.loads(line)["id"]: json.loads(line) for line in out.out.splitlines()}
    assert any(f["rule"] == "suitability.risk-level" for f in lines["b"]["findings"])


def test_a_community_nobody_belongs_to_is_named(demo_store, tmp_path, capsys):
    db = str(demo_store.path)
    demo_store.close()
    source = _jsonl(tmp_path / "export.jsonl", [{"text": "收到", "community": "不存在的群"}] * 3)
    code, out = _run(capsys, "--db", db, "check", source, "--json")
    assert code == 0 and len(out.out.splitlines()) == 3
    assert "不存在的群" in out.err and "3" in out.err


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"text": "ok", "community": 7}', "community"),
        ('{"text": "' + "很长的消息" * 25_000 + '"}', "125,000 characters"),
    ],
)
def test_broken_lines_are_one_clear_message(tmp_path, capsys, line, expected):
    source = tmp_path / "export.jsonl"
    source.write_text('{"text": "收到"}\n' + line + "\n", encoding="utf-8")
    code, out = _run(capsys, "check", str(source), "--json")
    assert code == 2 and out.out == ""
    assert "line 2" in out.err and expected in out.err
    assert "Traceback" not in out.err


def test_one_huge_message_is_refused_by_name(capsys):
    code, out = _run(capsys, "check", "--text", "好" * 100_001)
    assert code == 2 and "100,000" in out.err and "Traceback" not in out.err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('[{"id": "x"}]', "list"),
        ("[" * 100_000 + "]" * 100_000, "Could not read the rule file"),
    ],
)
def test_rules_save_of_a_list_or_nested_json_is_one_clear_message(tmp_path, capsys, content, expected):
    rule = tmp_path / "rule.json"
    rule.write_text(content, encoding="utf-8")
    code, out = _run(capsys, "--db", str(tmp_path / "b.db"), "rules", "save", str(rule))
    assert code == 2 and expected in out.err and "Traceback" not in out.err


def test_rules_naming_an_unknown_word_class_are_refused(tmp_path, capsys):
    rule = tmp_path / "rule.toml"
    rule.write_text('id = "branch.x"\ncategory = "insider"\nseverity = "block"\nphrases = ["@nobody"]\n'
                    'explanation_zh = "x"\nexplanation_en = "x"\n', encoding="utf-8")
    code, out = _run(capsys, "--db", str(tmp_path / "b.db"), "rules", "save", str(rule))
    assert code == 2 and "@nobody" in out.err


def test_each_distinct_text_is_judged_once(store, monkeypatch):
    seen: list[str] = []
    original = Checker.check_many

    def counting(self, texts, context=None):
        seen.extend(texts)
        return original(self, texts, context)

    monkeypatch.setattr(Checker, "check_many", counting)
    texts = ["收到", "好的", "收到", R5, "收到", R5] * 50
    items = [bulk_check.Item(str(n), text) for n, text in enumerate(texts)]
    results = bulk_check.check_items(store, items)
    assert sorted(seen) == sorted({"收到", "好的", R5})
    assert [item.text for item, _ in results] == [item.text for item in items]
    assert results[0][1] is results[2][1]  # one judgement, given to every line holding the text


def test_a_second_process_changes_nothing(store, monkeypatch):
    """Split between two processes, every message gets exactly what checking it alone gives."""
    from compliance.corpus_metrics import load_corpus

    monkeypatch.setattr(bulk_share, "PARALLEL_FROM", 100)
    monkeypatch.setattr(bulk_share, "CHUNK", 40)
    texts = [item["text"] for item in load_corpus()[:400]]
    items = [bulk_check.Item(str(n), text) for n, text in enumerate(texts)]
    helper = bulk_share.start_helper(store)
    assert helper is not None
    results = bulk_check.check_items(store, items, helper=helper)
    checker, version = checker_from_changes([])
    context = CheckContext(known_numbers=set())
    for (item, result), text in zip(results, texts, strict=True):
        alone = checker.check(text, context)._replace(pack_version=version)
        assert result == alone, item.id


def test_a_text_sent_to_several_communities_is_judged_once_unless_it_names_a_risk_level(
    demo_store, monkeypatch
):
    seen: list[tuple[str, bool]] = []
    original = Checker.check_many

    def counting(self, texts, context=None):
        seen.extend((t, bool(context and context.community_risk_counts)) for t in texts)
        return original(self, texts, context)

    monkeypatch.setattr(Checker, "check_many", counting)
    chatter = "周六下午两点的沙龙还有名额吗"
    items = [bulk_check.Item(str(n), text, community)
             for n, (text, community) in enumerate([(chatter, "银发理财沙龙"), (chatter, "解套互助群"),
                                                    (R5, "银发理财沙龙"), (R5, "解套互助群")])]
    results = bulk_check.check_items(demo_store, items)
    assert [t for t, _ in seen].count(chatter) == 1
    assert [t for t, roster in seen if roster].count(R5) == 2  # each community's members count
    assert results[0][1] is results[1][1]


def _split_rows(n: int) -> list[dict]:
    rows = []
    for k in range(n):
        row: dict = {"text": f"第{k}条：收到，谢谢" if k % 3 else R5}
        if k % 4:
            row["id"] = f"m{k}" if k % 5 else k  # a number as id, and lines with none
        if k % 2:
            row["community"] = "银发理财沙龙" if k % 7 else ""
        rows.append(row)
    return rows


def test_a_helper_parsing_half_the_file_reads_the_same_items(store, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_check, "SPLIT_FROM_BYTES", 10)
    path = tmp_path / "export.jsonl"
    path.write_text("\n\n" + "\n".join(json.dumps(r, ensure_ascii=False) for r in _split_rows(41)) + "\n",
                    encoding="utf-8")
    alone = bulk_check.read_items(path)
    helper = bulk_share.start_helper(store, split=True)
    assert helper is not None
    try:
        shared = bulk_check.read_items(path, helper)
        # The helper then checks as before.
        results = bulk_check.check_items(store, shared, helper=helper)
    finally:
        helper.close()
    assert shared == alone
    assert [i.id for i in shared[:5]] == ["3", "m1", "m2", "m3", "7"]  # line numbers count the blank lines
    assert [r.verdict for _, r in results] == [r.verdict for _, r in bulk_check.check_items(store, alone)]


def test_a_broken_line_in_the_helpers_half_is_named_as_without_it(store, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_check, "SPLIT_FROM_BYTES", 10)
    rows = [json.dumps(r, ensure_ascii=False) for r in _split_rows(30)]
    rows[25] = '{"text": 5}'
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(bulk_check.UserError) as alone:
        bulk_check.read_items(path)
    helper = bulk_share.start_helper(store, split=True)
    assert helper is not None
    try:
        with pytest.raises(bulk_check.UserError) as shared:
            bulk_check.read_items(path, helper)
    finally:
        helper.close()
    assert shared.value.message == alone.value.message
    assert "26" in alone.value.message


def test_a_helper_waiting_for_a_half_checks_after_a_file_it_cannot_share(store, tmp_path, monkeypatch):
    from compliance.corpus_metrics import load_corpus

    monkeypatch.setattr(bulk_share, "PARALLEL_FROM", 100)
    monkeypatch.setattr(bulk_share, "CHUNK", 40)
    path = tmp_path / "one.txt"
    path.write_text(R5, encoding="utf-8")
    helper = bulk_share.start_helper(store, split=True)
    assert helper is not None
    items = bulk_check.read_items(path, helper)
    items += [bulk_check.Item(str(n), item["text"]) for n, item in enumerate(load_corpus()[:200])]
    results = bulk_check.check_items(store, items, helper=helper)
    checker, version = checker_from_changes([])
    context = CheckContext(known_numbers=set())
    for item, result in results:
        assert result == checker.check(item.text, context)._replace(pack_version=version), item.id
