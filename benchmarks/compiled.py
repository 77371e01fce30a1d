"""Measure the project as a user's install runs it: compiled to bytecode."""

from __future__ import annotations

import compileall
from pathlib import Path


def compile_project() -> None:
    """Compile the project's modules to bytecode, as pip does when it installs the wheel, so
    that a process measured here loads them as a user's install does (an editable checkout
    under PYTHONDONTWRITEBYTECODE would compile every module again in every process)."""
    import branchdesk

    compileall.compile_dir(Path(branchdesk.__file__).parent, quiet=1)
