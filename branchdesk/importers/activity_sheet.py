"""An activity sheet's cells → activities to log: the header row and its columns, and each row's
member (account number, mobile, or name and mobile), moment, kind, note, staff and channel.

The cells come from the roster import's safe reader (reader.py: a child process with size,
time and memory limits); the member columns are recognised by the roster's own header words
(headers.py) and cleaned by its normalisers (normalize/), so a sheet exported by the same
systems reads the same way. Pure: no database (services/activity_import.py matches members).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from branchdesk import datetimes
from branchdesk.engagement_enums import KIND_WORDS, ActivityKind, ContactChannel, from_text
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.importers.headers import SheetLike, display_header, match_header
from branchdesk.importers.normalize.accounts import normalize_account
from branchdesk.importers.normalize.cells import Cell, cell_text, fold, is_blank
from branchdesk.importers.normalize.dates import excel_serial_to_date
from branchdesk.importers.normalize.phones import normalize_phone
from branchdesk.importers.normalize.text import normalize_text
from branchdesk.importers.row_checks import FOOTER_WORDS
from branchdesk.importers.rows import Issue

MEMBER_FIELDS = ("account_no", "phone", "name")
FIELDS = (*MEMBER_FIELDS, "at", "kind", "note", "staff", "channel")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "at": ("日期", "时间", "日期时间", "联系时间", "联系日期", "互动时间", "互动日期", "沟通时间",
           "沟通日期", "活动日期", "活动时间", "记录时间", "跟进时间", "跟进日期", "回访时间", "回访日期",
           "date", "time", "datetime", "date time", "when", "contacted at", "contact date", "at"),
    "kind": ("类型", "互动类型", "联系类型", "沟通方式", "方式", "互动方式", "活动类型", "跟进方式",
             "联系形式", "kind", "type", "activity", "activity type", "contact type"),
    "note": ("备注", "内容", "沟通内容", "互动内容", "跟进内容", "回访内容", "摘要", "记录", "说明",
             "note", "notes", "summary", "content", "remarks", "remark", "comment"),
    "staff": ("员工", "记录人", "经办人", "跟进人", "联系人员", "服务人员", "客户经理", "投顾", "员工姓名",
              "staff", "by", "logged by", "advisor", "employee"),
    "channel": ("渠道", "沟通渠道", "联系渠道", "channel"),
}
NOTE_MAX = 500
STAFF_MAX = 50
_SCAN_ROWS = 30
_REASON = "activity_import.reason."
_MARKS = re.compile(r"[*※★☆\s:：;,.、_\-—/\\'\"`?!|()（）\[\]【】]+")


def _key(text: str) -> str:
    return _MARKS.sub("", fold(text).lower())


_BY_KEY = {_key(word): name for name, words in SYNONYMS.items() for word in words}


def field_of(header: str) -> str | None:
    """The activity field a header names (None: not one of ours)."""
    found = _BY_KEY.get(_key(header))
    if found:
        return found
    candidate = match_header(header)
    if candidate is not None and candidate.field in MEMBER_FIELDS:
        return candidate.field
    if candidate is not None and candidate.field == "notes":
        return "note"
    if candidate is not None and candidate.field == "advisor":
        return "staff"
    return None


@dataclass
class ActivityHeader:
    row_index: int                      # index into the sheet's rows
    columns: dict[str, int]             # field → column index
    headers: dict[str, str]             # field → header text as in the file
    unknown: list[str] = field(default_factory=list)

    def label(self, name: str) -> str:
        return self.headers.get(name, t(f"activity_import.field.{name}"))


def _map_row(row: Sequence[Cell], index: int) -> ActivityHeader:
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    for column, cell in enumerate(row):
        text = display_header(cell)
        if not text:
            continue
        name = field_of(text)
        if name is None or name in columns:
            unknown.append(text)
            continue
        columns[name], headers[name] = column, text
    return ActivityHeader(index, columns, headers, unknown)


def find_header(rows: Sequence[Sequence[Cell]]) -> ActivityHeader | None:
    """The row among the first few naming the most activity fields (at least two)."""
    best: ActivityHeader | None = None
    for index, row in enumerate(rows[:_SCAN_ROWS]):
        if sum(1 for cell in row if isinstance(cell, str) and cell.strip()) < 2:
            continue
        match = _map_row(row, index)
        if len(match.columns) >= 2 and (best is None or len(match.columns) > len(best.columns)):
            best = match
    return best


def _missing(header: ActivityHeader) -> list[str]:
    missing = []
    if not {"account_no", "phone"} & header.columns.keys():
        missing.append(t("activity_import.field.member"))
    for name in ("at", "kind"):
        if name not in header.columns:
            missing.append(t(f"activity_import.field.{name}"))
    return missing


def choose_sheet(sheets: Sequence[SheetLike], wanted: str | None,
                 file: str) -> tuple[SheetLike, ActivityHeader]:
    """The sheet holding the activities, and its header; UserError naming what is missing."""
    names = "、".join(s.name for s in sheets)
    if wanted is not None:
        sheets = [s for s in sheets if s.name.strip().casefold() == wanted.strip().casefold()]
        if not sheets:
            raise UserError("activity_import.no_such_sheet", file=file, sheet=wanted, sheets=names)
    found = [(sheet, header) for sheet in sheets if (header := find_header(sheet.rows))]
    if not found:
        raise UserError("activity_import.no_header", file=file, sheets=names)
    found.sort(key=lambda pair: (not _missing(pair[1]), len(pair[1].columns)), reverse=True)
    sheet, header = found[0]
    missing = _missing(header)
    if missing:
        raise UserError("activity_import.missing_columns", file=file, sheet=sheet.name,
                        missing="、".join(missing),
                        found="、".join(header.headers.values()) or "—")
    return sheet, header


@dataclass(slots=True)
class ParsedActivity:
    row: int                    # spreadsheet row number as in Excel
    account_no: str | None
    phone: str | None
    name: str | None
    at: datetime                # aware, in the branch's zone
    kind: ActivityKind
    note: str | None
    staff: str | None
    channel: ContactChannel | None


class _RowError(Exception):
    def __init__(self, field_name: str, reason: str, value: Cell = None) -> None:
        super().__init__(reason)
        self.field, self.reason, self.value = field_name, reason, value


def _moment(cell: Cell, now: datetime, cache: dict[str, datetime]) -> datetime:
    zone = datetimes.branch_zone()
    kind = type(cell)
    if kind is datetime:
        moment = cell if cell.tzinfo else cell.replace(tzinfo=zone)
    elif kind is date:
        moment = datetime.combine(cell, time(0, 0), tzinfo=zone)
    elif kind is float or kind is int:
        if not math.isfinite(cell):
            raise _RowError("at", _REASON + "at_unreadable", cell)
        if 19000101 <= cell <= 21001231 and float(cell).is_integer():
            text = str(int(cell))
            moment = datetime.combine(date(int(text[:4]), int(text[4:6]), int(text[6:])), time(0, 0),
                                      tzinfo=zone)
        else:
            try:
                day = excel_serial_to_date(cell)
            except ValueError:
                raise _RowError("at", _REASON + "at_unreadable", cell) from None
            seconds = round((cell - math.floor(cell)) * 86400)
            moment = datetime.combine(day, time(0, 0), tzinfo=zone) + timedelta(seconds=seconds)
    elif kind is str:
        text = cell.strip()
        moment = cache.get(text)  # type: ignore[assignment]
        if moment is None:
            try:
                moment = datetimes.parse_datetime(text, now=now, prefer="past")
            except UserError:
                raise _RowError("at", _REASON + "at_unreadable", cell) from None
            cache[text] = moment
    elif isinstance(cell, time):
        raise _RowError("at", _REASON + "at_time_only", cell)
    else:
        raise _RowError("at", _REASON + "at_unreadable", cell)
    if moment > now + timedelta(minutes=10):
        raise _RowError("at", _REASON + "at_future", cell)
    if moment.year < datetimes.EARLIEST_YEAR:
        raise _RowError("at", _REASON + "at_too_old", cell)
    return moment


def _kind(cell: Cell, cache: dict[Cell, ActivityKind]) -> ActivityKind:
    found = cache.get(cell)
    if found is None:
        found = from_text(ActivityKind, fold(cell_text(cell)), KIND_WORDS)  # type: ignore[assignment]
        if found is None:
            raise _RowError("kind", _REASON + "kind_unknown", cell)
        cache[cell] = found
    return found


def _is_footer(row: Sequence[Cell]) -> bool:
    """合计 / 制表人 / 说明… in the first filled cell of the row."""
    for cell in row:
        if cell is None or cell == "":
            continue
        return type(cell) is str and not cell[:1].isdigit() and \
            fold(cell).lower().startswith(FOOTER_WORDS)
    return False


def _is_blank_row(row: Sequence[Cell]) -> bool:
    for cell in row:
        if cell is None or cell == "":
            continue
        if type(cell) is str and len(cell) <= 8 and is_blank(cell):  # placeholders are short
            continue
        return False
    return True


def _memo(convert, cache: dict) -> object:
    """`convert` with its answers kept per cell value (staff, names and kinds repeat)."""
    def run(cell: Cell) -> object:
        try:
            return cache[cell]
        except KeyError:
            value = cache[cell] = convert(cell)
            return value
        except TypeError:  # an unhashable cell: never, but stay safe
            return convert(cell)
    return run


def parse_rows(sheet: SheetLike, header: ActivityHeader, now: datetime | None = None,
               footer: list[int] | None = None) -> tuple[list[ParsedActivity], list[Issue]]:
    """Every data row under the header → an activity, or an Issue naming row, column, value
    and reason. Blank rows are skipped; a totals or signature row ends the table (its row
    number is appended to `footer`, when given)."""
    now = now or datetimes.now()
    columns = header.columns
    moments: dict[str, datetime] = {}
    kinds: dict[str, ActivityKind] = {}
    text = _memo(normalize_text, {})
    out: list[ParsedActivity] = []
    issues: list[Issue] = []
    first = sheet.first_row + header.row_index + 1
    index = {name: columns.get(name) for name in FIELDS}
    width = 1 + max(i for i in index.values() if i is not None)

    def pick(row: Sequence[Cell], name: str) -> Cell:
        position = index[name]
        return None if position is None else row[position]

    for offset, row in enumerate(sheet.rows[header.row_index + 1:]):
        number = first + offset
        if len(row) < width:
            row = [*row, *([None] * (width - len(row)))]
        if _is_blank_row(row):
            continue
        if _is_footer(row):
            if footer is not None:
                footer.append(number)
            break
        try:
            account = _clean(normalize_account, "account_no", pick(row, "account_no"))
            phone = _clean(normalize_phone, "phone", pick(row, "phone"))
            name = text(pick(row, "name"))
            if account is None and phone is None:
                raise _RowError("account_no" if index["account_no"] is not None else "phone",
                                _REASON + "no_member")
            at_cell = pick(row, "at")
            if at_cell is None or at_cell == "" or is_blank(at_cell):
                raise _RowError("at", _REASON + "at_missing")
            moment = _moment(at_cell, now, moments)
            kind_cell = pick(row, "kind")
            kind = kinds.get(kind_cell)  # type: ignore[arg-type]
            if kind is None:
                if kind_cell is None or kind_cell == "" or is_blank(kind_cell):
                    raise _RowError("kind", _REASON + "kind_missing")
                kind = _kind(kind_cell, kinds)
            note = normalize_text(pick(row, "note"))
            if note and len(note) > NOTE_MAX:
                raise _RowError("note", _REASON + "note_too_long", pick(row, "note"))
            staff = text(pick(row, "staff"))
            if staff and len(staff) > STAFF_MAX:
                raise _RowError("staff", _REASON + "staff_too_long", pick(row, "staff"))
            channel = None
            channel_cell = pick(row, "channel")
            if channel_cell is not None and channel_cell != "" and not is_blank(channel_cell):
                channel = from_text(ContactChannel, fold(cell_text(channel_cell)))
                if channel is None:
                    raise _RowError("channel", _REASON + "channel_unknown", channel_cell)
        except _RowError as error:
            issues.append(Issue(number, header.label(error.field), t(error.reason),
                                cell_text(error.value)))
            continue
        out.append(ParsedActivity(number, account, phone, name, moment, kind, note, staff,
                                  channel))  # type: ignore[arg-type]
    return out, issues


def _clean(normalise, field_name: str, value: Cell) -> str | None:
    try:
        return normalise(value)
    except ValueError as error:
        raise _RowError(field_name, str(error), value) from None


@dataclass
class ActivityColumns:
    """Parsed activities column by column, in stored form: what crosses from the reader's
    process to the app (plain lists: one pickle, no object per row) and what matching reads.
    `at` is the moment as stored (UTC ISO), `on_date` the branch's local day; `kind` and
    `channel` are codes (channel None: the kind's default)."""

    row: list[int] = field(default_factory=list)
    account_no: list[str | None] = field(default_factory=list)
    phone: list[str | None] = field(default_factory=list)
    name: list[str | None] = field(default_factory=list)
    at: list[str] = field(default_factory=list)
    on_date: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    channel: list[str | None] = field(default_factory=list)
    staff: list[str | None] = field(default_factory=list)
    note: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.row)

    @classmethod
    def of(cls, parsed: Sequence[ParsedActivity]) -> ActivityColumns:
        zone = datetimes.branch_zone()
        moments = [p.at if p.at.tzinfo else p.at.replace(tzinfo=zone) for p in parsed]
        return cls([p.row for p in parsed], [p.account_no for p in parsed],
                   [p.phone for p in parsed], [p.name for p in parsed],
                   [m.astimezone(UTC).isoformat(timespec="seconds") for m in moments],  # stored form
                   [(m if m.tzinfo is zone else m.astimezone(zone)).date().isoformat()
                    for m in moments],
                   [p.kind.value for p in parsed],
                   [None if p.channel is None else p.channel.value for p in parsed],
                   [p.staff for p in parsed], [p.note for p in parsed])

    def extend(self, other: ActivityColumns) -> None:
        for mine, theirs in zip(self.to_plain(), other.to_plain(), strict=True):
            mine.extend(theirs)

    def to_plain(self) -> tuple[list, ...]:
        return (self.row, self.account_no, self.phone, self.name, self.at, self.on_date,
                self.kind, self.channel, self.staff, self.note)

    @classmethod
    def from_plain(cls, plain: tuple[list, ...]) -> ActivityColumns:
        return cls(*plain)
