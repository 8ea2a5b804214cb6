"""Index terms: the one tokenizer BM25, word coverage, the highlight and abstention share.

Example:
    >>> tokenize("When does Georgia join NATO's Article 5?")
    ['georgia', 'join', 'nato', 'articl', '5']
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Words of two or more letters or digits, as bm25s and scikit-learn count them, plus
#: single digits ("G7", "Article 5") that carry meaning in declarations.
_WORD = re.compile(r"\w\w+|\d")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from qa.text.bm25s_import import bm25s

    # NLTK's 179 English stopwords: unlike Lucene's 33 they include the question words
    # (what, when, which, did...), which questions are full of and paragraphs rarely hold.
    return frozenset(bm25s().stopwords.STOPWORDS_EN_PLUS)


def tokenize(text: str) -> list[str]:
    """Lower-cased, stopword-free, Snowball-stemmed words of ``text``, in order."""
    stop = _stopwords()
    words = [w for w in _WORD.findall(text.lower()) if w not in stop]
    return _stemmer().stemWords(words) if words else []


def word_pairs(tokens: list[str]) -> list[str]:
    """Each two neighbouring tokens (:func:`tokenize`'s, stopwords already gone) as one term,
    "global partnership", "partnership educ" for "the Global Partnership for Education"."""
    return [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
