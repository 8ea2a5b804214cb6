"""Which runtime embeds: bfloat16 builds with float32 questions, ONNX Runtime, or sentence-transformers.

``bf16`` (the default where the CPU has bfloat16 instructions) builds indexes with
sentence-transformers under torch's bfloat16 autocast (embeddings/bf16_encoder.py: about 1.8x
faster than float32, R@1 unchanged) and embeds questions with the float32 ONNX export, so a
question never imports torch. Elsewhere ``onnx`` is the default, for builds and questions alike.
``onnx`` runs the fp32 export of embeddings/export.py: its vectors equal
sentence-transformers' (lowest cosine 0.9999999), it embedded the ../shared texts 1.3-1.9x
faster, and R@1, R@5 and MRR on SQuAD half A and eval/declarations.jsonl are identical
(benchmarks/backend_quality.py). The int8-quantised export was 3.8x faster but changed the
declarations' R@1 by 0.0093 (two of 215 questions, upwards), past the 0.005 issue 15 allows
either way, so it is not offered. A model the export does not support (or a damaged export)
embeds with sentence-transformers, as before.

``QA_EMBED_BACKEND=torch`` puts float32 sentence-transformers back for both, one setting away.

Example:
    >>> encoder = backend_encoder(Encoder(), Path(".qa-index/onnx-cache"))   # OnnxEncoder
    >>> backend_encoder(Encoder(), Path(".qa-index/onnx-cache"), backend=Backend.TORCH)
    Encoder('bundled:all-MiniLM-L6-v2')
    >>> build_encoder(Encoder(), Path(".qa-index/onnx-cache"), backend=Backend.BF16)
    Bf16Encoder('bundled:all-MiniLM-L6-v2')
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from embeddings.bf16_encoder import Bf16Encoder, cpu_has_bf16
from embeddings.encoder import Encoder
from embeddings.errors import InvalidOptionError

BACKEND_ENV = "QA_EMBED_BACKEND"


class Backend(StrEnum):
    """The runtimes a sentence-transformers model can embed with."""

    BF16 = "bf16"
    ONNX = "onnx"
    TORCH = "torch"


def default_backend() -> Backend:
    """The backend in force: QA_EMBED_BACKEND if set, else BF16 on a CPU with bfloat16
    instructions and ONNX on any other.

    Raises:
        InvalidOptionError: If QA_EMBED_BACKEND names no backend.
    """
    value = os.environ.get(BACKEND_ENV, "").strip().lower()
    if not value:
        return Backend.BF16 if cpu_has_bf16() else Backend.ONNX
    try:
        return Backend(value)
    except ValueError:
        names = ", ".join(b.value for b in Backend)
        raise InvalidOptionError(
            f"{BACKEND_ENV}={os.environ[BACKEND_ENV]!r} names no embedding backend; use one of {names}, "
            "or unset it for the default."
        ) from None


def backend_encoder(encoder, cache_dir: Path, *, backend: Backend | None = None):
    """What embeds questions with ``backend`` (None: :func:`default_backend`): for ONNX and BF16,
    the export of ``encoder``'s model (made once under ``cache_dir`` if missing, else reused);
    for torch, or when the model cannot be exported, ``encoder`` itself.

    Only a sentence-transformers :class:`~embeddings.encoder.Encoder` is swapped; any other
    encoder (a test's fake, a benchmark's) is returned as it is.
    """
    from embeddings.onnx_encoder import query_encoder

    if (backend or default_backend()) is Backend.TORCH:
        return encoder
    return query_encoder(encoder, cache_dir)


def build_encoder(encoder, cache_dir: Path, *, backend: Backend | None = None):
    """What embeds an index build's paragraphs and sentences with ``backend`` (None:
    :func:`default_backend`): for BF16, ``encoder``'s model under bfloat16 autocast; for the
    others, what embeds their questions (:func:`backend_encoder`).

    Only a sentence-transformers :class:`~embeddings.encoder.Encoder` is swapped.
    """
    if (backend or default_backend()) is Backend.BF16:
        return Bf16Encoder(encoder) if type(encoder) is Encoder else encoder
    return backend_encoder(encoder, cache_dir, backend=backend)
