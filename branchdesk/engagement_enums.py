"""The vocabulary of engagement: kinds of activity, contact channels, and complaint channels,
categories and states — each declared once, with its Chinese and English labels.

Every screen, command, import and check derives its lists from these enums.
"""

from __future__ import annotations

from branchdesk.enums import LabelledEnum


class ActivityKind(LabelledEnum):
    CHAT = ("chat", "私聊", "chat")
    CALL = ("call", "电话", "call")
    VISIT = ("visit", "面谈", "visit")
    REPLY = ("reply", "群内回复", "group reply")
    ATTENDANCE = ("attendance", "参加活动", "attendance")
    OTHER = ("other", "其他", "other")


# What staff log by hand (an attendance is logged by the events feature when someone attends).
LOGGABLE_KINDS: tuple[ActivityKind, ...] = (
    ActivityKind.CHAT, ActivityKind.CALL, ActivityKind.VISIT, ActivityKind.REPLY, ActivityKind.OTHER,
)
# The kinds that are a contact made by staff (a call, a chat, a visit).
CONTACT_KINDS: tuple[ActivityKind, ...] = (ActivityKind.CHAT, ActivityKind.CALL, ActivityKind.VISIT)


class ContactChannel(LabelledEnum):
    WECHAT = ("wechat", "微信", "WeChat")
    PHONE = ("phone", "电话", "phone")
    IN_PERSON = ("in_person", "当面", "in person")
    GROUP = ("group", "社群", "group")
    EVENT = ("event", "活动", "event")
    OTHER = ("other", "其他", "other")


# The channel an activity goes through unless the user names another.
DEFAULT_CHANNEL: dict[ActivityKind, ContactChannel] = {
    ActivityKind.CHAT: ContactChannel.WECHAT,
    ActivityKind.CALL: ContactChannel.PHONE,
    ActivityKind.VISIT: ContactChannel.IN_PERSON,
    ActivityKind.REPLY: ContactChannel.GROUP,
    ActivityKind.ATTENDANCE: ContactChannel.EVENT,
    ActivityKind.OTHER: ContactChannel.OTHER,
}

# Words a sheet uses for a kind (besides the codes and labels above), compared folded.
KIND_WORDS: dict[ActivityKind, tuple[str, ...]] = {
    ActivityKind.CHAT: ("微信", "聊天", "私信", "微信沟通", "微信聊天", "在线沟通", "wechat", "message",
                        "im", "dm"),
    ActivityKind.CALL: ("电话", "通话", "致电", "电话沟通", "电话回访", "来电", "去电", "回访电话", "phone",
                        "phone call", "telephone"),
    ActivityKind.VISIT: ("面谈", "拜访", "见面", "来访", "上门", "面访", "当面沟通", "meeting", "meet",
                         "in person", "visit"),
    ActivityKind.REPLY: ("群内回复", "群回复", "回复", "群聊", "群内互动", "群互动", "社群回复",
                         "group reply", "reply"),
    ActivityKind.ATTENDANCE: ("参加活动", "活动", "签到", "出席", "参会", "听讲座", "参加沙龙", "attended",
                              "attendance", "event"),
    ActivityKind.OTHER: ("其他", "其它", "other"),
}


class ComplaintChannel(LabelledEnum):
    PHONE = ("phone", "电话", "phone")
    WECHAT = ("wechat", "微信", "WeChat")
    COUNTER = ("counter", "柜台", "counter")
    LETTER = ("letter", "信函", "letter")
    EMAIL = ("email", "电子邮件", "email")
    REGULATOR = ("regulator", "监管转办", "regulator referral")


class ComplaintCategory(LabelledEnum):
    SERVICE = ("service", "服务质量", "service")
    TRADING_SYSTEM = ("trading_system", "交易系统", "trading system")
    PRODUCT_SELLING = ("product_selling", "产品销售", "product selling")
    FEES = ("fees", "收费", "fees")
    STAFF_CONDUCT = ("staff_conduct", "员工行为", "staff conduct")
    PRIVACY = ("privacy", "个人信息", "privacy")
    OTHER = ("other", "其他", "other")


class ComplaintStatus(LabelledEnum):
    OPEN = ("open", "待处理", "open")
    IN_PROGRESS = ("in_progress", "处理中", "in progress")
    RESOLVED = ("resolved", "已办结", "resolved")


def codes(enum: type[LabelledEnum]) -> tuple[str, ...]:
    """The codes of an enum, in order: what the CLI accepts and the database checks."""
    return tuple(member.value for member in enum)


def allowed(enum: type[LabelledEnum]) -> str:
    """The choices of an enum for an error message: each code with its name in the reader's
    language when that says more (call (电话), fees (收费)); either is accepted."""
    parts = []
    for member in enum:
        label = member.label()
        same = label.lower().replace(" ", "_") == member.value
        parts.append(member.value if same else f"{member.value} ({label})")
    return ", ".join(parts)


def sql_in(enum: type[LabelledEnum], members: tuple[LabelledEnum, ...] | None = None) -> str:
    """``('a', 'b')`` for a CHECK constraint or a filter (codes are plain words, never quoted)."""
    return "(" + ", ".join(f"'{m.value}'" for m in (members or tuple(enum))) + ")"


def from_text(enum: type[LabelledEnum], text: str,
              extra: dict | None = None) -> LabelledEnum | None:
    """A code, a label in either language, or one of `extra`'s words → the member (or None)."""
    wanted = " ".join(str(text).split()).casefold()
    if not wanted:
        return None
    for member in enum:
        if wanted in (member.value.casefold(), member.zh.casefold(), member.en.casefold()):  # type: ignore[attr-defined]
            return member
    for member, words in (extra or {}).items():
        if wanted in (w.casefold() for w in words):
            return member
    return None
