"""The vocabulary of events (活动): kinds, statuses, registration states and series
cadences, each with its Chinese and English label. Declared once; the store's CHECK
constraints, the CLI's choices and the screens' lists are derived from these."""

from __future__ import annotations

from branchdesk.enums import LabelledEnum


class EventKind(LabelledEnum):
    LECTURE = ("lecture", "讲座", "lecture")
    SALON = ("salon", "沙龙", "salon")
    DISCUSSION = ("discussion", "讨论小组", "discussion")
    COURSE = ("course", "新手课程", "course")


class EventStatus(LabelledEnum):
    PLANNED = ("planned", "筹备中", "planned")
    OPEN = ("open", "报名中", "open")
    FULL = ("full", "已满员", "full")
    DONE = ("done", "已结束", "done")
    CANCELLED = ("cancelled", "已取消", "cancelled")


# What staff set by hand; `full` follows from registrations and `done` from the time (or
# from closing the event), `cancelled` from cancelling it.
TYPED_STATUSES = (EventStatus.PLANNED, EventStatus.OPEN)
STORED_STATUSES = (EventStatus.PLANNED, EventStatus.OPEN, EventStatus.CANCELLED)


class RegistrationState(LabelledEnum):
    INVITED = ("invited", "已邀请", "invited")
    REGISTERED = ("registered", "已报名", "registered")
    WAITLISTED = ("waitlisted", "候补", "waitlisted")
    ATTENDED = ("attended", "已签到", "attended")
    NO_SHOW = ("no_show", "未到场", "no-show")
    CANCELLED = ("cancelled", "已取消", "cancelled")


# States that hold a seat: the capacity counts them.
SEATED = (RegistrationState.REGISTERED, RegistrationState.ATTENDED)
# States a member may cancel from (anything before attendance).
CANCELLABLE = (RegistrationState.INVITED, RegistrationState.REGISTERED,
               RegistrationState.WAITLISTED)


class Cadence(LabelledEnum):
    WEEKLY = ("weekly", "每周", "weekly")
    FORTNIGHTLY = ("fortnightly", "每两周", "fortnightly")

    @property
    def days(self) -> int:
        return 7 if self is Cadence.WEEKLY else 14


# Who an event is for. Each is a list; an empty list means everyone.
AUDIENCE_FIELDS = ("needs", "experience", "risk_levels", "communities")
