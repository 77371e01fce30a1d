"""Roster import: file → sheet → header → parsed and staged rows → plan → apply, and undo.

The steps are separate so the import wizard can show each one; `import_roster` runs them
all for the CLI, with the rows parsed in the reader's processes (`read_and_prepare`).
Parsed rows wait in scratch files (store/staging.py) until applied. Applying is one
transaction: a failure or a cancel leaves the database exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from branchdesk.errors import UserError
from branchdesk.gc_pause import gc_paused
from branchdesk.i18n import t
from branchdesk.importers import safety
from branchdesk.importers.headers import HeaderMatch, choose_sheet
from branchdesk.importers.reader import SheetData, read_and_stage, read_workbook
from branchdesk.importers.rows import Issue
from branchdesk.importers.stage import PartResult, stage_part
from branchdesk.store import activities as activity_rows
from branchdesk.store import audit, batches, before_images, staging
from branchdesk.store import members as member_rows
from branchdesk.store.database import Store
from branchdesk.store.scratch import ScratchFolder

Progress = Callable[[int, int], None]  # (done, total)
IsCancelled = Callable[[], bool]

LIST_FIELDS = member_rows.JSON_LIST_COLUMNS


class ImportCancelled(UserError):
    def __init__(self) -> None:
        super().__init__("importing.cancelled")


@dataclass
class LoadedRoster:
    """A file read and its roster sheet found: what the wizard shows before parsing."""

    path: Path
    sheets: list[SheetData]
    sheet: SheetData
    header: HeaderMatch


@dataclass
class Record:
    """One member as the file describes them, after merging repeats inside the file."""

    row: int                    # first spreadsheet row it came from
    values: dict[str, Any]      # stored form (see store.members.to_db), non-empty fields only
    rows: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        return staging.member_key(self.values)


class PreparedRoster:
    """Every row parsed and staged (store/staging.py): what applying works from.

    Holds scratch files: `close()` removes them (also done when it is garbage collected).
    """

    def __init__(self, loaded: LoadedRoster, header: HeaderMatch, paths: list[Path],
                 parts: list[PartResult], folder: ScratchFolder) -> None:
        self.loaded, self.header, self.paths = loaded, header, paths
        self.rows = [r for p in parts for r in p.rows]  # staged, in file order
        # their phones and account numbers: only here, never in the staging files
        self._phones = staging.PackedTexts([f for p in parts for f in p.phones])
        self._accounts = staging.PackedTexts([a for p in parts for a in p.accounts])
        # rows whose member key or phone another row also has: judged in Python, in order
        keys = staging.repeated([k for p in parts for k in p.keys])
        phones = staging.repeated([f for p in parts for f in p.phones])
        self.repeated = {row for p in parts
                         for row, key, phone in zip(p.rows, p.keys, p.phones, strict=True)
                         if key in keys or phone in phones} if keys or phones else set()
        self.invalid = [i for p in parts for i in p.invalid]
        self.warnings = [w for p in parts for w in p.warnings]
        self.footers = [f for p in parts for f in p.footers]  # totals/notes rows left out
        self._cleanup = weakref.finalize(self, folder.remove)

    def identities(self) -> Iterator[tuple[int, str | None, str | None]]:
        """(row, phone, account number) of every staged row (staging.attached)."""
        return zip(self.rows, self._phones.unpack(), self._accounts.unpack(), strict=True)

    def close(self) -> None:
        self._cleanup()


@contextmanager
def _staging_folder() -> Iterator[ScratchFolder]:
    """A new private folder for the staging files (store/scratch.py), removed again if
    preparing fails."""
    folder = ScratchFolder()
    try:
        yield folder
    except BaseException:
        folder.remove()
        raise


@dataclass
class Plan:
    """What applying would do, computed against the database as it is now."""

    new_rows: list[int]     # staged rows that become new members as they are
    creates: list[tuple[int, dict[str, Any]]]  # (first row, stored row): merged new members
    updates: list[tuple[dict[str, Any], dict[str, Any]]]   # (before, after) stored rows with id
    # (member id, name, mask) of the plain changes SQLite writes (staging.import_plain)
    plain: list[tuple[int, str, int]]
    unchanged: int
    merged: int
    invalid: list[Issue]
    warnings: list[Issue]

    @property
    def created(self) -> int:
        return len(self.new_rows) + len(self.creates)

    @property
    def updated(self) -> int:
        return len(self.updates) + len(self.plain)

    def changes(self) -> list[tuple[int, str, tuple[str, ...]]]:
        """(member id, name, the fields that change) of every member updated, by id."""
        fields = {mask: staging.columns_of(mask) for mask in {m for _, _, m in self.plain}}
        out = [(member, name, fields[mask]) for member, name, mask in self.plain]
        out += [(after["id"], after["name"], changed_fields(before, after))
                for before, after in self.updates]
        return sorted(out)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, ...]:
    return tuple(c for c in member_rows.DATA_COLUMNS if before.get(c) != after.get(c))


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

    def to_json(self) -> dict[str, Any]:
        def issue(i: Issue) -> dict[str, Any]:
            return {"row": i.row, "column": i.column, "reason": i.reason}

        return {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "merged": self.merged, "invalid": self.invalid, "batch_id": self.batch_id,
            "dry_run": self.dry_run, "sheet": self.sheet,
            "unknown_columns": self.unknown_columns,
            "errors": [issue(i) for i in self.errors],
            "warnings": [issue(i) for i in self.warnings],
            "changes": [{"member_id": m, "name": n, "fields": list(f)}
                        for m, n, f in self.changes],
            "left_out": [{**issue(i), "value": i.value} for i in self.footers],
        }

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("created", "updated", "unchanged", "merged",
                                               "invalid")}


def load(path: str | Path, sheet: str | None = None) -> LoadedRoster:
    """Read the file safely and find the sheet and header row that hold the roster."""
    path = Path(path)
    sheets = read_workbook(path, sheet=sheet)
    chosen, header = choose_sheet(sheets, sheet, file=str(path))
    safety.check_data_rows(path, chosen.name, len(chosen.rows) - header.row_index - 1,
                           safety.LIMITS)
    return LoadedRoster(path, sheets, chosen, header)


def prepare(loaded: LoadedRoster, header: HeaderMatch | None = None,
            progress: Progress | None = None, cancelled: IsCancelled | None = None) -> PreparedRoster:
    """Parse every row and stage it, here in this process (the import wizard's step)."""
    if not loaded.sheet.complete:
        raise ValueError("prepare() needs every row of the sheet, not a preview")
    header = header or loaded.header
    total = len(loaded.sheet.rows)

    def report(done: int) -> None:
        if cancelled and cancelled():
            raise ImportCancelled()
        if progress:
            progress(min(done, total), total)

    with _staging_folder() as folder, gc_paused():
        part = stage_part(loaded.sheet, header, folder / "part0.db", progress=report)
    return PreparedRoster(loaded, header, [folder / "part0.db"], [part], folder)


def read_and_prepare(path: str | Path, sheet: str | None = None, *,
                     derive: bool = True) -> PreparedRoster:
    """`load` and `prepare` in one go, the reader's processes parsing the rows where they were
    read (two cores on a big sheet); CSV and text files are read and parsed here. `derive`:
    the parsing processes also compute each row's pinyin key and search text (for a first
    import, where every row becomes a member; otherwise the new rows get them as they are
    copied)."""
    path = Path(path)
    with _staging_folder() as folder:
        read = read_and_stage(path, sheet=sheet, stage_dir=folder.path, derive=derive,
                              choose=lambda sheets: choose_sheet(sheets, sheet, file=str(path)))
    if read is None:
        folder.remove()
        return prepare(load(path, sheet))
    loaded = LoadedRoster(path, read.sheets, read.sheet, read.header)
    return PreparedRoster(loaded, read.header, read.paths, read.parts, folder)


def _key_header(header: HeaderMatch, record: Record) -> str:
    field = "account_no" if record.values.get("account_no") else "phone"
    column = header.column_for(field)
    return column.header if column else field


def _repeat_warning(header: HeaderMatch, first: Record, again: Record) -> Issue:
    """A member listed twice in one file: merged, and said so (with the names if they differ)."""
    old_name, new_name = first.values.get("name"), again.values.get("name")
    if old_name != new_name:
        reason = t("importing.repeat_other_name", first=first.row, old=old_name, new=new_name)
    else:
        reason = t("importing.repeat", first=first.row)
    key = again.values.get("account_no") or again.values.get("phone") or ""
    return Issue(again.row, _key_header(header, again), reason, str(key))


def merge_values(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """`new` over `old` in stored form: a non-empty value wins, an empty one never erases,
    lists are united (old order first), unknown columns merged."""
    merged = dict(old)
    for column, value in new.items():
        if value is None or value == "" or value == old.get(column):
            continue
        if column in LIST_FIELDS:
            before = json.loads(old.get(column) or "[]")
            extra = [v for v in json.loads(value) if v not in before]
            merged[column] = json.dumps(before + extra, ensure_ascii=False) if extra else (
                old.get(column) or value)
        elif column == "extra":
            combined = {**json.loads(old.get("extra") or "{}"), **json.loads(value)}
            merged[column] = json.dumps(combined, ensure_ascii=False)
        else:
            merged[column] = value
    return merged


_EMPTY_ROW = {c: None for c in member_rows.DATA_COLUMNS} | {
    "needs": "[]", "tags": "[]", "communities": "[]", "extra": "{}"}


def plan(conn, prepared: PreparedRoster) -> Plan:
    """Compare the staged rows with the database: which members to create, update, leave alone."""
    with gc_paused(), staging.attached(conn, prepared.paths, prepared.identities()) as parts:
        return _plan(conn, parts, prepared)


def _plan(conn, parts: list[str], prepared: PreparedRoster) -> Plan:
    """SQLite settles the plain rows: a member's only row in the file that is new, that holds
    nothing the stored member lacks, or that changes plain values of the one member it finds.
    The others (repeats, word lists to unite, phones shared, two rows finding one member) are
    judged here one record at a time, as they always were; a row whose member one of those
    records also finds is judged with them, in file order, so the result is the one a
    row-by-row pass would give. Every step reads the rows once: linear in the rows, whatever
    changed."""
    matched = staging.match_rows(conn, parts)
    new_rows = matched.new
    judged = set(matched.judged)
    if prepared.repeated:
        new_rows = [r for r in new_rows if r not in prepared.repeated]
        judged |= prepared.repeated
    if matched.by_phone:  # a row without an account number may find a member another row finds
        judged |= _sharing_a_member(staging.rows_of_members(conn, parts,
                                                            matched.by_phone.values()))
    while True:
        result = _judge(conn, parts, prepared, sorted(judged))
        if not result.found:
            break
        again = set(staging.rows_of_members(conn, parts, result.found)) - judged
        if not again:
            break
        judged |= again
    if judged:
        staging.leave_to_python(conn, judged)
    plain = staging.plain_changes(conn)
    unchanged = len(prepared.rows) - len(new_rows) - len(judged) - len(plain)
    warnings = sorted([*prepared.warnings, *result.repeats], key=lambda w: w.row)
    renamed = [_renamed(prepared.header, *rename) for rename in staging.plain_renames(conn)]
    return Plan(new_rows, result.creates, result.updates, plain, unchanged + result.unchanged,
                result.merged, [*prepared.invalid, *result.invalid],
                warnings + sorted([*renamed, *result.warnings], key=lambda w: w.row))


def _sharing_a_member(rows: dict[int, int]) -> set[int]:
    """The rows (of row → member) whose member another row also finds."""
    by_member: dict[int, list[int]] = {}
    for row, member in rows.items():
        by_member.setdefault(member, []).append(row)
    return {row for found in by_member.values() if len(found) > 1 for row in found}


def _renamed(header: HeaderMatch, row: int, name: str, old_name: str,
             account_no: str | None) -> Issue:
    column = header.column_for("account_no")
    return Issue(row, column.header if column else "account_no",
                 t("importing.renamed", old=old_name, new=name), account_no or "")


@dataclass
class _Judged:
    creates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0
    merged: int = 0
    invalid: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    repeats: list[Issue] = field(default_factory=list)  # members listed twice in the file
    found: set[int] = field(default_factory=set)       # ids of the stored members found


def _judge(conn, parts: list[str], prepared: PreparedRoster, rows: list[int]) -> _Judged:
    """The rows SQLite did not settle: merged by member key, matched, compared."""
    judged = _Judged()
    if not rows:
        return judged
    values = staging.values_of(conn, parts, rows)
    header = prepared.header
    by_key: dict[str, Record] = {}
    for row in rows:
        record = Record(row, values[row], [row])
        existing = by_key.get(record.key)
        if existing is None:
            by_key[record.key] = record
        else:
            judged.merged += 1
            judged.repeats.append(_repeat_warning(header, existing, record))
            existing.values = merge_values(existing.values, record.values)
            existing.rows.append(row)
    records = list(by_key.values())
    stored = staging.stored_members_for(
        conn, [r.values["account_no"] for r in records if r.values.get("account_no")],
        [r.values["phone"] for r in records if r.values.get("phone")])
    by_account = {m["account_no"]: m for m in stored if m["account_no"]}
    by_phone: dict[str, list[dict[str, Any]]] = {}
    for member in stored:
        if member["phone"]:
            by_phone.setdefault(member["phone"], []).append(member)
    updates: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
    for record in records:
        _judge_record(record, header, by_account, by_phone, updates, judged)
    judged.updates = list(updates.values())
    return judged


def _judge_record(record: Record, header: HeaderMatch, by_account: dict[str, dict[str, Any]],
                  by_phone: dict[str, list[dict[str, Any]]],
                  updates: dict[int, tuple[dict[str, Any], dict[str, Any]]],
                  judged: _Judged) -> None:
    values = record.values
    match = _match(record, by_account, by_phone)
    if isinstance(match, str):  # a phone that cannot say which member it means
        judged.invalid.append(Issue(record.row, _key_header(header, record), match,
                                    values.get("phone") or ""))
        return
    if match is None:
        judged.creates.append((record.row, {**_EMPTY_ROW, **values}))
        return
    member_id = match["id"]
    judged.found.add(member_id)
    if values.get("name") and values["name"] != match["name"]:
        judged.warnings.append(Issue(record.row, _key_header(header, record),
                                     t("importing.renamed", old=match["name"], new=values["name"]),
                                     values.get("account_no") or ""))
    if member_id in updates:  # two records of the file found the same member
        judged.merged += 1
        before, after = updates[member_id]
        updates[member_id] = (before, {**merge_values(after, values), "id": member_id})
        return
    if _adds_nothing(match, values):
        judged.unchanged += 1
        return
    after = {**merge_values(match, values), "id": member_id}
    if after == match:
        judged.unchanged += 1
    else:
        updates[member_id] = (match, after)


def _adds_nothing(stored: dict[str, Any], values: dict[str, Any]) -> bool:
    """True when every value of the record is already stored as is: then merging changes
    nothing."""
    return values.items() <= stored.items()  # compared in C, without a loop in Python


def _match(record: Record, by_account: dict[str, dict[str, Any]],
           by_phone: dict[str, list[dict[str, Any]]]) -> dict[str, Any] | str | None:
    """The member a record means, None for a new member, or the reason it cannot be told.

    The account number decides. A phone alone decides only when exactly one member holds
    it under the same name: family members often share a phone, and guessing would
    overwrite the wrong person. (store/staging.py finds members the same way.)
    """
    values = record.values
    name, phone, account = values.get("name"), values.get("phone"), values.get("account_no")
    if account:
        if account in by_account:
            return by_account[account]
        # A member known so far by phone only gets their account number, if it is them.
        holders = [m for m in by_phone.get(phone or "", ()) if not m["account_no"]]
        if len(holders) == 1 and holders[0]["name"] == name:
            return holders[0]
        return None
    holders = by_phone.get(phone or "", [])
    if not holders:
        return None
    same_name = [m for m in holders if m["name"] == name]
    if len(same_name) == 1:
        return same_name[0]
    if len(holders) > 1:
        return t("importing.phone_shared", count=len(holders))
    return t("importing.phone_other_name", name=holders[0]["name"])


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _report(plan_: Plan, prepared: PreparedRoster, batch_id: int | None,
            dry_run: bool) -> ImportReport:
    return ImportReport(
        created=plan_.created, updated=plan_.updated, unchanged=plan_.unchanged,
        merged=plan_.merged, invalid=len(plan_.invalid), batch_id=batch_id,
        errors=plan_.invalid, warnings=plan_.warnings, sheet=prepared.loaded.sheet.name,
        unknown_columns=list(prepared.header.unknown.values()), dry_run=dry_run,
        changes=plan_.changes(),
        footers=prepared.footers,
    )


def preview(store: Store, prepared: PreparedRoster) -> ImportReport:
    """The counts applying would give now, without writing anything."""
    return _report(plan(store.conn, prepared), prepared, None, dry_run=True)


def apply(store: Store, prepared: PreparedRoster, operator: str,
          progress: Progress | None = None, cancelled: IsCancelled | None = None) -> ImportReport:
    """Write the plan in one transaction, record the batch and one audit row."""
    loaded = prepared.loaded
    sha = file_sha256(loaded.path)
    # Attached outside the transaction: SQLite will not detach a file a transaction has read.
    with gc_paused(), \
            staging.attached(store.conn, prepared.paths, prepared.identities()) as parts, \
            store.transaction() as conn:
        plan_ = _plan(conn, parts, prepared)
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
                staging.copy_new_members(conn, parts, [r for r in prepared.rows if r not in new],
                                         merged_rows, stamp)
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
        done += staging.apply_plain(conn, parts, batch_id, stamp)
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
            prepared = read_and_prepare(path, sheet, derive=member_rows.is_empty(store.conn))
        try:
            if dry_run:
                return preview(store, prepared)
            return apply(store, prepared, operator, progress=progress, cancelled=cancelled)
        finally:
            prepared.close()


def undo(store: Store, batch_id: int, operator: str, *, force: bool = False) -> dict[str, int]:
    """Restore the state before a batch: remove the members it created, give the members it
    updated their old values back. Refused when a later batch touched the same members, and
    (unless `force`) when members were edited since, since undo would lose those edits."""
    with store.transaction() as conn:
        batch = batches.get(conn, batch_id)
        if batch is None:
            raise UserError("importing.no_such_batch", id=batch_id)
        if batch["undone_at"]:
            raise UserError("importing.already_undone", id=batch_id, at=batch["undone_at"])
        later = batches.later_overlapping(conn, batch_id)
        if later:
            raise UserError("importing.undo_later_first", id=batch_id,
                            later=", ".join(str(b) for b in later))
        created, before_rows = batches.changes(conn, batch_id)
        linked = activity_rows.members_with_records(conn, created)
        if linked:  # activities, follow-ups and complaints are never dropped with the member
            raise UserError("engagement.undo_has_records", id=batch_id, count=linked)
        edited = batches.edited_since(conn, batch_id, created + [r["id"] for r in before_rows])
        if edited and not force:
            raise UserError("importing.edited_since", id=batch_id, count=edited)
        # Each member removed or overwritten goes into the trail first, whole (before_images).
        entries = before_images.undo_entries(conn, batch_id, created, before_rows)
        member_rows.delete_many(conn, created)
        member_rows.restore_many(conn, before_rows)
        activity_rows.restore_last_activity(conn, [r["id"] for r in before_rows])
        batches.mark_undone(conn, batch_id)
        result = {"removed": len(created), "restored": len(before_rows), "edits_lost": edited}
        audit.append_many(conn, operator, [*entries, audit.Entry(
            "import.undo", "import_batch", batch_id, after=result)])
    return result


def list_batches(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    return batches.recent(store.conn, limit)
