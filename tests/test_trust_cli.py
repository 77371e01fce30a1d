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
