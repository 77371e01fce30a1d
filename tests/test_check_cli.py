"""`branchdesk check` as a script uses it: inputs, JSON lines, exit codes, the report."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl

from branchdesk.cli import main

BAD = "保证年化15%，稳赚不赔！"
GOOD = "周六下午两点营业部三楼新手课程，欢迎报名。"


def _run(tmp_path, capsys, *args, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--db", str(tmp_path / "b.db"), "check", *args])
    return code, capsys.readouterr()


def test_text_exit_codes(tmp_path, capsys):
    assert _run(tmp_path, capsys, "--text", GOOD)[0] == 0
    code, out = _run(tmp_path, capsys, "--text", BAD)
    assert code == 1 and "稳赚不赔" in out.out


def test_jsonl_in_order_with_ids_and_spans(tmp_path, capsys):
    source = tmp_path / "msgs.jsonl"
    source.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in [
        {"id": "a", "text": GOOD, "author": "ignored"}, {"id": "b", "text": BAD}, {"text": GOOD},
    ]), encoding="utf-8")
    code, out = _run(tmp_path, capsys, str(source), "--json")
    lines = [json.loads(line) for line in out.out.splitlines()]
    assert code == 1 and [o["id"] for o in lines] == ["a", "b", "3"]
    assert [o["verdict"] for o in lines] == ["pass", "block", "pass"]
    finding = lines[1]["findings"][0]
    assert set(finding) == {"rule", "category", "categories", "severity", "start", "end", "match",
                            "explanation", "suggestion", "basis", "basis_en"}
    # The law as the pack cites it, and as an English reader reads it.
    assert finding["basis"].startswith("《证券法》第")
    assert finding["basis_en"].startswith("Securities Law art")
    assert finding["category"] in finding["categories"]
    assert BAD[finding["start"]:finding["end"]] == finding["match"]


def test_text_output_names_the_law_in_the_readers_language(tmp_path, capsys):
    code = main(["--db", str(tmp_path / "b.db"), "--lang", "zh", "check", "--text", BAD])
    assert code == 1 and "依据：《证券法》第135条；《广告法》第25条" in capsys.readouterr().out
    code = main(["--db", str(tmp_path / "b.db"), "--lang", "en", "check", "--text", BAD])
    out = capsys.readouterr().out
    assert code == 1 and "Law: Securities Law art. 135; Advertising Law art. 25" in out
    assert "《" not in out


def test_csv_and_xlsx_with_a_text_column(tmp_path, capsys):
    csv_path = tmp_path / "msgs.csv"
    csv_path.write_bytes(f"编号,内容\n1,{GOOD}\n2,{BAD}\n".encode("gb18030"))
    code, out = _run(tmp_path, capsys, str(csv_path), "--json")
    assert code == 1 and [json.loads(x)["id"] for x in out.out.splitlines()] == ["1", "2"]
    book = openpyxl.Workbook()
    book.active.append(["id", "消息"])
    book.active.append([7, GOOD])
    xlsx = tmp_path / "msgs.xlsx"
    book.save(xlsx)
    code, out = _run(tmp_path, capsys, str(xlsx), "--json")
    assert code == 0 and json.loads(out.out)["id"] == "7"


def test_stdin_is_one_message(tmp_path, capsys, monkeypatch):
    code, out = _run(tmp_path, capsys, "-", "--json", stdin=BAD, monkeypatch=monkeypatch)
    assert code == 1 and json.loads(out.out)["verdict"] == "block"


def test_report_workbook_lists_findings_safely(tmp_path, capsys):
    source = tmp_path / "msgs.jsonl"
    source.write_text(json.dumps({"id": "x", "text": "=HYPERLINK(\"http://x\") " + BAD},
                                 ensure_ascii=False), encoding="utf-8")
    report = tmp_path / "report.xlsx"
    code, _ = _run(tmp_path, capsys, str(source), "--report", str(report))
    assert code == 1
    sheet = openpyxl.load_workbook(report).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) > 1 and any(row[7] == "稳赚不赔" for row in rows[1:])
    assert rows[0][10] == "Legal basis" and all(row[10].startswith("Securities Law") for row in rows[1:])
    assert "<f>" not in zipfile.ZipFile(report).read("xl/worksheets/sheet1.xml").decode()


def test_bad_input_exits_2(tmp_path, capsys):
    assert _run(tmp_path, capsys, str(tmp_path / "missing.jsonl"))[0] == 2
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "ok"}\n{not json', encoding="utf-8")
    code, out = _run(tmp_path, capsys, str(broken))
    assert code == 2 and "line 2" in out.err
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF")
    assert _run(tmp_path, capsys, str(other))[0] == 2
    assert _run(tmp_path, capsys)[0] == 2


def test_report_path_is_checked_before_checking(tmp_path, capsys):
    code, out = _run(tmp_path, capsys, "--text", BAD, "--report", str(tmp_path / "r.csv"))
    assert code == 2 and ".xlsx" in out.err and out.out == ""
    code, out = _run(tmp_path, capsys, "--text", BAD, "--report", str(tmp_path / "no" / "r.xlsx"))
    assert code == 2 and "does not exist" in out.err


def test_a_file_and_text_together_are_refused(tmp_path, capsys):
    source = tmp_path / "msgs.jsonl"
    source.write_text(json.dumps({"text": BAD}, ensure_ascii=False), encoding="utf-8")
    code, out = _run(tmp_path, capsys, str(source), "--text", GOOD)
    assert code == 2 and out.out == ""
    assert out.err.strip() == "branchdesk: Give a FILE or --text, not both."


def test_an_empty_file_is_not_a_pass(tmp_path, capsys):
    for name, content in (("empty.jsonl", ""), ("blank.jsonl", "\n\n"), ("head.csv", "id,text\n")):
        source = tmp_path / name
        source.write_text(content, encoding="utf-8")
        code, out = _run(tmp_path, capsys, str(source))
        assert code == 2 and out.out == ""
        assert out.err.strip() == f"branchdesk: No messages in {source}: nothing was checked."
