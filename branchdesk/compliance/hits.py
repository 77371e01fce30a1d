"""What the automaton's matches become in the engine: the roles a term plays for a rule,
matches per rule (hits), the spans a rule reports (candidates), and patterns compiled on use."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Roles a term plays for a rule. SOUND: initials or a sound-alike of a phrase (bb for 保本),
# which count only in a sentence naming a product. REQUIRE + n: a word of a proximity rule's
# n-th ``requires`` group.
PHRASE, LEFT, RIGHT, EXCLUDE, ANCHOR, TRIGGER, SATISFY, SOUND, REQUIRE = range(9)
STARTS = frozenset((PHRASE, LEFT, ANCHOR, TRIGGER, SOUND))  # roles that can start a finding


@dataclass(slots=True)
class Use:
    rule: int
    role: int
    suffix_ok: bool  # an English phrase written "guarantee*" also matches "guaranteed"


@dataclass(slots=True)
class Hit:
    rule: int
    role: int
    cstart: int
    cend: int


@dataclass(slots=True)
class Candidate:
    rule: int
    cstart: int
    cend: int
    value: dict[str, str] | None = None


class LazyPatterns:
    """Each rule's regular expressions, compiled on first use."""

    __slots__ = ("_compiled", "_sources")

    def __init__(self, sources: list[list[str]]) -> None:
        self._sources = sources
        self._compiled: list[list[re.Pattern[str]] | None] = [None] * len(sources)

    def __getitem__(self, rule: int) -> list[re.Pattern[str]]:
        found = self._compiled[rule]
        if found is None:
            found = self._compiled[rule] = [re.compile(p) for p in self._sources[rule]]
        return found

    def uncompiled(self) -> list[int]:
        """The rules whose patterns are not compiled yet (a process with time to spare can
        compile them ahead of its first message: ``self[rule]``)."""
        return [rule for rule, found in enumerate(self._compiled) if found is None]
