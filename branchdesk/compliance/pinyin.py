"""Pinyin and homophone spellings of banned phrases, to catch ``bao本`` and ``内慕消息``.

Rather than guess characters from pinyin in the message (``bao`` could be 保, 宝, 包 or 报),
each pinyin-enabled phrase is expanded into its mixed spellings, which join the automaton.
Only characters of such phrases need a reading; a phrase with a character missing here simply
gets fewer variants.
"""

from __future__ import annotations

from itertools import product

_READINGS = """
保bao 本ben 收shou 益yi 稳wen 赚zhuan 不bu 赔pei 亏kui 包bao 底di 翻fan 倍bei 涨zhang 停ting
内nei 幕mu 消xiao 息xi 部bu 必bi 牛niu 股gu 暴bao 利li 零ling 风feng 险xian 无wu 承cheng
诺nuo 证zheng 确que 定ding 躺tang 赢ying 挣zheng 准zhun 荐jian 带dai 单dan 喊han 操cao 盘pan
代dai 客ke 理li 财cai 配pei 资zi 妖yao 黑hei 马ma 庄zhuang 家jia 拉la 升sheng 十shi 百bai
稳wen 胜sheng 到dao 手shou 刚gang 兑dui 息xi 费fei 会hui 员yuan 群qun 私si 募mu 原yuan 始shi
金jin 回hui 报bao 本ben 利li 率lv 年nian 化hua 月yue 每mei 天tian 日ri 周zhou 大da 肉rou
吃chi 上shang 车che 富fu 自zi 由you 夜ye 闭bi 眼yan 买mai 跌die 只zhi 对dui 绝jue 百bai 分fen
命ming 中zhong 红hong
"""


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for token in _READINGS.split():
        table.setdefault(token[0], token[1:])
    return table


READINGS = _table()

# An all-pinyin variant shorter than this is too likely to be part of an ordinary word.
_MIN_FULL_PINYIN = 6
# Phrases longer than this get no variants: 2**n spellings would swamp the automaton.
_MAX_CHARS = 5


def variants(phrase: str) -> list[str]:
    """Mixed spellings of a Chinese phrase, at least one character in pinyin (phrase excluded).

    ``保本`` → ``bao本``, ``保ben``, ``baoben``. A fully-pinyin spelling is kept only when
    it is long enough not to occur inside ordinary text.
    """
    if len(phrase) > _MAX_CHARS or not all(ch in READINGS for ch in phrase):
        return []
    out: list[str] = []
    for choice in product((False, True), repeat=len(phrase)):
        if not any(choice):
            continue
        spelled = "".join(READINGS[ch] if pick else ch for ch, pick in zip(phrase, choice, strict=True))
        if all(choice) and len(spelled) < _MIN_FULL_PINYIN:
            continue
        out.append(spelled)
    return out


# Characters swapped in for a banned one because they sound (or look) alike: 内慕消息, 稳转不赔.
_HOMOPHONES = {
    "幕": "慕募墓",
    "赚": "转撰",
    "赔": "陪培",
    "稳": "吻温文问",
    "保": "宝堡饱",
    "益": "溢亦",
    "涨": "胀长",
    "停": "亭婷",
    "翻": "番帆",
    "倍": "贝背蓓",
    "荐": "见建",
    "股": "鼓古",
    "消": "宵销",
    "息": "熄惜",
    "险": "显",
    "风": "疯峰",
    "亏": "窥",
    "收": "手",
    "内": "呐",
    "财": "才材",
    "庄": "装妆",
    "盘": "磐",
}
_MIN_HOMOPHONE_CHARS = 3  # a two-character swap (宝本) is too likely to be a real word


def homophones(phrase: str) -> list[str]:
    """Spellings of a Chinese phrase with one character swapped for a sound-alike."""
    if len(phrase) < _MIN_HOMOPHONE_CHARS:
        return []
    out = []
    for i, char in enumerate(phrase):
        for alike in _HOMOPHONES.get(char, ""):
            out.append(phrase[:i] + alike + phrase[i + 1 :])
    return out


# Initials that are ordinary words or abbreviations in chat (ok, qq, vx…): never a banned
# phrase, whatever the context.
_COMMON_INITIALS = frozenset(
    [
        "ok", "no", "hi", "so", "to", "am", "pm", "it", "is", "in", "on", "at", "be", "we", "me", "my",
        "by", "up", "go", "do", "if", "or", "an", "as", "us", "ai", "tv", "pc", "qq", "vx", "wx", "id",
        "ip", "pk", "vs", "ps", "cd", "ex", "ha", "he", "hr", "mr", "ms", "dr", "sb", "gg", "mm", "jj",
        "dd", "hh",
    ]
)


def initials(phrase: str) -> str | None:
    """The initials of a Chinese phrase (保本 → bb), None when a character has no reading."""
    if not all(ch in READINGS for ch in phrase):
        return None
    return "".join(READINGS[ch][0] for ch in phrase)


def sound_variants(phrase: str) -> list[str]:
    """Spellings by initials of a Chinese phrase: the whole phrase (wzbp, bb) and, for a
    phrase of four characters or more, each half (wz不赔, 稳赚bp, nm消息). They are short
    and ambiguous (bb is also a baby), so the engine counts them only next to a product."""
    out: list[str] = []
    # A figure after the words (胜率100% → sl100%): the words by initials, the figure as it is.
    head = phrase.rstrip("0123456789%")
    if head != phrase and 2 <= len(head) <= 4:
        short = initials(head)
        if short and short not in _COMMON_INITIALS:
            out.append(short + phrase[len(head):])
    if not 2 <= len(phrase) <= 6:
        return out
    whole = initials(phrase)
    if whole and whole not in _COMMON_INITIALS:
        out.append(whole)
    if len(phrase) >= 4:
        for cut in range(2, len(phrase) - 1):
            head, tail = initials(phrase[:cut]), initials(phrase[cut:])
            if head and head not in _COMMON_INITIALS:
                out.append(head + phrase[cut:])
            if tail and tail not in _COMMON_INITIALS:
                out.append(phrase[:cut] + tail)
    # Pinyin and initials mixed (w zhuan bu pei): each character spelt in full or by its
    # initial, all in letters (the all-pinyin spelling is a variant of its own).
    if all(ch in READINGS for ch in phrase) and len(phrase) <= 4:
        for choice in product((False, True), repeat=len(phrase)):
            if any(choice) and not all(choice):
                pairs = zip(phrase, choice, strict=True)
                spelled = "".join(READINGS[ch][0] if short else READINGS[ch] for ch, short in pairs)
                if len(spelled) >= 5:
                    out.append(spelled)
    # A sound-alike swapped into a two-character phrase (宝本): a real word too often to stand
    # alone, so it joins the same product-context layer.
    if len(phrase) == 2:
        for i, char in enumerate(phrase):
            for alike in _HOMOPHONES.get(char, ""):
                out.append(phrase[:i] + alike + phrase[i + 1 :])
    return list(dict.fromkeys(out))
