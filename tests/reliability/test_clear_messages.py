"""Messages a newcomer met that said the wrong thing: a folder given where a file goes, a
missing folder, raw ISO times, an unknown member taken for one with no history."""

from __future__ import annotations

import pytest

from branchdesk.cli import main


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "b.db"
    assert main(["--db", str(path), "demo", "--members", "30"]) == 0
    capsys.readouterr()
    return path


def run(db, capsys, language, *args) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--lang", language, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(("language", "said"), [("en", "is a folder: a backup is a file"),
                                                 ("zh", "是一个文件夹，而备份是一个文件")])
def test_backup_into_a_folder_asks_for_a_file_name_inside_it(db, capsys, tmp_path, language,
                                                            said):
    folder = tmp_path / "out"
    folder.mkdir()
    code, out, err = run(db, capsys, language, "backup", "-o", str(folder))
    assert code == 2 and out == "" and said in err
    assert f"{folder}/b-" in err and "overwrite" not in err and "覆盖" not in err
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(("language", "said"), [("en", "does not exist"), ("zh", "不存在")])
def test_export_into_a_missing_folder_says_the_folder_is_missing(db, capsys, tmp_path,
                                                                 language, said):
    target = tmp_path / "missing" / "m.xlsx"
    code, _, err = run(db, capsys, language, "export", "members", "-o", str(target))
    assert code == 2 and said in err and str(tmp_path / "missing") in err
    assert "Excel" not in err and not (tmp_path / "missing").exists()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_export_members_into_a_folder_suggests_a_members_file(db, capsys, tmp_path, language):
    code, _, err = run(db, capsys, language, "export", "members", "-o", str(tmp_path))
    assert code == 2 and f"{tmp_path}/members.xlsx" in err and "review" not in err


@pytest.mark.parametrize(("language", "end", "start"), [
    ("en", "The end 12-08 Tue 17:00", "the start 12-08 Tue 18:00"),
    ("zh", "结束时间 12-08 周二 17:00", "开始时间 12-08 周二 18:00")])
def test_an_end_before_the_start_shows_times_as_people_read_them(db, capsys, language, end,
                                                                 start):
    code, _, err = run(db, capsys, language, "events", "add", "--kind", "salon", "--title", "讲座",
                       "--start", "2026-12-08 18:00", "--end", "17:00", "--room", "301",
                       "--capacity", "3")
    assert code == 2 and end in err and start in err and "T18:00" not in err


@pytest.mark.parametrize(("language", "said"), [("en", "There is no member 99999"),
                                                 ("zh", "没有编号为 99999 的客户")])
def test_the_trail_of_an_unknown_member_is_refused(db, capsys, language, said):
    code, out, err = run(db, capsys, language, "audit", "trail", "--member", "99999")
    assert code == 2 and out == "" and said in err and len(err.strip().splitlines()) == 1
    code, out, _ = run(db, capsys, language, "audit", "trail", "--member", "3")
    assert code == 0 and out  # a real member with no entries yet is still listed
