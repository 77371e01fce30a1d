"""Fit the second reader (model.py) on the labelled corpus, calibrate it, write ``model.json``.

    pip install -e ".[dev]"        # scikit-learn, only for this
    python -m branchdesk.compliance.model_train [--report] [--holdout SPLIT ...]

Training data: every labelled ``tests/compliance/*.jsonl`` file (the corpus, the blind rounds,
the probes) and the ordinary messages of ``tests/compliance/model_negatives.py`` (chatter,
notices, lessons, news, English: hard negatives). Privacy findings come from numbers and
suitability findings that depend on a community's roster come from its risk levels, not from
wording: such items teach no category (a privacy item still teaches that its wording is no
promise or tip). The features are exactly the ones ``Model`` computes at check time (``grams``
on the compact text, present or not, scaled by ``length_scale``).

One logistic regression per category (multi-label). Its thresholds are chosen on held-out
readings: the corpus is cut into groups by split (the negatives into five groups), each group
is read by a model fitted on the others, and on those out-of-fold readings

* ``block`` is the lowest threshold at which at most BLOCK_RATE of honest messages would be
  blocked in that category (and at least MIN_BLOCK);
* ``warn`` the lowest at which at most WARN_RATE of honest messages would be flagged;
* ``ease`` the reading below which at most EASE_MISS of the category's violations fall.

The shipped weights are then fitted on everything. ``--report`` prints the out-of-fold figures
(what the model alone does on groups it did not see); ``--holdout`` leaves splits out entirely
and reports on them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from branchdesk.compliance.model import PASS, Model, grams, length_scale
from branchdesk.compliance.textnorm import fold, strip_filler

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT / "tests" / "compliance"
OUTPUT = Path(__file__).with_name("model.json")
CLASSES = ["guarantee", "exaggeration", "unlicensed", "insider", "disclosure", "suitability"]
C = float(__import__("os").environ.get("BD_MODEL_C", "20"))  # inverse regularisation
MIN_DOCS = 2  # an n-gram seen in one message only is noise
SCALE = 10_000  # weights stored as integers of 1/SCALE
BLOCK_RATE = 0.0015
SUPPORT_RATE = 0.002
WARN_RATE = 0.012
EASE_MISS = 0.1
MIN_BLOCK = 0.9  # the model blocks on its own only when it is sure (else it warns, or needs a rule's cue)
MIN_WARN = 0.5
NEGATIVE_GROUPS = 5
# Single characters are cheap evidence (本 is in 保本 and in 基本): their columns are scaled
# down, so the regularisation lets them weigh only where pairs do not say enough.
UNIGRAM = float(__import__("os").environ.get("BD_MODEL_UNIGRAM", "0.5"))


def _categories(item: dict) -> list[str]:
    found = item.get("categories") or item.get("category")
    if not found:
        return []
    return [str(found)] if isinstance(found, str) else [str(c) for c in found]


def _expect(item: dict) -> str:
    expect = str(item.get("expect") or "")
    if expect in ("block", "warn", "pass"):
        return expect
    cats = _categories(item)
    return "pass" if not cats else ("warn" if cats == ["disclosure"] else "block")


def load_items() -> list[dict]:
    """Training items: ``text``, ``labels`` (categories the model learns), ``honest``,
    ``group`` (for out-of-fold calibration)."""
    raw: list[dict] = []
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    item = json.loads(line)
                    item.setdefault("split", path.stem)
                    raw.append(item)
    sys.path.insert(0, str(CORPUS_DIR.parent))
    from compliance.model_negatives import negatives  # tests/compliance/model_negatives.py

    for n, text in enumerate(negatives()):
        raw.append({"text": text, "expect": "pass", "split": f"negatives{n % NEGATIVE_GROUPS}"})
    items = []
    for item in raw:
        cats = _categories(item)
        if item.get("context") and any(c in ("privacy", "suitability") for c in cats):
            continue  # the label comes from the roster or the database, not from the words
        labels = [c for c in cats if c in CLASSES]
        expect = _expect(item)
        # "unblockable": a message that must not be blocked (honest, or only missing a risk
        # warning, which is a warning): the blocking thresholds are set on these.
        items.append({"text": item["text"], "labels": labels, "honest": expect == "pass",
                      "unblockable": expect != "block", "group": item.get("split", "?")})
    return items


def support_cues(items: list[dict]) -> list[set[str]]:
    """Per item, the categories of the support rules' cues (the rule pack decides)."""
    from branchdesk.compliance import Checker, load_rulepack

    pack = load_rulepack()
    checker = Checker(pack, disabled=[r.id for r in pack.rules if not r.support])
    return [{str(c) for c in checker.support_cues(i["text"])} for i in items]


def features(texts: list[str]):
    from scipy.sparse import diags
    from sklearn.feature_extraction.text import CountVectorizer

    norms = [fold(t) for t in texts]
    compacts = [strip_filler(n) for n in norms]
    vectorizer = CountVectorizer(analyzer=lambda pair: grams(*pair), binary=True, min_df=MIN_DOCS)
    x = vectorizer.fit_transform(list(zip(compacts, norms, strict=True))).astype(float)
    return vectorizer, diags([length_scale(c) for c in compacts]) @ x, compacts


def fit(items: list[dict]) -> dict:
    """The exported model (weights for every class) fitted on ``items``."""
    from scipy.sparse import diags
    from sklearn.linear_model import LogisticRegression

    vectorizer, x, _ = features([i["text"] for i in items])
    vocabulary = vectorizer.get_feature_names_out()
    column_scale = [UNIGRAM if len(g) == 1 else 1.0 for g in vocabulary]
    x = x @ diags(column_scale)
    coefs, bias = [], []
    for cls in CLASSES:
        y = [cls in i["labels"] for i in items]
        model = LogisticRegression(C=C, max_iter=5_000, class_weight="balanced")
        model.fit(x, y)
        coefs.append(model.coef_[0])
        bias.append(float(model.intercept_[0]))
    weights = {}
    for column, gram in enumerate(vocabulary):
        ints = [round(float(coef[column]) * column_scale[column] * SCALE) for coef in coefs]
        if any(ints):
            weights[str(gram)] = ints
    return {"classes": CLASSES, "bias": [round(b, 6) for b in bias], "scale": SCALE, "weights": weights}


def out_of_fold(items: list[dict]) -> list[dict[str, float]]:
    """Every item's reading by a model fitted without its group."""
    groups = sorted({i["group"] for i in items})
    readings: list[dict[str, float] | None] = [None] * len(items)
    # Small splits are read together (a group per ~8% of the corpus): fewer fits, same idea.
    buckets: list[list[str]] = []
    size = 0
    for group in groups:
        count = sum(1 for i in items if i["group"] == group)
        if not buckets or size + count > len(items) / 12:
            buckets.append([])
            size = 0
        buckets[-1].append(group)
        size += count
    for n, bucket in enumerate(buckets, 1):
        held = set(bucket)
        train = [i for i in items if i["group"] not in held]
        model = Model.from_json(json.dumps({"version": "oof", **fit(train)}))
        for k, item in enumerate(items):
            if item["group"] in held:
                readings[k] = _read(model, item["text"])
        print(f"  fold {n}/{len(buckets)}: {len(items) - len(train)} held out", file=sys.stderr)
    return [r or {} for r in readings]


def _read(model: Model, text: str) -> dict[str, float]:
    norm = fold(text)
    return model.read(strip_filler(norm), norm).probabilities


def _threshold(scores: list[float], rate: float) -> float:
    """The lowest threshold at which at most ``rate`` of ``scores`` reach it."""
    ranked = sorted(scores, reverse=True)
    allowed = int(rate * len(ranked))
    return ranked[allowed] + 1e-6 if allowed < len(ranked) else 0.0


def calibrate(
    items: list[dict], readings: list[dict[str, float]], cues: list[set[str]]
) -> dict[str, dict[str, float]]:
    honest = [(r, c) for i, r, c in zip(items, readings, cues, strict=True) if i["honest"]]
    unblockable = [(r, c) for i, r, c in zip(items, readings, cues, strict=True) if i["unblockable"]]
    out = {}
    for cls in CLASSES:
        scores = [r[cls] for r, _ in honest]
        warn = max(MIN_WARN, _threshold(scores, WARN_RATE))
        block = max(MIN_BLOCK, warn, _threshold([r[cls] for r, _ in unblockable], BLOCK_RATE))
        # Messages with a cue of the category but a low reading count as below it.
        cued = [r[cls] if cls in c else 0.0 for r, c in unblockable]
        support = min(block, max(warn, _threshold(cued, SUPPORT_RATE)))
        positives = sorted(r[cls] for i, r in zip(items, readings, strict=True) if cls in i["labels"])
        ease = positives[int(EASE_MISS * len(positives))] if positives else 0.05
        out[cls] = {"warn": round(warn, 4), "support": round(support, 4), "block": round(block, 4),
                    "ease": round(min(ease, warn), 4)}
    return out


def _blocks(r: dict[str, float], c: set[str], cls: str, t: dict) -> bool:
    return r[cls] >= t[cls]["block"] or (cls in c and r[cls] >= t[cls]["support"])


def report(
    items: list[dict], readings: list[dict[str, float]], cues: list[set[str]], thresholds: dict
) -> None:
    rows = list(zip(items, readings, cues, strict=True))
    honest = [(r, c) for i, r, c in rows if i["honest"]]
    print(f"out-of-fold readings of {len(items)} messages ({len(honest)} honest):")
    blocking = [cls for cls in CLASSES if cls != "disclosure"]
    any_block = sum(any(_blocks(r, c, cls, thresholds) for cls in blocking) for r, c in honest)
    any_warn = sum(any(r[cls] >= thresholds[cls]["warn"] for cls in CLASSES) for r, _ in honest)
    print(f"  honest messages the model would block {any_block / len(honest):.1%}, "
          f"flag {any_warn / len(honest):.1%}")
    for cls in CLASSES:
        pos = [(r, c) for i, r, c in rows if cls in i["labels"]]
        t = thresholds[cls]
        alone = sum(r[cls] >= t["block"] for r, _ in pos) / max(1, len(pos))
        blocked = sum(_blocks(r, c, cls, thresholds) for r, c in pos) / max(1, len(pos))
        flagged = sum(r[cls] >= t["warn"] for r, _ in pos) / max(1, len(pos))
        print(f"  {cls:<13} {len(pos):>4} violations: blocked alone {alone:.1%}, with support {blocked:.1%}, "
              f"flagged {flagged:.1%}  (warn {t['warn']:.3f}, support {t['support']:.3f}, "
              f"block {t['block']:.3f}, ease {t['ease']:.3f})")


def export(items: list[dict], fitted: dict, thresholds: dict) -> dict:
    digest = hashlib.sha256()
    for item in items:
        digest.update(f"{','.join(item['labels']) or PASS}\t{item['text']}\n".encode())
    # The features are part of what the weights mean: a change to them is a new version.
    features = f"grams=chars+pairs+words digits=0 unigram={UNIGRAM} scale=1/sqrt(len) ovr"
    digest.update(f"C={C} min_df={MIN_DOCS} {features}".encode())
    digest.update(json.dumps(thresholds, sort_keys=True).encode())
    return {"version": digest.hexdigest()[:10], **fitted, "thresholds": thresholds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", nargs="*", default=[], help="splits to leave out and report on")
    parser.add_argument("--report", action="store_true", help="print the out-of-fold figures")
    args = parser.parse_args()
    items = load_items()
    held = [i for i in items if i["group"] in args.holdout]
    train = [i for i in items if i["group"] not in args.holdout]
    readings = out_of_fold(train)
    cues = support_cues(train)
    thresholds = calibrate(train, readings, cues)
    if args.report or held:
        report(train, readings, cues, thresholds)
    fitted = fit(train)
    if held:
        reader = Model.from_json(json.dumps({"version": "held", **fitted}))
        print(f"held out {len(held)} messages:")
        report(held, [_read(reader, i["text"]) for i in held], support_cues(held), thresholds)
        return
    exported = export(train, fitted, thresholds)
    OUTPUT.write_text(json.dumps(exported, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{OUTPUT.name}: {len(train)} messages, version {json.loads(OUTPUT.read_text())['version']}")


if __name__ == "__main__":
    main()
