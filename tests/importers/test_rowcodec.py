"""Rows checked where they are read (the import's reader processes) are checked as rows sent
to the app are: Excel's text limit, durations as times of day, blanks left for the parser."""

from __future__ import annotations

import datetime

import pytest

from branchdesk.importers import rowcodec


def test_text_over_the_limit_is_found_with_its_row_and_column():
    batch = [["王芳", "138"], ["李强", "x" * 11]]
    with pytest.raises(rowcodec.CellTooLong) as caught:
        rowcodec.check_rows(batch, max_chars=10)
    assert (caught.value.row, caught.value.col) == (1, 1)
    ragged = [["王芳"], ["李强", 1.0, "x" * 11]]
    with pytest.raises(rowcodec.CellTooLong) as caught:
        rowcodec.check_rows(ragged, max_chars=10)
    assert (caught.value.row, caught.value.col) == (1, 2)


def test_checked_rows_match_what_the_app_would_receive():
    batch = [["王芳", datetime.timedelta(hours=9, minutes=30), ""],
             ["李强", 13800000000.0, datetime.date(2024, 7, 2)]]
    checked = rowcodec.check_rows([row[:] for row in batch], max_chars=100)
    sent = rowcodec.decode(rowcodec.encode([row[:] for row in batch], 100), columnar=True)
    assert checked[0][1] == datetime.time(9, 30) == sent[0][1]
    assert [[None if v == "" else v for v in row] for row in checked] == sent


def test_columns_are_checked_as_rows_are():
    batch = [["王芳", datetime.timedelta(hours=9, minutes=30), ""],
             ["李强", 13800000000.0, "x" * 5]]
    columns = list(zip(*batch, strict=True))
    checked = rowcodec.check_columns(columns, max_chars=10)
    assert [list(r) for r in zip(*checked, strict=True)] == rowcodec.check_rows(batch, max_chars=10)
    assert rowcodec.check_columns(columns[::2], max_chars=10) == columns[::2]  # nothing to do
    with pytest.raises(rowcodec.CellTooLong) as caught:
        rowcodec.check_columns(columns, max_chars=4)
    assert (caught.value.row, caught.value.col) == (1, 2)
