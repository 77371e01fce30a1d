"""The sheet scan's cheap measure of a piece (cell_extent._within_known) gives exactly the
extent, and so the refusals, of the findall over every cell it replaces. The reference below
is that findall measure as it was, kept here whole so the two can be compared on any sheet."""

from __future__ import annotations

import dataclasses
import re
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branchdesk.errors import UserError
from branchdesk.importers import cell_extent, safety

# ---------------------------------------------------------------- the reference: findall

_CONTENT = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"[^>]*(?<!/)>\s*<[vif]')
_ODD = re.compile(rb'<c(?:[>/\t\r\n]| (?!r="))')
_PREFIXED = re.compile(rb":c[\s>/]")
_ANY = re.compile(
    rb"<(?:[\w.-]+:)?c(?=[\s>/])(?:[^>]*?\sr\s*=\s*[\"']([A-Za-z]+)([0-9]+)[\"'])?[^>]*(?<!/)>"
    rb"\s*<(?:[\w.-]+:)?[vif]"
)
_ROW = re.compile(rb"<(?:[\w.-]+:)?row\s[^>]*?\br\s*=\s*[\"']([0-9]+)[\"']")


def reference_measure(body: bytes, extent: cell_extent.Extent) -> None:
    opened_before = extent.open_row
    rows = _ROW.findall(body)
    if rows:
        extent.open_row = int(rows[-1])
    if _ODD.search(body) or _PREFIXED.search(body):
        refs = _ANY.findall(body)
        extent.max_row_element = max(extent.max_row_element, opened_before, *map(int, rows))
    else:
        refs = _CONTENT.findall(body)
    if not refs:
        return
    letters = set(map(itemgetter(0), refs))
    numbers = [int(d) for _, d in refs if d]
    if b"" in letters:
        extent.cells_without_refs = True
    if numbers:
        extent.min_row = min(extent.min_row, min(numbers))
        extent.max_row = max(extent.max_row, max(numbers))
    extent.columns |= letters


# ---------------------------------------------------------------- random sheets

ROWS = st.one_of(st.integers(1, 40), st.integers(0, 120), st.sampled_from(
    [1, 9, 10, 99, 100, 999_999, 1_000_000, 1_048_576, 10**12, 10**15]))
LETTERS = st.sampled_from([b"A", b"B", b"C", b"M", b"Z", b"AA", b"AZ", b"XFD", b"a", b"b", b"XFE"])
CONTENT = st.sampled_from([b"<v>1</v>", b"<is><t>x</t></is>", b"<f>1+1</f><v>2</v>",
                           b" <v>3</v>", b""])


@st.composite
def cells(draw) -> bytes:
    row, letters, content = draw(ROWS), draw(LETTERS), draw(CONTENT)
    digits = str(row).encode()
    if draw(st.integers(0, 30)) == 0:
        digits = b"00" + digits  # a leading zero: int() reads it, calamine too
    form = draw(st.integers(0, 40))
    if form == 0:
        return b'<c t="n">' + content + b"</c>"  # no reference
    if form == 1:
        return b'<x:c r="' + letters + digits + b'">' + content + b"</x:c>"
    if form == 2:
        return b'<c s="1" r="' + letters + digits + b'">' + content + b"</c>"
    if form == 3:  # a cell start inside another cell's tag
        return b'<c r="A1" x="<c r="' + letters + digits + b'">' + content + b"</c>"
    if not content and draw(st.booleans()):
        return b'<c r="' + letters + digits + b'" s="1"/>'  # empty, styled: never counts
    return b'<c r="' + letters + digits + b'" t="n">' + content + b"</c>"


@st.composite
def sheets(draw) -> bytes:
    """A sheet of ordinary rows (A..D, ascending) with odd cells placed anywhere."""
    height = draw(st.integers(0, 120))
    rows = [[b'<c r="%s%d" t="n"><v>%d</v></c>' % (col, r, r)
             for col in (b"A", b"B", b"C", b"D")[:1 + r % 4]] for r in range(1, height + 1)]
    for extra in draw(st.lists(cells(), max_size=6)):
        if rows:
            rows[draw(st.integers(0, len(rows) - 1))].insert(draw(st.integers(0, 4)), extra)
        else:
            rows.append([extra])
    body = b"".join(b'<row r="%d">' % (i + 1) + b"".join(r) + b"</row>"
                    for i, r in enumerate(rows))
    return (b'<worksheet><dimension ref="A1"/><sheetData>' + body
            + b"</sheetData></worksheet>")


def _found(extent) -> tuple:
    """What a measure found (the row left open for the next piece is kept by the scan)."""
    return dataclasses.astuple(dataclasses.replace(extent, open_row=0))


def _split(xml: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(xml) + 1) for c in cuts} | {0, len(xml)})
    return [xml[a:b] for a, b in pairwise(points) if b > a]


def _outcome(pieces: list[bytes], measure, limits: safety.Limits) -> object:
    with mock.patch.object(safety, "measure_cells", measure):
        try:
            extent = safety._scan_xml(iter(pieces), Path("sheet.xlsx"), limits,
                                      with_cells=True, declared=("Sheet1", 10**9))
            safety._check_extent(extent, "Sheet1", Path("sheet.xlsx"), limits)
        except UserError as refused:
            return refused.key, refused.message
    return _found(extent), extent.size()


LIMITS = dataclasses.replace(safety.LIMITS, max_rows=60, max_title_rows=2, max_cells=400)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xml=sheets(), cuts=st.lists(st.integers(0, 10**6), max_size=12),
       utf16=st.integers(0, 9), limits=st.sampled_from([LIMITS, safety.LIMITS]))
def test_the_scan_measures_and_refuses_as_the_findall_did(xml, cuts, utf16, limits):
    if utf16 == 0:
        xml = xml.decode().encode("utf-16")
    pieces = _split(xml, cuts)
    assert (_outcome(pieces, cell_extent.measure_cells, limits)
            == _outcome(pieces, reference_measure, limits))


def test_a_far_cell_whose_value_starts_the_next_piece_is_still_seen():
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 50))
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    xml = b"<worksheet><sheetData>" + rows + far + b"</sheetData></worksheet>"
    cut = xml.index(b"<v>1</v></c></row></sheetData>") + 2  # the piece ends with '<v'
    extent = safety._scan_xml(iter([xml[:cut], xml[cut:]]), Path("sheet.xlsx"), safety.LIMITS,
                              with_cells=True)
    assert extent.size() == (1048576, 16384)


def test_cells_without_references_count_the_row_opened_in_the_piece_before():
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 50))
    head = b"<worksheet><sheetData>" + rows + b'<row r="1048576">'
    tail = b"<c><v>1</v></c></row></sheetData></worksheet>"
    for pieces in ([head + tail], [head, tail]):
        extent = safety._scan_xml(iter(pieces), Path("sheet.xlsx"), safety.LIMITS,
                                  with_cells=True)
        assert extent.size()[0] == 1048576


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies=st.lists(st.lists(cells(), max_size=12).map(b"".join), min_size=1, max_size=6),
       seed=st.lists(cells(), min_size=1, max_size=4).map(b"".join))
def test_every_piece_leaves_the_same_extent(bodies, seed):
    """Piece by piece (the mid-scan refusal reads the extent between pieces)."""
    fast, slow = cell_extent.Extent(), cell_extent.Extent()
    for body in [seed, *bodies]:
        cell_extent.measure_cells(body, fast)
        reference_measure(body, slow)
        assert _found(fast) == _found(slow)


@given(low=st.integers(0, 10**13), span=st.integers(0, 10**13),
       value=st.one_of(st.integers(0, 10**14), st.integers(0, 2000)))
def test_a_row_range_pattern_holds_exactly_its_numbers(low, span, value):
    high = low + span
    pattern = re.compile(rb"(?:" + cell_extent._between(low, high) + rb')"')
    for number in (value, low, high, max(0, low - 1), high + 1):
        written = str(number).encode() + b'"'
        assert (pattern.fullmatch(written) is not None) == (low <= number <= high)


def _ordinary(height: int) -> list[bytes]:
    return [b'<row r="%d">' % r + b"".join(b'<c r="%s%d" t="n"><v>%d</v></c>' % (c, r, r)
                                           for c in (b"A", b"B", b"C")) + b"</row>"
            for r in range(1, height + 1)]


def _measured(rows: list[bytes], piece: int = 700) -> tuple[object, object, int]:
    xml = b"<worksheet><sheetData>" + b"".join(rows) + b"</sheetData></worksheet>"
    pieces = [xml[i:i + piece] for i in range(0, len(xml), piece)]
    quick = []
    real = cell_extent._within_known

    def counted(body, extent):
        quick.append(real(body, extent))
        return quick[-1]

    with mock.patch.object(cell_extent, "_within_known", counted):
        fast = _outcome(pieces, cell_extent.measure_cells, safety.LIMITS)
    return fast, _outcome(pieces, reference_measure, safety.LIMITS), sum(quick)


def test_an_ordinary_sheet_is_measured_without_findall_and_the_same():
    fast, slow, quick = _measured(_ordinary(400))
    assert fast == slow and fast[1] == (400, 3)
    assert quick > 20  # the cheap measure did the work, and agreed


def test_one_far_cell_in_an_ordinary_sheet_is_seen_wherever_it_is():
    for far in (b'<c r="B999999"><v>1</v></c>', b'<c r="XFD17"><v>1</v></c>',
                b'<c r="C1"><v>1</v></c>', b'<c r="c250"><v>1</v></c>',
                b'<c r="B0250"><v>1</v></c>', b'<c r="A1" x="<c r="Q9"><v>1</v></c>'):
        for at in (5, 150, 399):
            rows = _ordinary(400)
            rows[at] = rows[at].replace(b"</row>", far + b"</row>")
            rows[at:at] = [rows.pop(at - 3)]  # and a row out of order
            fast, slow, _ = _measured(rows)
            assert fast == slow, (far, at)


def test_empty_styled_cells_down_to_the_last_row_do_not_count():
    rows = _ordinary(300) + [b'<row r="%d"><c r="A%d" s="1"/></row>' % (r, r)
                             for r in range(1_048_000, 1_048_577)]
    fast, slow, _ = _measured(rows)
    assert fast == slow and fast[1] == (300, 3)


def _cells(rows, letters=(b"A", b"B")) -> bytes:
    return b"".join(b'<c r="%s%d"><v>1</v></c>' % (c, r) for r in rows for c in letters)


def test_a_cell_one_row_past_either_bound_widens_the_extent():
    """Piece by piece, the bounds so far and the piece's first and last cells are the
    candidates: one row beyond any of them, anywhere in the piece, is counted."""
    seed = _cells(range(10, 21))
    body = _cells(range(30, 41))
    middle = len(body) // 2
    middle = body.rfind(b"<c ", 0, middle)
    for row in (9, 29, 41, 21, 0):
        for at in (0, middle):
            odd = body[:at] + b'<c r="B%d"><v>1</v></c>' % row + body[at:]
            fast, slow = cell_extent.Extent(), cell_extent.Extent()
            for piece in (seed, odd):
                cell_extent.measure_cells(piece, fast)
                reference_measure(piece, slow)
            assert _found(fast) == _found(slow), (row, at)
            assert (fast.min_row, fast.max_row) == (min(10, row), max(40, row))


def test_a_cell_start_inside_the_last_cells_tag_is_not_taken_for_a_cell():
    """findall reads '<c r="A35" x="<c r="B999">…' as cell A35: so must the cheap measure."""
    seed = _cells(range(10, 21))
    body = _cells(range(30, 41)) + b'<c r="A35" x="<c r="B999"><v>1</v></c>'
    fast, slow = cell_extent.Extent(), cell_extent.Extent()
    for piece in (seed, body):
        cell_extent.measure_cells(piece, fast)
        reference_measure(piece, slow)
    assert _found(fast) == _found(slow)
    assert fast.max_row == 40
