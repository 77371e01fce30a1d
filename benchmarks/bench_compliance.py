"""Compliance checker benchmark: latency of one message, throughput over a chat export, and
the same export through a baseline that scans once per phrase.

    python benchmarks/bench_compliance.py [--runs 5] [--mb 10] [--seed 7]

Prints markdown. The chat export is generated (seeded): 75% everyday chatter, 17% notices
and market recaps (with numbers and disclaimers), 8% messages of the labelled corpus of
tests/compliance (violations, evasions and look-alikes) — so about one message in twelve holds
something a rule looks at, many more than a real group's export.

The baseline is the same checker with phrases found by one ``str.find`` scan per phrase, run
message by message as a straightforward checker would; being slow, it runs on the first
``--baseline-mb`` of the export. A second baseline runs the per-phrase scan over the whole
batch at once (the checker's own batching), to separate the gain of the automaton from the
gain of batching.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from branchdesk.compliance import Checker, load_rulepack
from branchdesk.compliance.engine import PhraseIndex

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "compliance" / "corpus.jsonl"

MESSAGE_200 = (
    "各位老铁早上好☀️今天给大家分享一下最近的市场观点：沪指涨0.52%，创业板指涨1.21%，两市成交额1.02万亿。"
    "我们代销的XX纯债基金近一年回报4.2%，回撤很小，适合稳健型配置。本产品不保本，不保证收益，"
    "过往业绩不代表未来表现，请根据自身风险承受能力谨慎选择。周六下午两点营业部三楼举办沙龙，"
    "名额30个，欢迎大家带上家人朋友一起来交流～另外本周五晚上八点还有一场关于基金定投的线上讲座，"
    "欢迎大家准时收看，有问题随时私信我😊"
)[:200]

_NAMES = ["张经理", "李顾问", "王姐", "刘总", "陈老师", "赵阿姨", "小周", "孙先生", "吴女士", "郑哥"]
_CHATTER = [
    "收到，谢谢{n}！",
    "好的👌",
    "明天几点开始？",
    "{n}早上好☀️",
    "今天{n}讲得很清楚，受益匪浅🙏",
    "请问APP登录不上怎么办？",
    "周{d}下午的沙龙还有名额吗？我想带家人一起来",
    "已报名，谢谢",
    "[图片]",
    "[表情]",
    "收盘了，大家早点休息～",
    "转账的时候提示银行卡限额，要怎么调整？",
    "我的风险测评过期了，去哪里重新做？",
    "今天行情真不好，心态要稳住",
    "定投是每个月几号扣款来着？",
    "谢谢分享，学到了",
    "有没有讲可转债的课？新手想学一下",
    "{n}您好，上次说的开户资料我已经准备好了，明天上午过去办理可以吗？",
    "今天的直播回放在哪里看？",
    "祝大家周末愉快🎉",
]
_NOTICES = [
    "【活动通知】本周{d}下午2点，营业部三楼举办“{t}”主题沙龙，名额{k}个，欢迎报名。",
    "【线上讲座】今晚8点《{t}》，主讲人{n}，直播链接稍后发群里，欢迎收看。",
    "今日收评：沪指涨{p}%，深成指涨{q}%，两市成交额{k}00亿。以上数据来源于交易所，仅供参考。",
    "温馨提示：近期有不法分子冒充我司员工实施诈骗，请认准官方渠道，不要向任何人透露交易密码。",
    "【投教小课堂】{t}：投资有风险，入市需谨慎，请根据自身风险承受能力做出投资决策。",
    "休市安排：{d}日休市，之后正常交易，请大家提前安排好资金。",
]
_TOPICS = ["家庭资产配置", "养老规划", "新手如何看懂K线", "基金定投入门", "可转债知识", "如何识别金融诈骗"]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        n=rng.choice(_NAMES),
        d=rng.choice("一二三四五六日"),
        t=rng.choice(_TOPICS),
        k=rng.randint(10, 99),
        p=f"{rng.uniform(0, 2):.2f}",
        q=f"{rng.uniform(0, 2):.2f}",
    )


def generate_export(target_bytes: int, seed: int) -> str:
    """A WeChat-style export: ``2025-03-01 09:15:22 张经理: message`` per line."""
    rng = random.Random(seed)
    corpus = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    lines: list[str] = []
    size = 0
    second = 0
    while size < target_bytes:
        roll = rng.random()
        if roll < 0.08:
            text = rng.choice(corpus)
        elif roll < 0.25:
            text = _fill(rng.choice(_NOTICES), rng)
        else:
            text = _fill(rng.choice(_CHATTER), rng)
        second += rng.randint(5, 600)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(1735689600 + second))
        line = f"{stamp} {rng.choice(_NAMES)}: {text.replace(chr(10), ' ')}"
        lines.append(line)
        size += len(line.encode("utf-8")) + 1
    return "\n".join(lines) + "\n"


def read_messages(path: Path, limit: int | None = None) -> list[str]:
    """Parse an export: the text after ``date time name: `` on each line."""
    messages = []
    size = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            size += len(line.encode("utf-8"))
            if limit is not None and size > limit:
                break
            # "2025-03-01 09:15:22 " is 20 characters; the name ends at the first ": ".
            messages.append(line[20:].partition(": ")[2].rstrip("\n"))
    return messages


class PerPhraseIndex(PhraseIndex):
    """Baseline: the same checker, but phrases found with one ``str.find`` scan per phrase."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = terms

    def find(self, compact: str) -> list[tuple[int, int, int]]:
        out = []
        for term_id, term in enumerate(self.terms):
            start = compact.find(term)
            while start >= 0:
                out.append((term_id, start, start + len(term)))
                start = compact.find(term, start + 1)
        out.sort(key=lambda hit: hit[2])
        return out


def check_export(
    checker: Checker, path: Path, chunk: int, limit: int | None = None
) -> tuple[int, dict[str, int]]:
    """Read the export and check every message, ``chunk`` messages per ``check_many`` call
    (``chunk=1``: one ``check`` per message). ``limit``: only the first bytes of the file."""
    messages = read_messages(path, limit)
    verdicts = {"pass": 0, "warn": 0, "block": 0}
    if chunk == 1:
        for text in messages:
            verdicts[checker.check(text).verdict.value] += 1
        return len(messages), verdicts
    for start in range(0, len(messages), chunk):
        for result in checker.check_many(messages[start : start + chunk]):
            verdicts[result.verdict.value] += 1
    return len(messages), verdicts


def latency(checker: Checker, repeats: int) -> tuple[float, float, float, float]:
    """Median and p99 of one check, in wall-clock and in thread CPU time (a busy shared
    machine preempts the process; CPU time shows the checker's own cost)."""
    # Each check gets a text of its own (the last two characters vary), so nothing the
    # checker remembers between calls (the model's readings) makes a repeat look cheap.
    variants = [MESSAGE_200[:-2] + chr(0x4E00 + i // 97) + chr(0x4E00 + i % 97)
                for i in range(200 + repeats)]
    for text in variants[:200]:
        checker.check(text)
    wall, cpu = [], []
    for text in variants[200:]:
        w0, c0 = time.perf_counter(), time.thread_time()
        checker.check(text)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - w0)
    wall.sort()
    cpu.sort()
    p99 = int(len(wall) * 0.99) - 1
    return statistics.median(wall), wall[p99], statistics.median(cpu), cpu[p99]


def _timed(fn, *args) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def _timed_cpu(fn, *args) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds: on a shared machine the two differ."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return time.perf_counter() - w0, time.process_time() - c0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--baseline-mb", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk", type=int, default=5000, help="messages per check_many call")
    args = parser.parse_args()

    pack = load_rulepack()
    t0 = time.perf_counter()
    checker = Checker(pack)
    build_ms = (time.perf_counter() - t0) * 1000
    baseline = Checker(pack, index_factory=PerPhraseIndex)
    base_limit = int(args.baseline_mb * 1_000_000)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.txt"
        path.write_text(generate_export(int(args.mb * 1_000_000), args.seed), encoding="utf-8")
        size_mb = path.stat().st_size / 1_000_000
        base_mb = min(args.baseline_mb, size_mb)

        medians, p99s, cpu_medians, cpu_p99s = [], [], [], []
        fast, fast_cpu, slow, slow_batched, fast_small = [], [], [], [], []
        counts = None
        for _ in range(args.runs):
            median, p99, cpu_median, cpu_p99 = latency(checker, 5000)
            medians.append(median)
            p99s.append(p99)
            cpu_medians.append(cpu_median)
            cpu_p99s.append(cpu_p99)
            seconds, cpu, counts = _timed_cpu(check_export, checker, path, args.chunk)
            fast.append(seconds)
            fast_cpu.append(cpu)
            seconds, small = _timed(check_export, checker, path, 1, base_limit)
            fast_small.append(seconds)
            seconds, base = _timed(check_export, baseline, path, 1, base_limit)
            slow.append(seconds)
            assert base == small, "the baseline must find the same"
            seconds, base_batched = _timed(check_export, baseline, path, args.chunk, base_limit)
            slow_batched.append(seconds)
            assert base_batched == small, "the baseline must find the same"

    med = statistics.median
    fast_s, slow_s, batched_s, one_s = med(fast), med(slow), med(slow_batched), med(fast_small)
    assert counts is not None
    n, verdicts = counts
    rate = size_mb / fast_s
    print(f"## Compliance checker (rule pack {pack.version})\n")
    print(
        f"Command: `python benchmarks/bench_compliance.py --runs {args.runs} --mb {args.mb:g} "
        f"--baseline-mb {args.baseline_mb:g}`\n"
    )
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()} ({sys.implementation.name})\n"
    )
    print(
        f"Pack: {len(pack.rules)} rules, {pack.term_count()} phrases/patterns/words, "
        f"{len(checker.index.terms)} automaton terms with pinyin variants; checker built in "
        f"{build_ms:.0f} ms. Medians of {args.runs} runs; wall-clock time.\n"
    )
    print("| measure | result | target |")
    print("|---|---|---|")
    chars = len(MESSAGE_200)
    print(f"| one {chars}-char message, median | {med(medians) * 1e6:.0f} µs | |")
    print(f"| one {chars}-char message, p99 | {med(p99s) * 1e6:.0f} µs | < 1 ms |")
    print(
        f"| same, thread CPU time: median / p99 | "
        f"{med(cpu_medians) * 1e6:.0f} µs / {med(cpu_p99s) * 1e6:.0f} µs | |"
    )
    print(
        f"| {size_mb:.1f} MB export ({n:,} messages), read + check_many, end to end | "
        f"{fast_s:.2f} s = **{rate:.1f} MB/s** | ≥ 8 MB/s |"
    )
    print(
        f"| same, CPU time of the process (excludes other load) | "
        f"{med(fast_cpu):.2f} s = {size_mb / med(fast_cpu):.1f} MB/s | |"
    )
    print(f"| first {base_mb:g} MB, checker, message by message | {base_mb / one_s:.1f} MB/s | |")
    print(
        f"| first {base_mb:g} MB, baseline: one str.find scan per phrase, message by message | "
        f"{base_mb / slow_s:.2f} MB/s | |"
    )
    print(
        f"| first {base_mb:g} MB, baseline per phrase over the batch (check_many) | "
        f"{base_mb / batched_s:.1f} MB/s | |"
    )
    print(
        f"| speed-up: checker end to end vs per-phrase baseline | "
        f"**{rate / (base_mb / slow_s):.0f}×** | ≥ 5× |"
    )
    print(
        f"| speed-up: same batching, automaton vs per-phrase scan | {rate / (base_mb / batched_s):.1f}× | |"
    )
    print(
        f"\nVerdicts on the export: {verdicts['pass']:,} pass, {verdicts['warn']:,} warn, "
        f"{verdicts['block']:,} block; the baselines give the same verdicts."
    )


if __name__ == "__main__":
    main()
