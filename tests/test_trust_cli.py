"""The trust commands' help and output, in both languages."""

from __future__ import annotations

import json

import pytest

from branchdesk.cli import main


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("command", [["audit", "verify"], ["audit", "head"], ["audit", "trail"],
                                     ["backup"], ["restore"]])
def test_help_is_in_the_users_language(language, command, capsys):
    with pytest.raises(SystemExit):
        main(["--lang", language, *command, "--help"])
    out = capsys.readouterr().out
    assert "[trust_help." not in out and "[cli_help." not in out


def test_head_json_and_verify_json(tmp_path, capsys):
    db = tmp_path / "b.db"
    assert main(["--db", str(db), "demo", "--members", "5"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "audit", "head", "--json"]) == 0
    head = json.loads(capsys.readouterr().out)
    assert head["anchor"] == f"{head['seq']}:{head['hash']}"
    assert main(["--db", str(db), "audit", "verify", "--json", "--head", head["anchor"]]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["anchor_confirmed"] and report["tables_match_trail"]


def test_trail_json_masks_phones(tmp_path, capsys):
    db = tmp_path / "b.db"
    assert main(["--db", str(db), "demo", "--members", "3"]) == 0
    from branchdesk.services import roster
    from branchdesk.store.database import Store

    store = Store(db)
    roster.update_member(store, "李娜", 1, {"phone": "13900001111"})
    store.close()
    capsys.readouterr()
    assert main(["--db", str(db), "audit", "trail", "--member", "1", "--json"]) == 0
    out = capsys.readouterr().out
    assert "13900001111" not in out and "139****1111" in out


def _trail_actions(db, capsys, member: int) -> list[str]:
    capsys.readouterr()
    assert main(["--db", str(db), "audit", "trail", "--member", str(member), "--json"]) == 0
    return [e["action"] for e in json.loads(capsys.readouterr().out)["entries"]]


def test_a_members_trail_holds_its_event_rows_and_complaints(tmp_path, capsys):
    import sqlite3

    db = tmp_path / "b.db"
    assert main(["--db", str(db), "demo", "--members", "60", "--seed", "7", "--events"]) == 0
    with sqlite3.connect(db) as conn:
        member = conn.execute("SELECT member_id FROM registrations"
                              " WHERE state = 'registered' LIMIT 1").fetchone()[0]
        other = conn.execute("SELECT id FROM members WHERE id NOT IN"
                             " (SELECT member_id FROM registrations) LIMIT 1").fetchone()[0]
    capsys.readouterr()
    assert main(["--db", str(db), "complaints", "add", str(member), "--channel", "phone",
                 "--category", "service", "--summary", "等太久", "--json"]) == 0
    complaint = json.loads(capsys.readouterr().out)["id"]
    assert main(["--db", str(db), "complaints", "respond", str(complaint), "--note", "已回电"]) == 0
    actions = _trail_actions(db, capsys, member)
    for action in ("event.invite", "registration.register", "complaint.open", "complaint.respond"):
        assert action in actions, action
    # Another member's trail does not hold them.
    assert not {"registration.register", "complaint.open"} & set(
        _trail_actions(db, capsys, other))


def test_unknown_member_and_message_are_refused_alike(tmp_path, capsys):
    db = tmp_path / "b.db"
    assert main(["--db", str(db), "demo", "--members", "3"]) == 0
    for option, noun in (("--member", "member"), ("--message", "message")):
        capsys.readouterr()
        assert main(["--db", str(db), "audit", "trail", option, "9999"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"branchdesk: There is no {noun} 9999") and err.count("\n") == 1
