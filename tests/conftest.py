"""Shared fixtures: a deterministic fake encoder and a tiny hand-written corpus."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest

_WORD = re.compile(r"[a-z0-9]+")


class FakeEncoder:
    """Hashed bag-of-words unit vectors: deterministic, offline, and lexically meaningful.

    Texts sharing words get positive cosine similarity, so ranking tests mean something.
    """

    name = "fake:hashed-bow-64"
    dimension = 64

    def __init__(self) -> None:
        self.calls: list[int] = []  # batch sizes seen, so tests can check caching

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.sha256(word.encode()).digest()
            vec[digest[0] % self.dimension] += 1.0 if digest[1] % 2 else -1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0
            return vec
        return vec / norm

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        self.calls.append(len(texts))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


TINY_PASSAGES = [
    {"doc_id": "nato-2012", "paragraph": "5", "title": "Chicago Summit Declaration",
     "date": "2012-05-20", "place": "Chicago",
     "text": "Today we have taken important steps in Afghanistan. The transition of security "
             "responsibility from ISAF to the Afghan forces is on track for completion by the end of 2014."},
    {"doc_id": "nato-2012", "paragraph": "29", "title": "Chicago Summit Declaration",
     "date": "2012-05-20", "place": "Chicago",
     "text": "At the 2008 Bucharest Summit we agreed that Georgia will become a member of NATO. "
             "We welcome Georgia's progress towards meeting its goals."},
    {"doc_id": "nato-2012", "paragraph": "36", "title": "Chicago Summit Declaration",
     "date": "2012-05-20", "place": "Chicago",
     "text": "NATO-Russia cooperation is of strategic importance. We remain concerned about "
             "Russia's military presence."},
    {"doc_id": "asean-2024", "paragraph": "43", "title": "Chairman's Statement of the 27th ASEAN-China Summit",
     "date": "2024-10-10", "place": "Vientiane",
     "text": "We discussed the situation in the South China Sea. We reaffirmed the importance of "
             "freedom of navigation and overflight."},
    {"doc_id": "asean-2024", "paragraph": "8", "title": "Chairman's Statement of the 27th ASEAN-China Summit",
     "date": "2024-10-10", "place": "Vientiane",
     "text": "Telecommunication network fraud and online gambling crimes have become a regional nuisance. "
             "We agreed to strengthen law enforcement cooperation against them."},
]


@pytest.fixture
def tiny_passages() -> list[dict[str, str]]:
    return [dict(p) for p in TINY_PASSAGES]
