"""`branchdesk review` as a script uses it: the keys the issue names, integers and fractions,
the same figures as the service; a week that does not exist is one message and exit 2."""

from __future__ import annotations

import json

import pytest
from weekly_review_support import TODAY, build_branch, local_noon

from branchdesk import datetimes
from branchdesk.cli import main
from branchdesk.store.database import Store


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "branch.db"
    store = Store(path)
    build_branch(store, monkeypatch)
    store.close()
    monkeypatch.setattr(datetimes, "now", lambda: local_noon(TODAY))
    return path


def review_json(db, capsys, *args: str) -> dict:
    assert main(["--db", str(db), "review", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_the_issues_keys_and_types(db, capsys):
    data = review_json(db, capsys, "--week", "2026-W49")
    assert {"week", "start", "end", "members", "engagement", "events", "compliance", "complaints",
            "advisors", "trend", "audit_head"} <= set(data)
    assert (data["week"], data["start"], data["end"]) == ("2026-W49", "2026-11-30", "2026-12-06")
    members = data["members"]
    assert {k: members[k] for k in ("total", "new", "active", "dormant", "reactivated")} == \
        {"total": 6, "new": 1, "active": 3, "dormant": 1, "reactivated": 1}
    assert all(type(members[k]) is int for k in ("total", "new", "active", "dormant", "reactivated"))
    assert data["events"]["attendance_rate"] == 0.5 and data["events"]["no_show_rate"] == 0.25

    def rates(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from rates(v, k)
        elif isinstance(node, list):
            for v in node:
                yield from rates(v, key)
        elif key.endswith("_rate") and node is not None:
            yield node

    assert all(0 <= r <= 1 for r in rates(data))
    assert [w["week"] for w in data["trend"]] == [f"2026-W{n}" for n in range(42, 50)]
    assert data["trend"][-1]["members"] == data["members"]
    assert isinstance(data["advisors"], list) and data["advisors"][0]["advisor"] == "周明远"
    assert data["advisors"][0]["active_trend"][-2:] == [1, 2]
    assert set(data["audit_head"]) == {"seq", "hash"} and len(data["audit_head"]["hash"]) == 64


def test_this_week_by_default(db, capsys):
    assert review_json(db, capsys)["week"] == "2026-W49"


@pytest.mark.parametrize("week", ["2026-W54", "2025-W53", "W49", "2026-W00", "2026-W50", "2027-W01"])
def test_a_week_that_does_not_exist_is_one_message(db, capsys, week):
    assert main(["--db", str(db), "--lang", "en", "review", "--week", week, "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and week in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_text_shows_this_week_last_week_and_the_change(db, capsys):
    assert main(["--db", str(db), "--lang", "en", "review", "--week", "2026-W49"]) == 0
    out = capsys.readouterr().out
    assert "Weekly review 2026-W49 (2026-11-30 to 2026-12-06, as of 2026-12-02)" in out
    line = next(x for x in out.splitlines() if "Members on the roster" in x)
    assert line.split()[-3:] == ["6", "5", "+1"]
    line = next(x for x in out.splitlines() if "Attendance rate" in x)
    assert line.split()[-4:] == ["50.0%", "100.0%", "−50.0", "pt"]
    assert "(no advisor)" in out and "Audit log head" in out


def test_chinese(db, capsys):
    assert main(["--db", str(db), "--lang", "zh", "review", "--week", "2026-W49"]) == 0
    out = capsys.readouterr().out
    assert "周报 2026-W49" in out and "沉睡客户" in out and "个百分点" in out


def test_a_week_to_come_is_refused_not_guessed(db, capsys):
    assert main(["--db", str(db), "--lang", "en", "review", "--week", "2026-W51"]) == 2
    assert "has not begun yet (this week is 2026-W49)" in capsys.readouterr().err


def test_an_output_that_is_a_folder_is_one_message_and_no_file(db, tmp_path, capsys):
    folder = tmp_path / "周报.xlsx"
    folder.mkdir()
    assert main(["--db", str(db), "--lang", "en", "export", "review", "-o", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and "Errno" not in err and "partial" not in err
    assert list(folder.iterdir()) == [] and list(tmp_path.glob(".*partial*")) == []


def test_an_event_not_closed_has_no_no_show_rate_yet(db, capsys):
    """No-shows are marked when staff close an event: before that its no-show rate is not
    known (null, shown as —), not 0%, and the week counts it as awaiting closing."""
    with Store(db).transaction() as conn:
        conn.execute("UPDATE events SET closed_at = NULL")
    data = review_json(db, capsys, "--week", "2026-W49")
    events = data["events"]
    assert events["no_show_rate"] is None and events["awaiting_close"] == 1
    assert events["attendance_rate"] == 0.5  # check-ins are known as they happen
    assert [e["no_show_rate"] for e in data["event_list"]] == [None]
    assert main(["--db", str(db), "review", "--week", "2026-W49"]) == 0
    shown = capsys.readouterr().out
    assert "No-show rate (closed events)" in shown
    line = next(li for li in shown.splitlines() if "No-show rate" in li)
    assert "—" in line and "0.0%" not in line


def test_the_review_says_invitations_sent_where_events_list_says_awaiting_reply(db, capsys):
    assert main(["--db", str(db), "review", "--week", "2026-W49"]) == 0
    assert "Invitations sent" in capsys.readouterr().out
