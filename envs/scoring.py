"""Answer scores as the memory-QA literature computes them (LoCoMo, Mem0, Memory-R1).

Answers are normalised first: lower-case, punctuation removed, the articles
``a``/``an``/``the`` dropped, whitespace collapsed.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter

__all__ = ["normalize_answer", "token_f1", "exact_match", "bleu1"]

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)


def normalize_answer(text: object) -> str:
    text = str(text).lower().translate(_PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def token_f1(prediction: object, gold: object) -> float:
    """Harmonic mean of token precision and recall after normalisation."""
    p, g = normalize_answer(prediction).split(), normalize_answer(gold).split()
    common = sum((Counter(p) & Counter(g)).values())
    if not p or not g or not common:
        return float(p == g == [])
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def exact_match(prediction: object, gold: object) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def bleu1(prediction: object, gold: object) -> float:
    """Unigram BLEU with the brevity penalty (one reference)."""
    p, g = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not p or not g:
        return float(p == g == [])
    clipped = sum((Counter(p) & Counter(g)).values())
    precision = clipped / len(p)
    brevity = 1.0 if len(p) > len(g) else math.exp(1 - len(g) / len(p))
    return brevity * precision
