"""BM25 over stemmed words (bm25s), tokenized by qa.text.tokens as the rest of retrieval is.

Example:
    >>> index = LexicalIndex.build(["Georgia will join NATO.", "Russia's military presence."])
    >>> index.scores(tokenize("When does Georgia join?")).astype(float).round(3).tolist()
    [0.63, 0.0]
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np

from qa.text.bm25s_import import bm25s as _bm25s
from qa.text.tokens import tokenize

#: Lucene's BM25 defaults: the usual starting point; the SQuAD benchmark
#: (benchmarks/squad_fusion.py) found no clearly better pair for paragraph-sized documents.
K1 = 1.2
B = 0.75
#: "lucene" scoring: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), never negative,
#: so a word in most paragraphs still counts a little instead of counting against.
METHOD = "lucene"
class LexicalIndex:
    """A BM25 index over documents; scores are exact bm25s scores for every document.

    Args:
        bm25: A built ``bm25s.BM25``.
    """

    def __init__(self, bm25, terms: TermTable | None = None, *, vocabulary_in: Path | None = None) -> None:
        self._bm25 = bm25
        #: A term's id: bm25s's vocabulary, or the table of term hashes a build wrote beside it.
        self._id = bm25.vocab_dict.get if terms is None else terms.get
        #: The folder whose bm25s vocabulary was left unread (a term table took its place).
        self._vocabulary_in = vocabulary_in
        indptr = np.asarray(bm25.scores["indptr"])
        self.size = int(bm25.scores["num_docs"])
        #: Documents holding each vocabulary term, by term id (for rare-term weighting).
        self._doc_freq = np.diff(indptr).astype(np.int64)

    @classmethod
    def build(cls, texts: list[str], *, k1: float = K1, b: float = B) -> LexicalIndex:
        """Index texts (one document each) for BM25."""
        return cls.from_tokens([tokenize(t) for t in texts], k1=k1, b=b)

    @classmethod
    def from_tokens(cls, docs: list[list[str]], *, k1: float = K1, b: float = B) -> LexicalIndex:
        """Index documents already tokenized with :func:`tokenize`."""
        bm25s = _bm25s()

        bm25 = bm25s.BM25(k1=k1, b=b, method=METHOD)
        if not any(docs):  # bm25s needs one word somewhere; a placeholder no query can hold
            docs = [["\x00"] for _ in docs]
        bm25.index(docs, show_progress=False)
        return cls(bm25)

    @property
    def settings(self) -> dict[str, object]:
        return {"k1": float(self._bm25.k1), "b": float(self._bm25.b), "method": self._bm25.method,
                "stemmer": "snowball-english", "stopwords": "nltk-english"}

    def _ids(self, tokens: list[str]) -> list[int]:
        return [i for t in tokens if t and (i := self._id(t)) is not None]

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens, as float32 (zeros if none match)."""
        ids = self._ids(tokens)
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def _idf(self, df: np.ndarray) -> np.ndarray:
        """Lucene idf for document frequencies."""
        return np.log1p((self.size - df + 0.5) / (df + 0.5))

    @property
    def _highest_idf(self) -> float:
        """The idf of a word no document holds: more than any held word can have."""
        return float(self._idf(np.int64(0)))

    def _held_ids(self, tokens: list[str]) -> list[int]:
        """Ids of the query's distinct words that some document holds."""
        return [i for i in sorted(set(self._ids(tokens))) if self._doc_freq[i] > 0]

    def _postings(self, token: int) -> np.ndarray:
        indptr, indices = self._bm25.scores["indptr"], self._bm25.scores["indices"]
        return indices[indptr[token] : indptr[token + 1]]

    def coverage(self, tokens: list[str]) -> np.ndarray:
        """Share of the query's idf mass that each document holds, in [0, 1].

        Unlike BM25 it neither saturates with repeats nor penalises length: a long paragraph
        holding every rare word of the question scores 1. Words no document holds are left
        out (they cannot tell documents apart); :meth:`known_share` says how much they weigh.
        """
        ids = self._held_ids(tokens)
        out = np.zeros(self.size, dtype=np.float32)
        if not ids:
            return out
        idf = self._idf(self._doc_freq[ids])
        for token, weight in zip(ids, idf):
            out[self._postings(token)] += weight
        return out / np.float32(idf.sum())

    def known_share(self, tokens: list[str]) -> float:
        """Share of the query's idf mass on words some document holds, in [0, 1] (0 without words).

        A word no document holds weighs the highest idf, so a question about what the corpus
        never names ("Finland's accession") is mostly unknown: ``coverage * known_share`` is the
        share of all of the question that a document holds.
        """
        words = {t for t in tokens if t}
        if not words:
            return 0.0
        held = self._held_ids(tokens)
        known = float(self._idf(self._doc_freq[held]).sum())
        unseen = len(words) - len(held)
        return known / (known + unseen * self._highest_idf)

    def rarest(self, tokens: list[str]) -> np.ndarray:
        """Per document, the idf of the rarest query word it holds over the highest idf, in [0, 1).

        0 when it holds none. High means the document and the question share a word few
        documents use (an acronym, a name, a resolution number), not just a common one.
        """
        ids = self._held_ids(tokens)
        out = np.zeros(self.size, dtype=np.float32)
        if not ids:
            return out
        idf = self._idf(self._doc_freq[ids]) / self._highest_idf
        for k in np.argsort(idf, kind="stable"):  # rarest last, so it overwrites
            out[self._postings(ids[k])] = idf[k]
        return out

    def terms_held(self, tokens: list[str], docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which of the query's distinct words each of ``docs`` holds, and each word's idf.

        :meth:`coverage` of those documents is ``held @ idf / idf.sum()``; keeping the words
        apart lets a caller weigh them again (see qa.search.fusion.highlight).

        Returns:
            ``(held, idf)``: a ``(len(docs), t)`` bool matrix and the ``(t,)`` float32 idf of
            the ``t`` query words some document holds (words none holds are left out).
        """
        ids = self._held_ids(tokens)
        docs = np.asarray(docs, dtype=np.int64)
        held = np.zeros((len(docs), len(ids)), dtype=bool)
        # One mark per document, set from a word's postings and read at ``docs``: 0.04 ms a
        # question over 1,200 of 31,000 sentences, where np.isin (a sort each word) took 0.3.
        marks = np.zeros(self.size, dtype=bool)
        for j, token in enumerate(ids):
            postings = self._postings(token)
            marks[postings] = True
            held[:, j] = marks[docs]
            marks[postings] = False
        return held, self._idf(self._doc_freq[ids]).astype(np.float32)

    def held_words(self, tokens: list[str]) -> list[str]:
        """The query's distinct words some document holds, in the column order of :meth:`terms_held`."""
        word = {i: t for t in set(tokens) if t and (i := self._id(t)) is not None}
        return [word[i] for i in self._held_ids(tokens)]

    def holding(self, word: str) -> np.ndarray:
        """Ids of the documents that hold ``word`` (empty for a word no document holds)."""
        i = self._id(word)
        return self._postings(i) if i is not None and word else np.zeros(0, dtype=np.int64)

    def doc_freq(self, tokens: list[str]) -> np.ndarray:
        """How many documents hold each token (0 for a token the index never saw)."""
        ids = [self._id(t) if t else None for t in tokens]
        return np.array([0 if i is None else self._doc_freq[i] for i in ids], dtype=np.int64)

    def save(self, folder: Path) -> list[str]:
        """Write bm25s' plain files (npy and json) and a :class:`TermTable` into ``folder``; returns their names."""
        folder = Path(folder)
        if self._vocabulary_in is not None:  # loaded with its term table: read the vocabulary to write it again
            self._bm25.vocab_dict = json.loads((self._vocabulary_in / "vocab.index.json").read_text(encoding="utf-8"))
            self._id, self._vocabulary_in = self._bm25.vocab_dict.get, None
        if folder.exists():
            shutil.rmtree(folder)
        self._bm25.save(str(folder), show_progress=False)
        table = TermTable.of(self._bm25.vocab_dict)
        if table is not None:
            table.save(folder)
        return sorted(p.name for p in folder.iterdir() if p.is_file())

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read an index written by :meth:`save` (no pickle). Terms are looked up in its
        :class:`TermTable`, or in bm25s's vocabulary for an index saved without one."""
        bm25s = _bm25s()

        folder = Path(folder)
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        if params.get("method") != METHOD:
            raise ValueError(f"BM25 index in {folder} uses method {params.get('method')!r}; expected {METHOD!r}")
        terms = TermTable.load(folder)
        bm25 = bm25s.BM25.load(str(folder), load_corpus=False, mmap=False, allow_pickle=False,
                               load_vocab=terms is None, show_progress=False, verbosity=0)
        return cls(bm25, terms, vocabulary_in=None if terms is None else folder)


class TermTable:
    """Term -> id by a sorted table of the terms' 64-bit hashes, read in a millisecond.

    bm25s keeps its vocabulary as one JSON object. The word-pair index of the whole ../shared
    library has 190,000 terms in 4.3 MB of it, and decoding them into a dict took 0.14-0.2 s of
    every cold ``qa ask`` to look up a question's ten pairs (docs/performance.md, "A faster cold start
    on the slower CPU"). A hash of 64 bits takes the place of the term: two of a build's terms sharing one
    are refused when the table is made (bm25s's vocabulary is then read instead), and a word the
    index never saw is taken for one it holds with a chance of one in 2**64 / n per lookup.

    Example:
        >>> table = TermTable.of({"nato": 0, "georgia": 1})
        >>> table.get("georgia"), table.get("finland")
        (1, None)
    """

    HASHES = "vocab.hashes.npy"
    IDS = "vocab.ids.npy"
    #: Terms whose lookups are kept.
    KEPT = 100_000

    def __init__(self, hashes: np.ndarray, ids: np.ndarray) -> None:
        if hashes.shape != ids.shape or hashes.ndim != 1:
            raise ValueError(f"A term table needs as many ids as hashes, got {hashes.shape} and {ids.shape}.")
        self._hashes, self._ids = hashes, ids
        #: Terms looked up before: a question's words are looked up by several signals, and a
        #: hash and a binary search take 9 us where a dict takes 0.2 (cleared at :data:`KEPT`).
        self._seen: dict[str, int | None] = {}

    @classmethod
    def of(cls, vocabulary: dict[str, int]) -> TermTable | None:
        """The table of a vocabulary; None if two of its terms share a hash (never seen)."""
        hashes = np.fromiter((term_hash(t) for t in vocabulary), dtype=np.uint64, count=len(vocabulary))
        ids = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))
        order = np.argsort(hashes, kind="stable")
        hashes, ids = hashes[order], ids[order]
        if hashes.size and bool((hashes[1:] == hashes[:-1]).any()):
            return None
        return cls(hashes, ids)

    def get(self, term: str) -> int | None:
        """The term's id, or None for a term the table does not hold."""
        found = self._seen.get(term, -1)
        if found != -1:
            return found
        key = np.uint64(term_hash(term))
        i = int(np.searchsorted(self._hashes, key))
        found = int(self._ids[i]) if i < self._hashes.size and self._hashes[i] == key else None
        if len(self._seen) >= self.KEPT:
            self._seen.clear()
        self._seen[term] = found
        return found

    def save(self, folder: Path) -> None:
        np.save(Path(folder) / self.HASHES, self._hashes, allow_pickle=False)
        np.save(Path(folder) / self.IDS, self._ids, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> TermTable | None:
        """The table saved in ``folder``, or None where there is none (an index saved before tables)."""
        hashes, ids = Path(folder) / cls.HASHES, Path(folder) / cls.IDS
        if not (hashes.is_file() and ids.is_file()):
            return None
        return cls(np.load(hashes, allow_pickle=False), np.load(ids, allow_pickle=False))


def term_hash(term: str) -> int:
    """A term's 64-bit key in a :class:`TermTable` (BLAKE2b of its UTF-8 bytes: the same in every process)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


def shared_terms(fields: list[str], groups: list[str]) -> tuple[list[list[str]], np.ndarray]:
    """Per group (declaration), the metadata words every one of its rows has.

    A row's fields mix document metadata (issuer, title, place, year) with its section
    heading; the words all rows of a document share are its metadata, without the headings.

    Returns:
        ``(terms, row_group)``: the tokens of each group, in order of first appearance, and
        the group index of each row.
    """
    order: dict[str, int] = {}
    row_group = np.array([order.setdefault(g, len(order)) for g in groups], dtype=np.int64)
    terms: list[list[str] | None] = [None] * len(order)
    for text, g in zip(fields, row_group):
        tokens = tokenize(text)
        held = terms[g]
        terms[g] = tokens if held is None else [t for t in held if t in set(tokens)]
    return [list(dict.fromkeys(t or [])) for t in terms], row_group
