"""Importing activities from a sheet: read safely (the roster import's reader), find the header,
match each row to one member, leave out what is already logged, write one batch — undoable.

Rows that cannot be read or matched are reported (row, column, value, reason) and left out; the
rest is written in one transaction with one audit row. A file that cannot be used at all (no
header, a missing column, a damaged file) is one UserError and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from branchdesk import datetimes
from branchdesk.engagement_enums import DEFAULT_CHANNEL
from branchdesk.errors import UserError
from branchdesk.gc_pause import gc_paused
from branchdesk.i18n import t
from branchdesk.importers.activity_child import read_and_parse
from branchdesk.importers.activity_sheet import (
    ActivityColumns,
    ActivityHeader,
    choose_sheet,
    parse_rows,
)
from branchdesk.importers.reader import read_workbook
from branchdesk.importers.rows import Issue
from branchdesk.member_fields import mask_phone
from branchdesk.store import activities as activity_rows
from branchdesk.store import audit
from branchdesk.store.activities import NewActivity
from branchdesk.store.database import Store
from branchdesk.store.member_refs import identity_maps

_REASON = "activity_import.reason."


@dataclass
class ActivityImportReport:
    file: str
    sheet: str
    added: int
    skipped: int          # already logged (by an earlier import or by hand), or repeated in the file
    invalid: int
    batch_id: int | None
    errors: list[Issue] = field(default_factory=list)
    dry_run: bool = False
    # Nothing new (every usable row already logged): the import of the same file whose
    # activities are there, if there is one.
    first_batch_id: int | None = None
    first_imported_at: str | None = None

    @property
    def nothing_new(self) -> bool:
        return not self.added and bool(self.skipped)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "added": self.added, "skipped": self.skipped,
                "invalid": self.invalid, "batch_id": self.batch_id, "dry_run": self.dry_run,
                "nothing_new": self.nothing_new, "first_batch_id": self.first_batch_id,
                "first_imported_at": self.first_imported_at,
                "errors": [{"row": i.row, "column": i.column, "value": i.value, "reason": i.reason}
                           for i in self.errors]}


class _Matcher:
    """Rows → member ids, with the reason when a row names nobody, or several people."""

    def __init__(self, store: Store, header: ActivityHeader, rows: ActivityColumns) -> None:
        accounts = {a for a in rows.account_no if a is not None}
        phones = {p for a, p in zip(rows.account_no, rows.phone, strict=True)
                  if a is None and p is not None}
        self.accounts, self.phones, self.last_activity = identity_maps(store.conn, accounts, phones)
        self.header = header

    def member(self, number: int, account: str | None, phone: str | None,
               name: str | None) -> int | Issue:
        label = self.header.label
        if account is not None:
            found = self.accounts.get(account)
            if found is None:
                return Issue(number, label("account_no"), t(_REASON + "no_such_account"), account)
            return found
        assert phone is not None
        people = self.phones.get(phone, [])
        shown = mask_phone(phone)
        if not people:
            return Issue(number, label("phone"), t(_REASON + "no_such_phone"), shown)
        if name is not None:
            named = [member_id for member_id, who in people if who == name]
            if len(named) == 1:
                return named[0]
            if not named:
                others = "、".join(who for _, who in people)
                return Issue(number, label("name"),
                             t(_REASON + "name_mismatch", phone=shown, names=others), name)
            return Issue(number, label("name"), t(_REASON + "same_name_same_phone", phone=shown),
                         name)
        if len(people) > 1:
            return Issue(number, label("phone"),
                         t(_REASON + "shared_phone", count=len(people)), shown)
        return people[0][0]


_DEFAULT_CHANNEL = {kind.value: channel.value for kind, channel in DEFAULT_CHANNEL.items()}


def _plan(store: Store, rows: ActivityColumns, header: ActivityHeader, operator: str,
          issues: list[Issue]) -> tuple[list[NewActivity], int]:
    """The activities to write (in file order) and how many were left out as already there."""
    matcher = _Matcher(store, header, rows)
    by_account = matcher.accounts
    candidates: list[NewActivity] = []
    for number, account, phone, name, at, on_date, kind, channel, staff, note in zip(
            *rows.to_plain(), strict=True):
        member = by_account.get(account) if account is not None else None
        if member is None:  # by phone, or a reason
            member = matcher.member(number, account, phone, name)
            if isinstance(member, Issue):
                issues.append(member)
                continue
        candidates.append(NewActivity(member, kind, channel or _DEFAULT_CHANNEL[kind], at,
                                      on_date, staff or operator, note))
    seen: set[tuple] = set()
    unique: list[NewActivity] = []
    candidates.sort(key=activity_rows.ORDER)  # the index in order, page after page
    for activity in candidates:
        key = activity_rows.SAME(activity)
        if key not in seen:
            seen.add(key)
            unique.append(activity)
    # Only a member with an activity on or after that day can have it logged already.
    last = matcher.last_activity
    maybe = [a for a in unique if last.get(a.member_id, "") >= a.on_date]
    already = activity_rows.existing(store.conn, maybe)
    fresh = [a for a in unique if activity_rows.SAME(a) not in already] if already else unique
    issues.sort(key=lambda issue: issue.row)
    return fresh, len(candidates) - len(fresh)


def _read(path: Path, sheet: str | None) -> tuple[str, ActivityHeader, ActivityColumns,
                                                  list[Issue]]:
    """The sheet's name, header, parsed activities and row issues: parsed in the reader's
    process for a workbook (activity_child.py), here for a CSV, text or HTML file."""
    now = datetimes.now()
    read = read_and_parse(path, sheet=sheet, now=now,
                          choose=lambda sheets: choose_sheet(sheets, sheet, path.name))
    if read is not None:
        chosen, header, columns, issues = read
        return chosen.name, header, columns, issues
    sheets = read_workbook(path, sheet=sheet)
    chosen, header = choose_sheet(sheets, sheet, path.name)
    parsed, issues = parse_rows(chosen, header, now)
    return chosen.name, header, ActivityColumns.of(parsed), issues


def import_activities(store: Store, path: str | Path, operator: str, *, sheet: str | None = None,
                      dry_run: bool = False) -> ActivityImportReport:
    """Read, check and (unless `dry_run`) write the activities of a sheet as one batch."""
    path = Path(path)
    with gc_paused():
        name, header, rows, issues = _read(path, sheet)
        if not len(rows) and not issues:
            raise UserError("activity_import.no_rows", file=path.name, sheet=name)
        with activity_rows.bulk_settings(store.conn):
            return _import(store, path, name, header, rows, issues, operator, dry_run)


def _import(store: Store, path: Path, sheet_name: str, header: ActivityHeader,
            rows: ActivityColumns, issues: list[Issue], operator: str,
            dry_run: bool) -> ActivityImportReport:
    from branchdesk.services.importing import file_sha256

    sha = file_sha256(path)

    def report(fresh: list, skipped: int, batch_id: int | None = None) -> ActivityImportReport:
        made = ActivityImportReport(path.name, sheet_name, len(fresh), skipped, len(issues),
                                    batch_id, issues, dry_run=dry_run)
        if made.nothing_new:  # the same file again: say when it was imported first
            first = activity_rows.first_batch_of(store.conn, sha)
            if first is not None:
                made.first_batch_id = first["id"]
                made.first_imported_at = first["imported_at"]
        return made

    if dry_run:
        return report(*_plan(store, rows, header, operator, issues))
    with store.transaction() as conn:
        fresh, skipped = _plan(store, rows, header, operator, issues)
        if issues and not fresh and not skipped:
            # Every row is wrong (a date column of 13-45s): an empty batch would only say so
            # in the import list; one message says it, and nothing is written.
            first = issues[0]
            raise UserError("activity_import.nothing_usable", file=path.name, sheet=sheet_name,
                            count=len(issues), row=first.row, column=first.column,
                            value=first.value or "—", reason=first.reason)
        if not fresh:  # all already logged (the same file again): no empty batch, no audit row
            return report(fresh, skipped)
        batch_id = activity_rows.record_batch(conn, file_name=path.name, sha256=sha,
                                              sheet=sheet_name, operator=operator,
                                              added=len(fresh), skipped=skipped, invalid=len(issues))
        activity_rows.insert_many(conn, fresh, batch_id)
        audit.append(conn, operator=operator, action="import.activities", entity="activity_batch",
                     entity_id=batch_id,
                     after={"file": path.name, "sha256": sha, "sheet": sheet_name,
                            "added": len(fresh), "skipped": skipped, "invalid": len(issues)})
    return report(fresh, skipped, batch_id)


def undo_activity_import(store: Store, operator: str, batch_id: int) -> dict[str, int]:
    """Remove every activity a batch added (activities logged since by hand stay)."""
    with store.transaction() as conn:
        batch = activity_rows.get_batch(conn, batch_id)
        if batch is None:
            raise UserError("activity_import.no_such_batch", id=batch_id)
        if batch["undone_at"]:
            raise UserError("activity_import.already_undone", id=batch_id,
                            at=datetimes.local_text(batch["undone_at"]))
        removed = activity_rows.delete_batch(conn, batch_id)
        audit.append(conn, operator=operator, action="import.activities_undo",
                     entity="activity_batch", entity_id=batch_id, after={"removed": removed})
    return {"removed": removed}


def list_activity_imports(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    return activity_rows.recent_batches(store.conn, limit)
