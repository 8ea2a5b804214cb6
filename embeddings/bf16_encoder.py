"""Index builds on bfloat16: sentence-transformers under torch's CPU autocast, where the CPU has it.

This machine's CPU has AVX512-BF16: under ``torch.autocast("cpu", dtype=torch.bfloat16)`` the
model's matrix products run in bfloat16 while LayerNorm, softmax and the pooling stay float32.
It embedded samples of the ../shared texts 1.6-2.0x faster than float32 (torch or the ONNX
export) and a whole build of ../shared 1.8x faster; its vectors of corpus/ keep a cosine of at
least 0.99998 to float32's; R@1, R@5 and MRR on SQuAD half A and eval/declarations.jsonl are
unchanged with questions embedded in float32 (benchmarks/backend_quality.py, docs/performance.md).
Questions stay on the float32 ONNX export: one question is not worth importing torch.

A CPU without bfloat16 instructions would emulate them, slower than float32, so the check
reads the CPU's flags (no torch import) and embeddings.backend falls back to ONNX.

Example:
    >>> Bf16Encoder(Encoder()).encode(["Georgia joined in 2008."]).shape
    (1, 384)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from embeddings.encoder import Encoder

#: CPU flags (Linux /proc/cpuinfo) of instructions that run bfloat16 products natively.
BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
#: Texts per forward pass. Smaller batches pad less; in bfloat16 that mattered more than the
#: larger matrices: 2,000 ../shared texts ran 1.63-1.65x faster than float32 in batches of
#: 64 (the float32 default), 1.75-1.76x in batches of 32 and 1.45-1.78x in batches of 8-24.
BATCH = 32
#: What a bfloat16 build's vectors are cached under, after the model's name: they differ from
#: float32's in the fourth decimal, so the two never share a cache.
SUFFIX = "#bf16"


@lru_cache(maxsize=1)
def cpu_has_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU runs bfloat16 products natively (False where its flags cannot be read)."""
    try:
        text = cpuinfo.read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            return not BF16_FLAGS.isdisjoint(line.partition(":")[2].split())
    return False


class Bf16Encoder:
    """Embeds texts with ``encoder``'s model under bfloat16 autocast; same API as Encoder.

    Args:
        encoder: The sentence-transformers encoder whose model (loaded once, shared) embeds.
        batch_size: Texts per forward pass.
    """

    def __init__(self, encoder: Encoder, *, batch_size: int = BATCH) -> None:
        self.encoder = encoder
        self.batch_size = batch_size
        self.name = encoder.name + SUFFIX

    @property
    def dimension(self) -> int:
        """Length of the vectors (the model's)."""
        return self.encoder.dimension

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        """Embed texts; returns an (n, dimension) float32 array of unit vectors."""
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16):
            return self.encoder.encode(texts, progress=progress, batch_size=self.batch_size)

    def __repr__(self) -> str:
        return f"Bf16Encoder({self.encoder.name!r})"
