"""Which runtime embeds: ONNX Runtime over the model's export (the default), or sentence-transformers.

Index builds and questions use the same backend, so paragraphs and questions are embedded by
the same model. ``onnx`` runs the fp32 export of embeddings/export.py: its vectors equal
sentence-transformers' (lowest cosine 0.9999999), it embedded the ../shared texts 1.3-1.9x
faster, and R@1, R@5 and MRR on SQuAD half A and eval/declarations.jsonl are identical
(benchmarks/backend_quality.py). The int8-quantised export was 3.8x faster but changed the
declarations' R@1 by 0.0093 (two of 215 questions, upwards), past the 0.005 issue 15 allows
either way, so it is not offered. A model the export does not support (or a damaged export)
embeds with sentence-transformers, as before.

``QA_EMBED_BACKEND=torch`` puts sentence-transformers back for both, one setting away.

Example:
    >>> encoder = backend_encoder(Encoder(), Path(".qa-index/onnx-cache"))   # OnnxEncoder
    >>> backend_encoder(Encoder(), Path(".qa-index/onnx-cache"), backend=Backend.TORCH)
    Encoder('bundled:all-MiniLM-L6-v2')
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from embeddings.errors import InvalidOptionError

BACKEND_ENV = "QA_EMBED_BACKEND"


class Backend(StrEnum):
    """The runtimes a sentence-transformers model can embed with."""

    ONNX = "onnx"
    TORCH = "torch"


def default_backend() -> Backend:
    """The backend in force: QA_EMBED_BACKEND if set, else ONNX.

    Raises:
        InvalidOptionError: If QA_EMBED_BACKEND names no backend.
    """
    value = os.environ.get(BACKEND_ENV, "").strip().lower()
    if not value:
        return Backend.ONNX
    try:
        return Backend(value)
    except ValueError:
        names = ", ".join(b.value for b in Backend)
        raise InvalidOptionError(
            f"{BACKEND_ENV}={os.environ[BACKEND_ENV]!r} names no embedding backend; use one of {names}, "
            f"or unset it for {Backend.ONNX.value}."
        ) from None


def backend_encoder(encoder, cache_dir: Path, *, backend: Backend | None = None):
    """What embeds with ``backend`` (None: :func:`default_backend`): for ONNX, the export of
    ``encoder``'s model (made once under ``cache_dir`` if missing, else reused); for torch, or
    when the model cannot be exported, ``encoder`` itself.

    Only a sentence-transformers :class:`~embeddings.encoder.Encoder` is swapped; any other
    encoder (a test's fake, a benchmark's) is returned as it is.
    """
    from embeddings.onnx_encoder import query_encoder

    if (backend or default_backend()) is Backend.TORCH:
        return encoder
    return query_encoder(encoder, cache_dir)
