"""The roster import's services hand the store's import functions the Store, not a raw
connection: the store owns SQL and its connections (a transaction's state hangs on the
connection, which only the store should need to know)."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import branchdesk.services

SERVICES = Path(branchdesk.services.__file__).parent
# The store modules that exist for the import alone, and the planning steps built on them.
STORE_MODULES = {"staging", "staging_match", "staging_apply"}
STORE_FUNCTIONS = {("integrity", "prefetch_before")}
PLAN_FUNCTIONS = {"plan", "plan_attached", "_judge"}


def _speaks_sql(module: str, name: str) -> bool:
    """Whether a store function works on the database (its first parameter is the store or a
    connection), not only on values (staging.member_key)."""
    function = getattr(importlib.import_module(f"branchdesk.store.{module}"), name)
    return next(iter(inspect.signature(function).parameters)) in ("store", "conn")


def _calls(module: str) -> list[tuple[str, ast.expr]]:
    """(name called, first argument) of each call into the import's store functions."""
    tree = ast.parse((SERVICES / module).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
                func.value.id in STORE_MODULES or (func.value.id, func.attr) in STORE_FUNCTIONS
        ) and _speaks_sql(func.value.id, func.attr):
            found.append((f"{func.value.id}.{func.attr}", node.args[0]))
        elif isinstance(func, ast.Name) and func.id in PLAN_FUNCTIONS:
            found.append((func.id, node.args[0]))
    return found


def test_the_import_services_pass_the_store_not_its_connection():
    calls = _calls("importing.py") + _calls("import_plan.py")
    assert len(calls) >= 12  # the scan finds the calls at all
    raw = [name for name, first in calls if not (isinstance(first, ast.Name) and first.id == "store")]
    assert not raw, f"given a connection instead of the Store: {raw}"
