"""Compliance checking as a user meets it: ``branchdesk check FILE.jsonl --json`` as a whole
process (start-up, reading, checking, writing) on two generated 20 MB chat exports, and the
latency of one 200-character message.

    python benchmarks/bench_compliance.py [--runs 3] [--mb 20] [--seed 7] [--keep DIR]

* ``distinct.jsonl``: every message distinct — ordinary messages of a branch's groups
  (tests/compliance/ordinary_messages.py: chatter, notices, recaps, lessons, English…) with
  one line in twelve a labelled violation or look-alike from the corpus, each decorated so
  that no text repeats. Nothing a checker remembers can flatter it.
* ``repeating.jsonl``: repeats the way real exports do — a quarter of the lines new, the rest
  drawn (Zipf-like) from a pool of forwarded notices, disclaimers, 收到/好的 and old messages.

Each line is ``{"id", "time", "author", "community", "text"}`` (two lines in three name one of
the demo branch's communities). The command runs against a fresh demo database of 2,000
members (``branchdesk demo``: suitability against each community's risk levels, members'
numbers for the privacy check), its output written to a file. Figures are medians of
``--runs`` runs, each with the load average at its start; the CPU time of the process and its
children is printed too (the machine may be shared).

The latency figure checks 200-character messages one at a time in one process, each message
different (the last characters vary), after a warm-up: median and p99 of wall-clock and
thread CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from compliance.corpus_metrics import load_corpus  # noqa: E402
from compliance.ordinary_messages import ordinary_messages  # noqa: E402

NAMES = ["王经理", "李顾问", "王姐", "刘总", "陈老师", "赵阿姨", "小周", "孙先生", "吴女士", "郑哥",
         "Amy", "Tom"]
# The demo branch's communities (branchdesk demo), and lines with no community.
COMMUNITIES = ["价值投资交流群", "新手成长营", "解套互助群", "银发理财沙龙", None, None]
SHORT = ["收到", "好的", "谢谢", "👍", "收到，谢谢", "好的老师", "[图片]", "[表情]", "早上好", "辛苦了",
         "明白",
         "OK", "谢谢分享", "学到了", "已报名"]
MESSAGE_200 = (
    "各位老铁早上好☀️今天给大家分享一下最近的市场观点：沪指涨0.52%，创业板指涨1.21%，两市成交额1.02万亿。"
    "我们代销的XX纯债基金近一年回报4.2%，回撤很小，适合稳健型配置。本产品不保本，不保证收益，"
    "过往业绩不代表未来表现，请根据自身风险承受能力谨慎选择。周六下午两点营业部三楼举办沙龙，"
    "名额30个，欢迎大家带上家人朋友一起来交流～另外本周五晚上八点还有一场关于基金定投的线上讲座，"
    "欢迎大家准时收看，有问题随时私信我😊"
)[:200]


def _line(rng: random.Random, n: int, text: str, second: int) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(1735689600 + second))
    item = {"id": f"m{n:07d}", "time": stamp, "author": rng.choice(NAMES), "text": text}
    community = rng.choice(COMMUNITIES)
    if community:
        item["community"] = community
    return json.dumps(item, ensure_ascii=False)


def _corpus_texts() -> list[str]:
    return [item["text"] for item in load_corpus()]


def distinct_export(path: Path, target: int, seed: int) -> int:
    rng = random.Random(seed)
    corpus = _corpus_texts()
    ordinary = iter(ordinary_messages(target // 90, seed=seed))
    seen: set[str] = set()
    size = n = second = 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            if rng.random() < 1 / 12:
                # A corpus message, decorated so that it never repeats: an @mention, a name, a
                # time, an emoji.
                text = rng.choice(corpus)
                text = rng.choice([f"@{rng.choice(NAMES)} ", f"{rng.choice(NAMES)}：", ""]) + text
                marks = ["", "😊", "🙏", " 👍", f"（{rng.randint(1, 28)}日）", f" #{rng.randint(1, 9999)}"]
                text += rng.choice(marks)
            else:
                text = next(ordinary)
            if text in seen:
                continue
            seen.add(text)
            second += rng.randint(5, 600)
            line = _line(rng, n, text, second) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    return n


def repeating_export(path: Path, target: int, seed: int) -> tuple[int, int]:
    rng = random.Random(seed + 1)
    corpus = _corpus_texts()
    fresh = iter(ordinary_messages(target // 300, seed=seed + 1))
    pool = SHORT + ordinary_messages(1500, seed=seed + 2) + rng.sample(corpus, 300)
    weights = [1 / (rank + 1) for rank in range(len(pool))]
    texts: set[str] = set()
    size = n = second = 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            text = next(fresh) if rng.random() < 0.25 else rng.choices(pool, weights)[0]
            texts.add(text)
            second += rng.randint(5, 600)
            line = _line(rng, n, text, second) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    return n, len(texts)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _env(workdir: Path) -> dict[str, str]:
    return dict(os.environ, BRANCHDESK_DB=str(workdir / "bench.db"),
                BRANCHDESK_CONFIG=str(workdir / "none.toml"))


def demo_database(workdir: Path) -> None:
    subprocess.run([sys.executable, "-m", "branchdesk", "demo", "--members", "2000", "--seed", "7"],
                   env=_env(workdir), cwd=workdir, check=True, stdout=subprocess.DEVNULL)


def run_check(path: Path, workdir: Path) -> tuple[float, float, float, str]:
    """One whole ``branchdesk check FILE --json`` run: wall seconds, CPU seconds, load
    average at the start, exit code."""
    env = _env(workdir)
    out = workdir / "out.jsonl"
    load = os.getloadavg()[0]
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    with out.open("wb") as fh:
        done = subprocess.run([sys.executable, "-m", "branchdesk", "check", str(path), "--json"],
                              stdout=fh, stderr=subprocess.PIPE, env=env, cwd=workdir, check=False)
    wall = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(f"check failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return wall, _children_cpu() - cpu0, load, f"{sum(1 for _ in out.open(encoding='utf-8')):,} lines out"


def latency(repeats: int) -> tuple[float, float, float, float, float]:
    from branchdesk.compliance import Checker, load_rulepack

    checker = Checker(load_rulepack())
    variants = [MESSAGE_200[:-2] + chr(0x4E00 + i // 97) + chr(0x4E00 + i % 97) for i in range(300 + repeats)]
    for text in variants[:300]:
        checker.check(text)
    wall, cpu = [], []
    for text in variants[300:]:
        w0, c0 = time.perf_counter(), time.thread_time()
        checker.check(text)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - w0)
    wall.sort()
    cpu.sort()
    p99 = int(len(wall) * 0.99) - 1
    return statistics.median(wall), wall[p99], statistics.median(cpu), cpu[p99], os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the exports here and keep them")
    args = parser.parse_args()
    target = int(args.mb * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        distinct, repeating = folder / "distinct.jsonl", folder / "repeating.jsonl"
        demo_database(Path(tmp))
        n_distinct = distinct_export(distinct, target, args.seed)
        n_repeating, n_texts = repeating_export(repeating, target, args.seed)
        rows = []
        for label, path, detail in (
            ("distinct", distinct, f"{n_distinct:,} messages, all distinct"),
            ("repeating", repeating, f"{n_repeating:,} messages, {n_texts:,} distinct texts"),
        ):
            size = path.stat().st_size / 1_000_000
            runs = [run_check(path, Path(tmp)) for _ in range(args.runs)]
            walls = [r[0] for r in runs]
            wall = statistics.median(walls)
            cpu = statistics.median(r[1] for r in runs)
            loads = ", ".join(f"{r[2]:.1f}" for r in runs)
            rows.append((label, size, detail, wall, cpu, loads, runs[0][3]))
        lat = latency(3000)

    print("## Compliance check as a user meets it (issue 14)\n")
    print(f"Command: `python benchmarks/bench_compliance.py --runs {args.runs} --mb {args.mb:g} "
          f"--seed {args.seed}`, which times `branchdesk check FILE.jsonl --json > out.jsonl`\n")
    print(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}\n")
    print("| export | size | messages | whole process, median | MB/s | CPU time (all processes) "
          "| load average at each run's start | target |")
    print("|---|---:|---|---:|---:|---:|---|---|")
    targets = {"distinct": "≥ 3 MB/s", "repeating": "≥ 8 MB/s"}
    for label, size, detail, wall, cpu, loads, out in rows:
        print(f"| {label} | {size:.1f} MB | {detail} ({out}) | {wall:.2f} s | **{size / wall:.1f}** "
              f"| {cpu:.2f} s | {loads} | {targets[label]} |")
    median, p99, cpu_median, cpu_p99, load = lat
    print(f"\nOne 200-character message, each one distinct (3,000 checks after a warm-up, load {load:.1f}): "
          f"median {median * 1e6:.0f} µs, **p99 {p99 * 1e6:.0f} µs** (target < 1 ms); thread CPU time "
          f"median {cpu_median * 1e6:.0f} µs, p99 {cpu_p99 * 1e6:.0f} µs.")


if __name__ == "__main__":
    main()
