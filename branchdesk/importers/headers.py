"""Find the header row of a roster sheet and map its columns to member fields.

Broker exports put title rows and merged title cells above the header, mark required
columns with ``*``, break long headers over two lines and put units in brackets
(``总资产（万元）``). Headers are compared after folding all of that away; the sheet and the
row that name the most member fields win.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.importers.normalize.amounts import UNIT_MULTIPLIERS
from branchdesk.importers.normalize.cells import Cell, fold
from branchdesk.member_fields import EDITABLE_FIELDS

FIELDS = EDITABLE_FIELDS  # what a column can fill: every field but the unknown columns
CONTACT_FIELDS = ("phone", "account_no")

# Best synonym first: when two columns name one field, the better synonym takes it.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("客户姓名", "姓名", "客户名称", "客户名", "真实姓名", "投资者姓名", "名字", "name",
             "client name", "customer name", "full name"),
    "phone": ("手机号码", "手机号", "手机", "移动电话", "联系手机", "联系电话", "电话号码", "电话",
              "联系方式", "mobile", "mobile phone", "mobile no", "cell phone", "phone",
              "phone number", "tel"),
    "account_no": ("资金账号", "资金账户", "资金帐号", "资金帐户", "客户号", "客户编号", "客户代码",
                   "账号", "帐号", "account no", "account number", "account", "client id",
                   "customer id"),
    "branch": ("营业部", "所属营业部", "开户营业部", "营业部名称", "分支机构", "branch"),
    "advisor": ("服务人员", "客户经理", "投资顾问", "投顾", "服务经理", "服务投顾", "理财经理",
                "财富顾问", "advisor", "adviser", "account manager", "relationship manager",
                "manager"),
    "risk_level": ("风险承受能力", "风险承受能力等级", "风险等级", "风险测评等级", "风险测评结果",
                   "风险评级", "风险类型", "风险偏好", "risk level", "risk tolerance",
                   "risk profile", "risk"),
    "experience": ("投资经验", "经验", "experience", "investment experience"),
    "needs": ("客户需求", "需求", "需求标签", "需求类型", "投资需求", "诉求", "needs", "need"),
    "tags": ("客户标签", "标签", "tags", "tag", "labels", "label"),
    "communities": ("所在社群", "社群", "微信群", "所在群", "社群名称", "群名称", "群名", "群",
                    "communities", "community", "wechat group", "wechat groups", "groups",
                    "group"),
    "opened_on": ("开户日期", "开户时间", "开户日", "opened on", "open date", "opening date",
                  "account opened", "opened"),
    "birthday": ("出生日期", "生日", "出生年月日", "birthday", "date of birth", "birth date",
                 "dob"),
    "total_assets": ("总资产", "资产总额", "资产", "资产规模", "客户资产", "aum", "total assets",
                     "assets"),
    "last_active_on": ("最近活跃", "最近活跃日期", "最近活跃时间", "最后联系", "最后联系日期",
                       "最后联系时间", "最近联系日期", "最近联系", "最近联系时间", "最近一次联系",
                       "最近一次联系日期", "最近一次联系时间", "最近一次活跃", "最后活跃", "最近互动",
                       "last active", "last contact", "last contacted", "last active on"),
    "notes": ("备注", "说明", "备注说明", "notes", "note", "remarks", "remark", "comments",
              "comment"),
}
# Row counters that carry no member data; neither mapped nor kept as extra.
IGNORED_HEADERS = frozenset({"序号", "行号", "序", "no", "sn", "s/n", "#", "编号序号"})

MATCH_EXACT = 1.0
MATCH_PREFIXED = 0.9   # 客户手机号 → 手机号, client mobile → mobile
MATCH_CONTAINS = 0.6   # 手机号码(必填项) after its brackets, 风险承受能力类别…
_PREFIXES = ("客户", "会员", "成员", "投资者", "client", "customer", "member")
# After a contained synonym these words mean another thing: 客户经理编号 is not the advisor.
_OTHER_THING = ("编号", "工号", "代码", "id", "排名", "占比", "比例", "次数", "数量", "个数")
_OTHER_THING_BEFORE = ("产品", "product")  # 产品风险等级 is a product's, not the client's
_OTHER_THING_BY_FIELD = {"total_assets": ("等级", "级别", "层级", "分层", "类型")}
_SCORED_COLUMNS = 256
_LONGEST_CONTAINED_HEADER = 14  # longer text is a sentence (填写说明), not a header

_MARKERS = re.compile(r"[*※★☆]")
_BRACKETED = re.compile(r"[(\[【<《]([^)\]】>》]*)[)\]】>》]")
_PUNCTUATION = re.compile(r"[\s:;,.、_\-—/\\'\"`?!|]+")
_UNIT_SUFFIX = re.compile(r"(?:单位)?(亿元|亿|百万元|百万|万元|万|千元|元)$")


def _key(text: str) -> str:
    """Header text reduced to what matters: folded, lower case, no marks, spaces or stops."""
    return _PUNCTUATION.sub("", fold(_MARKERS.sub("", text)).lower())


_BY_KEY: dict[str, tuple[str, int]] = {}
for _field, _words in SYNONYMS.items():
    for _rank, _word in enumerate(_words):
        _BY_KEY.setdefault(_key(_word), (_field, _rank))
_CONTAINABLE = sorted(
    ((k, v) for k, v in _BY_KEY.items() if len(k) >= (3 if not k.isascii() else 5)),
    key=lambda item: -len(item[0]),
)
_IGNORED_KEYS = frozenset(_key(h) for h in IGNORED_HEADERS) | {""}


class SheetLike(Protocol):
    """What the reader hands over (``branchdesk.importers.reader.SheetData``)."""

    name: str
    rows: list[list[Cell]]
    first_row: int  # 1-based spreadsheet row of rows[0]
    first_col: int


@dataclass(slots=True)
class ColumnMap:
    field: str
    column: int  # index into a row of SheetData.rows
    header: str  # the header as the user reads it in the file
    multiplier: float = 1.0  # the unit of an amount column: 总资产（万元） → 10000


@dataclass(slots=True)
class HeaderMatch:
    row_index: int  # index into SheetData.rows
    columns: list[ColumnMap]
    unknown: dict[int, str]  # column index → header text, kept as extra
    score: float
    ignored: dict[int, str] = field(default_factory=dict)  # 序号 and the like

    def column_for(self, field_name: str) -> ColumnMap | None:
        return next((c for c in self.columns if c.field == field_name), None)

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns}

    def missing_required(self) -> list[str]:
        """Required fields without a column: name, and one of phone / account_no."""
        fields = self.fields
        missing = [] if "name" in fields else ["name"]
        if not fields.intersection(CONTACT_FIELDS):
            missing.append("phone")
        return missing


@dataclass(slots=True)
class _Candidate:
    field: str
    score: float
    rank: int
    multiplier: float


def display_header(cell: Cell) -> str:
    """A header cell as shown in messages: line breaks and padding removed (手机\\n号码 → 手机号码)."""
    text = cell if isinstance(cell, str) else ("" if cell is None else str(cell))
    parts = text.split()
    if not parts:
        return ""
    joined = parts[0]
    for part in parts[1:]:
        # CJK text is not spaced; Latin words are ("Client\nName" → "Client Name")
        gap = " " if joined[-1].isascii() and part[0].isascii() else ""
        joined += gap + part
    return joined


def match_header(text: str) -> _Candidate | None:
    """The field a header names, how sure we are, and the unit multiplier it carries."""
    folded = fold(text)
    multiplier = 1.0
    for inside in _BRACKETED.findall(folded):
        multiplier = _unit_multiplier(inside) or multiplier
    key = _key(_BRACKETED.sub("", folded))
    if not key or key in _IGNORED_KEYS:
        return None
    found = _lookup(key)
    if found is None and (unit := _UNIT_SUFFIX.search(key)) and unit.start() > 0:
        # 总资产万元, 资产/万: a unit written without brackets
        found = _lookup(key[: unit.start()])
        if found is not None:
            multiplier = UNIT_MULTIPLIERS[unit.group(1)]
    if found is None:
        found = _lookup_contained(key)
    if found is None:
        return None
    field_name, rank, score = found
    return _Candidate(field_name, score, rank, multiplier if field_name == "total_assets" else 1.0)


def _lookup(key: str) -> tuple[str, int, float] | None:
    if key in _BY_KEY:
        return (*_BY_KEY[key], MATCH_EXACT)
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix):] in _BY_KEY:
            return (*_BY_KEY[key[len(prefix):]], MATCH_PREFIXED)
    return None


def _lookup_contained(key: str) -> tuple[str, int, float] | None:
    if len(key) > _LONGEST_CONTAINED_HEADER:
        return None
    for synonym, (field_name, rank) in _CONTAINABLE:
        at = key.find(synonym)
        if at < 0 or any(word in key[:at] for word in _OTHER_THING_BEFORE):
            continue
        rest = key[at + len(synonym):]
        other = _OTHER_THING + _OTHER_THING_BY_FIELD.get(field_name, ())
        if any(word in rest for word in other):
            continue
        return field_name, rank, MATCH_CONTAINS
    return None


def _unit_multiplier(text: str) -> float | None:
    key = _key(text).removeprefix("单位")
    if key in UNIT_MULTIPLIERS:
        return UNIT_MULTIPLIERS[key]
    unit = _UNIT_SUFFIX.search(key)
    return UNIT_MULTIPLIERS[unit.group(1)] if unit else None


def map_columns(row: Sequence[Cell], row_index: int = 0) -> HeaderMatch:
    """Map one row of header cells to fields; each field goes to its best column."""
    best: dict[str, tuple[int, _Candidate, str]] = {}
    unknown: dict[int, str] = {}
    ignored: dict[int, str] = {}
    for column, cell in enumerate(row):
        header = display_header(cell)
        if not header:
            continue
        candidate = match_header(header)
        if candidate is None:
            if _key(header) in _IGNORED_KEYS:
                ignored[column] = header
            else:
                unknown[column] = header
            continue
        held = best.get(candidate.field)
        if held is None or _beats(candidate, held[1]):
            if held is not None:
                unknown[held[0]] = held[2]
            best[candidate.field] = (column, candidate, header)
        else:
            unknown[column] = header
    columns = [
        ColumnMap(name, column, header, candidate.multiplier)
        for name, (column, candidate, header) in sorted(best.items(), key=lambda i: i[1][0])
    ]
    score = sum(candidate.score for _, candidate, _ in best.values())
    return HeaderMatch(row_index, columns, dict(sorted(unknown.items())), score, ignored)


def _beats(new: _Candidate, held: _Candidate) -> bool:
    # a surer match first, then the better synonym; a tie keeps the leftmost column
    return (new.score, -new.rank) > (held.score, -held.rank)


def find_header(rows: Sequence[Sequence[Cell]], max_scan: int = 30) -> HeaderMatch | None:
    """The header row among the first `max_scan` rows: the one naming the most fields.

    Title rows (a merged title holds its text in its first cell only) name one field at best;
    a header row must name at least two.
    """
    best: HeaderMatch | None = None
    for index, row in enumerate(rows[:max_scan]):
        # scoring looks at the first columns only: a sheet 16,000 columns wide stays quick
        head = row[:_SCORED_COLUMNS]
        texts = sum(1 for cell in head if isinstance(cell, str) and cell.strip())
        if texts < 2:
            continue
        match = map_columns(head, index)
        if len(match.columns) < 2:
            continue
        if best is None or match.score > best.score:
            best = match
    if best is not None and len(rows[best.row_index]) > _SCORED_COLUMNS:
        best = map_columns(rows[best.row_index], best.row_index)
    return best


def choose_sheet(
    sheets: Sequence[SheetLike], wanted: str | None = None, *, file: str | None = None
) -> tuple[SheetLike, HeaderMatch]:
    """The sheet that holds the roster, and its header.

    With `wanted`, that sheet (by name); otherwise the sheet whose header names the required
    fields and the most others, preferring one with data under its header to an empty
    template (a workbook often starts with a 填写说明 sheet).
    """
    file_label = file or t("roster_fields.this_file")
    names = "、".join(sheet.name for sheet in sheets)
    if wanted is not None:
        sheets = [s for s in sheets if s.name == wanted] or [
            s for s in sheets if s.name.strip().lower() == wanted.strip().lower()
        ]
        if not sheets:
            raise UserError("roster_fields.no_such_sheet", file=file_label, sheet=wanted,
                            sheets=names)
    found = [(sheet, match) for sheet in sheets if (match := find_header(sheet.rows))]
    if not found:
        raise UserError("roster_fields.no_header", file=file_label, sheets=names)
    ranked = sorted(found, key=lambda pair: _sheet_rank(*pair), reverse=True)
    sheet, match = ranked[0]
    missing = match.missing_required()
    if missing:
        raise UserError(
            "roster_fields.missing_required",
            file=file_label,
            sheet=sheet.name,
            missing=t("roster_fields.list_separator").join(_missing_labels(missing)),
            found="、".join(c.header for c in match.columns),
        )
    _keep_unnamed_columns(sheet, match)
    return sheet, match


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _keep_unnamed_columns(sheet: SheetLike, match: HeaderMatch, probe: int = 200) -> None:
    """A column with data but a blank header cell (e.g. under a two-row merged header) is
    kept as extra data named after its letter, never silently dropped."""
    named = {c.column for c in match.columns} | set(match.unknown) | set(match.ignored)
    below = sheet.rows[match.row_index + 1: match.row_index + 1 + probe]
    width = max((len(row) for row in below), default=0)
    first_col = getattr(sheet, "first_col", 0)
    for column in range(width):
        if column in named:
            continue
        if any(column < len(row) and row[column] not in (None, "") for row in below):
            match.unknown[column] = t("roster_fields.unnamed_column",
                                      letter=_column_letter(column + first_col))


def _sheet_rank(sheet: SheetLike, match: HeaderMatch) -> tuple[bool, bool, float]:
    has_data = any(
        any(cell not in (None, "") for cell in row)
        for row in sheet.rows[match.row_index + 1: match.row_index + 6]
    )
    return (not match.missing_required(), has_data, match.score)


def _missing_labels(missing: list[str]) -> list[str]:
    labels = []
    for name in missing:
        if name == "phone":
            labels.append(t("roster_fields.phone_or_account"))
        else:
            labels.append(t(f"roster_fields.field.{name}"))
    return labels
