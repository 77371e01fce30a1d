"""Small things BranchDesk remembers for the person using it between runs (the folder the
last roster came from), in ``state.json`` in the user data folder (or ``BRANCHDESK_STATE``).

A preference, not data: a missing, unreadable or unwritable file is simply no memory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

APP_NAME = "branchdesk"


def state_path() -> Path:
    env = os.environ.get("BRANCHDESK_STATE")
    if env:
        return Path(env)
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "state.json"


def _read() -> dict[str, object]:
    try:
        data = json.loads(state_path().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remembered(key: str) -> str | None:
    value = _read().get(key)
    return value if isinstance(value, str) else None


def remember(key: str, value: str) -> None:
    """Keep `value` under `key` (written to a new file, then moved over the old one)."""
    path = state_path()
    data = _read()
    data[key] = value
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(path.name + ".tmp")
        scratch.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(scratch, path)
    except OSError:
        pass  # a read-only profile: the app works the same, it only forgets
