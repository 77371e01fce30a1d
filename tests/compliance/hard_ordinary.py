# ruff: noqa: E501 - message templates read best one to a line
"""A generator of distinct honest messages written in the violations' own vocabulary.

The hard end of a branch's honest traffic, where blind rounds found most false blocks:
clients talking about their own losses, staff explaining the rules, scam warnings that quote
the scammers' lines in another sentence, lessons on leverage and options, enforcement news,
denials of having promised anything, clients' own requests (redo the questionnaire, what may
I buy at my age), product notices that name their risk level and audience with a warning,
colleagues' work contacts, English alerts.

Kept apart from the model's training data like ordinary_messages.py: its own templates and
words (a test checks that no message it makes is in the corpus or the training negatives).
The false-block test checks the checker on a thousand of these.
"""

from __future__ import annotations

import random

from compliance.ordinary_messages import distinct_messages

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
_KIN = ["我妈", "我爸", "我舅舅", "隔壁老太太", "我岳母", "楼下的大姐", "我同学的父亲"]
_HOLDINGS = ["那只光伏", "手里的券商股", "买的医药基金", "那点港股科技", "去年的白酒", "重仓的半导体", "那只银行股"]
_WHEN = ["前年冲进去", "去年高点买的", "春节后追的", "上个月抄底的", "听朋友说买的"]
_SHARE = ["两成", "三成", "一半多", "百分之十几", "二十来个点", "快四成"]
_MOOD = ["认了", "就当学费", "不割了躺平", "以后再也不追热点", "心里堵得慌", "等它回来再说"]
_BAIT = [
    "每月稳拿20%", "保本还送高息", "明早必涨停的内部票", "跟单三天翻倍", "五倍配资当天放款",
    "不赚钱全额退会费", "原始股上市就翻十倍", "AI量化包赚不赔",
]
_IMPOSTOR = ["一个自称基金经理的人", "陌生号码", "某个“财经直播间”", "一个冒牌客服", "短视频里的“老师”"]
_AFTER = ["已经报警了", "我们已经向平台举报", "已踢出群", "截图留证了", "号码已经拉黑"]
_ADVICE = ["持牌机构不会这么说话", "真有这种好事轮不到陌生人", "正规渠道从不收会员费", "转账之前先给我们打个电话"]
_DUTIES = [
    "向客户承诺收益或保本", "替客户下单或保管账户密码", "向风险等级不够的客户推荐高风险产品",
    "转发未公开的公司信息", "私下收费推荐股票", "在群里发客户的电话和账号",
]
_PRODUCTS = [("XX进取", "R4", "积极型"), ("XX成长精选", "R4", "积极型"), ("XX稳盈", "R2", "稳健型"),
             ("XX量化对冲", "R3", "平衡型"), ("XX科技先锋", "R5", "激进型")]
_AGES = ["六十八", "七十二", "七十五", "八十"]
_PERMS = ["科创板", "创业板", "港股通", "期权", "两融"]
_STAFF = ["小" + s for s in "赵钱孙李周吴郑王"]


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))


def _own_loss(rng: random.Random) -> str:
    return rng.choice([
        f"{rng.choice(_HOLDINGS)}{rng.choice(_WHEN)}，到现在亏了{rng.choice(_SHARE)}，{rng.choice(_MOOD)}",
        f"炒了{rng.randint(3, 15)}年股，翻倍的票一只没拿住过，腰斩的倒是{rng.choice(['碰上两次', '经历过', '不止一回'])}",
        f"{rng.choice(_KIN)}说她{rng.choice(_HOLDINGS)}亏了{rng.choice(_SHARE)}，问我要不要补仓，我让她先别动，自己想清楚",
    ])


def _scam(rng: random.Random) -> str:
    bait = rng.choice(_BAIT)
    return rng.choice([
        f"{rng.choice(_IMPOSTOR)}给{rng.choice(_KIN)}打电话，说“{bait}”，{rng.choice(_AFTER)}。{rng.choice(_ADVICE)}",
        f"有人在别的群里发“{bait}”的广告，{rng.choice(_AFTER)}。{rng.choice(_ADVICE)}，大家别上当",
        f"{rng.choice(_KIN)}差点信了“{bait}”，还好转账前问了我一句",
        f"Warning: {rng.choice(['a fake adviser', 'an impostor account', 'someone using our logo'])} is messaging clients about '{rng.choice(['guaranteed 30% a month', 'a no-lose stock tip', 'insider picks for a fee'])}'. It is not us — report and block.",
    ])


def _rules(rng: random.Random) -> str:
    a, b = rng.sample(_DUTIES, 2)
    return rng.choice([
        f"{rng.choice(['合规提示', '再强调一遍', '按公司制度', '根据监管要求'])}：员工不得{a}，也不得{b}，{rng.choice(['发现一次处理一次', '大家互相提醒', '客户遇到可以直接投诉'])}",
        f"今天合规培训讲了两条红线：一是不能{a}，二是不能{b}",
    ])


def _lesson(rng: random.Random) -> str:
    own, lent = rng.choice([(10, 10), (20, 20), (10, 5), (30, 15)])
    drop = rng.choice([10, 20, 25])
    loss = (own + lent) * drop / 100
    return rng.choice([
        f"两融的账：自己{own}万，融{lent}万，满仓跌{drop}%就亏{loss:g}万，占本金{100 * loss / own:.0f}%。所以杠杆要想清楚再用",
        f"期权{rng.choice(['买方', '卖方'])}和{rng.choice(['期货', '股票'])}风险不一样，没弄懂之前，{rng.choice(['新手', '刚入市的朋友', '年纪大的客户'])}不要急着开通",
        f"什么叫{rng.choice(['内幕交易', '老鼠仓', '操纵市场'])}？就是利用还没公开的信息或者资金优势买卖股票，这是违法的",
    ])


def _news(rng: random.Random) -> str:
    return rng.choice([
        f"证监会通报：某公司{rng.choice(['原财务总监', '董事长秘书', '前员工'])}在{rng.choice(['并购', '业绩预告', '重组'])}公告前买入股票，被罚没{rng.randint(100, 900)}万元",
        f"{rng.choice(['新华社', '央视新闻'])}：警方打掉一个“{rng.choice(['荐股', '虚拟币', '外汇'])}”诈骗团伙，受害者多为{rng.choice(['退休老人', '宝妈', '大学生'])}",
    ])


def _denial(rng: random.Random) -> str:
    claim = rng.choice(["这个肯定涨", "保本", "稳赚", "年化能到10%", "下周有利好"])
    return rng.choice([
        f"我{rng.choice(['从来没说过', '没讲过', '没承诺过'])}“{claim}”，{rng.choice(['聊天记录都在', '每次都提醒了风险', '产品说明书写得清清楚楚'])}",
        f"{rng.choice(_SURNAMES)}{rng.choice(['阿姨', '先生', '大哥'])}问是不是{claim}，我说不是，{rng.choice(['这是净值型产品', '市场谁也说不准', '有亏损的可能'])}",
    ])


def _client_own(rng: random.Random) -> str:
    return rng.choice([
        f"我{rng.choice(_AGES)}了，{rng.choice(['还能买点什么？', '适合买啥？', '买什么比较稳当？'])}{rng.choice(['不想担风险', '钱是养老用的', '就想比定期强一点'])}",
        f"我想{rng.choice(['重新做一下', '更新一下', '再做一次'])}风险测评，{rng.choice(['上次有几题没看懂', '情况变了', '测评过期了'])}，怎么弄？",
        f"请问开通{rng.choice(_PERMS)}要什么条件？{rng.choice(['我开户两年了', '资产够不够不清楚', '想先了解一下'])}",
        f"我是{rng.choice(['保守型', '稳健型'])}的，{rng.choice(['能买哪些产品？', '是不是只能看R2以下的？', '有没有适合我的？'])}",
    ])


def _notice(rng: random.Random) -> str:
    name, level, audience = rng.choice(_PRODUCTS)
    return (
        f"【产品信息】{name}，风险等级{level}，适合{audience}及以上的投资者，"
        f"{rng.choice(['业绩比较基准不代表实际收益', '基金过往业绩不代表未来表现', '产品不保本，可能亏损'])}，"
        f"{rng.choice(['请根据自身风险承受能力谨慎选择', '购买前请完成风险测评', '投资有风险，入市需谨慎'])}。"
    )


def _colleague(rng: random.Random) -> str:
    return rng.choice([
        f"这周我休假，有事找同事{rng.choice(_STAFF)}，她的工作手机{_phone(rng)}",
        f"新来的同事{rng.choice(_STAFF)}管开户这块，企业微信就是{_phone(rng)}，可以直接加",
    ])


_FAMILIES = (
    (_own_loss, 3), (_scam, 3), (_rules, 2), (_lesson, 3), (_news, 2), (_denial, 3),
    (_client_own, 3), (_notice, 2), (_colleague, 1),
)


def hard_ordinary_messages(count: int, seed: int = 1) -> list[str]:
    """``count`` distinct honest messages in the violations' vocabulary."""
    return list(distinct_messages(_FAMILIES, count, seed))
