"""Which language a text is in, by its function words, so that a question is answered in its own.

The White House published the Los Angeles Declaration in English, French and Spanish; asked "Who
signed the Los Angeles Declaration and where?", the whole ../shared library quoted the French
copy first. A text is guessed to be in the language whose stopwords it uses most (bm25s's
lists, the NLTK ones): at least :data:`MIN_HITS` of them and :data:`MARGIN` times as many as any
other language's, or no language at all. Questions are short, so many get no guess ("Georgia",
"space junk") and then nothing changes; of the 605 questions of eval/ 414 are guessed English
and none anything else. A declaration is guessed from its first paragraphs (:data:`SAMPLE`
characters).

Example:
    >>> guess_language("Who signed the Los Angeles Declaration and where?")
    'en'
    >>> guess_language("Georgia") is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from qa.documents import Declaration

#: Fewest stopwords of one language a text must hold to be guessed.
MIN_HITS = 2
#: How many times the next language's count the guessed language's must be.
MARGIN = 1.5
#: Characters of a declaration's opening paragraphs read to guess its language.
SAMPLE = 2000
_WORD = re.compile(r"[^\W\d_]+")


#: The languages told apart: each code and the name of its list in ``bm25s.stopwords``.
_LISTS = {
    "en": "STOPWORDS_EN_PLUS", "fr": "STOPWORDS_FRENCH", "es": "STOPWORDS_SPANISH", "pt": "STOPWORDS_PORTUGUESE",
    "de": "STOPWORDS_GERMAN", "it": "STOPWORDS_ITALIAN", "nl": "STOPWORDS_DUTCH", "ru": "STOPWORDS_RUSSIAN",
}


@lru_cache(maxsize=1)
def _languages_of() -> dict[str, tuple[str, ...]]:
    """Each stopword and the languages it is a stopword of."""
    from qa.text.bm25s_import import bm25s

    stopwords = bm25s().stopwords
    table: dict[str, list[str]] = {}
    for code, name in _LISTS.items():
        for word in set(getattr(stopwords, name)):
            table.setdefault(word, []).append(code)
    return {word: tuple(codes) for word, codes in table.items()}


def guess_language(text: str) -> str | None:
    """The language code ("en", "fr", ...) of ``text``, or None when its function words do not tell."""
    table = _languages_of()
    counts = dict.fromkeys(_LISTS, 0)
    for word in _WORD.findall(text.lower()):
        for code in table.get(word, ()):
            counts[code] += 1
    (best, code), (second, _) = sorted(((n, c) for c, n in counts.items()), reverse=True)[:2]
    return code if best >= MIN_HITS and best >= MARGIN * second else None


def declaration_language(decl: Declaration) -> str | None:
    """The language of a declaration, guessed from its opening paragraphs."""
    sample, size = [], 0
    for par in decl.paragraphs:
        sample.append(par.text)
        size += len(par.text)
        if size >= SAMPLE:
            break
    return guess_language(" ".join(sample)[:SAMPLE])


def languages(declarations: Sequence[Declaration], known: Mapping[tuple[str, str], str] | None = None) -> list[str]:
    """Each declaration's language code, "" where none is guessed.

    Args:
        known: Guesses made before (qa.index.languages_file), by (doc_id, sha256): a declaration
            found there is not guessed again.
    """
    known = known or {}
    return [known[key] if (key := (decl.doc_id, decl.sha256)) in known else declaration_language(decl) or ""
            for decl in declarations]
