"""A few events for the demo branch, placed around today, so the agenda, an event card and
the door have something to show: a weekly salon presenting an R3 product (invited,
registered, a waitlist), an online lecture, a course for novices and a discussion group."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from branchdesk.member_query import MemberQuery
from branchdesk.services import events, registrations, roster
from branchdesk.store.database import Store


def build_demo_events(store: Store, operator: str, tz: tzinfo, now: datetime | None = None) -> int:
    """Returns how many events were made."""
    now = (now or datetime.now(tz)).astimezone(tz)
    today = now.date()

    known = set(roster.filter_options(store)["community"])

    def only_known(*names: str) -> list[str]:
        return [name for name in names if name in known]

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(hour, minute), tzinfo=tz)

    salon = events.create_events(store, operator, {
        "kind": "salon", "title": "价值投资沙龙", "topic": "震荡市里的红利策略",
        "speaker": "周明远", "start": at(1, 14), "end": at(1, 16), "room": "301 会议室",
        "capacity": 12, "product_risk": "R3", "audience": {"communities": only_known("价值投资交流群")},
    }, tz=tz, repeat="weekly", count=4).events
    lecture = events.create_events(store, operator, {
        "kind": "lecture", "title": "ETF 定投入门", "speaker": "林晓雯", "start": at(2, 19, 30),
        "end": at(2, 21), "link": "https://meeting.example.com/etf",
        "audience": {"experience": ["novice", "intermediate"]},
    }, tz=tz).events
    course = events.create_events(store, operator, {
        "kind": "course", "title": "新手课程：看懂 K 线", "speaker": "陈志刚",
        "start": at(4, 10), "end": at(4, 11, 30), "room": "502 培训室", "capacity": 20,
        "audience": {"experience": ["novice"]},
    }, tz=tz).events
    today_group = events.create_events(store, operator, {
        "kind": "discussion", "title": "解套互助讨论小组", "speaker": "王丽华",
        "start": now.replace(minute=0, second=0, microsecond=0) - timedelta(minutes=30),
        "end": now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2),
        "room": "大厅", "capacity": 30, "audience": {"communities": only_known("解套互助群")},
    }, tz=tz).events
    first = salon[0]
    invited = registrations.invite(store, operator, first.id,
                                   MemberQuery(community="价值投资交流群"), today=today)
    for member_id in invited.invited[:15]:  # 12 seats: the last three wait
        registrations.register(store, operator, first.id, member_id)
    group = today_group[0]
    ids = registrations.invite(store, operator, group.id, MemberQuery(community="解套互助群"),
                               today=today).invited
    for member_id in ids[:20]:
        registrations.register(store, operator, group.id, member_id)
    return len(salon) + len(lecture) + len(course) + len(today_group)
