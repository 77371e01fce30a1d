"""The second reader: a linear model over character n-grams of the whole message.

Phrase rules catch the wordings someone wrote down; staff keep finding new ones ("三个月回本，
之后都是纯赚"). The model was fitted on the labelled corpus (``tools/train_compliance_model.py``,
scikit-learn, offline) and ships as plain weights, so reading a message here is pure Python:
the distinct characters and character pairs of the compact text, each weighing for or against every
class, scaled by the text's length, then a softmax.

The engine uses it two ways (see ``Checker._second_reading``): a message the model reads as
a violation the rules missed gets a finding of that category on its most telling sentence, and
a rule's block on a message the model confidently reads as harmless (a warning quoting the
phrase, a scam explained) becomes a warning for the reviewer instead.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from branchdesk.compliance.textnorm import fold, strip_filler

PASS = "pass"
_MEMO_SIZE = 20_000  # readings remembered (a few MB: only texts up to _MEMO_TEXT are kept)
_MEMO_TEXT = 1_000
# A sentence ends at these (folded text: NFKC made full-width ！？； ASCII).
_SENTENCE = re.compile(r"[^。!?;\n…]+")


def grams(compact: str) -> set[str]:
    """The distinct characters and character pairs of a compact text (training uses this too).

    Held-out recall was the same with triples added (and fell by four points without single
    characters); pairs alone keep the model small and a chat export fast to read."""
    found = set(compact)
    found.update(map(str.__add__, compact, compact[1:]))  # the loop stays in C
    return found


def length_scale(compact: str) -> float:
    """Every present n-gram counts 1/sqrt(length): long posts do not win by piling up words."""
    return 1.0 / math.sqrt(max(1, len(compact)))


@dataclass(frozen=True, slots=True)
class Reading:
    """The model's view of one message: the most likely class and every class's probability."""

    label: str
    probability: float
    probabilities: dict[str, float]

    def of(self, label: str) -> float:
        return self.probabilities.get(label, 0.0)


class Model:
    def __init__(self, version: str, classes: list[str], bias: list[float],
                 weights: dict[str, list[float]]) -> None:
        self.version = version
        self.classes = classes
        self.bias = bias
        self.weights = weights
        self._memo: dict[str, Reading] = {}

    @classmethod
    def from_json(cls, text: str) -> Model:
        data = json.loads(text)
        scale = data["scale"]  # weights are stored as integers to keep the file small
        weights = {g: [w / scale for w in ws] for g, ws in data["weights"].items()}
        return cls(data["version"], data["classes"], data["bias"], weights)

    def _scores(self, compact: str) -> list[float]:
        hits = list(filter(None, map(self.weights.get, grams(compact))))
        scale = length_scale(compact)
        if not hits:
            return list(self.bias)
        columns = zip(*hits, strict=True)  # per class, the weights of the present n-grams
        return [b + scale * sum(column) for b, column in zip(self.bias, columns, strict=True)]

    def read(self, compact: str) -> Reading:
        # A chat export repeats itself across batches (收到, 好的, forwarded notices): each text
        # is read once. The reading depends on the text alone, so the memo is always right.
        reading = self._memo.get(compact)
        if reading is None:
            reading = self._read(compact)
            if len(compact) <= _MEMO_TEXT:
                if len(self._memo) >= _MEMO_SIZE:
                    self._memo.clear()
                self._memo[compact] = reading
        return reading

    def _read(self, compact: str) -> Reading:
        scores = self._scores(compact)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        probabilities = {label: e / total for label, e in zip(self.classes, exps, strict=True)}
        label = max(probabilities, key=probabilities.__getitem__)
        return Reading(label, probabilities[label], probabilities)

    def telling_sentence(self, text: str, label: str) -> tuple[int, int]:
        """The span of the sentence of ``text`` whose words weigh most for ``label`` against a
        harmless reading: where a finding of the model points."""
        k, harmless = self.classes.index(label), self.classes.index(PASS)
        best, best_span = -math.inf, (0, len(text))
        for start, end in sentence_spans(text):
            compact = strip_filler(fold(text[start:end]))
            weight = sum(w[k] - w[harmless] for g in grams(compact) if (w := self.weights.get(g)))
            if weight > best:
                best, best_span = weight, (start, end)
        return best_span


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of ``text`` as spans without surrounding blanks (empty ones left out)."""
    spans = []
    for m in _SENTENCE.finditer(fold(text)):  # folding keeps offsets and makes ！？ ASCII
        start, end = m.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


@cache
def shipped_model() -> Model:
    text = (resources.files("branchdesk.compliance") / "model.json").read_text(encoding="utf-8")
    return Model.from_json(text)
