"""`export members`: the roster's filters, numbers masked unless revealed (audited), every
text cell text, streamed to a temporary file and renamed."""

from __future__ import annotations

import json

import openpyxl

from branchdesk.cli import main
from branchdesk.services import roster
from branchdesk.store import audit
from branchdesk.store.database import Store


def _demo(tmp_path, capsys):
    db = tmp_path / "b.db"
    assert main(["--db", str(db), "demo", "--members", "60"]) == 0
    store = Store(db)
    member, _ = roster.add_member(store, "李娜", "=HYPERLINK(\"http://x\")", "13811112222",
                                  advisor="周明远", notes="+1 打电话", account_no="310055554444")
    store.close()
    capsys.readouterr()
    return db, member


def _rows(path):
    sheet = openpyxl.load_workbook(path).active
    return [[c.value for c in row] for row in sheet.iter_rows()], sheet


def test_the_export_follows_the_filter_and_masks_numbers(tmp_path, capsys):
    db, member = _demo(tmp_path, capsys)
    out = tmp_path / "周明远.xlsx"
    assert main(["--db", str(db), "export", "members", "--advisor", "周明远", "-o", str(out),
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert main(["--db", str(db), "members", "--advisor", "周明远", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    rows, sheet = _rows(out)
    assert result["members"] == len(listed) == len(rows) - 1 and not result["revealed"]
    header = rows[0]
    phone, account, name = header.index("Mobile"), header.index("Account no."), header.index("Name")
    assert {r[header.index("Advisor")] for r in rows[1:]} == {"周明远"}
    assert [r[name] for r in rows[1:]] == [m["name"] for m in listed]
    mine = next(r for r in rows[1:] if r[name] == member.name)
    assert mine[phone] == "138****2222" and mine[account] == "310*****4444"
    for r in rows[1:]:
        assert r[phone] is None or "****" in r[phone]
    # A name or note that looks like a formula stays text.
    cell = sheet.cell(rows.index(mine) + 1, name + 1)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"
    assert mine[header.index("Notes")] == "+1 打电话"
    store = Store(db)
    assert not audit.entries_where(store.conn, "action = 'members.reveal_phones'", ())
    store.close()


def test_a_revealed_export_shows_numbers_and_is_audited(tmp_path, capsys):
    db, member = _demo(tmp_path, capsys)
    out = tmp_path / "all.xlsx"
    assert main(["--db", str(db), "--user", "李娜", "export", "members", "--reveal",
                 "-o", str(out)]) == 0
    rows, _ = _rows(out)
    header = rows[0]
    mine = next(r for r in rows[1:] if r[header.index("Name")] == member.name)
    assert mine[header.index("Mobile")] == "13811112222"
    assert mine[header.index("Account no.")] == "310055554444"
    store = Store(db)
    [row] = audit.entries_where(store.conn, "action = 'members.reveal_phones'", ())
    assert row["operator"] == "李娜" and json.loads(row["after"])["count"] == len(rows) - 1
    store.close()


def test_an_unwritable_path_is_one_message_and_no_file(tmp_path, capsys):
    db, _ = _demo(tmp_path, capsys)
    out = tmp_path / "missing" / "x.xlsx"
    assert main(["--db", str(db), "export", "members", "-o", str(out)]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob("*.partial-*"))


def test_an_export_searching_for_only_symbols_writes_nobody(tmp_path, capsys):
    """A search of an emoji or punctuation finds nobody: not every member, revealed or not."""
    db, _ = _demo(tmp_path, capsys)
    for number, extra in enumerate(([], ["--reveal"])):
        out = tmp_path / f"x{number}.xlsx"
        assert main(["--db", str(db), "--user", "李娜", "export", "members", "--search", "😀",
                     *extra, "-o", str(out), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["members"] == 0
        rows, _ = _rows(out)
        assert len(rows) == 1  # the header only
    assert main(["--db", str(db), "--lang", "en", "members", "--search", "!"]) == 0
    assert "0 members match" in capsys.readouterr().out
