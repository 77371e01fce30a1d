"""The marks and words the context judgement (segment.py) looks for around a match:
sentence and clause ends, quotes, negators, questions and their answers, a sales pitch,
worked arithmetic, a speaker's line; and how far from a match each may stand."""

from __future__ import annotations

import re

# Sentence ends in the folded text (NFKC turns ！？； into !?;). A dot between digits is a decimal.
SENTENCE_END = re.compile(r"[。!?;\n]|\.(?!\d)")
CLAUSE_END = re.compile(r"[。!?;\n,、]|\.(?!\d)")
QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"', "‘": "’", "《": "》"}
CLOSERS = frozenset(c for o, c in QUOTES.items() if c != o)
QUOTE_CHARS = re.compile("[" + re.escape("".join(set(QUOTES) | CLOSERS)) + "]")
# Single characters that negate what directly follows them (after fillers): 不保本, 非保本.
IMMEDIATE_NEGATORS = frozenset("不非没无别勿未莫唔冇")  # 唔保本, 冇风险 (Cantonese)
NEGATOR_REACH = 12  # compact characters before a match in which a negator still counts
QUOTE_FRAME_REACH = 10
FRAME_REACH = 240  # characters either side of a match in which a frame may stand
HEADER_REACH = 40  # characters of a bracketed title (【…】) read for a warning word
LIST_REACH = 400  # characters back to a framing line's colon (keeps long texts linear)
# A question that asks (哪只、能不能、有没有…) reports or explores a claim rather than making it.
# (还在等什么、怕什么 are rhetorical pushes, not questions.)
INTERROGATIVE = re.compile(
    r"哪只|哪个|哪些|哪种|哪里|(?<![等豫怕])什么(?![都也])|(?<![等豫怕还])啥(?![都也])|(?<![等怕])咩|点样|边只|边个|能不能|有没有|会不会|是不是|可不可以|怎么|如何|为什么|能否|可否"
)
# A question closing on whether something is allowed or sound (…炒股可以吗, …合法吗).
ALLOWED_ASK = re.compile(r"(?:可以|行|能行|对|合法|违法|合规|靠谱|正规)吗$")
QUOTED_ASKED = re.compile(r"\s*(?:是不是|是否|算不算|能不能|靠不靠谱|可不可信|是真的吗|可信吗|靠谱吗)")
PERSON_AFTER_DE = re.compile(r"我|你|您|他|她|大家")
LATIN_CHAR = re.compile(r"[a-z]")
# A pitch in the first or second person: an education header does not cover it.
SELLING = re.compile(
    r"跟着我|跟我买|我们的产品|我们家的|我们这款|我这款|私聊|私信我|加我|找我|联系我|我告诉你|我保证|"
    r"名额有限|抓紧|赶紧上车|赶紧买|私我|帮大家|我帮你|我帮您|统一下单|正合适|最适合我们|最适合你|最适合您|别犹豫|欢迎订阅|欢迎认购|欢迎申购|我们精选"
)
# A prohibition that opens a clause reaches every item joined to it by 、
# (不得向客户索要密码、代客操作): the items after it are forbidden too.
PROHIBITION = re.compile(r"\s*(?:\d{1,2}\s*[.、)]\s*)?"
                         r"(?:不得(?!不)|严禁|禁止|不准|切勿|请勿|不允许|never|do not|don't)")
LIST_JOINER = "、"
CLAUSE_OPENERS = "。!?;\n,:"
# A question that pushes rather than asks: 还不上车吗？ 难道不买吗？
PUSH_QUESTION = re.compile(r"还不|还没|难道|怎么还|还等|不赶紧|还犹豫|还在犹豫|还在等|还观望|还在观望"
                           r"|想要|想不想|谁想|要不要")
# …and one answered yes, or by a call to act: 一定能翻倍吗？当然能！ 想要吗？马上加入！
PUSH_ANSWER = re.compile(
    r"\s*(?:当然|肯定|必须|绝对|毫无疑问|是的|没错|能|会|yes|马上|赶紧|赶快|快来|快|抓紧|立即|"
    r"立刻|速|那就|私聊|私信|联系|加我|加入|扫码|点击)"
)
# "问：…？答：不一定" — the label in front of an answer is not the answer.
ANSWER_LABEL = re.compile(r"^(?:答|回答|回复|a)\s*:\s*")
# Whom an answer is told to, before what is said: I told him no / 我跟他说不行.
ADDRESSEE = re.compile(r"^(?:him|her|them|the client|他们|他|她|客户|阿姨|大家)\s*[:,]?\s*(?:说|讲|,)?\s*")
NO_ANSWER = re.compile(
    r"不|没|冇|唔|未必|当然不|并不|并非|因人而异|很难说|说不准|谁也|没人|想多了|做梦|别逗|呵呵|我看是|"
    r"no\b|not\b|nobody|never"
)
# Worked arithmetic: figures joined by an operator, or an equation's result. A slash alone
# is a ratio or a date (60/40 equity-bond, 12/25): a division counts with its result.
ARITHMETIC = re.compile(
    r"\d\s*[×*÷^]\s*[\d(]|\d\s*/\s*\(?\d[\d.]*\)?\s*[=≈×*]|\d\)?\s*[=≈]\s*[\d(]|[=≈]\s*\d[\d.]*\s*%?\s*[^\d\s]|\d\s*[³²]"
)


# The writer's own act after a reported remark: what follows is said, not reported
# (客户说自己是保守型，我让他重做测评…): a reporting frame before it does not reach past it.
OWN_ACT = re.compile(r"我(?:就|直接)?(?:让|帮|替|给)(?:他|她|客户|人家|对方)")
# A later sentence that condemns what came before it, named by a demonstrative
# (…提前买卖股票。这是违法的 / …a week. That's a scam): the earlier sentence is an example.
BACK_REFERENCE = re.compile(
    r"\s*(?:这|那|以上|上面|上述|此类|这些|这种|这类|这样|这都|那都|都)(?:些|种|类|样|个|就|都|也)?(?:是|属于|叫|就是|都是|纯属)"
    r"|\s*(?:that|this|these|those|it)(?:'s| is| are| was)"
)
# A later sentence saying honest firms never do such things (正规证券公司不会做任何一件这样的事).
SUCH_THINGS = re.compile(r"(?:这样的|这种|这类|这些|such|these)\s*"
                         r"(?:事|话|做法|说法|承诺|things|promises|claims)")
# A reported question answered yes: 有个大爷问能不能买期权，我说可以啊.
YES_ANSWER = re.compile(r"\s*(?:可以|能|行|没问题|当然|肯定|好啊|好的|没事|yes|sure|of course)")

# A later line opened by a short label and a colon: someone answers (经理：, 小赵:, A:).
SPEAKER_LINE = re.compile(r"\n[ \t]*[^\n:,.!?;。]{1,8}:")
