"""The second reader: a linear model over character n-grams of the whole message.

Phrase rules catch the wordings someone wrote down; staff keep finding new ones ("三个月回本，
之后都是纯赚"). The model was fitted on the labelled corpus and on ordinary messages
(``model_train.py``, scikit-learn, offline) and ships as plain weights, so reading a message
here is pure Python: the distinct characters and character pairs of the compact text, each
weighing for or against every category, scaled by the text's length.

It is multi-label: one logistic reading per category (a message can promise returns *and*
exaggerate them), each with its own thresholds chosen on held-out data — messages the
weights being judged were not fitted on (see ``model_train.calibrate``):

* ``warn``: from here a reading is worth a reviewer's look (a warning);
* ``support``: from here it blocks when a rule of the same category found a cue in the
  message (``support`` rules);
* ``block``: from here the reading blocks on its own;
* ``ease``: below this the model is sure the message is not a violation of the category
  (a rule's block in a sentence framed as a warning then becomes a warning).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import repeat

from branchdesk.compliance.textnorm import fold, strip_filler

PASS = "pass"
_MEMO_SIZE = 50_000  # readings remembered (a few MB: only texts up to _MEMO_TEXT are kept)
_MEMO_TEXT = 400
# A sentence ends at these (folded text: NFKC made full-width ！？； ASCII).
_SENTENCE = re.compile(r"[^。!?;\n…]+")
_DIGIT = re.compile(r"[0-9]")
_WORD = re.compile(r"[a-z]{2,}")


def grams(compact: str, norm: str | None = None) -> set[str]:
    """The features of a text (training uses this too): the distinct characters and character
    pairs of its compact form, every digit read as 0 (年化8% and 年化12% share 0%), and, from
    the folded text with its spaces, each English word once ("#guaranteed": letters and letter
    pairs say little about English).

    Held-out recall was the same with character triples added; pairs alone keep the model
    small and a chat export fast to read."""
    compact = _DIGIT.sub("0", compact)
    found = set(compact)
    found.update(map(str.__add__, compact, compact[1:]))  # the loop stays in C
    if norm is not None and _LATIN.search(compact):
        found.update("#" + w for w in _WORD.findall(norm))
    return found


_LATIN = re.compile(r"[a-z]{2}")


def length_scale(compact: str) -> float:
    """Every present n-gram counts 1/sqrt(length): long posts do not win by piling up words."""
    return 1.0 / math.sqrt(max(1, len(compact)))


@dataclass(frozen=True, slots=True)
class Thresholds:
    warn: float
    block: float
    ease: float
    support: float = 1.0  # from here, with a support rule's cue of the category, it blocks


@dataclass(frozen=True, slots=True)
class Reading:
    """The model's view of one message: every category's probability."""

    probabilities: dict[str, float]

    def of(self, label: str) -> float:
        return self.probabilities.get(label, 0.0)


    @property
    def label(self) -> str:
        """The most likely category (``pass`` when none reaches one half)."""
        best = max(self.probabilities, key=self.probabilities.__getitem__, default=PASS)
        return best if self.probabilities.get(best, 0.0) >= 0.5 else PASS

    @property
    def probability(self) -> float:
        return max(self.probabilities.values(), default=0.0)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@cache
def below_score(floor: float) -> float | None:
    """A score under which ``_sigmoid`` is below ``floor`` whatever the rounding: a hair
    under the exact logit, checked (``_sigmoid`` never decreases, so every score under it
    has a probability under ``floor`` too); None when no such score is worth having."""
    if not 0.0 < floor < 1.0:
        return None
    limit = math.log(floor / (1.0 - floor)) - 1e-6
    return limit if _sigmoid(limit) < floor else None


# Every n-gram's integer weights for all classes packed into one Python integer, a lane of
# _LANE bits per class: summing a message's n-grams is then one sum() in C, exact.
_LANE = 48
_HALF = 1 << (_LANE - 1)
_MASK = (1 << _LANE) - 1
_ZEROS = repeat(0)


def _pack(ints: list[int]) -> int:
    return sum(w << (_LANE * k) for k, w in enumerate(ints))


def _unpack(total: int, count: int) -> list[int]:
    """The class sums out of a packed sum (lanes may be negative: two's complement carries)."""
    out = []
    for _ in range(count):
        lane = ((total + _HALF) & _MASK) - _HALF
        out.append(lane)
        total = (total - lane) >> _LANE
    return out


class Model:
    def __init__(
        self,
        version: str,
        classes: list[str],
        bias: list[float],
        weights: dict[str, list[int]],
        scale: int,
        thresholds: dict[str, Thresholds] | None = None,
    ) -> None:
        """``weights``: per n-gram, an integer weight per class in units of 1/``scale``."""
        self.version = version
        self.classes = classes
        self.bias = bias
        self.scale = scale
        self._ints = weights
        self._packed = {g: _pack(ws) for g, ws in weights.items()}
        self.thresholds = thresholds or {c: Thresholds(0.5, 0.9, 0.05, 0.7) for c in classes}
        self._memo: dict[str, Reading] = {}

    @classmethod
    def from_json(cls, text: str) -> Model:
        data = json.loads(text)
        scale = data["scale"]  # weights are stored as integers to keep the file small
        weights = data["weights"]
        thresholds = {
            c: Thresholds(
                float(t["warn"]), float(t["block"]), float(t["ease"]), float(t.get("support", t["block"]))
            )
            for c, t in data.get("thresholds", {}).items()
        }
        return cls(data["version"], data["classes"], data["bias"], weights, scale, thresholds or None)


    def read(self, compact: str, norm: str | None = None) -> Reading:
        """The reading of a text given as its compact form and (for English words) its folded
        form; without ``norm`` the compact text stands for both."""
        if norm is None:
            norm = compact
        # A chat export repeats itself across batches (收到, 好的, forwarded notices): each text
        # is read once. The reading depends on the text alone, so the memo is always right.
        reading = self._memo.get(norm)
        if reading is None:
            reading = self._reading(self._total(compact, norm), compact)
            self._remember(norm, reading)
        return reading

    def read_pieces(
        self, compact: str, norm: str, compact_spans: list[tuple[int, int]], norm_spans: list[tuple[int, int]]
    ) -> list[Reading]:
        """Readings of pieces of one text (its sentences), given by their compact and folded
        spans: the same as reading each piece alone, with the character pairs made once for
        the whole text (``compact[a:b]`` is the piece's compact form: a sentence starts and
        ends at punctuation, never inside a kept 1.5 or 3,000)."""
        digits = _DIGIT.sub("0", compact)
        pairs: list[str] | None = None
        out = []
        for (a, b), (s, e) in zip(compact_spans, norm_spans, strict=True):
            piece_norm = norm[s:e]
            reading = self._memo.get(piece_norm)
            if reading is None:
                if pairs is None:
                    pairs = list(map(str.__add__, digits, digits[1:]))
                found = set(digits[a:b])
                found.update(pairs[a : b - 1])
                if _LATIN.search(digits, a, b):
                    found.update("#" + w for w in _WORD.findall(piece_norm))
                reading = self._reading(self._sum(found), compact[a:b])
                self._remember(piece_norm, reading)
            out.append(reading)
        return out

    def read_unless_below(self, compact: str, norm: str, floor: float, labels: list[int]) -> Reading | None:
        """``read(compact, norm)``, or None when the probability of every class in
        ``labels`` (indexes into ``classes``) is below ``floor``: the decision most messages
        need, made on the scores without the sigmoids and the Reading (exact: a score below
        ``below_score(floor)`` has a probability below ``floor``)."""
        reading = self._memo.get(norm)
        if reading is not None:
            return None if all(reading.of(self.classes[k]) < floor for k in labels) else reading
        scores = self._scores(self._total(compact, norm), compact)
        limit = below_score(floor)
        if limit is not None and all(scores[k] < limit for k in labels):
            return None
        reading = Reading(dict(zip(self.classes, map(_sigmoid, scores), strict=True)))
        self._remember(norm, reading)
        return None if all(reading.of(self.classes[k]) < floor for k in labels) else reading

    def _sum(self, found: set[str]) -> int:
        return sum(map(self._packed.get, found, _ZEROS))

    def _total(self, compact: str, norm: str) -> int:
        """``_sum(grams(compact, norm))`` with one set built in one go: the characters and
        pairs, then the English words apart (they start with "#", which compact text never
        holds, so no feature is counted twice or missed)."""
        compact = _DIGIT.sub("0", compact)
        get = self._packed.get
        total = sum(map(get, {*compact, *map(str.__add__, compact, compact[1:])}, _ZEROS))
        if _LATIN.search(compact):
            total += sum(map(get, {"#" + w for w in _WORD.findall(norm)}, _ZEROS))
        return total

    def _scores(self, total: int, compact: str) -> list[float]:
        if not total:
            return list(self.bias)
        scale = length_scale(compact) / self.scale
        sums = _unpack(total, len(self.classes))
        return [b + scale * s for b, s in zip(self.bias, sums, strict=True)]

    def _reading(self, total: int, compact: str) -> Reading:
        return Reading(dict(zip(self.classes, map(_sigmoid, self._scores(total, compact)), strict=True)))

    def _remember(self, key: str, reading: Reading) -> None:
        if len(key) <= _MEMO_TEXT:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = reading

    def telling_sentence(self, text: str, label: str) -> tuple[int, int]:
        """The span of the sentence of ``text`` whose words weigh most for ``label``: where a
        finding of the model points."""
        k = self.classes.index(label)
        best, best_span = -math.inf, (0, len(text))
        for start, end in sentence_spans(text):
            norm = fold(text[start:end])
            weight = sum(w[k] for g in grams(strip_filler(norm), norm) if (w := self._ints.get(g)))
            if weight > best:
                best, best_span = weight, (start, end)
        return best_span


def sentence_spans(text: str, norm: str | None = None) -> list[tuple[int, int]]:
    """The sentences of ``text`` as spans without surrounding blanks (empty ones left out);
    ``norm`` is its folded form when at hand."""
    spans = []
    for m in _SENTENCE.finditer(fold(text) if norm is None else norm):  # folding keeps offsets
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
