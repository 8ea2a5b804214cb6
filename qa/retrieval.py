"""Hybrid retrieval: BM25 and dense vectors over paragraphs and their sentences.

Example:
    >>> index = HybridIndex.build(texts, Encoder(), fields=titles)
    >>> best = index.search("When will the ISAF mission end?", k=3)[0]
    >>> texts[best.row][slice(*best.sentence)]          # the answering sentence, verbatim
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from qa.fusion import Signals, Weights, best_sentence, fuse
from qa.lexical import LexicalIndex, tokenize
from qa.sentences import sentence_spans

_PARAGRAPH_VECTORS = "paragraph_vectors.npy"
_SENTENCE_VECTORS = "sentence_vectors.npy"
_SENTENCE_SPANS = "sentence_spans.npy"  # (sentences, 3) int64: row, start, end
_SETTINGS = "retrieval.json"
_BM25_PARAGRAPHS = "bm25_paragraphs"
_BM25_SENTENCES = "bm25_sentences"


@dataclass(frozen=True)
class Ranked:
    """One ranked paragraph."""

    row: int  # paragraph row in the index (0..n-1)
    score: float  # fused score, higher is better (relative to this query: for ranking only)
    sentence: tuple[int, int]  # (start, end) offsets in the paragraph of the best-answering sentence
    cosine: float  # best raw dense cosine (paragraph or sentence): an absolute signal for abstention
    lexical: float  # raw BM25 score of the paragraph: an absolute signal


class HybridIndex:
    """Paragraph and sentence vectors plus BM25 over paragraphs (with metadata) and sentences.

    Build with :meth:`build` or :meth:`load`; the constructor takes the parts as they are.
    """

    def __init__(
        self,
        encoder,
        *,
        paragraph_vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        spans: np.ndarray,
        paragraphs: LexicalIndex,
        sentences: LexicalIndex,
        weights: Weights | None = None,
    ) -> None:
        self.encoder = encoder
        self.weights = weights or Weights()
        self._paragraph_vectors = paragraph_vectors
        self._sentence_vectors = sentence_vectors
        self._spans = spans
        self._paragraphs = paragraphs
        self._sentences = sentences
        counts = np.bincount(spans[:, 0], minlength=len(paragraph_vectors))
        self._first = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    @property
    def size(self) -> int:
        return len(self._paragraph_vectors)

    @property
    def settings(self) -> dict[str, object]:
        """The parameters that built this index (recorded in the manifest)."""
        return {
            "encoder": getattr(self.encoder, "name", type(self.encoder).__name__),
            "dimension": int(self._paragraph_vectors.shape[1]),
            "paragraphs": self.size,
            "sentences": len(self._spans),
            "bm25": self._paragraphs.settings,
            "weights": asdict(self.weights),
        }

    # ----- building and persistence -------------------------------------------------------

    @classmethod
    def build(cls, texts: list[str], encoder, *, fields: list[str] | None = None, progress: bool = False) -> HybridIndex:
        """Split paragraphs into sentences, embed both, and index both for BM25.

        Args:
            texts: Paragraph texts; row i of the index is texts[i].
            encoder: Anything with ``encode(list[str]) -> (n, d) unit vectors``.
            fields: Per-paragraph metadata (title, issuer, place, year, section) that BM25
                also matches, so "What did NATO say in Chicago?" finds the right declaration.
            progress: Show the encoder's progress bar.
        """
        if fields is not None and len(fields) != len(texts):
            raise ValueError(f"fields has {len(fields)} entries for {len(texts)} texts; give one per text.")
        spans = _spans(texts)
        sentence_texts = [texts[r][s:e] for r, s, e in spans]
        vectors = encoder.encode(list(texts) + sentence_texts, progress=progress)
        lexical_docs = [t if not fields else f"{t}\n{fields[i]}" for i, t in enumerate(texts)]
        return cls(
            encoder,
            paragraph_vectors=np.ascontiguousarray(vectors[: len(texts)], dtype=np.float32),
            sentence_vectors=np.ascontiguousarray(vectors[len(texts) :], dtype=np.float32),
            spans=spans,
            paragraphs=LexicalIndex.build(lexical_docs),
            sentences=LexicalIndex.build(sentence_texts),
        )

    def save(self, folder: Path) -> list[str]:
        """Write plain files (npy, bm25s' npy/json, a settings json); returns their names."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / _PARAGRAPH_VECTORS, self._paragraph_vectors, allow_pickle=False)
        np.save(folder / _SENTENCE_VECTORS, self._sentence_vectors, allow_pickle=False)
        np.save(folder / _SENTENCE_SPANS, self._spans, allow_pickle=False)
        (folder / _SETTINGS).write_text(json.dumps(self.settings, indent=2), encoding="utf-8")
        names = [_PARAGRAPH_VECTORS, _SENTENCE_VECTORS, _SENTENCE_SPANS, _SETTINGS]
        for sub, lexical in ((_BM25_PARAGRAPHS, self._paragraphs), (_BM25_SENTENCES, self._sentences)):
            names += [f"{sub}/{name}" for name in lexical.save(folder / sub)]
        return names

    @classmethod
    def load(cls, folder: Path, encoder) -> HybridIndex:
        """Read an index written by :meth:`save`.

        Raises:
            ValueError: If the files disagree with each other or with the encoder's dimension.
        """
        folder = Path(folder)
        paragraph_vectors = np.load(folder / _PARAGRAPH_VECTORS, allow_pickle=False)
        sentence_vectors = np.load(folder / _SENTENCE_VECTORS, allow_pickle=False)
        spans = np.load(folder / _SENTENCE_SPANS, allow_pickle=False)
        settings = json.loads((folder / _SETTINGS).read_text(encoding="utf-8"))
        index = cls(
            encoder,
            paragraph_vectors=paragraph_vectors,
            sentence_vectors=sentence_vectors,
            spans=spans,
            paragraphs=LexicalIndex.load(folder / _BM25_PARAGRAPHS),
            sentences=LexicalIndex.load(folder / _BM25_SENTENCES),
            weights=Weights(**settings.get("weights", {})),
        )
        index._check(settings)
        return index

    def _check(self, settings: dict) -> None:
        dimension = int(getattr(self.encoder, "dimension", self._paragraph_vectors.shape[1]))
        problems = []
        if dimension != self._paragraph_vectors.shape[1]:
            problems.append(f"vectors have {self._paragraph_vectors.shape[1]} dimensions, the encoder {dimension}")
        if len(self._sentence_vectors) != len(self._spans):
            problems.append(f"{len(self._sentence_vectors)} sentence vectors for {len(self._spans)} sentences")
        if self._paragraphs.size != self.size or self._sentences.size != len(self._spans):
            problems.append("the BM25 indexes do not match the vectors")
        if settings.get("paragraphs") != self.size:
            problems.append(f"settings say {settings.get('paragraphs')} paragraphs, the vectors {self.size}")
        if problems:
            raise ValueError("Inconsistent index: " + "; ".join(problems))

    # ----- search ---------------------------------------------------------------------------

    def signals(self, query: str, *, vector: np.ndarray | None = None) -> Signals:
        """Raw evidence for a query over every paragraph and sentence (vector: a precomputed
        query embedding, as the benchmark passes)."""
        q = self.encoder.encode([query])[0] if vector is None else vector
        tokens = tokenize(query)
        return Signals(
            bm25=self._paragraphs.scores(tokens),
            dense=self._paragraph_vectors @ q,
            sentence_cos=self._sentence_vectors @ q,
            sentence_bm25=self._sentences.scores(tokens),
            first=self._first,
        )

    def search(self, query: str, *, k: int, allowed: np.ndarray | None = None) -> list[Ranked]:
        """The best ``k`` paragraphs for a query, best first.

        Args:
            query: The question.
            k: How many paragraphs at most.
            allowed: Optional bool mask over rows; only rows where it is True are ranked.
        """
        return self.rank(self.signals(query), k=k, allowed=allowed)

    def rank(self, signals: Signals, *, k: int, allowed: np.ndarray | None = None) -> list[Ranked]:
        """Rank from precomputed signals (see :meth:`signals`)."""
        rows = np.arange(self.size) if allowed is None else np.flatnonzero(allowed)
        if len(rows) == 0 or k <= 0:
            return []
        cand, score = fuse(signals, rows, self.weights, k=k)
        order = np.lexsort((cand, -score))[:k]  # ties: lower row first, so results are stable
        return [self._ranked(signals, int(cand[i]), float(score[i])) for i in order]

    def _ranked(self, signals: Signals, row: int, score: float) -> Ranked:
        lo, hi = int(self._first[row]), int(self._first[row + 1])
        best = best_sentence(signals, row)
        cosine = max(float(signals.dense[row]), float(signals.sentence_cos[lo:hi].max()))
        _, start, end = (int(x) for x in self._spans[best])
        return Ranked(row=row, score=score, sentence=(start, end), cosine=cosine, lexical=float(signals.bm25[row]))


def _spans(texts: list[str]) -> np.ndarray:
    """(sentences, 3) array of row, start, end; every paragraph gets at least one sentence."""
    rows = []
    for row, text in enumerate(texts):
        spans = sentence_spans(text) or [(0, len(text))]
        rows.extend((row, start, end) for start, end in spans)
    return np.array(rows, dtype=np.int64).reshape(-1, 3)
