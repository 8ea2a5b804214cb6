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
texts, and each one's nearest paragraphs and sentences are kept with the index
(:class:`ProbeNeighbours`), so the best cosine each finds is known for the library and for a
filter. qa.search.abstention then asks a best passage to be closer than most of them
(``PROBE_QUANTILE``), and never less close than the calibrated threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from embeddings.vector_index import VectorIndex, omp_threads

_PROBES = "off_topic_probes.txt"


@cache
def probes() -> tuple[str, ...]:
    """The probe questions, one a line of ``off_topic_probes.txt`` beside this module."""
    text = files("qa.search").joinpath(_PROBES).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


#: Each probe's nearest paragraphs and sentences kept with the index: a filter's best cosines are
#: read from them (:meth:`ProbeNeighbours.best`).
NEIGHBOURS = 50


@dataclass(frozen=True)
class ProbeNeighbours:
    """Each probe's NEIGHBOURS nearest paragraphs and sentences, ids and cosines, best first.

    The best cosine a probe finds in the library is its first neighbour's; among a filter's rows,
    its first allowed neighbour's. A probe none of whose neighbours a filter allows finds nothing
    near there, and counts as -1: a filter's threshold is never above the library's, and a filter
    too small to hold any probe's neighbours keeps the calibrated one, as the 11 declarations do.
    """

    paragraph_ids: np.ndarray  # (probes, n) int64
    paragraph_cos: np.ndarray  # (probes, n) float32
    sentence_ids: np.ndarray  # (probes, n) int64
    sentence_cos: np.ndarray  # (probes, n) float32

    @classmethod
    def measure(cls, paragraphs: VectorIndex, sentences: VectorIndex, vectors: np.ndarray) -> ProbeNeighbours:
        """Search each probe vector's nearest paragraphs and sentences."""
        found = []
        with omp_threads(1):  # 200 queries: OpenMP's start-up and, on a busy machine, its spinning cost more
            for index in (paragraphs, sentences):
                if len(vectors) and index.count:
                    cos, ids = index.search(vectors, min(NEIGHBOURS, index.count))
                else:
                    cos, ids = np.zeros((len(vectors), 0), dtype=np.float32), np.zeros((len(vectors), 0), dtype=np.int64)
                found += [ids.astype(np.int64), cos.astype(np.float32)]
        return cls(*found)

    @property
    def count(self) -> int:
        return len(self.paragraph_ids)

    def best(self, rows: np.ndarray | None = None, sentences: np.ndarray | None = None) -> np.ndarray:
        """``(probes,)`` float32: each probe's best cosine among the paragraphs and sentences the
        bool masks allow (None: all), -1 where none of its neighbours is allowed."""
        best = np.full(self.count, -1.0, dtype=np.float32)
        for ids, cos, allowed in ((self.paragraph_ids, self.paragraph_cos, rows),
                                  (self.sentence_ids, self.sentence_cos, sentences)):
            if ids.shape[1] == 0:
                continue
            kept = np.where(allowed[ids], cos, -1.0) if allowed is not None else cos
            best = np.maximum(best, kept.max(axis=1))
        return best

    def save(self, path: Path) -> None:
        np.savez(path, **{f.name: getattr(self, f.name) for f in fields(self)})

    @classmethod
    def load(cls, path: Path) -> ProbeNeighbours:
        """Read :meth:`save`'s file.

        Raises:
            ValueError: If its arrays are not one row per probe, ids beside cosines.
        """
        with np.load(path, allow_pickle=False) as data:
            found = cls(**{f.name: data[f.name] for f in fields(cls)})
        pairs = ((found.paragraph_ids, found.paragraph_cos), (found.sentence_ids, found.sentence_cos))
        same = all(ids.ndim == 2 and ids.shape == cos.shape for ids, cos in pairs)
        if not same or found.paragraph_ids.shape[0] != found.sentence_ids.shape[0]:
            raise ValueError(f"{path.name} does not hold one row of neighbours per probe, ids beside cosines.")
        return found
