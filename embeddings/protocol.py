"""What the index needs of an encoder: a name, a dimension, and unit vectors for texts.

Three encoders meet it: :class:`embeddings.encoder.Encoder` (sentence-transformers), the tests'
deterministic fake (tests/conftest.py) and the benchmarks' cache-backed one
(benchmarks/common.py); :class:`embeddings.cache.CachingEncoder` wraps any of them.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class TextEncoder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str:
        """Identifies the model: an index built with one name is rebuilt for another."""
        ...

    @property
    def dimension(self) -> int:
        """Length of every vector."""
        ...

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        """An (n, dimension) float32 array of unit rows, one per text, in order."""
        ...
