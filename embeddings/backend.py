"""Which runtime embeds: OpenVINO or bfloat16 builds with float32 questions, ONNX Runtime, or sentence-transformers.

``openvino`` (the default) builds indexes with the model's ONNX export in OpenVINO
(embeddings/openvino_encoder.py): in bfloat16 where the CPU has bfloat16 instructions (2.35-2.4x
faster than float32 torch here, R@1 unchanged), else in float32 (torch's very vectors).
Questions are embedded with the float32 export in ONNX Runtime whatever the backend, so a
question never imports torch or OpenVINO. ``bf16`` builds with sentence-transformers under
torch's bfloat16 autocast (embeddings/bf16_encoder.py: 1.8x faster than float32), the default
before OpenVINO. ``onnx`` runs the fp32 export of embeddings/export.py for builds too: its
vectors equal sentence-transformers' (lowest cosine 0.9999999) and R@1, R@5 and MRR on SQuAD
half A and eval/declarations.jsonl are identical (benchmarks/backend_quality.py). The
int8-quantised export was 3.8x faster but changed the declarations' R@1 by 0.0093 (two of 215
questions, upwards), past the 0.005 issue 15 allows either way, so it is not offered. A model
the export does not support (or a damaged export, or an export OpenVINO cannot compile) builds
with sentence-transformers under bfloat16 autocast where the CPU has bfloat16, else with the
export in ONNX Runtime (or, with no export, sentence-transformers in float32).

``QA_EMBED_BACKEND=torch`` puts float32 sentence-transformers back for both, one setting away.

Example:
    >>> encoder = backend_encoder(Encoder(), Path(".qa-index/onnx-cache"))   # OnnxEncoder
    >>> backend_encoder(Encoder(), Path(".qa-index/onnx-cache"), backend=Backend.TORCH)
    Encoder('bundled:all-MiniLM-L6-v2')
    >>> build_encoder(Encoder(), Path(".qa-index/onnx-cache"), backend=Backend.BF16)
    Bf16Encoder('bundled:all-MiniLM-L6-v2')
    >>> build_encoder(Encoder(), Path(".qa-index/onnx-cache"))
    OpenVinoEncoder('bundled:all-MiniLM-L6-v2', bf16=True)
"""

from __future__ import annotations

import logging
import os
from enum import StrEnum
from pathlib import Path

from embeddings.bf16_encoder import Bf16Encoder, cpu_has_bf16
from embeddings.encoder import Encoder
from embeddings.errors import ExportError, InvalidOptionError

BACKEND_ENV = "QA_EMBED_BACKEND"
logger = logging.getLogger(__name__)


class Backend(StrEnum):
    """The runtimes a sentence-transformers model can embed with."""

    OPENVINO = "openvino"
    BF16 = "bf16"
    ONNX = "onnx"
    TORCH = "torch"


def default_backend() -> Backend:
    """The backend in force: QA_EMBED_BACKEND if set, else OPENVINO.

    Raises:
        InvalidOptionError: If QA_EMBED_BACKEND names no backend.
    """
    value = os.environ.get(BACKEND_ENV, "").strip().lower()
    if not value:
        return Backend.OPENVINO
    try:
        return Backend(value)
    except ValueError:
        names = ", ".join(b.value for b in Backend)
        raise InvalidOptionError(
            f"{BACKEND_ENV}={os.environ[BACKEND_ENV]!r} names no embedding backend; use one of {names}, "
            "or unset it for the default."
        ) from None


def backend_encoder(encoder, cache_dir: Path, *, backend: Backend | None = None):
    """What embeds questions with ``backend`` (None: :func:`default_backend`): for every backend
    but TORCH, the export of ``encoder``'s model (made once under ``cache_dir`` if missing, else reused);
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
    :func:`default_backend`): for OPENVINO, the export of ``encoder``'s model compiled by
    OpenVINO, in bfloat16 where the CPU has it (a model without an export, quietly, or an
    export OpenVINO cannot run, after a logged warning: as BF16 where the CPU has bfloat16,
    else as ONNX); for BF16, ``encoder``'s model under bfloat16 autocast; for the others,
    what embeds their questions (:func:`backend_encoder`).

    Only a sentence-transformers :class:`~embeddings.encoder.Encoder` is swapped.
    """
    backend = backend or default_backend()
    if type(encoder) is not Encoder or backend in (Backend.ONNX, Backend.TORCH):
        return backend_encoder(encoder, cache_dir, backend=backend)
    if backend is Backend.BF16:
        return Bf16Encoder(encoder)
    candidate, failure = _openvino(encoder, cache_dir)
    if candidate is not None:
        return candidate
    from embeddings.onnx_encoder import query_encoder

    # The export was tried already: the fallback does not try it again.
    fallback = Bf16Encoder(encoder) if cpu_has_bf16() else query_encoder(encoder, cache_dir, export=False)
    if failure is not None:
        logger.warning("%s The build embeds with %s instead.", failure, _runtime(fallback))
    return fallback


def _openvino(encoder: Encoder, cache_dir: Path):
    """``(encoder's export compiled by OpenVINO, None)``, made under ``cache_dir`` if missing;
    ``(None, None)`` for a model that has no export (quietly, as for questions); ``(None, the
    error)`` when OpenVINO cannot run the export."""
    from embeddings.export import export_onnx, find_export
    from embeddings.openvino_encoder import OpenVinoEncoder

    try:
        export_onnx(encoder, cache_dir)  # at once when the folder or the user's cache has it
    except ExportError as exc:  # a hub id, other modules: sentence-transformers embeds it
        logger.info("%s", exc)
        return None, None
    found = find_export(cache_dir, encoder.name)
    if found is None:
        return None, None
    candidate = OpenVinoEncoder(*found, bf16=cpu_has_bf16())
    try:
        candidate.open()
    except ExportError as exc:
        return None, exc
    return candidate, None


def _runtime(encoder) -> str:
    """What embeds with ``encoder``, in words for a message."""
    if isinstance(encoder, Bf16Encoder):
        return "sentence-transformers under bfloat16 autocast"
    if isinstance(encoder, Encoder):
        return "sentence-transformers"
    return "the ONNX export in ONNX Runtime"
