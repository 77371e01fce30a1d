"""The translation layer: every user-facing string goes through `t()`.

Catalogs are TOML files, one per area and language: ``locales/<lang>/<area>.toml``.
A key ``missing_file`` in ``importers.toml`` is looked up as ``importers.missing_file``.
Areas are separate files so that each part of the app owns its strings; a test checks
that both languages hold exactly the same keys.
"""

from __future__ import annotations

import locale
import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources

LANGUAGES = ("zh", "en")
_current = "en"
# A language spoken for a moment in one task or thread only (see `speaking`).
_speaking: ContextVar[str | None] = ContextVar("speaking", default=None)


def _flatten(prefix: str, table: dict, out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}"
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def catalog(language: str) -> dict[str, str]:
    """All strings of one language, keyed ``area.key``."""
    out: dict[str, str] = {}
    folder = resources.files("branchdesk") / "locales" / language
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            area = entry.name.removesuffix(".toml")
            _flatten(area, tomllib.loads(entry.read_text(encoding="utf-8")), out)
    return out


def system_language() -> str:
    """zh for a Chinese system locale, else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        value = locale.getlocale()[0] or ""
    except ValueError:
        value = ""
    return "zh" if value.lower().startswith(("zh", "chinese")) else "en"


def set_language(language: str) -> None:
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    _current = language


def get_language() -> str:
    return _speaking.get() or _current


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """`t` answers in `language` inside the block, in this task or thread only (the command
    palette reads its commands' English names while the app stays in Chinese)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    token = _speaking.set(language)
    try:
        yield
    finally:
        _speaking.reset(token)


def _text(key: str) -> str | None:
    return catalog(get_language()).get(key) or catalog("en").get(key)


def _number(value: object) -> int | None:
    """A count given as a number or as the number's text ("1", "2,000")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.replace(",", "").isdigit():
        return int(value.replace(",", ""))
    return None


def t_count(key: str, count: int, /, **params: object) -> str:
    """`t` for a text about `count` things, whose `{count}` may be given formatted
    (``t_count("roster_words.members", 2000, count="2,000")``)."""
    return _format(key, count, {"count": count, **params})


def t(key: str, /, **params: object) -> str:
    """The text for `key` in the current language, with `{name}` fields filled in.

    A text that depends on a number is a table with `one` and `other` (``[removed]`` /
    ``one = "1 member removed"`` / ``other = "{count} members removed"``): `count` picks the
    form. Chinese has one form, so its tables say the same thing twice.

    A missing key shows itself (``[key]``) rather than crashing: the parity test catches it.
    """
    return _format(key, _number(params.get("count")), params)


def _format(key: str, number: int | None, params: dict[str, object]) -> str:
    if number is not None:
        plural = _text(f"{key}.{'one' if number == 1 else 'other'}")
        if plural is not None:
            return plural.format(**params)
    text = _text(key)
    if text is None:
        return f"[{key}]"
    return text.format(**params) if params else text
