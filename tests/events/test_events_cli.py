"""`branchdesk events …` as scripts use it: the JSON keys, exit codes, nothing half-written."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from branchdesk.cli import main

EVENT_KEYS = {"id", "series_id", "kind", "title", "speaker", "room", "link", "start", "end",
              "capacity", "product_risk", "status", "counts"}
COUNT_KEYS = {"invited", "registered", "waitlisted", "attended", "no_show", "cancelled"}


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "b.db"
    assert main(["--db", str(path), "demo", "--members", "120"]) == 0
    capsys.readouterr()
    return path


def run(db, capsys, *args) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--lang", "en", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(db, capsys, *args):
    code, out, err = run(db, capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def table_counts(db) -> tuple[int, int, int]:
    from branchdesk.store.database import Store

    conn = Store(db).conn
    return tuple(conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                 for name in ("events", "registrations", "audit_log"))


def add(db, capsys, *extra):
    return run_json(db, capsys, "events", "add", "--kind", "salon", "--title", "价值投资沙龙",
                    "--start", "2030-03-02 14:00", "--end", "16:00", "--room", "301",
                    "--capacity", "2", "--speaker", "周明远", *extra)


def test_add_a_series_and_list_it_as_json(db, capsys):
    made = add(db, capsys, "--repeat", "weekly", "--count", "3")
    assert len(made) == 3 and all(set(e) == EVENT_KEYS for e in made)
    assert made[0]["start"] == "2030-03-02T14:00:00+08:00"
    assert made[0]["end"] == "2030-03-02T16:00:00+08:00"
    assert made[2]["start"] == "2030-03-16T14:00:00+08:00"
    listed = run_json(db, capsys, "events", "list", "--from", "2030-03-01", "--to", "2030-03-08")
    assert [e["id"] for e in listed] == [made[0]["id"]]
    assert set(listed[0]["counts"]) == COUNT_KEYS and listed[0]["status"] == "planned"


def test_a_conflict_exits_2_naming_the_other_event_and_changes_nothing(db, capsys):
    [first] = add(db, capsys)
    before = table_counts(db)
    code, out, err = run(db, capsys, "events", "add", "--kind", "lecture", "--title", "另一场",
                         "--start", "2030-03-02 15:00", "--end", "2030-03-02 17:00",
                         "--room", "301", "--capacity", "9")
    assert code == 2 and f"#{first['id']}" in err and "价值投资沙龙" in err and out == ""
    assert table_counts(db) == before
    forced = run_json(db, capsys, "events", "add", "--kind", "lecture", "--title", "另一场",
                      "--start", "2030-03-02 15:00", "--end", "17:00", "--room", "301",
                      "--capacity", "9", "--allow-conflict", "合并场地")
    assert len(forced) == 1


@pytest.mark.parametrize("args", [
    ["--start", "2030-03-02 14:00", "--end", "2030-03-02 13:00"],      # end before start
    ["--start", "2030-02-30 14:00", "--end", "16:00"],                 # no such date
    ["--start", "someday", "--end", "16:00"],
])
def test_bad_input_is_one_message_exit_2_nothing_changed(db, capsys, args):
    before = table_counts(db)
    code, _out, err = run(db, capsys, "events", "add", "--kind", "salon", "--title", "x",
                         "--room", "1", "--capacity", "5", *args)
    assert code == 2 and err.startswith("branchdesk: ") and err.count("\n") == 1
    assert "Traceback" not in err and table_counts(db) == before


def test_invite_register_waitlist_cancel_checkin_close(db, capsys):
    [event] = add(db, capsys, "--product-risk", "R3")
    eid = str(event["id"])
    before = table_counts(db)
    dry = run_json(db, capsys, "events", "invite", eid, "--community", "解套互助群", "--dry-run")
    assert dry["dry_run"] and table_counts(db) == before
    invited = run_json(db, capsys, "events", "invite", eid, "--community", "解套互助群")
    assert invited["invited"] == dry["invited"] and invited["unsuitable"] == dry["unsuitable"]
    code, out, _ = run(db, capsys, "events", "invite", eid, "--community", "解套互助群")
    assert code == 0 and "Already on the event's list" in out and str(invited["unsuitable"][0]) in out
    members = invited["invited_ids"][:4]
    states = [run_json(db, capsys, "events", "register", eid, str(m))["state"] for m in members]
    assert states == ["registered", "registered", "waitlisted", "waitlisted"]
    cancelled = run_json(db, capsys, "events", "cancel", eid, str(members[0]))
    assert [m["member_id"] for m in cancelled["moved_up"]] == [members[2]]
    assert "****" in cancelled["moved_up"][0]["phone"]
    shown = run_json(db, capsys, "events", "show", eid)
    assert set(shown) == EVENT_KEYS | {"registrations"}
    row = next(r for r in shown["registrations"] if r["member_id"] == members[1])
    assert set(row) == {"member_id", "name", "phone", "state", "updated_at"}
    assert "****" in row["phone"] and row["updated_at"].endswith("+08:00")
    code, _, err = run(db, capsys, "events", "register", eid, "nobody-here")
    assert code == 2 and "nobody-here" in err
    code, _, err = run(db, capsys, "events", "close", eid)  # not started yet
    assert code == 2 and "not started" in err


@pytest.mark.parametrize(("language", "said"), [("en", "warning: it starts in the past ("),
                                                 ("zh", "按已举办的活动记录")])
def test_an_event_held_yesterday_is_recorded_with_a_warning(db, capsys, language, said):
    code = main(["--db", str(db), "--lang", language, "events", "add", "--kind", "salon",
                 "--title", "补记沙龙", "--start", "昨天 14:00", "--end", "16:00",
                 "--room", "301", "--capacity", "20"])
    out = capsys.readouterr()
    assert code == 0 and "补记沙龙" in out.out
    assert said in out.err and "14:00" in out.err and len(out.err.strip().splitlines()) == 1
    code, _, err = run(db, capsys, "events", "add", "--kind", "salon", "--title", "下月沙龙",
                       "--start", "2030-03-02 14:00", "--end", "16:00", "--room", "302",
                       "--capacity", "20")
    assert code == 0 and err == ""


def test_the_door_opens_two_hours_before_the_start(db, capsys):
    [event] = add(db, capsys)  # 2030-03-02 14:00, years away
    eid = str(event["id"])
    run_json(db, capsys, "events", "register", eid, "1")
    before = table_counts(db)
    code, out, err = run(db, capsys, "events", "checkin", eid, "1")
    assert code == 2 and out == ""
    assert err.strip() == (f"branchdesk: Check-in for event #{eid} opens at 2030-03-02 Sat 12:00"
                           " (2 hours before the start). Come back then.")
    code, _, err = run(db, capsys, "events", "walk-in", eid, "现场来宾", "13700001234")
    assert code == 2 and "opens at 2030-03-02 Sat 12:00" in err
    assert table_counts(db) == before


def test_an_event_under_way_cannot_be_closed(db, capsys):
    [event] = add_around_now(db, capsys, starts_in=timedelta(minutes=-30))
    eid = str(event["id"])
    run_json(db, capsys, "events", "register", eid, "1")
    before = table_counts(db)
    code, _, err = run(db, capsys, "events", "close", eid)
    end = datetime.fromisoformat(event["end"])
    assert code == 2 and f"ends at {end:%m-%d}" in err and f"{end:%H:%M}: close it after it ends" in err
    assert table_counts(db) == before
    assert run_json(db, capsys, "events", "show", eid)["counts"]["no_show"] == 0


def add_around_now(db, capsys, *, starts_in: timedelta, hours: int = 2):
    """An event placed around the real clock (the CLI reads it): the door opens by time."""
    start = datetime.now(ZoneInfo("Asia/Shanghai")) + starts_in
    end = start + timedelta(hours=hours)
    return run_json(db, capsys, "events", "add", "--kind", "salon", "--title", "价值投资沙龙",
                    "--start", f"{start:%Y-%m-%d %H:%M}", "--end", f"{end:%Y-%m-%d %H:%M}",
                    "--room", "301", "--capacity", "2", "--speaker", "周明远")


def test_checkin_by_query_several_are_exit_2_masked(db, capsys):
    [event] = add_around_now(db, capsys, starts_in=timedelta(hours=1))
    eid = str(event["id"])
    from branchdesk.store.database import Store

    conn = Store(db).conn
    surname = conn.execute("SELECT substr(name, 1, 1) s FROM members GROUP BY s"
                           " HAVING count(*) >= 2 LIMIT 1").fetchone()[0]
    ids = [r[0] for r in conn.execute("SELECT id FROM members WHERE name LIKE ? LIMIT 2",
                                      (surname + "%",))]
    for member_id in ids:
        run_json(db, capsys, "events", "register", eid, str(member_id))
    code, _, err = run(db, capsys, "events", "checkin", eid, surname)
    assert code == 2 and "****" in err and all(f"#{i}" in err for i in ids)
    phone = conn.execute("SELECT phone FROM members WHERE id = ?", (ids[0],)).fetchone()[0]
    done = run_json(db, capsys, "events", "checkin", eid, phone[-4:])
    assert done["member_id"] == ids[0] and not done["already_checked_in"]
    assert run_json(db, capsys, "events", "checkin", eid, phone[-4:])["already_checked_in"]
    walk = run_json(db, capsys, "events", "walk-in", eid, "现场来宾", "13700001234")
    assert walk["walk_in"] and walk["phone"] == "137****1234"
    undone = run_json(db, capsys, "events", "undo-checkin", eid, "13700001234")
    assert undone["checked_in"] is False


def test_export_calendar_and_one_event(db, capsys, tmp_path):
    made = add(db, capsys, "--repeat", "fortnightly", "--until", "2030-04-30")
    out = tmp_path / "cal.ics"
    code, text, _ = run(db, capsys, "export", "calendar", "--from", "2030-01-01", "-o", str(out))
    assert code == 0 and str(out) in text
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    assert len(calendar.walk("VEVENT")) == len(made) == 5
    assert calendar.calendar_name == "上海陆家嘴营业部"  # the branch, as the app names it
    single = tmp_path / "one.ics"
    assert run(db, capsys, "export", "calendar", "--event", str(made[0]["id"]),
               "-o", str(single))[0] == 0
    assert len(icalendar.Calendar.from_ical(single.read_bytes()).walk("VEVENT")) == 1
    code, _, err = run(db, capsys, "export", "calendar", "-o", str(tmp_path / "nope" / "x.ics"))
    assert code == 2 and "nope" in err


def test_cancel_event_and_members_filters_still_work(db, capsys):
    [event] = add(db, capsys)
    cancelled = run_json(db, capsys, "events", "cancel-event", str(event["id"]))
    assert cancelled[0]["status"] == "cancelled"
    code, _, err = run(db, capsys, "events", "show", "999")
    assert code == 2 and "#999" in err
    found = run_json(db, capsys, "members", "--risk", "c3", "--need", "recovery")
    assert found and all(m["risk_level"] == "C3" for m in found)


def test_moving_the_start_keeps_the_length(db, capsys):
    [event] = add(db, capsys)
    [moved] = run_json(db, capsys, "events", "edit", str(event["id"]), "--start", "2030-03-03 10:00")
    assert (moved["start"], moved["end"]) == ("2030-03-03T10:00:00+08:00", "2030-03-03T12:00:00+08:00")


@pytest.mark.parametrize(("language", "said"), [("en", "warning: it starts in the past ("),
                                                 ("zh", "按已举办的活动记录")])
def test_moving_an_event_into_the_past_warns_as_adding_one_there_does(db, capsys, language, said):
    [event] = add(db, capsys)
    code = main(["--db", str(db), "--lang", language, "events", "edit", str(event["id"]),
                 "--start", "昨天 14:00"])
    out = capsys.readouterr()
    assert code == 0 and said in out.err and "14:00" in out.err
    assert len(out.err.strip().splitlines()) == 1
    code, _, err = run(db, capsys, "events", "add", "--kind", "salon", "--title", "下月沙龙",
                       "--start", "2030-03-09 14:00", "--end", "16:00", "--room", "302",
                       "--capacity", "20")
    [other] = run_json(db, capsys, "events", "list", "--from", "2030-03-09", "--to", "2030-03-09")
    code, _, err = run(db, capsys, "events", "edit", str(other["id"]), "--title", "新名字")
    assert code == 0 and err == ""  # a change that leaves the start alone says nothing


@pytest.mark.parametrize(("language", "name", "mobile", "said"), [
    ("en", "赵", "123", "The walk-in was not added. Mobile: Not a mainland mobile number"
                        " (11 digits starting with 1)."),
    ("zh", "赵", "123", "未添加现场来宾。手机号码：不是有效的大陆手机号码（以 1 开头的 11 位数字）。"),
    ("en", "", "13900002222", "The walk-in was not added. Name: Missing; fill it in."),
    ("zh", "", "13900002222", "未添加现场来宾。姓名：为空，请填写。"),
    ("en", "赵" * 5000, "13900002222", "The walk-in was not added. Name: Longer than 100 characters."),
    ("zh", "赵" * 5000, "13900002222", "未添加现场来宾。姓名：超过 100 个字符。"),
])
def test_a_walk_in_with_a_bad_value_says_which_in_the_users_language(
        db, capsys, language, name, mobile, said):
    [event] = add_around_now(db, capsys, starts_in=timedelta(hours=1))
    before = table_counts(db)
    code = main(["--db", str(db), "--lang", language, "events", "walk-in", str(event["id"]),
                 name, mobile])
    out = capsys.readouterr()
    assert code == 2 and out.out == "" and out.err == f"branchdesk: {said}\n"
    assert table_counts(db) == before
