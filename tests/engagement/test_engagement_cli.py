"""The engagement commands as a script uses them: names, options and JSON keys as in the issue;
bad input is one message on stderr, exit code 2, and nothing changed."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import openpyxl
import pytest

from branchdesk import datetimes
from branchdesk.cli import main

COMPLAINT_KEYS = {"id", "member_id", "channel", "category", "summary", "status", "opened_at",
                  "first_response_due", "resolution_due", "resolved_at", "overdue"}


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "b.db"
    assert main(["--db", str(path), "--user", "李娜", "demo", "--members", "40", "--seed", "3"]) == 0
    capsys.readouterr()
    return path


def run(db, capsys, *args) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--user", "李娜", *args])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(db, capsys, *args):
    code, out, err = run(db, capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def count(db, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def refused(db, capsys, *args) -> str:
    before = {t: count(db, t) for t in ("activities", "activity_batches", "complaints",
                                         "follow_ups", "audit_log")}
    code, out, err = run(db, capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("branchdesk: ") and err.count("\n") == 1, err
    assert {t: count(db, t) for t in before} == before
    return err


def test_activity_add_by_id_account_or_mobile(db, capsys):
    member = as_json(db, capsys, "members", "--limit", "1")[0]
    revealed = as_json(db, capsys, "members", "--limit", "1", "--reveal")[0]
    for ref in (str(member["id"]), revealed["account_no"], revealed["phone"]):
        logged = as_json(db, capsys, "activity", "add", ref, "--kind", "call", "--note", "问候")
        assert logged["member_id"] == member["id"] and logged["kind"] == "call"
    yesterday = as_json(db, capsys, "activity", "add", str(member["id"]), "--kind", "私聊",
                        "--at", "昨天 10:00")
    assert yesterday["kind"] == "chat" and yesterday["at"].endswith("T10:00:00+08:00")
    listed = as_json(db, capsys, "activity", "list", str(member["id"]),
                     "--from", (datetimes.today() - timedelta(days=1)).isoformat())
    assert len([a for a in listed if a["note"] == "问候"]) == 3
    code, out, _ = run(db, capsys, "activity", "list", str(member["id"]))
    assert code == 0 and "问候" in out


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_star_is_explained_only_when_a_row_shows_one(db, capsys, language):
    legend = "★ reactivated the member" if language == "en" else "★ 表示该次互动唤醒了客户"
    code, out, _ = run(db, capsys, "--lang", language, "activity", "list")
    assert code == 0 and " ★ " in out and legend in out  # the demo wakes some members up
    member = as_json(db, capsys, "members", "--limit", "1")[0]
    for _ in range(2):  # the second call finds the member just contacted: no ★
        as_json(db, capsys, "activity", "add", str(member["id"]), "--kind", "call")
    code, out, _ = run(db, capsys, "--lang", language, "activity", "list", str(member["id"]),
                       "--limit", "1")
    assert code == 0 and "★" not in out and ("1 activity." in out or "共 1 条互动记录。" in out)


@pytest.mark.parametrize("args", [
    ("activity", "add", "1", "--kind", "fax"),
    ("activity", "add", "999999", "--kind", "call"),
    ("activity", "add", "1", "--kind", "call", "--at", "明年"),
    ("activity", "add", "1", "--kind", "call", "--at", "2099-01-01 10:00"),
    ("activity", "list", "--from", "2026-12-10", "--to", "2026-12-01"),
    ("followups", "--due", "month"),
    ("followup", "1"),
    ("followup", "1", "--on", "2020-01-01"),
    ("complaints", "add", "1", "--channel", "fax", "--category", "fees", "--summary", "x"),
    ("complaints", "add", "1", "--channel", "phone", "--category", "weather", "--summary", "x"),
    ("complaints", "add", "1", "--channel", "phone", "--category", "fees", "--summary", " "),
    ("complaints", "respond", "999"),
    ("complaints", "list", "--status", "closed"),
    ("activity", "undo", "77"),
    ("activity", "add", "1", "--kind", "call", "--at", "13-45"),
    ("activity", "list", "--from", "13-45", "--json"),
    ("complaints", "add", "1", "--channel", "phone", "--category", "fees", "--summary", "x",
     "--opened", "13-45"),
    ("followup", "1", "--on", "13-45"),
    ("activity", "add", "1", "--kind", "call", "--at", "1980-01-01 10:00"),
    ("complaints", "add", "1", "--channel", "phone", "--category", "fees", "--summary", "x",
     "--opened", "1026-01-01"),
])
def test_bad_input_is_one_message_exit_2_and_nothing_changed(db, capsys, args):
    refused(db, capsys, *args)


@pytest.mark.parametrize(("args", "said"), [
    (("activity", "add", "1", "--kind", "call", "--staff", "王五"), "“王五” is neither"),
    (("activity", "add", "1", "--kind", "call", "--staff", "王五", "--json"), "“王五” is neither"),
    (("reactivation", "--advisor", "王五"), "“王五” is neither"),
    (("reactivation", "--advisor", "王五", "--json"), "“王五” is neither"),
    (("followups", "--advisor", "王五"), "“王五” is neither"),
    (("birthdays", "--advisor", "王五"), "“王五” is neither"),
    (("complaints", "list", "--owner", "王五"), "“王五” is neither"),
    (("members", "--dormant", "--advisor", "王五"), "“王五” is neither"),
    (("members", "--advisor", "王五", "--json"), "“王五” is neither"),
    (("activity", "list", "--limit", "0"), "--limit takes a whole number, 1 or more (got 0)"),
    (("reactivation", "--limit", "-5"), "--limit takes a whole number, 1 or more (got -5)"),
    (("birthdays", "--days", "400"), "--days takes a number of days from 0 to 366"),
])
def test_a_name_nobody_has_or_a_bad_number_is_refused_not_an_empty_list(db, capsys, args,
                                                                         said):
    """A typo in a name used to list nothing and say "No dormant members": a false answer."""
    err = refused(db, capsys, "--lang", "en", *args)
    assert said in err
    if "neither" in said:
        advisor = as_json(db, capsys, "members", "--limit", "1")[0]["advisor"]
        assert advisor in err  # the names it could have been


def test_a_complaint_is_not_answered_or_resolved_in_the_future_or_before_its_answer(db, capsys):
    made = as_json(db, capsys, "complaints", "add", "2", "--channel", "phone", "--category",
                   "fees", "--summary", "佣金异议", "--opened", "2026-09-30 10:00")
    cid = str(made["id"])
    err = refused(db, capsys, "--lang", "en", "complaints", "respond", cid, "--at", "2099-01-01 10:00")
    assert "2099-01-01 10:00 is in the future" in err
    err = refused(db, capsys, "--lang", "zh", "complaints", "resolve", cid, "--resolution", "已退费",
                  "--at", "2099-01-01 10:00")
    assert "还没到" in err
    answered = as_json(db, capsys, "complaints", "respond", cid, "--at", "2026-10-09 10:00")
    assert answered["status"] == "in_progress"
    err = refused(db, capsys, "--lang", "en", "complaints", "resolve", cid, "--resolution", "已退费",
                  "--at", "2026-10-08 10:00")
    assert "before complaint" in err and "answered (2026-10-09 10:00)" in err


def _sheet(path, *rows) -> str:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return str(path)


def test_an_activity_file_with_nothing_usable_is_refused_whole(db, capsys, tmp_path):
    member = as_json(db, capsys, "members", "--limit", "1", "--reveal")[0]
    header = ["资金账号", "日期", "类型", "备注"]
    all_bad = _sheet(tmp_path / "bad.xlsx", header, [member["account_no"], "13-45", "电话", ""],
                     [member["account_no"], "2026-11-02", "飞鸽", ""])
    err = refused(db, capsys, "--lang", "en", "activity", "import", all_bad)
    assert "No row of sheet" in err and "(2 rows with problems)" in err
    assert "row 2, column 日期, value 13-45" in err and "Nothing was written" in err
    refused(db, capsys, "activity", "import", all_bad, "--json")
    dry = as_json(db, capsys, "activity", "import", all_bad, "--dry-run")  # a preview lists them
    assert dry["invalid"] == 2 and dry["added"] == 0
    empty = _sheet(tmp_path / "empty.xlsx")
    assert "no data" in refused(db, capsys, "--lang", "en", "activity", "import", empty)
    only_header = _sheet(tmp_path / "header.xlsx", header)
    assert "no activity rows" in refused(db, capsys, "--lang", "en", "activity", "import",
                                         only_header)
    not_a_book = tmp_path / "really.xlsx"  # a CSV someone named .xlsx
    not_a_book.write_text("姓名,电话\n张三,13800000000\n", encoding="utf-8")
    err = refused(db, capsys, "--lang", "en", "activity", "import", str(not_a_book))
    assert "really.xlsx has no column for: Date" in err
    not_a_book.write_text(f"资金账号,日期,类型\n{member['account_no']},13-45,电话\n", encoding="utf-8")
    assert "13-45" in refused(db, capsys, "--lang", "en", "activity", "import", str(not_a_book))
    assert ". is a folder" in refused(db, capsys, "--lang", "en", "activity", "import", ".")


def test_followups_and_birthdays(db, capsys):
    today = datetimes.today()
    set_ = as_json(db, capsys, "followup", "1", "--on", "今天", "--reason", "确认满意度")
    assert set_["due_on"] == today.isoformat() and set_["reason"] == "确认满意度"
    due = as_json(db, capsys, "followups")
    assert 1 in [f["member_id"] for f in due]
    assert all(f["due_on"] <= today.isoformat() for f in due)
    week = as_json(db, capsys, "followups", "--due", "week")
    assert len(week) >= len(due)
    mine = as_json(db, capsys, "followups", "--advisor", set_["advisor"])
    assert {f["advisor"] for f in mine} == {set_["advisor"]}
    assert as_json(db, capsys, "followup", "1", "--clear") == {"member_id": 1, "cleared": True}
    birthdays = as_json(db, capsys, "birthdays", "--days", "366")
    assert birthdays and all("****" in b["phone"] for b in birthdays)


def test_reactivation_and_dormant_members_agree(db, capsys):
    dormant = {m["id"] for m in as_json(db, capsys, "members", "--dormant")}
    sleepers = as_json(db, capsys, "reactivation")
    assert {s["member_id"] for s in sleepers} == dormant
    assert all("****" in (s["phone"] or "****") for s in sleepers)
    tiers = ["diamond", "gold", "silver", "basic", None]
    ranks = [tiers.index(s["value_tier"]) for s in sleepers]
    assert ranks == sorted(ranks)
    woken = as_json(db, capsys, "reactivation", "--reactivated")
    assert {w["member_id"] for w in woken} == {m["id"] for m in as_json(db, capsys, "members",
                                                                         "--reactivated")}
    # a contact with a dormant member wakes them
    first = sleepers[0]["member_id"]
    as_json(db, capsys, "activity", "add", str(first), "--kind", "call")
    assert first in {w["member_id"] for w in as_json(db, capsys, "reactivation", "--reactivated")}
    assert first not in {s["member_id"] for s in as_json(db, capsys, "reactivation")}


def test_complaints_from_add_to_resolve(db, capsys):
    made = as_json(db, capsys, "complaints", "add", "2", "--channel", "phone", "--category",
                   "fees", "--summary", "佣金异议", "--opened", "2026-09-30 10:00")
    assert set(made) >= COMPLAINT_KEYS
    assert (made["first_response_due"], made["resolution_due"]) == ("2026-10-08", "2026-10-20")
    assert made["status"] == "open" and made["overdue"] is True
    listed = as_json(db, capsys, "complaints", "list", "--overdue")
    assert listed[0]["id"] == made["id"] and all(c["overdue"] for c in listed)
    answered = as_json(db, capsys, "complaints", "respond", str(made["id"]))
    assert answered["status"] == "in_progress"
    done = as_json(db, capsys, "complaints", "resolve", str(made["id"]), "--resolution", "已退费")
    assert done["status"] == "resolved" and done["resolved_at"] and done["overdue"] is False
    err = refused(db, capsys, "complaints", "resolve", str(made["id"]), "--resolution", "again")
    assert "resolved" in err
    code, out, _ = run(db, capsys, "--lang", "zh", "complaints", "list", "--status", "resolved")
    assert code == 0 and "已办结" in out


def test_activity_import_dry_run_import_and_undo(db, capsys, tmp_path):
    member = as_json(db, capsys, "members", "--limit", "1", "--reveal")[0]
    book = openpyxl.Workbook()
    book.active.append(["资金账号", "日期", "类型", "备注"])
    book.active.append([member["account_no"], "2026-11-02 09:00", "电话", "导入的"])
    book.active.append(["000000", "2026-11-02 09:00", "电话", ""])
    path = tmp_path / "a.xlsx"
    book.save(path)
    dry = as_json(db, capsys, "activity", "import", str(path), "--dry-run")
    assert (dry["added"], dry["invalid"], dry["batch_id"]) == (1, 1, None)
    assert dry["errors"][0]["row"] == 3 and dry["errors"][0]["column"] == "资金账号"
    done = as_json(db, capsys, "activity", "import", str(path))
    assert done["added"] == 1 and done["batch_id"]
    code, out, _ = run(db, capsys, "activity", "undo", str(done["batch_id"]))
    assert code == 0 and str(done["batch_id"]) in out
    refused(db, capsys, "activity", "import", str(tmp_path / "missing.xlsx"))


def test_the_same_activity_file_again_says_nothing_new_and_writes_nothing(db, capsys, tmp_path):
    member = as_json(db, capsys, "members", "--limit", "1", "--reveal")[0]
    path = _sheet(tmp_path / "visits.xlsx", ["资金账号", "日期", "类型", "备注"],
                  [member["account_no"], "2026-11-02 09:00", "电话", "问候"],
                  [member["account_no"], "2026-11-03 10:00", "面谈", "来访"])
    first = as_json(db, capsys, "activity", "import", path)
    assert first["added"] == 2
    before = {t: count(db, t) for t in ("activities", "activity_batches", "audit_log")}
    code, out, err = run(db, capsys, "--lang", "en", "activity", "import", path)
    assert code == 0 and err == ""
    assert "Nothing new in visits.xlsx" in out and "all 2 activities are already recorded" in out
    assert "first imported 20" in out and f"(activity import {first['batch_id']})" in out
    assert "undo" not in out and "0 added" not in out
    code, out, _ = run(db, capsys, "--lang", "zh", "activity", "import", path)
    assert code == 0 and "没有新内容" in out and f"首次导入（导入批次 {first['batch_id']}）" in out
    again = as_json(db, capsys, "activity", "import", path)
    assert again["nothing_new"] and again["batch_id"] is None
    assert (again["added"], again["skipped"], again["first_batch_id"]) == (0, 2, first["batch_id"])
    assert {t: count(db, t) for t in before} == before  # no empty import, no audit row
    imports = as_json(db, capsys, "activity", "imports")
    assert [b["id"] for b in imports if b["file_name"] == "visits.xlsx"] == [first["batch_id"]]


def test_an_unknown_choice_lists_the_words_a_chinese_reader_can_type(db, capsys):
    err = refused(db, capsys, "--lang", "zh", "activity", "add", "1", "--kind", "飞鸽")
    assert "call (电话)" in err and "chat (私聊)" in err
    err = refused(db, capsys, "--lang", "zh", "complaints", "add", "1", "--channel", "电话",
                  "--category", "天气", "--summary", "x")
    assert "fees (收费)" in err
    err = refused(db, capsys, "--lang", "en", "complaints", "list", "--status", "closed")
    assert "open, in_progress, resolved" in err  # English names add nothing to the codes


def test_the_demo_logs_no_contact_later_than_now(tmp_path, capsys, monkeypatch):
    """Built at 08:40, the demo's contacts of today are all before 08:40 (logging a later one
    by hand is refused as in the future)."""
    from datetime import datetime, time

    morning = datetime.combine(datetimes.today(), time(8, 40), tzinfo=datetimes.branch_zone())
    monkeypatch.setattr(datetimes, "now", lambda: morning)
    path = tmp_path / "demo.db"
    assert main(["--db", str(path), "demo", "--members", "300", "--seed", "3"]) == 0
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT at FROM activities").fetchall()
    today = [datetimes.from_stored(at) for (at,) in rows if datetimes.from_stored(at).date()
             == morning.date()]
    assert today, "the demo logs some contacts today"
    assert max(today) <= morning
