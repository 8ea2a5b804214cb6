"""Fusing lexical and dense evidence on a candidate set, and choosing each hit's sentence.

A query first gathers candidates (the top paragraphs by BM25, by paragraph vector and by
sentence vector); every candidate then gets the same five pieces of evidence, which are
weighted and summed. Raw scores live on different scales (BM25 is unbounded, cosines sit
in a narrow band), so BM25 and the two cosines are min-max scaled over the candidates;
coverage and the document match are already shares in [0, 1].

The weights were chosen on SQuAD and the declarations evaluation set together
(benchmarks/squad_fusion.py prints every variant tried); each says why it is what it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Weights:
    """How much each piece of evidence counts. Defaults are the benchmark's winner."""

    #: Best sentence (its cosine plus a little of its word coverage): the strongest single
    #: signal on both sets, because answers sit in one sentence and a paragraph vector
    #: blurs several topics. Highest weight.
    sentence: float = 1.5
    #: Share of the question's idf mass the paragraph holds. Catches long paragraphs that
    #: BM25's length normalisation buries; +0.5 to +1.0 point R@1 on both sets.
    coverage: float = 1.0
    #: BM25 of paragraph + metadata: still adds term frequency and exact-word evidence,
    #: but half-weighted, as coverage already carries most of it.
    bm25: float = 0.5
    #: Whole-paragraph cosine: the paragraph's overall topic; weak alone, a useful tie-break.
    dense: float = 0.5
    #: Question names this declaration's issuer, title, place or year ("the 2021 G7",
    #: "in Bali"). 0.5 tips close calls; 1.0 and more began to override the text.
    document: float = 0.5
    #: Word coverage inside a sentence's score when ranking paragraphs. 0.25 keeps the
    #: sentence signal mainly semantic; 0.5 and 1.0 lost R@1 on the declarations.
    sentence_coverage: float = 0.25
    #: Word coverage when choosing the highlighted sentence within one paragraph. Every
    #: sentence there is on topic, so naming the question's rare words matters more:
    #: 0.5 picked the answer sentence more often than 0.25 on both sets.
    highlight_coverage: float = 0.5
    #: Paragraphs taken from each first-stage signal. 100 keeps candidate recall at
    #: 100% of the fused top 20 on SQuAD while the re-scoring stays under a millisecond.
    candidates: int = 100


@dataclass(frozen=True)
class Evidence:
    """Raw evidence for one query on its candidate paragraphs.

    Sentence arrays list the sentences of every candidate, candidate by candidate:
    those of ``rows[i]`` are ``first[i]:first[i+1]``.
    """

    rows: np.ndarray  # (c,) candidate paragraph rows
    bm25: np.ndarray  # (c,) BM25 of paragraph text + metadata
    coverage: np.ndarray  # (c,) share of query idf mass in the paragraph
    dense: np.ndarray  # (c,) paragraph cosine
    document: np.ndarray  # (c,) how well the question names the paragraph's declaration, [0, 1]
    first: np.ndarray  # (c + 1,) sentence offsets per candidate
    sentences: np.ndarray  # (s,) global sentence ids
    sentence_cos: np.ndarray  # (s,) sentence cosine
    sentence_coverage: np.ndarray  # (s,) share of query idf mass in the sentence


def minmax(values: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; a constant array becomes all zeros (it ranks nothing)."""
    if values.size == 0:
        return values.astype(np.float32)
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-12:
        return np.zeros_like(values, dtype=np.float32)
    return ((values - low) / (high - low)).astype(np.float32)


def segment_max(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The maximum of ``values[first[i]:first[i+1]]`` for each i (no segment may be empty)."""
    return np.maximum.reduceat(values, first[:-1]) if len(first) > 1 else values[:0]


def sentence_scores(ev: Evidence, coverage_weight: float) -> np.ndarray:
    """Per-sentence score: cosine plus a share of word coverage."""
    return ev.sentence_cos + coverage_weight * ev.sentence_coverage


def fuse(ev: Evidence, w: Weights) -> np.ndarray:
    """Fused score of each candidate (higher is better)."""
    best_sentence = segment_max(sentence_scores(ev, w.sentence_coverage), ev.first)
    return (
        w.sentence * minmax(best_sentence)
        + w.coverage * ev.coverage
        + w.bm25 * minmax(ev.bm25)
        + w.dense * minmax(ev.dense)
        + w.document * ev.document
    ).astype(np.float32)


def highlight(ev: Evidence, i: int, w: Weights) -> int:
    """Global id of the sentence of candidate ``i`` that best answers the question."""
    lo, hi = int(ev.first[i]), int(ev.first[i + 1])
    scores = ev.sentence_cos[lo:hi] + w.highlight_coverage * ev.sentence_coverage[lo:hi]
    return int(ev.sentences[lo + int(np.argmax(scores))])
