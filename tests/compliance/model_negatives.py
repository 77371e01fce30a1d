# ruff: noqa: E501 - training messages read best one to a line
"""Honest messages for the model's training: hard negatives.

The labelled corpus is made of violations and their look-alikes; a branch's real traffic is
mostly something else — chatter, notices, lessons that work through returns as arithmetic,
market recaps, news that uses a banned word in another sense, scam warnings that quote the
banned words, staff giving their own work contact, clients' questions answered with a no,
English. The model reads every message, so it learns from these what ordinary looks like.

Deterministic (a fixed seed). These are training data: the generated set of ordinary messages
that the false-block test uses (ordinary_messages.py) is written separately, with its own
templates and words, and must share no message with this one.
"""

from __future__ import annotations

import random
from functools import cache

_NAMES = [
    "王经理", "李姐", "张老师", "刘总", "陈阿姨", "赵叔", "小周", "孙先生", "吴女士", "郑哥", "何姐",
    "马老师",
]
_DAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日", "明天", "后天", "下周二", "本周五"]
_TIMES = ["上午九点", "上午十点半", "下午两点", "下午三点", "晚上七点半", "晚上八点"]
_TOPICS = ["基金定投入门", "养老规划", "家庭资产配置",
    "认识可转债", "读懂基金年报", "防范金融诈骗", "ETF是什么",
           "债券基础知识", "如何做风险测评", "个人所得税与投资"]
_INDEXES = ["沪指", "深成指", "创业板指", "科创50", "沪深300", "中证500", "恒生指数", "上证50"]
_SECTORS = ["银行", "券商", "医药", "半导体", "新能源", "白酒", "煤炭", "军工", "消费电子", "地产"]
_FUNDS = ["XX纯债A", "XX稳健添利", "XX中短债", "XX沪深300ETF联接", "XX货币A", "XX红利低波"]

_HANDWRITTEN = [
    # chatter
    "收到，谢谢！", "好的，明白了", "辛苦了🙏", "早上好各位", "今天降温了，大家注意保暖", "哈哈哈哈笑死我了",
    "有人知道营业部附近哪里好停车吗", "我到楼下了，开门一下",
    "周末愉快～", "群里的资料我下载不了，谁能再发一次",
    "APP又闪退了，是不是要更新", "手机银行转账到证券账户要多久到账",
    "密码输错三次被锁了怎么办", "谢谢小李耐心解答",
    "今天的讲座讲得真好，受益匪浅", "下次活动能不能安排在周末", "老师的课件在哪里下载", "我也报个名，两个人",
    "请假一天，有事找小王", "明天我值班，大家有事找我", "新年快乐，祝大家身体健康！", "端午安康，记得吃粽子",
    "中秋节营业部发月饼，周五来领", "停车券在前台领取",
    "今天营业部空调坏了，师傅下午来修", "我老伴也想来听课可以吗",
    "不好意思刚才发错群了", "这个表格怎么填？", "身份证过期了要去哪里更新", "银行卡换了需要去营业部吗",
    # notices
    "【通知】本周六下午两点营业部三楼举办基金定投沙龙，名额30个，报名请接龙。",
    "【休市安排】国庆节期间休市，10月8日起照常开市，请大家提前做好资金安排。",
    "【系统升级】本周日凌晨交易系统升级，期间APP暂停服务，给您带来不便敬请谅解。",
    "【温馨提示】近期有不法分子冒充我司员工，以“内部消息”“稳赚不赔”为诱饵诈骗，请大家提高警惕。",
    "【投教】任何承诺保本保收益的投资都要警惕，合规机构不会作出此类承诺。",
    "【反诈提醒】凡是让你下载陌生APP、转账到个人账户、承诺高收益的，都是诈骗。",
    "【提醒】请不要在群里发送身份证号、手机号、银行卡号等个人信息。",
    "【风险提示】融资融券会放大收益，也会放大亏损，请充分了解规则后谨慎参与。",
    "开通科创板权限需要满足20个交易日日均资产不低于50万元，以及24个月以上交易经验。",
    "私募基金只面向合格投资者，单只产品投资金额不低于100万元，购买前需完成合格投资者认证。",
    "风险测评结果是产品匹配的依据，请根据本人真实情况如实作答，不要让他人代答。",
    "保守型投资者适合的产品风险等级为R1，系统会自动拦截不匹配的购买。",
    "工作人员不会以任何理由索要您的交易密码和短信验证码。",
    # lessons and arithmetic
    "复利的威力：年化5%，10万元20年后约为26.5万元，这就是时间的价值。",
    "举个例子，一只基金先跌50%，要涨100%才能回本，所以控制回撤很重要。",
    "假设年化收益率为4%，每月定投1000元，十年后本金12万，按复利计算约14.7万，但实际收益会随市场波动。",
    "72法则是一个估算工具：年化收益率8%时，本金大约9年翻倍，这只是数学估算，不代表任何产品的收益。",
    "收益率=（卖出价-买入价）/买入价，比如10元买入12元卖出，收益率是20%。",
    "年化收益率和累计收益率不是一回事：三年累计15%，年化大约4.8%。",
    "夏普比率衡量的是每承担一单位风险获得的超额回报，数值越高越好。",
    "最大回撤指一段时间内净值从最高点到最低点的跌幅，是衡量风险的重要指标。",
    "债券价格和利率反向变动：利率上升，债券价格下跌。",
    "什么是保本基金？这类产品已在资管新规后退出市场，现在没有保本的基金了。",
    "为什么“稳赚不赔”是骗局？因为任何投资都有风险，收益和风险是对等的。",
    "期权是高风险的衍生品，新手不建议参与，开通前需通过知识测试。",
    "分散投资不能消除风险，只能降低单一资产波动带来的影响。",
    # news with banned words in other senses
    "今年新品种水稻亩产翻了一番，农户们喜笑颜开。", "这部电影上映三天票房翻倍，口碑爆棚。",
    "外卖骑手保底工资调整，每单保底3元。", "年会抽奖保底每人一份小礼品。",
    "娱乐圈内幕曝光：某综艺节目剧本全是安排好的。",
    "小区门口的奶茶店开业第一天就排起长队，老板说生意像涨停一样。", "球队主场稳赢对手，球迷欢呼雀跃。",
    "新款手机预售量翻倍，供应链满负荷生产。", "今年猪肉价格大涨，菜市场的阿姨都在抱怨。",
    "天气预报说下周气温大跌十度，注意添衣。", "孩子期末成绩翻了个身，从倒数变成前十。",
    "这家餐厅号称零风险退款，不满意全额退。", "医生说这个手术风险很低，基本没有后遗症。",
    "疫苗接种后有极低的风险出现不良反应。", "公司食堂今天的红烧肉绝对好吃，去晚了就没了。",
    # staff contact
    "我是营业部的客户经理小陈，工作手机13800138000，工作日九点到五点随时联系我。",
    "有问题可以打营业部电话021-68881234，或拨打客服热线95521。", "我的工作微信同手机号，添加时请备注姓名。",
    "值班电话：0755-82345678，周末有人值班。", "My work phone is on my business card; call me any weekday.",
    # questions answered with a no
    "客户问这个基金能不能保本，我说不能，基金都有亏损的可能。",
    "有人问能不能保证收益 我回答说不能保证，过往业绩不代表未来。",
    "阿姨问我明天会不会涨，我说谁也不知道，别追涨杀跌。",
    "客户问能不能帮他操作账户，我说不行，账户只能本人操作。",
    "客户问有没有内部消息 我说没有，我们只看公开信息。",
    "The client asked if the fund was guaranteed; I said no, it can lose money.",
    "Someone asked whether we can promise 10% a year. We can't, and nobody honestly can.",
    # English chatter and notices
    "Thanks everyone for coming to today's salon, slides are in the group files.",
    "Reminder: the office is closed on Monday for the public holiday.",
    "Please don't post ID numbers or phone numbers in this group.",
    "Investor education: diversification lowers risk but never removes it.",
    "The index closed up 0.8% today on strong turnover. Data from the exchange, for reference only.",
    "Beware of anyone promising guaranteed returns or inside information — it's a scam.",
    "Options are complex and not suitable for most beginners; please read the risk disclosure first.",
    # more English, macro and public-information messages
    "Good morning all, the market opens at 9:30 as usual.", "See you at Saturday's workshop, room 302.",
    "Could someone resend the registration link? Thanks!", "Happy Lunar New Year to everyone in the group!",
    "Our branch will be closed on Friday afternoon for staff training.",
    "The slides from last night's webinar are now in the group files.",
    "Please update the app to the latest version before Monday.",
    "Market wrap: the CSI 300 fell 0.6% today, banks outperformed. Source: exchange data.",
    "The bond fund lost 1.2% this quarter as rates rose; past performance does not predict future results.",
    "Remember that higher returns always come with higher risk.",
    "Our compliance team reminds you: no one can guarantee investment returns.",
    "If anyone promises you inside information, report it to us.",
    "Thanks for the reminder, I'll bring my ID card tomorrow.",
    "How do I change the bank card linked to my account?",
    "I missed the call earlier, will ring back after lunch.",
    "Is the salon on Saturday open to family members too?",
    "下周将公布CPI和PPI数据，届时市场可能出现波动，请理性看待。", "统计局明天发布二季度GDP数据。",
    "央行今天开展了逆回购操作，市场流动性保持合理充裕。", "美联储下周议息，外围市场可能有波动。",
    "某上市公司今日发布公告拟回购股份，详情请查阅交易所网站。", "年报披露季来了，建议关注持仓公司的公告。",
    "公司公告显示，控股股东计划增持，具体以公告为准。",
    "关于网传的重组消息，公司已发布澄清公告，请以公告为准。",
    "今天大盘大涨，券商板块集体涨停，市场情绪明显回暖。", "两市超过四千只个股上涨，北向资金净流入百亿。",
    "美股隔夜三大指数收跌，纳指跌1.2%。", "人民币汇率今天小幅升值。", "国债收益率继续下行，债市表现平稳。",
    "这次降准释放长期资金约一万亿元。", "今年CPI同比上涨1.8%，物价总体平稳。", "上半年经济运行稳中有进。",
    "最近行情比较平稳，成交量有所萎缩。", "人民币汇率保持基本稳定。", "今天的网络不太稳定，直播可能会卡。",
    "稳增长政策持续发力，基建投资保持稳定。", "这周天气晴好，气温稳定在二十度左右。",
    "债券市场整体走势平稳，收益率窄幅波动。", "老人家身体稳定了，谢谢大家关心。",
    "营业部新来的同事小刘，以后由他负责周二的值班。", "今天的讲座录像已上传，大家可以回看。",
    "请各位客户经理周五前提交本月回访记录。", "下周一开始营业部装修，临时搬到二楼办公。",
    "开户可以在APP上线上办理，也可以来营业部现场办理。", "忘记交易密码可以在APP上自助重置。",
    "资金密码和交易密码是两个不同的密码，请分别妥善保管。",
    "投资者教育：杠杆交易会放大亏损，初学者请先了解清楚规则。",
    "老年朋友要特别警惕以高收益为诱饵的养老投资骗局。",
    "新手入门：先了解自己的风险承受能力，再选择与之匹配的产品。",
    "私募产品风险较高，只适合风险承受能力较高的合格投资者。",
    "期货和期权都有杠杆，波动大，请根据自身情况谨慎参与。",
    "学生朋友们，理财先从储蓄和记账开始，远离校园贷。",
    "退休金要以稳为主，建议优先考虑低风险的储蓄和国债。",
    "我们不提供配资服务，也请大家远离场外配资。",
    "境外平台不受国内监管，资金安全没有保障，请不要参与。",
    "P2P网贷已经全部清退，打着这个旗号的都是骗局。",
    "任何人向你要验证码，都不要给，包括自称客服的人。",
    # more lessons on how returns are counted
    "收益率怎么算？用期末价值减期初价值，再除以期初价值。", "年化收益率是把一段时间的收益折算成一年的水平。",
    "累计收益率30%、持有三年，折算成年化大约9.1%。", "同样是10%，三个月的收益和三年的收益差别很大，要看期限。",
    "七日年化收益率反映的是过去七天的平均水平，明天可能不一样。", "万份收益是每一万份基金一天赚的钱，不是年化。",
    "基金净值增长率和你个人的收益率可能不同，因为买入时间不一样。", "定投的收益率要用内部收益率来算，简单相除会高估。",
    "复利和单利的区别：单利只对本金计息，复利连利息一起计息。", "投资小课堂：收益率、波动率和最大回撤要一起看。",
    "看业绩时注意统计区间，起点选得不同，数字会差很多。", "把百分比换成金额更直观：十万元亏10%就是一万元。",
    "测评题里问你能接受多大亏损，请按自己的真实想法选。", "风险测评每两年要更新一次，到期前APP会提醒。",
    "风险测评结果是保守型的，系统只会展示低风险产品。", "做风险测评的时候不会的题可以问我，但答案要您自己选。",
    # meeting and schedule notices (times and days are no trading calls)
    "通知：从下周一开始，晨会改在每天八点二十，请准时参加。", "明早九点部门例会，十分钟，地点二楼小会议室。",
    "下午三点半收盘后开个复盘会，半小时，大家带上本子。", "本周五下午四点全员培训，主题是反洗钱，不要迟到。",
    "下周二开始每天下午轮流值班，排班表见群文件。", "周一早上八点四十五准时晨会，请假的提前说。",
    "Team meeting moved to 8:30 tomorrow morning, ten minutes.", "Daily stand-up starts Monday at 8:45.",
    # moving one's own money in one's own account
    "您把钱从银行卡转到自己的证券账户就行，银证转账在APP里操作。", "资金在您自己的账户里，买卖都由您本人操作。",
    "转账只转到您本人名下的账户，不要转给任何个人。", "自己的账户自己操作，密码别告诉别人。",
]

# Short everyday lines: a model fitted on violations and their look-alikes reads a short
# ordinary line too boldly unless it has seen many.
_SHORT = [
    "好的", "收到", "谢谢", "辛苦了", "明白", "了解", "没问题", "好嘞", "可以的", "稍等", "马上到",
    "在路上了", "到了", "下楼了", "我也去", "算我一个", "报名+1", "早", "早安", "晚安", "中午好", "下午好",
    "周末愉快", "节日快乐", "生日快乐", "新年好", "恭喜恭喜", "哈哈", "笑死", "太难了", "加油", "冲鸭",
    "点赞", "厉害了", "这周末去爬山有人一起吗", "今晚吃火锅", "明天下雨记得带伞", "地铁又晚点了",
    "堵车了晚十分钟到", "空调太冷了", "楼下咖啡店打折", "孩子发烧了请假一天", "家里有事先走了",
    "电脑又死机了", "打印机没纸了", "会议室订好了", "下午三点开会", "明天早会九点", "早会改到八点半",
    "开盘前开个短会", "收盘后大家留一下", "周报记得交", "月底对账", "交割单发邮箱了", "对账单打出来了",
    "今天大厅人好多", "排队的人不少", "今天客户挺多的", "下午没什么人", "中午轮流吃饭", "值班表发群里了",
    "下周轮到我值班", "请问几点下班", "营业部几点开门", "周六开门吗", "停车场在哪", "附近有吃饭的地方吗",
    "有充电宝吗", "WiFi密码是多少", "账户登录不上", "验证码收不到", "APP打不开了", "闪退了", "页面一直转圈",
    "密码忘了怎么找回", "怎么修改手机号", "怎么查对账单", "讲座几点开始", "还有名额吗", "可以带家属吗",
    "需要提前报名吗", "线上能看吗", "有回放吗", "课件能发一下吗", "老师讲得真好", "今天涨了", "今天又跌了",
    "绿油油一片", "红了红了", "今天行情不错", "这两天震荡", "成交量有点小", "大盘又回调了", "指数横盘",
    "持仓没怎么动", "今年还没回本", "亏了一点点", "小赚一点", "拿着没动", "心态放平", "不看盘了",
    "眼不见心不烦", "长期持有吧", "满仓被套了", "仓位太重了", "我打算减点仓", "先观望一下", "我再想想",
    "回头再说", "跟家里人商量一下", "等发工资再说",
]

_SHORT_EN = [
    "ok thanks", "got it", "see you there", "on my way", "running late", "good morning", "good night",
    "happy holidays", "congrats!", "lol", "sounds good", "noted", "will do", "thank you so much",
    "what time does it start?", "is there parking?", "can I bring a friend?", "where is the room?",
    "the app keeps crashing", "I can't log in", "how do I reset my password?", "market's red today",
    "rough day in the market", "nice rally today", "holding for now", "I'll think about it",
]

_TEMPLATES = [
    "{name}，{day}{time}的沙龙还有名额吗？我想带家人一起来",
    "{day}{time}营业部举办“{topic}”讲座，欢迎大家报名参加。",
    "今天{name}讲的{topic}很实用，谢谢！",
    "【投教课堂】{topic}：投资有风险，入市需谨慎，请根据自身风险承受能力做出决策。",
    "今日收评：{index}涨{p}%，{sector}板块领涨，两市成交额{k}亿元。数据来源：交易所，仅供参考。",
    "今日收评：{index}跌{p}%，{sector}板块回调。以上为市场数据，不构成投资建议。",
    "{index}今天收涨{p}%，{sector}板块表现活跃，大家理性看待短期波动。",
    "{sector}板块今天整体涨了{p}%，市场情绪有所回暖。",
    "{fund}近一年收益{q}%，过往业绩不代表未来表现，投资有风险，请谨慎选择。",
    "关于{topic}的资料已经发在群文件里了，{name}整理的，大家可以下载看看。",
    "{name}，您的风险测评快到期了，记得在APP里重新做一下，按实际情况填写就好。",
    "请问{name}，开户需要带什么材料？",
    "{day}营业部{time}开门，办理业务请带好身份证。",
    "假设年化收益率{r}%，本金{m}万元，一年后约为{m}万加上{interest}元利息，实际收益以产品表现为准。",
    "举个例子：净值从1元涨到1.{d}元，收益率就是{d}0%；再跌回1元，亏损约为{loss}%。",
    "警惕“保本高收益”“内部消息”等话术，{name}提醒大家不要轻信陌生人。",
    "有人在群里发“稳赚不赔”的广告，已经移出群聊，大家不要相信。",
    "客户问{fund}能不能保本，我说不能，这类产品净值会波动。",
    "{name}问我{sector}板块明天会不会涨，我说没人能预测，要看长期。",
    "今年{item}翻倍了，{comment}",
    "我的工作手机是13{ph}，有事请在工作时间联系我。",
    "营业部值班电话0{area}-{land}，欢迎来电咨询业务办理。",
    "Reminder: {en_event} on {en_day} at {en_time}, see you there!",
    "{en_index} {en_move} {p}% today; {en_sector} led. Data for reference only.",
    "Thanks {en_name}, got it.",
    "{en_name}, could you send me the form for {en_task}?",
    "The office will be closed on {en_day} for {en_reason}.",
    "Q: {en_q}\nA: {en_a}",
    "{day}公布{macro}数据，市场关注度较高。",
    "{index}{move}{p}%，{sector}{sector_move}，成交额{k}亿元。",
    "客户问{question} 我说{denial}",
    "{name}：{question}",
]

_EN_NAMES = ["Amy", "Mr. Li", "Ms. Wang", "David", "Helen", "Kevin"]
_EN_EVENTS = ["the fund investing workshop", "our retirement planning talk", "the anti-fraud seminar",
              "the new-investor course", "the quarterly client meeting"]
_EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_EN_TIMES = ["10 am", "2 pm", "3:30 pm", "7 pm"]
_EN_INDEXES = ["The Shanghai Composite", "The CSI 300", "The ChiNext index", "The Hang Seng"]
_EN_MOVES = ["rose", "fell", "gained", "slipped"]
_EN_SECTORS = ["banks", "brokers", "healthcare", "chipmakers", "consumer stocks"]
_EN_TASKS = [
    "changing my bank card", "updating my address", "the risk questionnaire", "opening a new account",
]
_EN_REASONS = ["the public holiday", "system maintenance", "staff training"]
_EN_QA = [
    ("Can this fund lose money?", "Yes, it can. Its value goes up and down with the market."),
    ("Is the return guaranteed?", "No. Nothing in this market is guaranteed."),
    ("Should I buy this stock tomorrow?",
    "We can't tell you when to buy; please decide based on your own situation."),
    ("Do you have any insider news?", "No, and anyone who says they do is breaking the law."),
    ("How do I reset my password?", "Use the app's self-service reset; never tell anyone your password."),
]
_MACRO = ["CPI", "PPI", "PMI", "社融", "GDP", "进出口", "工业增加值"]
_MOVES = ["涨", "跌", "收涨", "收跌", "小幅上涨", "小幅下跌"]
_SECTOR_MOVES = ["板块领涨", "板块回调", "板块表现活跃", "板块走弱"]
_QUESTIONS = ["这个基金能保本不", "能不能保证收益", "明天会不会涨", "有没有内部消息", "能不能帮我操作账户",
              "这只股票能不能翻倍", "能不能帮我做风险测评"]
_DENIALS = ["不能，投资都有风险", "不能保证，要看市场", "没人知道，别追涨", "没有，我们只看公开信息",
            "不行，账户只能本人操作", "谁也不能保证", "不行，测评必须本人如实作答"]

_ITEMS = [("快递量", "快递小哥忙坏了"), ("小区停车费", "业主们意见很大"), ("外卖订单", "老板说要招人了"),
          ("电影票房", "周末要去看看"), ("西瓜产量", "果农笑开了花"), ("景区游客", "五一出行要错峰")]

# The hard end of honest traffic, in the violations' own vocabulary (blind rounds' false
# blocks by kind): a writer's own losses, rules explained, scammers' lines quoted in another
# sentence, leverage lessons, enforcement news, denials, clients' own requests, product
# notices naming their level and audience. Own words; the test set (hard_ordinary.py) has
# other templates.
_MY_POSITIONS = ["我那只新能源车", "手上的消费基金", "我的创业板ETF", "去年那只芯片股", "老婆买的医疗基金", "我的中概股"]
_MY_LOSSES = ["被套了三十个点", "亏掉了小半年工资", "跌了四成还没解套", "浮亏一万二", "从没赚过钱", "回撤快一半"]
_MY_TAKE = ["算了不看了", "长记性了", "再也不满仓了", "慢慢熬吧", "下次不听消息了", "当交学费"]
_PITCHES = ["月赚百分之三十", "稳赚不亏的项目", "保本保息年化十八", "明天涨停的内部股", "十倍杠杆随借随还",
            "交会员费带你翻倍", "原始股稳赚", "一对一带单包盈利"]
_SCAMMERS = ["冒充客服的人", "陌生的“投资导师”", "一个假冒的营业部账号", "网上认识的“理财师”", "某直播间主播"]
_SCAM_ENDS = ["这就是诈骗", "这是典型骗局", "别理他们", "已经提醒家里老人了", "幸好没转钱"]
_RULE_ITEMS = ["承诺保底收益", "代客户操作账户", "向低风险客户推高风险产品", "透露未公开信息", "收费荐股",
               "泄露客户手机号", "帮客户代做测评"]
_PERMISSIONS = ["融资融券", "股票期权", "科创板权限", "北交所权限", "港股通"]
_OLD = ["我六十多了", "我快七十了", "我都退休十年了", "我今年七十三"]
_OLD_ASK = ["买点什么稳妥", "有啥适合老年人的", "哪种产品风险小", "还能不能买基金"]
_LEVELS = [("R1", "保守型"), ("R2", "稳健型"), ("R3", "平衡型"), ("R4", "成长型"), ("R5", "进取型")]
_HARD_TEMPLATES = [
    "{my_pos}{my_loss}，{my_take}",
    "说真的，这些年{my_loss}，翻倍这种事从来轮不到我",
    "{scammer}跟我说“{pitch}”，{scam_end}",
    "有个群天天发“{pitch}”，已经退群了。{scam_end}",
    "公司规定：不允许{rule1}，更不允许{rule2}，违者处理",
    "合规要求大家记住：不得{rule1}；不得{rule2}",
    "算笔账：本金{own}万，融资{own}万，股价跌{drop}%，本金就少了{twice}%。两融有风险",
    "开通{perm}前要做适当性评估，{level_name}客户一般不建议参与",
    "新闻：{who}利用未公开的{action}信息炒股，被证监会罚款",
    "我没说过“{pitch}”这种话，谁说的你找谁",
    "{old}，{old_ask}？",
    "我想重新做风险测评，之前是{level_name}，情况变了",
    "请问开通{perm}需要满足什么条件",
    "【新品】XX{fund_kind}，{level}风险等级，适合{level_name}及以上投资者，不保本，投资需谨慎",
    "这些年{good}的{thing}一{unit}都没{met}过，{bad}倒是{seen}",
    "{good}的{thing}我从来没拿到过，{bad}的我倒是都赶上了",
    "{my_pos}抄底抄在半山腰，{my_loss}，{my_take}",
    "这钱是{purpose}的，{old_ask}？",
]
_GOOD = ["涨停", "翻倍", "十倍", "大牛"]
_BAD = ["跌停", "腰斩", "退市", "闪崩"]
_THINGS = ["票", "股", "基金"]
_UNITS = ["只", "回", "次"]
_MET = ["碰上", "遇到", "赶上", "抓住"]
_SEEN = ["见了不少", "碰过好几回", "没少挨", "经历了三回"]
_PURPOSES = ["养老用", "给孙子上学用", "留着看病", "我们老两口的棺材本"]
_WHO = ["某上市公司董秘", "一名公司高管", "某券商员工", "一位财务人员"]
_ACTIONS = ["重组", "收购", "业绩", "分红"]
_FUND_KINDS = ["优选混合", "价值精选", "行业轮动", "稳利债券", "多元配置"]


def _hard(rng: random.Random) -> str:
    level, level_name = rng.choice(_LEVELS)
    own, drop = rng.choice([5, 10, 20, 50]), rng.choice([10, 15, 20, 30])
    rule1, rule2 = rng.sample(_RULE_ITEMS, 2)
    return rng.choice(_HARD_TEMPLATES).format(
        my_pos=rng.choice(_MY_POSITIONS), my_loss=rng.choice(_MY_LOSSES), my_take=rng.choice(_MY_TAKE),
        scammer=rng.choice(_SCAMMERS), pitch=rng.choice(_PITCHES), scam_end=rng.choice(_SCAM_ENDS),
        rule1=rule1, rule2=rule2, own=own, drop=drop, twice=2 * drop, perm=rng.choice(_PERMISSIONS),
        level=level, level_name=level_name, who=rng.choice(_WHO), action=rng.choice(_ACTIONS),
        old=rng.choice(_OLD), old_ask=rng.choice(_OLD_ASK), fund_kind=rng.choice(_FUND_KINDS),
        good=rng.choice(_GOOD), bad=rng.choice(_BAD), thing=rng.choice(_THINGS), unit=rng.choice(_UNITS),
        met=rng.choice(_MET), seen=rng.choice(_SEEN), purpose=rng.choice(_PURPOSES),
    )


@cache
def negatives() -> list[str]:
    rng = random.Random(20260113)
    out = list(dict.fromkeys([*_HANDWRITTEN, *_SHORT, *_SHORT_EN]))
    seen = set(out)
    attempts = 0
    while len(out) < 1800 and attempts < 30000:
        attempts += 1
        template = rng.choice(_TEMPLATES)
        item, comment = rng.choice(_ITEMS)
        r = rng.choice([2, 3, 4, 5, 6])
        m = rng.choice([1, 5, 10, 20])
        d = rng.randint(1, 5)
        qa = rng.choice(_EN_QA)
        text = template.format(
            name=rng.choice(_NAMES),
            day=rng.choice(_DAYS),
            time=rng.choice(_TIMES),
            topic=rng.choice(_TOPICS),
            index=rng.choice(_INDEXES),
            sector=rng.choice(_SECTORS),
            fund=rng.choice(_FUNDS),
            p=f"{rng.uniform(0.1, 2.5):.2f}",
            q=f"{rng.uniform(1.5, 6):.1f}",
            k=rng.randint(6000, 15000),
            r=r,
            m=m,
            interest=m * 100 * r,
            d=d,
            loss=round(100 * d / (10 + d)),
            item=item,
            comment=comment,
            ph=f"{rng.randint(100000000, 999999999)}",
            area=rng.choice(["21", "10", "755", "571", "25"]),
            land=rng.randint(20000000, 89999999),
            en_event=rng.choice(_EN_EVENTS),
            en_day=rng.choice(_EN_DAYS),
            en_time=rng.choice(_EN_TIMES),
            en_index=rng.choice(_EN_INDEXES),
            en_move=rng.choice(_EN_MOVES),
            en_sector=rng.choice(_EN_SECTORS),
            en_name=rng.choice(_EN_NAMES),
            en_task=rng.choice(_EN_TASKS),
            en_reason=rng.choice(_EN_REASONS),
            en_q=qa[0],
            en_a=qa[1],
            macro=rng.choice(_MACRO),
            move=rng.choice(_MOVES),
            sector_move=rng.choice(_SECTOR_MOVES),
            question=rng.choice(_QUESTIONS),
            denial=rng.choice(_DENIALS),
        )
        if text not in seen:
            seen.add(text)
            out.append(text)
    hard = 0
    while hard < 700 and attempts < 60000:
        attempts += 1
        text = _hard(rng)
        if text not in seen:
            seen.add(text)
            out.append(text)
            hard += 1
    return out
