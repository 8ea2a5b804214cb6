"""Where was this said before: passages reusing a text's wording, found by shingled words.

Each paragraph is a set of word 3-grams ("shingles"). An inverted index (the shingle codes of
every paragraph in one sorted numpy array) counts, for a text, how many of its shingles each
paragraph holds: containment, not Jaccard, because a sentence quoted inside a long paragraph
is reuse. The paragraphs holding a good share are checked word by word (difflib, autojunk
off): the matching spans in both texts and the share of the text's words they cover. Meaning
plays no part: reuse is about the same words.

Why not MinHash LSH (datasketch 2.0, measured in benchmarks/precedents.py --lsh on the UN set):
its LSH Ensemble (containment) inserts each paragraph into about 250 hash tables: 66-99 s to
index 13,683 paragraphs against 1.6-2.9 s here, at every open, and it saves only by pickle. Its
candidates held 97.2 % of the gold pairs against 96.4 % for the exact count at containment 0.3
(the estimate's noise lets more in), a gap the word-by-word check's threshold matters more for.

Example:
    >>> index = ReuseIndex.build(library.declarations)
    >>> [(p.citation, p.reused) for p in index.precedents("the situation in the Middle East", k=3)]
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from qa.answers.records import citation
from qa.compare.wording_diff import WordingDiff, compare, matcher
from qa.compare.words import Words, word_keys, words
from qa.documents import Declaration, Paragraph
from qa.errors import InvalidOptionError, InvalidQuestionError

#: Words per shingle. 3 keeps a paragraph with one changed word in every sixth (a year, a
#: country) findable: each change breaks only the 3 shingles through it.
SHINGLE = 3
#: Share of the text's shingles a paragraph must hold to be checked word by word. Lower than
#: the reuse threshold because 80 %-reused words can leave half the shingles broken.
CANDIDATE_CONTAINMENT = 0.3
#: A match must run this many words in a row; shorter common runs ("of the United Nations") are not reuse.
MIN_RUN = 4
#: Share of the text's words that must be reused for a passage to be reported.
MIN_REUSED = 0.5
#: Candidates checked word by word at most, most shared shingles first: max(40, 4·k). A standard
#: UN paragraph ("Decides to include in the provisional agenda...") has hundreds of copies, and
#: checking them all made the slowest 1 % of calls over 400 ms; the k most reused are among the
#: first candidates (recall@5 0.9692 -> 0.9690, p95 87 -> 27 ms, benchmarks/precedents.py).
MIN_CHECKED = 40
CHECKED_PER_K = 4
#: Longest text looked for: a few paragraphs (the longest UN paragraph read is about 5,000 characters).
MAX_TEXT_CHARS = 20_000
#: Largest k.
MAX_K = 100
# A shingle's code packs its three word ids in 21 bits each: exact for up to 2 million words.
_BITS = 21


@dataclass(frozen=True)
class Precedent:
    """One passage reusing the text's wording.

    Attributes:
        doc_id, title, date, paragraph, citation: Where it stands.
        text: The passage, verbatim.
        reused: Share of the text's words found in it in runs of MIN_RUN words or more.
        matches: Pairs of character spans ((start, end) in the text, (start, end) in the passage)
            that read the same, word for word.
        diff: The passage against the text, word by word (old = the text, new = the passage):
            the edits (a year, a country, an added clause) as offsets into both.
    """

    doc_id: str
    title: str
    date: str
    paragraph: str
    citation: str
    text: str
    reused: float
    matches: tuple[tuple[tuple[int, int], tuple[int, int]], ...]
    diff: WordingDiff


@dataclass(frozen=True)
class ReuseStats:
    """What building the index cost."""

    paragraphs: int
    shingles: int
    seconds: float


def shingle_codes(keys: tuple[str, ...], vocabulary: dict[str, int], *, grow: bool) -> np.ndarray:
    """The distinct shingle codes of a text's words; a text shorter than a shingle is one shingle.

    With ``grow`` unseen words get new ids; without, a shingle with an unseen word is dropped
    (no paragraph can hold it).
    """
    if grow:
        ids = [vocabulary.setdefault(key, len(vocabulary) + 1) for key in keys]
    else:
        ids = [vocabulary.get(key, 0) for key in keys]
    if not ids:
        return np.zeros(0, dtype=np.uint64)
    arr = np.asarray(ids, dtype=np.uint64)
    if len(arr) < SHINGLE:
        arr = np.concatenate([arr, np.zeros(SHINGLE - len(arr), dtype=np.uint64)])
    n = len(arr) - SHINGLE + 1
    codes = (arr[:n] << np.uint64(2 * _BITS)) | (arr[1 : n + 1] << np.uint64(_BITS)) | arr[2 : n + 2]
    if not grow:
        codes = codes[(arr[:n] > 0) & (arr[1 : n + 1] > 0) & (arr[2 : n + 2] > 0) | (len(ids) < SHINGLE)]
    return np.unique(codes)


def _check_before(before: object) -> str | None:
    if before is None:
        return None
    text = str(before)
    if isinstance(before, bool) or not (text[:4].isdigit() and len(text) in (4, 7, 10)):
        raise InvalidOptionError(f"before must be a year or an ISO date such as 2022 or 2022-06-01, not {before!r}.")
    return text


def surely_before(date: str, cutoff: str) -> bool:
    """Whether a declaration dated ``date`` (ISO: a day, or a year alone when only the year is
    known) was issued before ``cutoff`` (a day, a month or a year): one dated "2023" is not
    known to be before 1 June 2023, only before 2024."""
    return date < cutoff[: len(date)] if len(date) < len(cutoff) else date < cutoff


class ReuseIndex:
    """Every paragraph's shingles in one sorted array, for counting shared shingles fast."""

    def __init__(self, rows, vocabulary, codes, owners, stats):
        self._rows = rows
        self._vocabulary = vocabulary
        self._codes = codes  # sorted shingle codes
        self._owners = owners  # the row of each code
        self.stats = stats

    @classmethod
    def build(cls, declarations: Iterable[Declaration]) -> ReuseIndex:
        """Shingle every paragraph of ``declarations`` (about 0.3 s per 1,000 paragraphs here)."""
        started = time.perf_counter()
        rows = [(d, p) for d in declarations for p in d.paragraphs]
        vocabulary: dict[str, int] = {}
        per_row = [shingle_codes(word_keys(par.text), vocabulary, grow=True) for _, par in rows]
        codes = np.concatenate(per_row) if per_row else np.zeros(0, dtype=np.uint64)
        owners = np.repeat(np.arange(len(rows), dtype=np.int32), [len(c) for c in per_row])
        order = np.argsort(codes, kind="stable")
        stats = ReuseStats(len(rows), len(codes), time.perf_counter() - started)
        return cls(rows, vocabulary, codes[order], owners[order], stats)

    def candidates(self, text: str) -> list[int]:
        """Rows holding at least CANDIDATE_CONTAINMENT of the text's shingles, most first."""
        keys = word_keys(text)
        query = shingle_codes(keys, self._vocabulary, grow=False)
        total = len(shingle_codes(keys, {}, grow=True))  # unseen shingles count against
        if not len(query) or not total:
            return []
        left = np.searchsorted(self._codes, query, side="left")
        right = np.searchsorted(self._codes, query, side="right")
        hits = np.concatenate([self._owners[a:b] for a, b in zip(left, right) if b > a] or [np.zeros(0, np.int32)])
        counts = np.bincount(hits, minlength=len(self._rows))
        chosen = np.flatnonzero(counts >= max(1, CANDIDATE_CONTAINMENT * total))
        return chosen[np.argsort(-counts[chosen], kind="stable")].tolist()

    def precedents(
        self,
        text: str,
        *,
        k: int = 10,
        before: object = None,
        exclude: tuple[str, str] | None = None,
        min_reused: float = MIN_REUSED,
    ) -> list[Precedent]:
        """Passages reusing ``text``'s wording: the ``k`` reusing most, listed oldest first.

        Args:
            text: Any sentence or paragraph.
            k: How many passages at most (1..100).
            before: Only passages dated before this year or ISO date ("2022", "2022-06-01").
            exclude: A (doc_id, paragraph) to leave out: the text's own paragraph.
            min_reused: Share of the text's words a passage must reuse.

        Raises:
            InvalidOptionError: For k outside 1..100, a malformed ``before``, or a text without words.
        """
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise InvalidOptionError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}.")
        cutoff = _check_before(before)
        if not isinstance(text, str) or len(text) > MAX_TEXT_CHARS:
            raise InvalidQuestionError(
                f"The text must be a string of at most {MAX_TEXT_CHARS:,} characters (a paragraph or a "
                f"few), not {type(text).__name__} of {len(text) if isinstance(text, str) else 0:,}."
            )
        query = words(text)
        if not query.keys:
            raise InvalidOptionError("The text has no words to look for; paste a sentence or a paragraph.")
        found, checked = [], 0
        for row in self.candidates(text):
            decl, par = self._rows[row]
            if exclude == (decl.doc_id, par.number) or (cutoff and not (decl.date and surely_before(decl.date, cutoff))):
                continue
            if checked >= max(MIN_CHECKED, CHECKED_PER_K * k):
                break
            checked += 1
            hit = _verify(query, decl, par, min_reused)
            if hit is not None:
                found.append(hit)
        found.sort(key=lambda p: -p.reused)
        return sorted(found[:k], key=lambda p: (p.date or "9999", p.doc_id, _number_key(p.paragraph)))


def _number_key(number: str) -> tuple:
    """"2" before "10", and "16-a" after "16": numbers as numbers, other parts as text."""
    return tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.split(r"[.\-\s]+", number) if x)


def _verify(query: Words, decl: Declaration, par: Paragraph, min_reused: float) -> Precedent | None:
    """The word-by-word check of one candidate, or None when it reuses too little."""
    passage = words(par.text)
    blocks = [b for b in matcher(query, passage).get_matching_blocks() if b.size >= min(MIN_RUN, len(query))]
    reused = sum(b.size for b in blocks) / len(query)
    if reused < min_reused or not blocks:
        return None
    spans = tuple((query.chars(b.a, b.a + b.size), passage.chars(b.b, b.b + b.size)) for b in blocks)
    return Precedent(
        decl.doc_id, decl.title, decl.date, par.number, citation(decl, par), par.text,
        round(reused, 4), spans, compare(query.text, par.text),
    )
