"""Fit the second reader (model.py) on the labelled corpus and write ``model.json``.

    pip install -e ".[dev]"        # scikit-learn, only for this
    python -m branchdesk.compliance.model_train [--holdout SPLIT ...]

The corpus is every ``tests/compliance/*.jsonl`` file. Privacy and suitability items are left
out: those findings come from numbers and from the target community, not from wording. The
features are exactly the ones ``Model`` computes at check time (``grams`` on the compact text,
present or not, scaled by ``length_scale``), so the shipped weights read messages as they were
fitted. ``--holdout`` leaves splits out and prints how the model alone does on them, which is
how its effect on unseen wording was measured before shipping.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from branchdesk.compliance.model import PASS, grams, length_scale
from branchdesk.compliance.textnorm import fold, strip_filler

CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "compliance"
OUTPUT = Path(__file__).with_name("model.json")
LEFT_OUT = {"privacy", "suitability"}
C = 30.0  # inverse regularisation; 10–100 gave the same held-out recall, 3 lost ~4 points
MIN_DOCS = 2  # an n-gram seen in one message only is noise
SCALE = 10_000  # weights stored as integers of 1/SCALE


def load_items() -> list[dict]:
    items = []
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            items.extend(json.loads(line) for line in fh if line.strip())
    return [i for i in items if i["category"] not in LEFT_OUT]


def label_of(item: dict) -> str:
    return PASS if item["expect"] == "pass" else item["category"]


def fit(items: list[dict]):
    from scipy.sparse import diags
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    compacts = [strip_filler(fold(i["text"])) for i in items]
    vectorizer = CountVectorizer(analyzer=grams, binary=True, min_df=MIN_DOCS)
    x = diags([length_scale(c) for c in compacts]) @ vectorizer.fit_transform(compacts).astype(float)
    model = LogisticRegression(C=C, max_iter=10_000, class_weight="balanced")
    model.fit(x, [label_of(i) for i in items])
    return vectorizer, model


def export(vectorizer, model, items: list[dict]) -> dict:
    vocabulary = vectorizer.get_feature_names_out()
    weights = {}
    for column, gram in enumerate(vocabulary):
        ints = [round(float(w) * SCALE) for w in model.coef_[:, column]]
        if any(ints):
            weights[str(gram)] = ints
    digest = hashlib.sha256()
    for item in items:
        digest.update(f"{label_of(item)}\t{item['text']}\n".encode())
    # The features are part of what the weights mean: a change to them is a new version.
    digest.update(f"C={C} min_df={MIN_DOCS} grams=chars+pairs scale=1/sqrt(len)".encode())
    return {
        "version": digest.hexdigest()[:10],
        "classes": [str(c) for c in model.classes_],
        "bias": [round(float(b), 6) for b in model.intercept_],
        "scale": SCALE,
        "weights": weights,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", nargs="*", default=[], help="splits to leave out and report on")
    args = parser.parse_args()
    items = load_items()
    held = [i for i in items if i["split"] in args.holdout]
    train = [i for i in items if i["split"] not in args.holdout]
    vectorizer, model = fit(train)
    if held:
        from branchdesk.compliance.model import Model

        reader = Model.from_json(json.dumps(export(vectorizer, model, train)))
        right = sum(reader.read(strip_filler(fold(i["text"]))).label == label_of(i) for i in held)
        print(f"held out {len(held)} messages: the model alone labels {right / len(held):.1%} right")
        return
    OUTPUT.write_text(json.dumps(export(vectorizer, model, train), ensure_ascii=False,
                                  separators=(",", ":")), encoding="utf-8")
    print(f"{OUTPUT.name}: {len(train)} messages, version {json.loads(OUTPUT.read_text())['version']}")


if __name__ == "__main__":
    main()
