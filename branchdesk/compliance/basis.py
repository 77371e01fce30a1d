"""A rule's legal basis in the reader's language.

The pack cites laws the way compliance officers write them (《证券法》第135条、第161条); an
English reader gets the same citation with the laws' English names from the pack's ``[laws]``
table (Securities Law arts. 135, 161). A law the table lacks keeps its Chinese title."""

from __future__ import annotations

import re
from functools import cache

from branchdesk.i18n import get_language

_TITLE = re.compile(r"《([^》]+)》")
_ARTICLES = re.compile(r"第(\d+)条((?:、第\d+条)*)")


@cache
def _law_names() -> dict[str, str]:
    from branchdesk.compliance.rulepack import _shipped  # parsed once, cached

    return dict(_shipped().laws)


@cache
def _shipped_bases() -> dict[str, str]:
    from branchdesk.compliance.rulepack import _shipped

    return {rule.id: rule.basis for rule in _shipped().rules}


def shipped_basis(rule_id: str) -> str:
    """The basis of a shipped rule: for a finding kept before findings carried theirs."""
    return _shipped_bases().get(rule_id, "")


def _articles(m: re.Match[str]) -> str:
    numbers = re.findall(r"\d+", m.group(0))
    return (" art. " if len(numbers) == 1 else " arts. ") + ", ".join(numbers)


def basis_in(basis: str, language: str) -> str:
    """``basis`` as a reader of ``language`` ("zh" or "en") reads it."""
    if language == "zh" or not basis:
        return basis
    names = _law_names()
    text = _TITLE.sub(lambda m: names.get(m.group(1), m.group(0)), basis)
    text = _ARTICLES.sub(_articles, text)
    text = text.replace("；", "; ").replace("、", ", ")
    return re.sub(r" {2,}", " ", text).strip()


def basis_text(basis: str) -> str:
    """``basis`` in the current language."""
    return basis_in(basis, get_language())
