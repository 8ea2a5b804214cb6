"""How close a question on another subject gets to a library's text: abstention's yardstick.

Abstention answers when the best passage's cosine reaches a threshold (qa.search.abstention),
calibrated on the 11 declarations of ../shared. The best of many cosines is higher than the best
of few, and a library of short, wide-ranging texts lies closer to any question than one of long,
focused ones: asked 500 SQuAD questions (Wikipedia topics, off-topic), the 11 declarations
refused 88.8 %, the whole ../shared library (47,687 paragraph and sentence vectors) 68.8 %, the
11 with the 88 White House statements alone (17,650) 68.0 %, the 11 with the 328 General Assembly
resolutions (32,966) 80.4 %. Vector count alone does not predict it, so each build measures it:
the probe questions of ``off_topic_probes.txt`` (200 quiz questions on sciences, sport, food,
arts and the like, written for this and shipped with the code) are embedded with the library's
texts, and the best cosine each finds among its paragraphs and sentences is kept with the index
(:func:`probe_cosines`). qa.search.abstention then asks a best passage to be closer than most
of them (``PROBE_QUANTILE``), and never less close than the calibrated threshold.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import numpy as np

from embeddings.vector_index import VectorIndex, omp_threads

_PROBES = "off_topic_probes.txt"


@cache
def probes() -> tuple[str, ...]:
    """The probe questions, one a line of ``off_topic_probes.txt`` beside this module."""
    text = files("qa.search").joinpath(_PROBES).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def probe_cosines(paragraphs: VectorIndex, sentences: VectorIndex, vectors: np.ndarray) -> np.ndarray:
    """``(probes,)`` float32: each probe vector's best cosine among the paragraph and sentence
    vectors (the signal abstention reads, qa.search.retrieval.Ranked.cosine, is the best of a
    paragraph and its sentences; a probe's best passage is, in practice, the one it ranks first)."""
    if len(vectors) == 0:
        return np.zeros(0, dtype=np.float32)
    with omp_threads(1):  # 200 queries: OpenMP's start-up and, on a busy machine, its spinning cost more
        best = [index.search(vectors, 1)[0][:, 0] for index in (paragraphs, sentences) if index.count]
    return np.max(best, axis=0).astype(np.float32) if best else np.zeros(len(vectors), dtype=np.float32)
