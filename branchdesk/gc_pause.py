"""Pausing Python's cyclic garbage collector around bulk work.

Reading, importing or checking 100,000 rows creates millions of small objects that hold no
reference cycles; the collector would walk them again and again for nothing (a third of an
import's time, measured). Used by the reader, the import service and the checker.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
