"""Both languages are complete: the catalogs hold the same keys with the same {fields}, and
every key the code names exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import branchdesk
from branchdesk.i18n import LANGUAGES, catalog, t

PACKAGE = Path(branchdesk.__file__).parent
KEY = r"([a-z_]+(?:\.[a-z0-9_]+)+)"
# Where the code names a catalog key: t("…"), a UserError("…"), a binding's description,
# a help section or a screen title.
KEY_USES = [
    re.compile(r"\bt\(\s*[\"']" + KEY + r"[\"']"),
    re.compile(r"\w*Error\(\s*[\"']" + KEY + r"[\"']"),
    re.compile(r"Binding\(\s*\"[^\"]*\",\s*\"[^\"]*\",\s*\"" + KEY + r"\""),
    re.compile(r"(?:HELP_SECTION|TITLE_KEY|AREA_HELP)\s*=\s*\"" + KEY + r"\""),
]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def keys_used_in_code() -> dict[str, str]:
    """key → the file that names it."""
    used: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for pattern in KEY_USES:
            for match in pattern.finditer(source):
                used.setdefault(match.group(1), str(path.relative_to(PACKAGE)))
    return used


def test_every_language_has_exactly_the_same_keys():
    english = set(catalog("en"))
    for language in LANGUAGES:
        keys = set(catalog(language))
        assert not english - keys, f"missing in {language}: {sorted(english - keys)}"
        assert not keys - english, f"missing in en: {sorted(keys - english)}"


def test_every_text_has_the_same_fields_in_every_language():
    english = catalog("en")
    for language in LANGUAGES:
        for key, text in catalog(language).items():
            assert fields(text) == fields(english[key]), f"{language} {key}"


def test_every_key_named_in_the_code_exists():
    used = keys_used_in_code()
    assert len(used) > 50  # the scan finds the keys at all
    for language in LANGUAGES:
        # A text that depends on a number is a table of forms: `key.other` stands for it.
        known = catalog(language)
        missing = {k: f for k, f in used.items() if k not in known and f"{k}.other" not in known}
        assert not missing, f"not in the {language} catalog: {missing}"


def test_the_scan_would_catch_a_missing_key():
    sample = 'x = t("app.no_such_key")\nBinding("f", "go", "roster_screen.key.nope")\n'
    found = {m.group(1) for p in KEY_USES for m in p.finditer(sample)}
    assert found == {"app.no_such_key", "roster_screen.key.nope"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_keys_built_at_run_time_exist(language):
    """Keys the code puts together (column titles, filter prompts) are in the catalogs too."""
    from branchdesk.i18n import set_language
    from branchdesk.widgets.filter_bar import SELECT_FIELDS, FilterBar
    from branchdesk.widgets.roster_columns import COLUMNS

    set_language(language)

    keys = [f"roster_screen.col.{c.key}" for c in COLUMNS]
    for key in keys:
        assert key in catalog(language), key
    for field in SELECT_FIELDS:
        assert not FilterBar.prompt(field).startswith("[")


def test_count_picks_the_singular_or_the_plural_form():
    from branchdesk.i18n import set_language

    set_language("en")
    assert t("importing.edited_since", count=1, id=2).startswith("1 member of import batch 2 was")
    assert t("importing.edited_since", count=3, id=2).startswith("3 members of import batch 2 were")
    set_language("zh")
    assert t("importing.edited_since", count=1, id=2).startswith("导入批次 2 之后有 1 位")


def test_a_missing_key_shows_itself_instead_of_crashing():
    assert t("app.no_such_key") == "[app.no_such_key]"
