"""Writing an export so that a crash, a kill or a full disk never leaves half a file.

The workbook is written under a temporary name in the same folder, flushed to the disk, and
renamed over the target in one step: the target is either the old file or the whole new one.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from branchdesk.errors import UserError
from branchdesk.owner_only import make_private


def temporary_beside(path: Path) -> Path:
    return path.with_name(f".{path.stem}.partial-{uuid.uuid4().hex[:10]}{path.suffix}")


def save_workbook(book: Any, path: str | Path, *, example: str = "export.xlsx") -> Path:
    """`book.save` (openpyxl) to `path`, atomically."""
    return write_atomically(path, book.save, example=example)


def write_atomically(path: str | Path, write: Any, *, example: str = "export.xlsx") -> Path:
    """`write(temporary_path)` (openpyxl's `save`, a streaming xlsxwriter…), then fsync, the
    owner-only mode (exports hold personal data) and a rename over `path`: a failed export
    never leaves a half-written file in place of a good one. `example` is the file name
    suggested when `path` is a folder."""
    path = Path(path)
    if path.is_dir():
        raise UserError("exports_atomic.is_folder", file=str(path), example=str(path / example))
    if not path.parent.is_dir():
        raise UserError("exports_atomic.no_folder", file=str(path), folder=str(path.parent))
    temporary = temporary_beside(path)
    try:
        write(temporary)
        make_private(temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except PermissionError as error:  # Windows: the file is open in Excel
        raise UserError("exports_atomic.in_use", file=str(path), error=str(error)) from error
    except OSError as error:
        raise UserError("report.cannot_write", file=str(path), error=str(error)) from error
    finally:
        temporary.unlink(missing_ok=True)
    return path
