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

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

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
PrivacyDetector = Literal["mobile", "id_card", "bank_card", "known_number", "keyed_number"]
# A word list item "@name" stands for the pack's word class ``name`` (see RulePack.classes);
# a pattern may hold "{@name}", an alternation of that class's words.
CLASS_REF = re.compile(r"^@([a-z][a-z0-9_]*)$")
CLASS_IN_PATTERN = re.compile(r"\{@([a-z][a-z0-9_]*)\}")


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
    # "clause": the two words stand in one clause (a promise word closing its clause may
    # govern the next). "sentence": they may stand in different clauses of one sentence
    # (退休的叔叔阿姨们，这只期权产品正适合你们) — still broken by a negator between them.
    scope: Literal["clause", "sentence"] = "clause"
    # Groups of words: of each group, one word must also stand in the pair's sentence (a
    # push: 适合, 可以买, 冲; a time ahead: 下周, 即将).
    requires: list[list[str]] = Field(default_factory=list, max_length=4)


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
    # Further categories a finding of this rule also belongs to: a claim of certainty about
    # returns is both a promise (guarantee) and an exaggeration. ``category`` is the one shown.
    also: list[Category] = Field(default_factory=list)
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
    # keyed_number: how many compact characters may stand between a keyword (``anchors``)
    # and the number it names (资金账号是 3100 8866 2211).
    reach: int = Field(default=8, ge=0, le=30)
    # A cue, not a finding: never reported alone. When the model reads the message in the
    # rule's category (from its warning threshold), the model's finding blocks and points
    # at the cue: the rule gives the model's reading the support it needs to block.
    support: bool = False
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
    def _compiles(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if info.context and info.context.get("shipped"):
            return value  # compiled when first used; a test compiles every shipped pattern
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

    @property
    def categories(self) -> tuple[Category, ...]:
        """Every category of the rule, its own first."""
        return (self.category, *(c for c in dict.fromkeys(self.also) if c != self.category))

    def term_count(self) -> int:
        """Phrases, patterns and proximity words this rule matches with (not pinyin variants)."""
        near = len(self.near.left) + len(self.near.right) if self.near else 0
        return len(self.phrases) + len(self.patterns) + near


class ContextCues(BaseModel):
    """Words that frame a match as negated, warned against, quoted or taught (see engine)."""

    model_config = ConfigDict(extra="forbid")

    # A number right after one of these is the writer's own or the office's contact
    # (我的工作手机, 营业部电话), unless a word of ``third_party`` stands between them.
    own_contact: list[str] = Field(default_factory=list)
    third_party: list[str] = Field(default_factory=list)
    # Initials and sound-alikes of a banned phrase (bb for 保本) count only in a sentence
    # that also names one of these: a product, a return, a trade.
    product_context: list[str] = Field(default_factory=list)
    # Subjects of everyday or economic news (票房, 亩产, CPI): a sentence about one, naming no product, makes
    # no financial claim the model should report.
    news_subjects: list[str] = Field(default_factory=list)
    # A client's question reported by staff: 客户问这个能保本不，我说不能.
    reported_question: list[str] = Field(default_factory=list)
    answer_markers: list[str] = Field(default_factory=list)
    # A dialogue written out line by line: a line opened by one of these labels and a colon
    # (客户：… / Q: …) is someone else's question when a later line opens with another label
    # (经理：… / A: …): the answer is judged, the question is not.
    dialogue_askers: list[str] = Field(default_factory=list)
    # Explicit warnings (with ``education``): a sentence holding one is not read as a
    # violation by the model (识别骗局, 这是违规的, beware).
    warnings: list[str] = Field(default_factory=list)

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
    # Word classes shared by rules: "@audience" in a word list, "{@audience}" in a pattern.
    classes: dict[str, list[str]] = Field(default_factory=dict)
    # English names of the laws the rules' ``basis`` cites (证券法 → Securities Law).
    laws: dict[str, str] = Field(default_factory=dict)
    rules: list[Rule]

    @model_validator(mode="after")
    def _unique_ids(self) -> RulePack:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id}")
            seen.add(rule.id)
            missing = class_refs(rule) - set(self.classes)
            if missing:
                raise ValueError(f"rule {rule.id}: no word class {', '.join(sorted(missing))}")
        return self

    def term_count(self) -> int:
        return sum(rule.term_count() for rule in self.rules)


_WORD_LISTS = ("phrases", "anchors", "excludes", "satisfied_by", "unless_in_clause")


def class_refs(rule: Rule) -> set[str]:
    """Names of the word classes a rule refers to."""
    words = [w for name in _WORD_LISTS for w in getattr(rule, name)]
    if rule.near is not None:
        words += [*rule.near.left, *rule.near.right, *(w for group in rule.near.requires for w in group)]
    found = {m.group(1) for w in words if (m := CLASS_REF.match(w))}
    found.update(m.group(1) for p in rule.patterns for m in CLASS_IN_PATTERN.finditer(p))
    return found


def expand_classes(rule: Rule, classes: dict[str, list[str]]) -> Rule:
    """The rule with its word-class references replaced by the classes' words. An unknown
    class raises ValueError (a branch rule naming a class the pack does not have)."""
    refs = class_refs(rule)
    if not refs:
        return rule
    missing = refs - set(classes)
    if missing:
        raise ValueError(f"rule {rule.id}: no word class {', '.join(sorted(missing))}")

    def words(items: list[str]) -> list[str]:
        out: list[str] = []
        for item in items:
            m = CLASS_REF.match(item)
            out.extend(classes[m.group(1)] if m else [item])
        return list(dict.fromkeys(out))

    def alternation(m: re.Match[str]) -> str:
        from branchdesk.compliance.textnorm import compact_phrase

        return _trie_alternation({compact_phrase(w) for w in classes[m.group(1)]} - {""})

    update: dict[str, object] = {name: words(getattr(rule, name)) for name in _WORD_LISTS}
    update["patterns"] = [CLASS_IN_PATTERN.sub(alternation, p) for p in rule.patterns]
    if rule.near is not None:
        update["near"] = rule.near.model_copy(
            update={"left": words(rule.near.left), "right": words(rule.near.right),
                    "requires": [words(group) for group in rule.near.requires]}
        )
    return rule.model_copy(update=update)


def _trie_alternation(words: set[str]) -> str:
    """An alternation of ``words`` factored by prefix (老王|老李|小王 → 老(?:王|李)|小王): at each
    position only the branch of the character found there is tried, where a flat alternation
    of 160 names tries them one by one. A longer word is tried before a word it extends, so
    each position matches what the longest-first flat alternation matched."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branches(node: dict) -> list[str]:
        return [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]

    def emit(node: dict) -> str:
        found = branches(node)
        if not found:
            return ""
        body = found[0] if len(found) == 1 else "(?:" + "|".join(found) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + "|".join(branches(root)) + ")"


def parse_rulepack(text: str, *, shipped: bool = False) -> RulePack:
    """A rule pack from TOML text (``[context]`` plus ``[[rules]]``). The ``shipped`` pack's
    patterns are compiled when first used rather than here (start-up time; the test suite
    compiles every one of them)."""
    return RulePack.model_validate(tomllib.loads(text), context={"shipped": shipped})


@cache
def _shipped() -> RulePack:
    text = (resources.files("branchdesk.compliance") / "rules.toml").read_text(encoding="utf-8")
    return parse_rulepack(text, shipped=True)


def load_rulepack() -> RulePack:
    """The rule pack shipped with the package (a fresh copy each call; parsing is cached)."""
    return _shipped().model_copy(deep=True)
