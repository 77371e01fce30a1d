"""A realistic, deterministic demo branch: the same seed gives the same members.

Dates are placed relative to today so that the demo always shows a mix of active and
dormant members.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from branchdesk.enums import Experience, Need, RiskLevel
from branchdesk.store import audit
from branchdesk.store import members as member_rows
from branchdesk.store.database import Store

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
         "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "红",
         "建国", "志强", "海燕", "晓东", "雪梅", "子涵", "浩然", "欣怡", "宇轩", "梓萱", "俊杰",
         "思远", "佳怡", "国庆", "春梅", "立新", "玉兰", "振华", "淑珍", "一鸣", "晨", "琳", "鑫")
ADVISORS = ("周明远", "林晓雯", "陈志刚", "王丽华", "赵子健", "孙佳琪")
COMMUNITIES = ("价值投资交流群", "新手成长营", "解套互助群", "资产配置俱乐部", "ETF定投群",
               "两融学习群", "银发理财沙龙")
TAGS = ("退休", "企业主", "宝妈", "教师", "医生", "公务员", "IT从业", "高频交易", "基金定投",
        "关注港股", "喜欢线下活动", "需回访", "VIP", "新开户", "老客户转介绍")
BRANCH = "上海陆家嘴营业部"
DEMO_JOINED_DAYS_AGO = 180
MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
                   "157", "158", "159", "166", "176", "177", "180", "181", "186", "187", "188",
                   "189", "199")


def _member(rng: random.Random, index: int, today: date) -> dict[str, Any]:
    experience = rng.choices(list(Experience), weights=(4, 4, 2))[0]
    risk = rng.choices(list(RiskLevel), weights=(1, 2, 4, 2, 1))[0]
    needs = rng.sample(list(Need), k=rng.choices((0, 1, 2, 3), weights=(1, 5, 3, 1))[0])
    if experience is Experience.NOVICE and Need.STAGE in needs:
        needs.remove(Need.STAGE)  # novices rarely want to present
    tags = rng.sample(TAGS, k=rng.choices((0, 1, 2), weights=(3, 5, 2))[0])
    communities = rng.sample(COMMUNITIES, k=rng.choices((1, 2, 3), weights=(6, 3, 1))[0])
    opened = today - timedelta(days=rng.randint(30, 365 * 15))
    birthday = date(rng.randint(1950, 2002), rng.randint(1, 12), rng.randint(1, 28))
    # A long tail of assets: most members are small, a few are large.
    assets = round(rng.lognormvariate(12.2, 1.3), -2)
    active_gap = int(rng.expovariate(1 / 25))
    last_active = today - timedelta(days=active_gap) if rng.random() > 0.05 else None
    phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    return member_rows.to_db({
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "phone": phone,
        "account_no": f"3100{index:08d}",
        "branch": BRANCH,
        "advisor": rng.choice(ADVISORS),
        "risk_level": risk,
        "experience": experience,
        "needs": needs,
        "tags": tags,
        "communities": communities,
        "opened_on": opened,
        "birthday": birthday,
        "total_assets": assets,
        "last_active_on": last_active,
        "notes": rng.choice(("", "", "", "偏好电话沟通", "周末有空", "关注分红", "希望多参加讲座")) or None,
        "extra": {},
    })


def demo_members(count: int, seed: int, today: date | None = None) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    today = today or date.today()
    return [_member(rng, index, today) for index in range(1, count + 1)]


DEMO_CHUNK = 50_000  # members made and written at a time: a million never sit in memory


def build_demo(store: Store, operator: str, *, members: int = 300, seed: int = 7,
               today: date | None = None,
               extra: Callable[[sqlite3.Connection], dict[str, Any]] | None = None) -> int:
    """Fill the store with a demo branch (one transaction, one audit row); returns the count.
    `extra(conn)` adds more inside the same transaction and says what (e.g. engagement)."""
    rng = random.Random(seed)
    today = today or date.today()
    # The demo roster joined half a year before "today", so that the dormant rule (counted
    # from joining for members never heard from) does not depend on the real date.
    joined = datetime.combine(today - timedelta(days=DEMO_JOINED_DAYS_AGO), time(9, 0),
                              tzinfo=UTC).isoformat(timespec="seconds")
    with store.transaction() as conn:
        first = member_rows.next_id(conn)
        with member_rows.indexes_built_after(conn, members):
            for start in range(1, members + 1, DEMO_CHUNK):
                member_rows.insert_many(conn, [_member(rng, index, today) for index in range(
                    start, min(start + DEMO_CHUNK, members + 1))])
        conn.execute("UPDATE members SET created_at = ?, updated_at = ? WHERE id >= ?",
                     (joined, joined, first))
        added = extra(conn) if extra is not None else {}
        audit.append(conn, operator=operator, action="demo.build", entity="database",
                     after={"members": members, "seed": seed, **added})
    return members
