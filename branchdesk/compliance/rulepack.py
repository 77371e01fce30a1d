"""The rule pack: rules as data (``rules.toml``), loaded and validated into pydantic models.

A custom rule stored by the database as JSON has the same fields as a rule in the TOML file,
so ``Rule.model_validate(json.loads(row))`` is all it takes to add one to a :class:`Checker`.
"""

from __future__ import annotations

import re
import tomllib
from enum import Enum
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from branchdesk.i18n import get_language, t


class Category(str, Enum):
    GUARANTEE = "guarantee"
    EXAGGERATION = "exaggeration"
    UNLICENSED = "unlicensed"
    INSIDER = "insider"
    DISCLOSURE = "disclosure"
    SUITABILITY = "suitability"
    PRIVACY = "privacy"

    def __str__(self) -> str:  # "guarantee", not "Category.GUARANTEE", in f-strings and keys
        return self.value

    def label(self) -> str:
        return t(f"compliance.category.{self.value}")


class Severity(str, Enum):
    BLOCK = "block"
    WARN = "warn"

    def __str__(self) -> str:
        return self.value

    def label(self) -> str:
        return t(f"compliance.severity.{self.value}")


RuleKind = Literal["phrase", "pattern", "proximity", "disclosure", "privacy", "suitability", "model"]
PrivacyDetector = Literal["mobile", "id_card", "bank_card", "known_number"]


class Near(BaseModel):
    """Proximity: a word of ``left`` within ``window`` characters of a word of ``right``,
    in the same clause, in either order unless ``ordered``."""

    model_config = ConfigDict(extra="forbid")

    left: list[str] = Field(min_length=1)
    right: list[str] = Field(min_length=1)
    window: int = Field(default=8, ge=0, le=60)
    ordered: bool = False
    # A contrast word (但/but) between the words normally breaks the link; some rules are
    # exactly that shape ("your profile says cautious, but it is fine for you").
    through_contrast: bool = False


class Rule(BaseModel):
    """One compliance rule. ``kind`` says which of the matching fields are used:

    * ``phrase`` — ``phrases`` (matched by one Aho–Corasick automaton for the whole pack);
      an English phrase ending in ``*`` also matches longer words (``guarantee*``);
    * ``pattern`` — ``patterns`` (regular expressions over the compact, lower-cased text);
      with ``anchors`` a pattern runs only on messages that contain one of them, and
      ``min_value`` drops matches whose named group ``n`` is smaller;
    * ``proximity`` — ``near``;
    * ``disclosure`` — a trigger (``phrases`` / ``patterns``) without any of ``satisfied_by``;
    * ``privacy`` — ``detector``;
    * ``suitability`` — ``patterns`` naming a product risk level, group ``level`` = 1..5;
    * ``model`` — no matching fields: the shipped model's reading of the whole message in this
      rule's category (see second_reading.py).

    ``excludes`` are longer words that contain a match and make it harmless (保证金 for 保证);
    ``unless_in_clause`` words cancel a match anywhere in its clause (大盘 for a price move).
    ``contextual`` rules are cancelled by negation, warning, quotation and education frames.
    A pattern match may run across commas only with ``cross_clauses`` (never across 。！？).
    ``pinyin`` rules also match pinyin mixes of their Chinese phrases (bao本, wen赚bu赔).
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)
    category: Category
    severity: Severity
    kind: RuleKind = "phrase"
    phrases: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    anchors: list[str] = Field(default_factory=list)
    near: Near | None = None
    excludes: list[str] = Field(default_factory=list)
    satisfied_by: list[str] = Field(default_factory=list)
    unless_in_clause: list[str] = Field(default_factory=list)
    detector: PrivacyDetector | None = None
    min_value: float | None = None
    contextual: bool = True
    cross_clauses: bool = False
    pinyin: bool = False
    explanation_zh: str
    explanation_en: str
    suggestion_zh: str = ""
    suggestion_en: str = ""
    replacement_zh: str | None = None
    replacement_en: str | None = None
    basis: str = ""
    enabled: bool = True

    @field_validator("phrases", "anchors", "excludes", "satisfied_by", "unless_in_clause")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        cleaned = [v for v in (v.strip() for v in value) if v]
        return list(dict.fromkeys(cleaned))

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _has_matcher(self) -> Rule:
        needs = {
            "phrase": bool(self.phrases),
            "pattern": bool(self.patterns),
            "proximity": self.near is not None,
            "disclosure": bool(self.phrases or self.patterns) and bool(self.satisfied_by),
            "privacy": self.detector is not None,
            "suitability": bool(self.patterns),
            "model": not (self.phrases or self.patterns or self.near),
        }
        if not needs[self.kind]:
            raise ValueError(f"rule {self.id}: kind {self.kind!r} lacks its matching fields")
        return self

    @property
    def explanation(self) -> str:
        return self.explanation_zh if get_language() == "zh" else self.explanation_en

    @property
    def suggestion(self) -> str:
        return self.suggestion_zh if get_language() == "zh" else self.suggestion_en

    def term_count(self) -> int:
        """Phrases, patterns and proximity words this rule matches with (not pinyin variants)."""
        near = len(self.near.left) + len(self.near.right) if self.near else 0
        return len(self.phrases) + len(self.patterns) + near


class ContextCues(BaseModel):
    """Words that frame a match as negated, warned against, quoted or taught (see engine)."""

    model_config = ConfigDict(extra="forbid")

    negators: list[str] = Field(default_factory=list)
    frames_before: list[str] = Field(default_factory=list)
    frames_after: list[str] = Field(default_factory=list)
    quote_frames: list[str] = Field(default_factory=list)
    education: list[str] = Field(default_factory=list)
    contrast: list[str] = Field(default_factory=list)
    not_negators: list[str] = Field(default_factory=list)
    headers: list[str] = Field(default_factory=list)


class RulePack(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    context: ContextCues = Field(default_factory=ContextCues)
    rules: list[Rule]

    @model_validator(mode="after")
    def _unique_ids(self) -> RulePack:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id}")
            seen.add(rule.id)
        return self

    def term_count(self) -> int:
        return sum(rule.term_count() for rule in self.rules)


def parse_rulepack(text: str) -> RulePack:
    """A rule pack from TOML text (``[context]`` plus ``[[rules]]``)."""
    return RulePack.model_validate(tomllib.loads(text))


@cache
def _shipped() -> RulePack:
    text = (resources.files("branchdesk.compliance") / "rules.toml").read_text(encoding="utf-8")
    return parse_rulepack(text)


def load_rulepack() -> RulePack:
    """The rule pack shipped with the package (a fresh copy each call; parsing is cached)."""
    return _shipped().model_copy(deep=True)
