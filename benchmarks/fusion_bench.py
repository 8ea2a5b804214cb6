"""Per-question signal matrices for benchmarks/squad_fusion.py: every signal over every paragraph and sentence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from benchmarks.common import Bench, summarise
from qa.search.lexical import tokenize


@dataclass
class Signals:
    """Every shipped signal for every question over every paragraph (n) and sentence (m)."""

    bench: Bench
    encoder: object
    queries: np.ndarray  # (Q, d)
    first: np.ndarray  # (n + 1,) sentence offsets per paragraph
    spans: np.ndarray  # (m, 3) row, start, end
    bm25: np.ndarray  # (Q, n)
    coverage: np.ndarray  # (Q, n)
    dense: np.ndarray  # (Q, n)
    document: np.ndarray  # (Q, n)
    sentence_cos: np.ndarray  # (Q, m)
    sentence_coverage: np.ndarray  # (Q, m)
    sentence_bm25: np.ndarray  # (Q, m)
    extra: dict[str, np.ndarray] = field(default_factory=dict)  # experimental signals, made on demand

    def per_paragraph(self, values: np.ndarray) -> np.ndarray:
        """(Q, m) -> (Q, n): the best sentence of each paragraph."""
        return np.maximum.reduceat(values, self.first[:-1], axis=1)

    def cached(self, name: str, make: Callable[[], np.ndarray]) -> np.ndarray:
        if name not in self.extra:
            self.extra[name] = make()
        return self.extra[name]


def compute_signals(bench: Bench, encoder) -> Signals:
    parts = bench.index._p  # a benchmark may look inside: it scores every row, not candidates
    queries = encoder.encode(bench.questions)
    tokens = [tokenize(q) for q in bench.questions]
    n, m = parts.paragraph_vectors.count, parts.sentence_vectors.count
    paragraph_vectors = parts.paragraph_vectors.reconstruct(np.arange(n))
    sentence_vectors = parts.sentence_vectors.reconstruct(np.arange(m))
    return Signals(
        bench=bench,
        encoder=encoder,
        queries=queries,
        first=bench.index._first,
        spans=parts.spans,
        bm25=np.stack([parts.paragraphs.scores(t) for t in tokens]),
        coverage=np.stack([parts.paragraphs.coverage(t) for t in tokens]),
        dense=queries @ paragraph_vectors.T,
        document=np.stack([bench.index._document_match(t) for t in tokens]),
        sentence_cos=queries @ sentence_vectors.T,
        sentence_coverage=np.stack([parts.sentences.coverage(t) for t in tokens]),
        sentence_bm25=np.stack([parts.sentences.scores(t) for t in tokens]),
    )


def score_variant(bench: Bench, signals: Signals, variant) -> dict[str, float]:
    """Metrics of one variant: its (Q, n) scores rank; its picker highlights the top hit."""
    scores = variant.score(signals)
    ranks = bench.ranks(scores)
    top = scores.argmax(axis=1)
    hits = np.empty(len(top), dtype=bool)
    for q, row in enumerate(top):
        sentence = variant.pick(signals, q, int(row))  # highlighted whole, as HybridIndex.rank does
        hits[q] = bench.sentence_ok(q, int(row), tuple(int(x) for x in bench.index._p.extents[sentence]))
    return summarise(ranks, hits)


def paragraph_max(signals: Signals, values: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """(Q, w) scores of pieces owned by paragraphs (owner sorted) -> (Q, n) best piece."""
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    return np.maximum.reduceat(values, starts, axis=1)

