"""What the command line prints reads as a sentence: counts in the right form, a long value
cut, and an option pair that asks for two things refused."""

from __future__ import annotations

import json

import pytest

from branchdesk.cli import main


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "b.db"
    assert main(["--db", str(path), "demo", "--members", "30"]) == 0
    capsys.readouterr()
    return path


def run(db, capsys, *args) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_one_event_written_is_singular(db, capsys, tmp_path):
    code, out, _ = run(db, capsys, "events", "add", "--kind", "salon", "--title", "沙龙",
                       "--start", "2030-03-02 14:00", "--end", "16:00", "--json")
    assert code == 0
    event = json.loads(out)[0]["id"]
    target = tmp_path / "one.ics"
    code, out, _ = run(db, capsys, "export", "calendar", "--event", str(event), "-o", str(target))
    assert code == 0 and out == f"Wrote 1 event to {target}.\n"


def test_a_trail_of_one_entry_is_singular(db, capsys):
    from branchdesk.store.database import Store

    code, out, err = run(db, capsys, "messages", "draft", "--text", "周六下午两点新手课程，欢迎报名。")
    assert code == 0, err
    message = Store(db).conn.execute("SELECT max(id) FROM messages").fetchone()[0]
    code, out, _ = run(db, capsys, "audit", "trail", "--message", str(message))
    assert code == 0
    assert out.splitlines()[0] == f"Audit trail of message {message} (all its versions): 1 entry"


def test_all_and_limit_together_are_refused(db, capsys):
    with pytest.raises(SystemExit) as stopped:
        run(db, capsys, "members", "--all", "--limit", "5")
    out, err = capsys.readouterr()
    assert stopped.value.code == 2 and out == ""
    assert "--limit" in err and "--all" in err and "not allowed" in err


@pytest.mark.parametrize(("language", "said"), [
    ("en", "The name {cut} has 3000 characters, more than 40: shorten it."),
    ("zh", "名称 {cut} 有 3000 个字，超过 40 个：请缩短。"),
])
def test_a_very_long_community_name_is_cut_in_the_error(db, capsys, language, said):
    name = "群" * 3000
    code, _, err = run(db, capsys, "--lang", language, "communities", "add", name)
    assert code == 2 and err == "branchdesk: " + said.format(cut="群" * 20 + "…") + "\n"


def test_import_list_and_undo_and_backup_print_json(tmp_path, capsys):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["客户姓名", "手机号码", "资金账号"])
    book.active.append(["王芳", "13812345678", "880000000001"])
    book.active.append(["李强", "13912345678", "880000000002"])
    roster = tmp_path / "名单.xlsx"
    book.save(roster)
    db = tmp_path / "b.db"
    assert main(["--db", str(db), "import", "roster", str(roster), "--json"]) == 0
    batch = json.loads(capsys.readouterr().out)["batch_id"]
    code, out, _ = run(db, capsys, "import", "list", "--json")
    [listed] = json.loads(out)
    assert code == 0 and listed["batch_id"] == batch and listed["file_name"] == "名单.xlsx"
    assert set(listed) == {"batch_id", "file_name", "sha256", "sheet", "operator", "imported_at",
                           "created", "updated", "unchanged", "merged", "invalid", "undone_at"}
    assert (listed["created"], listed["undone_at"]) == (2, None)
    code, out, _ = run(db, capsys, "import", "undo", str(batch), "--json")
    assert code == 0 and json.loads(out) == {"batch_id": batch, "removed": 2, "restored": 0,
                                             "edits_lost": 0}
    assert json.loads(run(db, capsys, "import", "list", "--json")[1])[0]["undone_at"]
    copy = tmp_path / "copy.db"
    code, out, _ = run(db, capsys, "backup", "-o", str(copy), "--json")
    written = json.loads(out)
    head = json.loads(run(db, capsys, "audit", "head", "--json")[1])
    assert code == 0 and written["file"] == str(copy) and written["size_bytes"] == copy.stat().st_size
    assert written["head"] == {k: head[k] for k in ("seq", "hash", "anchor")}
