# ruff: noqa: E501 - message templates read best one to a line
"""A generator of distinct ordinary messages, as a branch's groups see them every day.

Staff and clients writing: greetings and small talk, event logistics, app and account
questions with their answers, market recaps with their source, product facts with their risk
warning, lessons (some working through returns as arithmetic), scam warnings that quote the
banned words, everyday news that uses a banned word in another sense, staff giving their own
work contact, a client's question reported and answered with a no, English.

Kept apart from the model's training data on purpose: its own templates and words, a test
checks that no message it makes is in the corpus or the training negatives
(model_negatives.py). The false-block test checks the checker on thousands of these; the
speed benchmark builds its chat exports from them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
TITLES = ["经理", "老师", "姐", "哥", "总", "阿姨", "叔", "先生", "女士", "大爷"]
STAFF = ["小" + s for s in "王李张刘陈杨黄赵吴周"]
PLACES = ["三楼会议室", "二楼多功能厅", "营业部大厅", "一楼洽谈区", "五楼培训室", "线上直播间"]
WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
CLOCK = ["九点", "九点半", "十点", "十点半", "两点", "两点半", "三点", "四点", "七点", "七点半", "八点"]
SUBJECTS = [
    "指数基金入门", "债券基金的风险", "养老金账户怎么用", "家庭资产配置", "读懂基金合同", "识别非法荐股",
    "防范养老诈骗", "可转债的基础知识", "如何看懂净值曲线", "个税递延型养老金", "ETF和LOF的区别",
    "理性看待短期波动", "定投的止盈思路", "了解你的风险承受能力", "融资融券的风险", "分红和复投",
]
MARKETS = ["上证指数", "深证成指", "创业板指", "科创50", "沪深300", "中证1000", "北证50", "恒生指数"]
INDUSTRIES = ["银行", "保险", "券商", "医药生物", "电力设备", "汽车", "食品饮料", "有色金属", "计算机", "传媒",
              "家电", "建材", "通信", "国防军工", "农林牧渔"]
FOODS = ["饺子", "包子", "豆浆油条", "牛肉面", "小笼包", "煎饼", "馄饨", "盖浇饭", "水果", "酸奶"]
HOBBIES = ["爬山", "钓鱼", "跳广场舞", "打太极", "游泳", "下象棋", "练书法", "带孙子", "打乒乓球", "种花"]
EMOJI = ["", "", "", "😊", "👍", "🙏", "😄", "🌹", "☀️", "💪", "🎉", "😂"]
DISCLAIMERS = [
    "投资有风险，入市需谨慎。", "以上仅供参考，不构成投资建议。", "基金有风险，投资须谨慎。",
    "过往业绩不代表未来表现。", "数据来源：交易所公开信息。", "市场有风险，请理性决策。",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(TITLES)


def _num(rng: random.Random, low: float, high: float, places: int = 2) -> str:
    return f"{rng.uniform(low, high):.{places}f}"


def _greeting(rng: random.Random) -> str:
    return rng.choice([
        f"{_name(rng)}早上好{rng.choice(EMOJI)}",
        f"各位早，今天{rng.choice(['降温了', '下雨了', '天气不错', '有点闷热', '风很大'])}，出门注意{rng.choice(['保暖', '带伞', '防晒', '安全'])}",
        f"谢谢{_name(rng)}，{rng.choice(['收到了', '明白了', '我回去看看', '辛苦您了', '麻烦您了'])}{rng.choice(EMOJI)}",
        f"{rng.choice(['周末', '节日', '假期'])}愉快，{rng.choice(['好好休息', '注意身体', '玩得开心'])}{rng.choice(EMOJI)}",
        f"今天早饭吃的{rng.choice(FOODS)}，{rng.choice(['挺香', '一般般', '有点咸', '分量足'])}",
        f"这周末打算去{rng.choice(HOBBIES)}，{rng.choice(['有一起的吗', '天气好就去', '约了老同学', '带上家里人'])}",
        f"{_name(rng)}的孙子{rng.choice(['考上大学了', '会走路了', '上幼儿园了', '拿了奖状'])}，恭喜恭喜{rng.choice(EMOJI)}",
    ])


def _logistics(rng: random.Random) -> str:
    day, clock, place = rng.choice(WEEKDAYS), rng.choice(CLOCK), rng.choice(PLACES)
    subject = rng.choice(SUBJECTS)
    return rng.choice([
        f"{day}{rng.choice(['上午', '下午', '晚上'])}{clock}在{place}讲“{subject}”，想听的回复名字",
        f"{_name(rng)}报名{day}的“{subject}”，{rng.randint(1, 3)}个人",
        f"请问{day}的讲座是在{place}吗？几点签到？",
        f"{subject}的课件已经放到群文件，{rng.choice(['需要的自取', '名字带日期', '大家下载看看'])}",
        f"{day}{clock}的活动改到{rng.choice(PLACES)}了，大家别走错",
        f"{rng.choice(['停车', '地铁', '公交'])}过来方便吗？{place}在哪个门进",
        f"营业部{day}{rng.choice(['正常营业', '下午休息', '提前一小时关门'])}，办理业务请{rng.choice(['错开时间', '提前预约', '带好身份证'])}",
        f"{rng.choice(STAFF)}今天{rng.choice(['请假', '外出培训', '值班', '在柜台'])}，有事{rng.choice(['找', '联系', '问'])}{rng.choice(STAFF)}",
    ])


def _service(rng: random.Random) -> str:
    return rng.choice([
        f"APP{rng.choice(['登录不了', '一直转圈', '打不开', '提示版本过低', '闪退'])}，{rng.choice(['怎么办', '有人遇到吗', '是不是系统维护'])}",
        f"{rng.choice(['银证转账', '预留手机号', '银行卡', '地址', '职业信息'])}怎么{rng.choice(['修改', '变更', '更新'])}？",
        f"{_name(rng)}，在APP的“{rng.choice(['我的', '业务办理', '账户设置'])}”里就能{rng.choice(['改', '办', '查'])}，{rng.choice(['需要人脸识别', '几分钟就好', '不会的我教您'])}",
        f"对账单可以在APP里{rng.choice(['导出', '下载', '查看'])}，{rng.choice(['按月份选', '选年度', '也可以发邮箱'])}",
        f"风险测评{rng.choice(['过期了', '快到期了', '要重新做'])}，{rng.choice(['在APP首页就能做', '按实际情况填就行', '有不懂的题问我'])}",
        f"{rng.choice(['交易密码', '登录密码', '资金密码'])}忘了可以在APP自助重置，{rng.choice(['千万别告诉别人', '不要发到群里', '工作人员不会问您要'])}",
        f"{rng.choice(['国债逆回购', '货币基金', '定投'])}在APP{rng.choice(['首页', '理财频道', '交易页面'])}就能找到，{rng.choice(['规则里写得很清楚', '有问题随时问', '先看看说明'])}",
        f"开户{rng.choice(['要本人来', '可以线上办', '要带身份证和银行卡'])}，{rng.choice(['工作日都可以', '周六上午也行', '提前预约更快'])}",
    ])


def _recap(rng: random.Random) -> str:
    market, industry = rng.choice(MARKETS), rng.choice(INDUSTRIES)
    move = rng.choice(["收涨", "收跌", "微涨", "微跌", "上涨", "下跌"])
    return (
        f"{rng.choice(['今日收评', '午间简报', '收盘速递', '市场回顾'])}：{market}{move}{_num(rng, 0.05, 2.4)}%，"
        f"{industry}{rng.choice(['领涨', '走强', '回调', '领跌', '震荡'])}，两市成交额{rng.randint(6000, 16000)}亿元。"
        + rng.choice(DISCLAIMERS)
    )


def _product_fact(rng: random.Random) -> str:
    kind = rng.choice(["纯债", "中短债", "货币", "指数增强", "红利指数", "偏债混合"])
    period = rng.choice(["近一年", "今年以来", "近三年年化", "成立以来年化"])
    return (
        f"XX{kind}基金{period}收益{_num(rng, 0.8, 6.5)}%，最大回撤{_num(rng, 0.1, 8, 1)}%。"
        + rng.choice(DISCLAIMERS) + rng.choice(DISCLAIMERS)
    )


def _lesson(rng: random.Random) -> str:
    rate, years = rng.choice([3, 4, 5, 6, 8]), rng.choice([5, 10, 15, 20])
    principal = rng.choice([1, 5, 10, 20, 50])
    grown = principal * (1 + rate / 100) ** years
    drop = rng.choice([10, 20, 25, 30, 40, 50])
    back = round(100 * drop / (100 - drop), 1)
    return rng.choice([
        f"算一算：{principal}万元按年化{rate}%复利计算，{years}年后约{grown:.1f}万元；这只是数学演示，实际收益会波动。",
        f"举个例子：先跌{drop}%，要涨{back}%才能回到原点，这就是为什么要控制回撤。",
        f"“{rng.choice(SUBJECTS)}”小知识：{rng.choice(['收益和风险成正比', '分散不等于没有风险', '短期涨跌难以预测', '费率会影响长期收益'])}。",
        f"用72除以年化收益率{rate}%，大约{72 // rate}年本金翻一番——这是复利的估算方法，不代表任何产品的收益。",
        f"年化{rate}%和累计{rate * 3}%不是一回事，看收益率要看清统计区间。",
    ])


def _warning(rng: random.Random) -> str:
    bait = rng.choice(["稳赚不赔", "保本保息", "内部消息", "带你翻倍", "零风险高收益", "导师带单", "原始股"])
    return rng.choice([
        f"【提醒】最近有人冒充我们员工，打着“{bait}”的旗号拉人进群，请大家认准官方渠道。",
        f"凡是说“{bait}”的，基本都是骗局，{rng.choice(['别信', '直接举报', '不要转账'])}。",
        f"{_name(rng)}问我“{bait}”是不是真的，我说这是典型的诈骗话术。",
        f"反诈宣传：“{bait}”“先交保证金”这类说法，{rng.choice(['都是骗子', '一律不要相信', '请立即报警'])}。",
    ])


def _news(rng: random.Random) -> str:
    return rng.choice([
        f"今年{rng.choice(['西瓜', '苹果', '水稻', '玉米'])}产量翻倍，{rng.choice(['果农', '农户', '村里'])}{rng.choice(['乐开了花', '忙着找销路', '收入增加了'])}。",
        f"{rng.choice(['这部电影', '那部剧', '这场演唱会'])}{rng.choice(['票房翻番', '热度暴涨', '一票难求'])}，{rng.choice(['周末去看', '听说挺好看', '排队排很长'])}。",
        f"外卖{rng.choice(['骑手', '平台'])}{rng.choice(['保底收入', '保底单价'])}上调了，{rng.choice(['新闻刚说的', '我邻居就在跑单'])}。",
        f"{rng.choice(['小区', '楼下', '菜市场'])}的{rng.choice(['菜价', '猪肉', '鸡蛋'])}{rng.choice(['涨了', '跌了', '又涨了'])}不少，{rng.choice(['买菜都心疼', '赶紧囤点', '还是自己种菜划算'])}。",
        f"{rng.choice(['球队', '主队'])}这赛季{rng.choice(['稳赢', '十连胜', '状态爆棚'])}，{rng.choice(['球迷都乐坏了', '下场去现场看', '冠军有戏'])}。",
    ])


def _contact(rng: random.Random) -> str:
    phone = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
    return rng.choice([
        f"我是营业部的{rng.choice(STAFF)}，工作手机{phone}，工作时间随时联系我。",
        f"有事打营业部电话0{rng.choice(['21', '10', '755', '571'])}-{rng.randint(50000000, 69999999)}，{rng.choice(['前台会转给我', '工作日都有人'])}。",
        f"我的工作微信就是手机号{phone}，加的时候备注一下姓名。",
    ])


def _asked(rng: random.Random) -> str:
    question = rng.choice(["这个能保本不", "能不能保证收益", "明天会不会涨", "有没有内部消息", "能不能帮他操作账户",
                           "能不能帮他做测评", "这只能不能翻倍"])
    answer = rng.choice(["不能", "没有", "不行", "谁也说不准", "不可以，要本人来", "这个没人能保证"])
    return rng.choice([
        f"客户问{question} 我说{answer}",
        f"刚才有位{_name(rng)}问{question}，我回答说{answer}，{rng.choice(['产品说明书写得很清楚', '投资都有风险', '这是规定'])}。",
    ])


def _english(rng: random.Random) -> str:
    day = rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"])
    return rng.choice([
        f"See you all on {day} at the {rng.choice(['workshop', 'webinar', 'salon', 'seminar'])}!",
        f"Quick reminder: the {rng.choice(['office', 'branch', 'front desk'])} closes early on {day}.",
        f"Can anyone share the {rng.choice(['slides', 'recording', 'handout'])} from {day}'s talk?",
        f"{rng.choice(['The CSI 300', 'The Shanghai index', 'The Hang Seng'])} {rng.choice(['rose', 'fell'])} "
        f"{_num(rng, 0.1, 2)}% today. For reference only.",
        f"{rng.choice(['Thanks', 'Thank you', 'Cheers'])} {rng.choice(['Amy', 'Mr. Chen', 'Lily', 'Tom'])}, "
        f"{rng.choice(['that helps', 'noted with thanks', 'see you then'])}.",
        f"A client asked if the fund was guaranteed and I told her {rng.choice(['no', 'it is not'])}; it can lose value.",
    ])


_FAMILIES = (
    (_greeting, 20), (_logistics, 16), (_service, 16), (_recap, 8), (_product_fact, 5), (_lesson, 7),
    (_warning, 5), (_news, 6), (_contact, 4), (_asked, 4), (_english, 9),
)


def ordinary_messages(count: int, seed: int = 1) -> list[str]:
    """``count`` distinct ordinary messages (sometimes two joined in one, as people write)."""
    return list(distinct_messages(_FAMILIES, count, seed, joined=0.15))


Maker = Callable[[random.Random], str]


def distinct_messages(families: Iterable[tuple[Maker, int]], count: int, seed: int,
                      joined: float = 0.0) -> Iterator[str]:
    """Up to ``count`` distinct texts from weighted makers; with ``joined`` > 0, that share
    of them is two messages run together."""
    rng = random.Random(seed)
    makers = [maker for maker, weight in families for _ in range(weight)]
    seen: set[str] = set()
    attempts = 0
    while len(seen) < count and attempts < count * 50:
        attempts += 1
        text = rng.choice(makers)(rng)
        if joined and rng.random() < joined:
            text += rng.choice(["", " ", "\n"]) + rng.choice(makers)(rng)
        if text not in seen:
            seen.add(text)
            yield text
