"""The enums of BranchDesk's vocabulary, with their Chinese and English labels.

Kept apart from models.py (which re-exports them) so that the importer's parsing, which
needs only these, does not load pydantic: 0.075 s of every parse helper's start.
"""

from __future__ import annotations

from enum import Enum

from branchdesk.i18n import get_language


class LabelledEnum(str, Enum):
    """A str enum whose members know their zh and en labels: ``Need.PROFIT.label("zh") == "赚钱"``."""

    def __new__(cls, code: str, zh: str, en: str) -> LabelledEnum:
        member = str.__new__(cls, code)
        member._value_ = code
        member.zh = zh  # type: ignore[attr-defined]
        member.en = en  # type: ignore[attr-defined]
        return member

    def label(self, language: str | None = None) -> str:
        return getattr(self, language or get_language())

    def __str__(self) -> str:
        return self.value

    @classmethod
    def from_word(cls, word: str) -> LabelledEnum:
        """The member a user means by its code or its Chinese or English label, in any case:
        ``RiskLevel.from_word("稳健型") is RiskLevel.from_word("c3") is RiskLevel.C3``.
        Raises ValueError for anything else."""
        wanted = word.strip().casefold()
        for member in cls:
            if wanted in (member.value.casefold(), member.zh.casefold(),  # type: ignore[attr-defined]
                          member.en.casefold()):  # type: ignore[attr-defined]
                return member
        raise ValueError(word)

    @classmethod
    def words(cls, language: str | None = None) -> list[str]:
        """How a user may name each member: "稳健型/C3" in Chinese, "C3/balanced" in English."""
        language = language or get_language()
        out = []
        for member in cls:
            label = member.label(language)
            if label.casefold() == member.value.casefold():  # "gold", not "gold/Gold"
                out.append(member.value)
            else:
                out.append(f"{label}/{member.value}" if language == "zh" else f"{member.value}/{label}")
        return out


class Need(LabelledEnum):
    PROFIT = ("profit", "赚钱", "profit")
    RECOVERY = ("recovery", "解套", "recovery")
    ALLOCATION = ("allocation", "配置", "allocation")
    STAGE = ("stage", "舞台", "stage")


class Experience(LabelledEnum):
    NOVICE = ("novice", "新手", "novice")
    INTERMEDIATE = ("intermediate", "进阶", "intermediate")
    VETERAN = ("veteran", "资深", "veteran")


class RiskLevel(LabelledEnum):
    C1 = ("C1", "保守型", "conservative")
    C2 = ("C2", "谨慎型", "cautious")
    C3 = ("C3", "稳健型", "balanced")
    C4 = ("C4", "积极型", "growth")
    C5 = ("C5", "激进型", "aggressive")

    @property
    def rank(self) -> int:
        return int(self.value[1])


class ValueTier(LabelledEnum):
    # Named like the cards they stand for, capitalised in English wherever they are shown
    # (a row of the weekly review, the member card, the roster's filter); typed in any case.
    BASIC = ("basic", "普通", "Basic")
    SILVER = ("silver", "银卡", "Silver")
    GOLD = ("gold", "金卡", "Gold")
    DIAMOND = ("diamond", "钻石", "Diamond")


class ProductRisk(LabelledEnum):
    """The risk rating of a product (产品风险等级), R1 lowest."""

    R1 = ("R1", "低风险", "low risk")
    R2 = ("R2", "中低风险", "medium-low risk")
    R3 = ("R3", "中风险", "medium risk")
    R4 = ("R4", "中高风险", "medium-high risk")
    R5 = ("R5", "高风险", "high risk")


# Investor suitability (适当性): the riskiest product each risk level may be offered.
# A member with no risk level on file may be offered none.
HIGHEST_PRODUCT_RISK: dict[RiskLevel, ProductRisk] = {
    RiskLevel.C1: ProductRisk.R1,
    RiskLevel.C2: ProductRisk.R2,
    RiskLevel.C3: ProductRisk.R3,
    RiskLevel.C4: ProductRisk.R4,
    RiskLevel.C5: ProductRisk.R5,
}


def product_suits(risk_level: RiskLevel | str | None, product: ProductRisk | str | None) -> bool:
    """Whether a member of `risk_level` may be offered a product of risk `product` (no
    product: always)."""
    if product is None:
        return True
    if risk_level is None or risk_level == "":
        return False
    highest = HIGHEST_PRODUCT_RISK[RiskLevel(risk_level)]
    order = list(ProductRisk)
    return order.index(ProductRisk(product)) <= order.index(highest)
