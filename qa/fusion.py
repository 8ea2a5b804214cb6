"""Fusing lexical and dense evidence into one ranking, and choosing each hit's sentence.

Every signal is a raw score per paragraph (or per sentence). Raw scores live on different
scales (BM25 is unbounded, cosines sit in a narrow band), so each is min-max normalised
over the candidate set of this query before weighting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Signals:
    """Raw evidence for one query over the whole index."""

    bm25: np.ndarray  # (paragraphs,) BM25 of paragraph text + metadata fields
    dense: np.ndarray  # (paragraphs,) cosine of the paragraph vector
    sentence_cos: np.ndarray  # (sentences,) cosine of each sentence vector
    sentence_bm25: np.ndarray  # (sentences,) BM25 of each sentence as its own document
    first: np.ndarray  # (paragraphs + 1,) sentence i of paragraph r is first[r] <= i < first[r+1]

    def per_paragraph_max(self, values: np.ndarray) -> np.ndarray:
        """The maximum of a per-sentence array within each paragraph."""
        return np.maximum.reduceat(values, self.first[:-1])


@dataclass(frozen=True)
class Weights:
    """How much each normalised signal counts in the fused score."""

    bm25: float = 0.4
    dense: float = 0.3
    sentence: float = 0.3
    candidates: int = 100  # top paragraphs taken from each signal before fusing


def minmax(values: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; a constant array becomes all zeros (it ranks nothing)."""
    low, high = float(values.min(initial=np.inf)), float(values.max(initial=-np.inf))
    if not np.isfinite(low) or high - low <= 1e-12:
        return np.zeros_like(values, dtype=np.float32)
    return ((values - low) / (high - low)).astype(np.float32)


def _top(values: np.ndarray, rows: np.ndarray, count: int) -> np.ndarray:
    if len(rows) <= count:
        return rows
    part = np.argpartition(-values[rows], count - 1)[:count]
    return rows[part]


def candidates(signals: Signals, rows: np.ndarray, sentence_max: np.ndarray, count: int) -> np.ndarray:
    """The union of each signal's top ``count`` among ``rows`` (sorted row ids)."""
    picks = [_top(v, rows, count) for v in (signals.bm25, signals.dense, sentence_max)]
    return np.unique(np.concatenate(picks))


def fuse(signals: Signals, rows: np.ndarray, weights: Weights, *, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Fused scores of the candidate paragraphs among ``rows``: (candidate rows, scores)."""
    sentence_max = signals.per_paragraph_max(signals.sentence_cos)
    cand = candidates(signals, rows, sentence_max, max(weights.candidates, k))
    score = (
        weights.bm25 * minmax(signals.bm25[cand])
        + weights.dense * minmax(signals.dense[cand])
        + weights.sentence * minmax(sentence_max[cand])
    )
    return cand, score


def best_sentence(signals: Signals, row: int, *, lexical_weight: float = 0.5) -> int:
    """Index of the sentence of paragraph ``row`` that best answers: dense cosine plus
    the sentence's BM25 relative to the best in the paragraph."""
    lo, hi = int(signals.first[row]), int(signals.first[row + 1])
    cos = signals.sentence_cos[lo:hi]
    lex = signals.sentence_bm25[lo:hi]
    top = float(lex.max())
    lex_norm = lex / top if top > 0 else np.zeros_like(lex)
    return lo + int(np.argmax(cos + lexical_weight * lex_norm))
