"""Text normalisation shared by every component: words, stopwords, stems, keywords.

Keyword search (BM25 queries), the consensus guard's comparison of facts, the
manager's grounding check and the linked notes' keywords all split text the same
way, so a word that counts in one place counts in the others. No language model
and one maintained stemmer (Snowball's English algorithm, ``snowballstemmer``, which
uses PyStemmer's C code when that is installed): these run on every write and every
query.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from functools import lru_cache

import snowballstemmer
from text_to_num import alpha2digit

__all__ = ["STOPWORDS", "words", "content_words", "with_digits", "stem", "stems", "keywords_of",
           "approx_tokens", "content_stems", "grounded_share", "invented_objects"]

# Letters and digits (any script), so "café" and "Straße" stay whole words.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# A keyword may join words with hyphens or apostrophes: "coffee-machine", "men's".
_KEYWORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*", re.UNICODE)

# English function words: no signal for retrieval or comparison, yet the most frequent.
STOPWORDS = frozenset("""
a about after all also am an and any are as at be been before being but by can could did do
does doing for from had has have having he her here hers him his how i if in into is it its
just me more most my no nor not now of on or our ours really she so some such than that the
their them then there these they this those to too up very was we were what when where which
while who whom why will with would you your yours
""".split())


def words(text: str) -> list[str]:
    """The lower-cased words of ``text``, in order (letters and digits of any script)."""
    # Split first, then lower-case: "İ".lower() adds a combining dot that would split words.
    return [w.lower() for w in _WORD.findall(text)]


def content_words(text: str, *, min_len: int = 1) -> list[str]:
    """``words`` without stopwords and without words shorter than ``min_len``."""
    return [w for w in words(text) if len(w) >= min_len and w not in STOPWORDS]


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def with_digits(text: str) -> str:
    """``text`` with English numbers in words written as digits ("seven thousand three
    hundred" -> "7300", "two siblings" -> "2 siblings", "the second" -> "the 2nd") and
    thousands commas dropped ("6,500" -> "6500"), so a number compares with itself
    however it was written. A lone "one" stays a word ("one of my friends"). English
    only: in other languages' words English text has false friends ("once", "elf")."""
    return _THOUSANDS.sub("", alpha2digit(text, "en", threshold=1.5))


_STEMMER = snowballstemmer.stemmer("english")
# The pure-Python stemmer keeps the word it works on in the object: one thread at a time
# (the agent's writer thread and the caller's both stem).
_STEMMER_LOCK = threading.Lock()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem: "lives"/"live", "moved"/"move", "married"/"marri".

    Snowball rather than a cut after four letters, which also merged "chance" with
    "change" and "child" with "chill": on the 54 human-written event facts of LoCoMo
    conversations 26 and 30, checked against their sessions' turns, it grounds as many
    (39 vs 38 at the manager's 60% threshold) and merges fewer different words.
    """
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


def stems(text: str, *, min_len: int = 1) -> list[str]:
    """The distinct stems of the content words of ``text``, first seen first."""
    return list(dict.fromkeys(stem(w) for w in content_words(text, min_len=min_len)))


def keywords_of(text: str, n: int = 5) -> list[str]:
    """The ``n`` most frequent content words of ``text`` that start with a letter and have
    two or more characters (ties: first seen first)."""
    candidates = [k for m in _KEYWORD.findall(text) if len(k := m.lower()) >= 2
                  and k[0].isalpha() and k not in STOPWORDS]
    return [w for w, _ in Counter(candidates).most_common(n)]


def approx_tokens(text: str) -> int:
    """A tokenizer-free estimate of a text's length in tokens: about four characters each."""
    return math.ceil(len(text) / 4)


def content_stems(text: str) -> set[str]:
    """The stems of the content words of three letters or more: what grounding checks
    compare ("likes"/"like", "switched"/"switching")."""
    return set(stems(text, min_len=3))


def grounded_share(text: str, source: str) -> float:
    """The share of ``text``'s content stems that occur in ``source``: how much of what a
    model wrote comes from what it was shown. A text with no content word (a bare
    timestamp, a number) has 0.0."""
    mine = content_stems(text)
    if not mine:
        return 0.0
    return len(mine & content_stems(source)) / len(mine)


_NUMBERED = re.compile(r"\b([^\W\d_]+) (\d+)\b")
# "within 3 steps", "at most 2 tries": counts, not objects.
_COUNTED = frozenset("""step steps time times try tries attempt attempts minute minutes hour
hours day days week weeks turn turns action actions move moves most least than within
under over about""".split())


def invented_objects(text: str, source: str) -> list[str]:
    """Numbered objects ("oven 2", "cabinet 3") that ``text`` names and ``source`` never
    does: the details a small model makes up when it writes a lesson."""
    known = {m.group(0).lower() for m in _NUMBERED.finditer(source)}
    return [m.group(0) for m in _NUMBERED.finditer(text)
            if m.group(0).lower() not in known and m.group(1).lower() not in _COUNTED]
