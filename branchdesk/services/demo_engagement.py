"""Engagement for the demo branch: a history of contacts that agrees with each member's
imported last-active date, a few members woken this week, follow-ups due around today, and
complaints — one of them overdue — so every engagement screen has something to show."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, time, timedelta

from branchdesk import datetimes
from branchdesk.engagement_config import EngagementConfig
from branchdesk.engagement_enums import DEFAULT_CHANNEL, ActivityKind, ComplaintCategory, ComplaintChannel
from branchdesk.services import complaints
from branchdesk.store import activities as activity_rows
from branchdesk.store import complaints as complaint_rows
from branchdesk.store import followups as follow_rows

NOTES = ("问候近况，聊了近期行情", "介绍新发基金，客户表示考虑", "提醒参加周六线下沙龙", "解答两融业务问题",
         "客户咨询解套方案", "确认风险测评已更新", "", "", "")
REASONS = ("回访新品认购意向", "确认投诉处理满意度", "邀请参加周六沙龙", "解套方案跟进", "生日问候",
           "提醒风险测评到期")
KINDS = (ActivityKind.CHAT, ActivityKind.CALL, ActivityKind.VISIT, ActivityKind.REPLY)


def _moment(day: date, rng: random.Random) -> tuple[str, str]:
    at = datetime.combine(day, time(rng.randint(9, 19), rng.choice((0, 15, 30, 45))),
                          tzinfo=datetimes.branch_zone())
    # A contact today happened before now: the app refuses to log one later than that.
    now = datetimes.now().astimezone(datetimes.branch_zone())
    if day == now.date() and at > now:
        at = datetime.combine(day, time(now.hour, now.minute - now.minute % 15), tzinfo=at.tzinfo)
    return datetimes.to_utc_text(at), day.isoformat()


def add_demo_engagement(conn: sqlite3.Connection, operator: str, *, seed: int = 7,
                        today: date | None = None,
                        config: EngagementConfig | None = None) -> dict[str, int]:
    """Add the demo's engagement to a demo branch being built, inside the builder's transaction
    (its one audit row covers it); returns what was added."""
    rng = random.Random(seed + 1)
    today = today or datetimes.today()
    monday = today - timedelta(days=today.weekday())
    members = conn.execute("SELECT id, advisor, last_active_on FROM members ORDER BY id").fetchall()
    new: list[activity_rows.NewActivity] = []
    for member_id, advisor, last_active in members:
        if not last_active or rng.random() > 0.45:
            continue
        last = date.fromisoformat(last_active)
        woken = monday <= last <= today and rng.random() < 0.1
        days = [last]
        previous = last - timedelta(days=rng.randint(35, 90) if woken else rng.randint(3, 25))
        for _ in range(rng.randint(1, 3)):
            days.append(previous)
            previous -= timedelta(days=rng.randint(5, 40))
        for day in days:
            kind = rng.choice(KINDS)
            at, on = _moment(day, rng)
            new.append(activity_rows.NewActivity(member_id, kind.value, DEFAULT_CHANNEL[kind].value,
                                                 at, on, advisor or operator, rng.choice(NOTES) or None))
    activity_rows.insert_many(conn, new, None)
    chosen = rng.sample([m[0] for m in members], k=max(1, len(members) // 30)) if members else []
    for member_id in chosen:
        follow_rows.put(conn, member_id, today + timedelta(days=rng.randint(-3, 6)),
                        rng.choice(REASONS), operator)
    made = _demo_complaints(conn, operator, rng, today, [m[0] for m in members],
                            config or EngagementConfig())
    return {"activities": len(new), "follow_ups": len(chosen), "complaints": made}


def _demo_complaints(conn: sqlite3.Connection, operator: str, rng: random.Random, today: date,
                     member_ids: list[int], config: EngagementConfig) -> int:
    if not member_ids:
        return 0
    zone = datetimes.branch_zone()

    def opened(days_ago: int) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(10, 30), tzinfo=zone)

    picks = rng.sample(member_ids, k=min(4, len(member_ids)))
    cases = (
        (picks[0], ComplaintChannel.PHONE, ComplaintCategory.FEES,
         "对佣金费率有异议，认为高于开户时约定", 21),
        (picks[1 % len(picks)], ComplaintChannel.WECHAT, ComplaintCategory.TRADING_SYSTEM,
         "开盘时交易软件卡顿，委托未及时成交", 3),
        (picks[2 % len(picks)], ComplaintChannel.COUNTER, ComplaintCategory.SERVICE,
         "柜台办理业务等候时间过长", 12),
        (picks[3 % len(picks)], ComplaintChannel.REGULATOR, ComplaintCategory.PRODUCT_SELLING,
         "12386转办：反映购买产品时风险揭示不充分", 1),
    )
    ids = []
    for member_id, channel, category, summary, days_ago in cases:
        moment = opened(days_ago)
        first, last, assumed = complaints.deadlines(config, channel, category, moment.date())
        ids.append(complaint_rows.insert(conn, {
            "member_id": member_id, "channel": channel.value, "category": category.value,
            "summary": summary, "opened_at": datetimes.to_utc_text(moment),
            "opened_on": moment.date().isoformat(), "owner": operator, "status": "open",
            "first_response_due": first.isoformat(), "resolution_due": last.isoformat(),
            "assumed_years": ",".join(str(y) for y in assumed), "created_by": operator}))
    answered = datetimes.to_utc_text(opened(3) + timedelta(hours=2))
    complaint_rows.update(conn, ids[1], {"status": "in_progress", "responded_at": answered,
                                         "response": "已电话致歉并说明系统扩容安排"})
    resolved = datetimes.to_utc_text(opened(10))
    complaint_rows.update(conn, ids[2], {"status": "resolved", "responded_at": resolved,
                                         "resolved_at": resolved,
                                         "resolution": "已优化柜台排队叫号，客户表示满意"})
    return len(ids)
