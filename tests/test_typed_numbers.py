"""Numbers typed or pasted in full-width digits, with spaces or odd dashes: read as the roster
stores them, by the importer and by every command that takes a member's phone or account."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from branchdesk.cli import main


def wide(text: str) -> str:
    """ASCII digits → full-width (１３８…), as hand-made Chinese sheets hold them."""
    return "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in text)


@pytest.fixture
def db(tmp_path, capsys):
    """Three members: one with a plain mobile, two imported from full-width or odd cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户姓名", "手机号码", "资金账号"])
    sheet.append(["王芳", "15292822045", "310000000001"])
    sheet.append(["李强", wide("13800000006"), wide("310000000002")])
    sheet.append(["张伟", "\ufeff138\u20110000\u22120008", "3100\u200b00000003"])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    database = tmp_path / "b.db"
    assert main(["--db", str(database), "import", "roster", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["created"] == 3 and report["errors"] == [] and report["warnings"] == []
    return database


def run(db, capsys, *args):
    code = main(["--db", str(db), "--lang", "en", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def members(db, capsys, *args) -> list[dict]:
    code, out, err = run(db, capsys, "members", "--json", "--reveal", *args)
    assert code == 0, err
    return json.loads(out)


def test_full_width_and_odd_dashes_are_imported_as_plain_digits(db, capsys):
    stored = {m["name"]: (m["phone"], m["account_no"]) for m in members(db, capsys)}
    assert stored == {"王芳": ("15292822045", "310000000001"),
                      "李强": ("13800000006", "310000000002"),
                      "张伟": ("13800000008", "310000000003")}


@pytest.mark.parametrize("search", ["２０４５", "１５２ ９２８２ ２０４５", "１５２９２８２２０４５"])
def test_members_search_with_full_width_digits_finds_the_member(db, capsys, search):
    assert [m["name"] for m in members(db, capsys, "--search", search)] == ["王芳"]


def _event_open_now(db, capsys) -> str:
    start = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(hours=1)
    code, out, err = run(db, capsys, "events", "add", "--kind", "salon", "--title", "沙龙",
                         "--start", f"{start:%Y-%m-%d %H:%M}",
                         "--end", f"{start + timedelta(hours=2):%Y-%m-%d %H:%M}",
                         "--room", "301", "--capacity", "9", "--json")
    assert code == 0, err
    return str(json.loads(out)[0]["id"])


@pytest.mark.parametrize("member", [
    "１５２９２８２２０４５", "152 9282 2045", "+86 152-9282-2045", "３１００００００００01",
])
def test_events_register_takes_the_member_however_the_number_is_typed(db, capsys, member):
    event = _event_open_now(db, capsys)
    code, out, err = run(db, capsys, "events", "register", event, member, "--json")
    assert code == 0, err
    assert json.loads(out)["name"] == "王芳"


@pytest.mark.parametrize("query", ["２０４５", "152 9282 2045"])
def test_checkin_at_the_door_by_full_width_tail_or_spaced_number(db, capsys, query):
    event = _event_open_now(db, capsys)
    assert run(db, capsys, "events", "register", event, "15292822045")[0] == 0
    code, out, err = run(db, capsys, "events", "checkin", event, query, "--json")
    assert code == 0, err
    assert json.loads(out)["name"] == "王芳"


def test_activity_add_takes_a_full_width_mobile(db, capsys):
    code, out, err = run(db, capsys, "activity", "add", "１３８ ００００ ０００６", "--kind",
                         "call", "--json")
    assert code == 0, err
    assert json.loads(out)["name"] == "李强"
