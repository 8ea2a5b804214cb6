"""benchmarks/filter_scans.py's measurement on a small fast-scan index: what it prints is what was timed."""

from __future__ import annotations

import numpy as np

from benchmarks.filter_scans import measure
from embeddings.vector_index import IndexKind, VectorIndex
from tests.embeddings.test_vector_index import clustered


def test_both_searches_are_timed_and_their_recall_is_against_the_exact_top() -> None:
    data = clustered(2_000)
    index = VectorIndex.build(data, kind=IndexKind.FASTSCAN)
    mask = np.zeros(len(data), dtype=bool)
    mask[300:1_500] = True
    row = measure(index, mask, data[::100])
    assert row["allowed"] == 1_200 and row["built"] > 0
    assert row["filter ms"] > 0 and row["own scans ms"] > 0
    assert 0.95 <= row["own scans recall"] <= 1.0 and 0.95 <= row["filter recall"] <= 1.0
