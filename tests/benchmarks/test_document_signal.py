"""benchmarks/document_signal.py: the declaration match counted on the words a paragraph lacks."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from benchmarks.document_signal import lacking_share, with_variant


def test_only_naming_words_no_sentence_of_the_paragraph_holds_count() -> None:
    # two candidates: the first has sentences 0-1, the second sentence 2; words: "nato", "georgia", "2012"
    ev = SimpleNamespace(
        sentence_terms=np.array([[True, False, False], [False, True, False], [False, True, False]]),
        first=np.array([0, 2, 3]),
        term_named=np.array([[True, False, True], [True, False, True]]),  # "nato" and "2012" name both declarations
        term_idf=np.array([1.0, 2.0, 1.0], dtype=np.float32),
    )
    # the first holds "nato" itself: only "2012" counts (1 of 4); the second lacks both (2 of 4)
    assert lacking_share(ev).tolist() == [0.25, 0.5]


def test_the_shipped_fusion_is_kept_without_a_weight() -> None:
    from qa.search import fusion

    assert with_variant(None) is fusion.fuse and with_variant(0.5) is not fusion.fuse
