"""Roster import: file → sheet → header → parsed and staged rows → plan → apply.

The steps live in their own modules so the import wizard can show each one: reading and
staging (import_prepare.py), the plan (import_plan.py); this module previews and applies a
plan and runs all the steps for the CLI (`import_roster`). Undo is in import_undo.py.
Applying is one transaction: a failure or a cancel leaves the database exactly as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from branchdesk.errors import UserError
from branchdesk.gc_pause import gc_paused
from branchdesk.importers.rows import Issue
from branchdesk.services.import_plan import Plan, changed_fields, plan, plan_attached
from branchdesk.services.import_prepare import (
    ImportCancelled,
    IsCancelled,
    PreparedRoster,
    Progress,
    load,
    prepare,
    read_and_prepare,
)
from branchdesk.store import audit, batches, integrity, staging, staging_apply
from branchdesk.store import members as member_rows
from branchdesk.store.database import Store


@dataclass
class ImportReport:
    created: int
    updated: int
    unchanged: int
    merged: int
    invalid: int
    batch_id: int | None
    errors: list[Issue]
    warnings: list[Issue]
    sheet: str = ""
    unknown_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    # (member id, name, fields) of each member updated: which members changed, and how
    changes: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    footers: list[Issue] = field(default_factory=list)  # totals and notes rows left out

    @property
    def nothing_new(self) -> bool:
        """Nothing to create or update: the file as the roster already holds it."""
        return not (self.created or self.updated)

    def to_json(self) -> dict[str, Any]:
        def issue(i: Issue) -> dict[str, Any]:
            return {"row": i.row, "column": i.column, "reason": i.reason, "value": i.value}

        return {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "merged": self.merged, "invalid": self.invalid, "batch_id": self.batch_id,
            "dry_run": self.dry_run, "nothing_new": self.nothing_new, "sheet": self.sheet,
            "unknown_columns": self.unknown_columns,
            "errors": [issue(i) for i in self.errors],
            "warnings": [issue(i) for i in self.warnings],
            "changes": [{"member_id": m, "name": n, "fields": list(f)}
                        for m, n, f in self.changes],
            "left_out": [issue(i) for i in self.footers],
        }

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("created", "updated", "unchanged", "merged",
                                               "invalid")}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _masked(issues: list[Issue], prepared: PreparedRoster) -> list[Issue]:
    """The problems with the phone or account number cells they quote masked (a mobile as
    138****5678, a long number as an account), as every list shows them: the row and column
    say where to look in the file."""
    columns = {c.header for f in ("phone", "account_no") if (c := prepared.header.column_for(f))}
    if not any(i.column in columns and i.value for i in issues):
        return issues
    # only then: it loads the compliance engine's masks (and pydantic), 0.1 s of start-up
    from branchdesk.exports.text_masks import mask_numbers

    return [replace(i, value=mask_numbers(i.value) or "") if i.column in columns and i.value
            else i for i in issues]


def _report(plan_: Plan, prepared: PreparedRoster, batch_id: int | None,
            dry_run: bool) -> ImportReport:
    return ImportReport(
        created=plan_.created, updated=plan_.updated, unchanged=plan_.unchanged,
        merged=plan_.merged, invalid=len(plan_.invalid), batch_id=batch_id,
        errors=_masked(plan_.invalid, prepared), warnings=_masked(plan_.warnings, prepared),
        sheet=prepared.loaded.sheet.name,
        unknown_columns=list(prepared.header.unknown.values()), dry_run=dry_run,
        changes=plan_.changes(),
        footers=prepared.footers,
    )


def require_member_rows(prepared: PreparedRoster) -> None:
    """Refuse a sheet with nothing under its header (no member, not even a bad row)."""
    if not prepared.rows and not prepared.invalid:
        loaded = prepared.loaded
        raise UserError("importing.no_member_rows", file=loaded.path.name,
                        sheet=loaded.sheet.name, row=loaded.sheet.first_row + prepared.header.row_index)


def preview(store: Store, prepared: PreparedRoster) -> ImportReport:
    """The counts applying would give now, without writing anything."""
    require_member_rows(prepared)
    return _report(plan(store, prepared), prepared, None, dry_run=True)


def apply(store: Store, prepared: PreparedRoster, operator: str,
          progress: Progress | None = None, cancelled: IsCancelled | None = None) -> ImportReport:
    """Write the plan in one transaction, record the batch and one audit row. A file that
    creates and updates nothing writes nothing: no batch, no audit row (`nothing_new`)."""
    require_member_rows(prepared)
    loaded = prepared.loaded
    sha = file_sha256(loaded.path)
    # Attached outside the transaction: SQLite will not detach a file a transaction has read.
    with gc_paused(), \
            staging.attached(store, prepared.paths, prepared.identities()) as parts, \
            store.transaction() as conn:
        plan_ = plan_attached(store, parts, prepared)
        if not (plan_.created or plan_.updated):  # the roster holds the file already
            return _report(plan_, prepared, None, dry_run=False)
        # the audit row's digests of these members before: read while they are written
        integrity.prefetch_before(store, "members", [*(m for m, _, _ in plan_.plain),
                                                    *(after["id"] for _, after in plan_.updates)])
        work = plan_.created + plan_.updated
        stamp = member_rows.now_text()
        if cancelled and cancelled():
            raise ImportCancelled()
        with member_rows.indexes_built_after(conn, plan_.created):
            first_id = member_rows.next_id(conn)
            if plan_.created:
                new = set(plan_.new_rows)
                merged_rows = [(row, (*(values[c] for c in member_rows.DATA_COLUMNS),
                                      *member_rows.derived_values(values)))
                               for row, values in plan_.creates]
                staging_apply.copy_new_members(
                    store, parts, [r for r in prepared.rows if r not in new], merged_rows, stamp)
        if cancelled and cancelled():  # asked while the new members were written
            raise ImportCancelled()
        created_ids = list(range(first_id, first_id + plan_.created))
        done = plan_.created
        if progress:
            progress(done, work)
        report = _report(plan_, prepared, None, dry_run=False)
        batch_id = batches.record(
            conn, file_name=loaded.path.name, sha256=sha, sheet=loaded.sheet.name,
            operator=operator, counts=report.counts(),
            created_ids=created_ids, updated_before=[before for before, _ in plan_.updates],
        )
        done += staging_apply.apply_plain(store, parts, batch_id, stamp)
        if progress:
            progress(done, work)
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for before, after in plan_.updates:  # each with the columns it changes
            by_columns.setdefault(changed_fields(before, after), []).append(after)
        for columns, afters in by_columns.items():
            for start in range(0, len(afters), 5000):
                if cancelled and cancelled():
                    raise ImportCancelled()
                chunk = afters[start:start + 5000]
                member_rows.update_many(conn, chunk, columns, stamp=stamp)
                done += len(chunk)
                if progress:
                    progress(done, work)
        report.batch_id = batch_id
        audit.append(
            conn, operator=operator, action="import.roster", entity="import_batch",
            entity_id=batch_id,
            after={"file": loaded.path.name, "sha256": sha, "sheet": loaded.sheet.name,
                   **report.counts()},
        )
    return report


def import_roster(store: Store, path: str | Path, operator: str, *, sheet: str | None = None,
                  dry_run: bool = False, progress: Progress | None = None,
                  cancelled: IsCancelled | None = None) -> ImportReport:
    """The whole import, as `branchdesk import roster` runs it."""
    # One pause for all steps: the collector's first pass after a pause walks every object
    # made during it, so resuming between steps walked the 100,000 rows again.
    with gc_paused():
        if progress or cancelled:  # steps that report as they go, as the wizard runs them
            prepared = prepare(load(path, sheet), progress=progress, cancelled=cancelled)
        else:
            first = member_rows.is_empty(store.conn)
            # A re-import's audit row needs the members' digests before it: read beside the
            # reader's parse (store/digests_ahead.py), not while the import writes.
            ahead = None if first or dry_run else lambda: store.digests_ahead("members")
            prepared = read_and_prepare(path, sheet, derive=first, started=ahead)
        try:
            if dry_run:
                return preview(store, prepared)
            return apply(store, prepared, operator, progress=progress, cancelled=cancelled)
        finally:
            prepared.close()
