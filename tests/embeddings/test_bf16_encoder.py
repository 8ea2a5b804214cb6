"""bfloat16 builds: the CPU check (no model) and the vectors against float32 (real bundled model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embeddings.bf16_encoder import SUFFIX, Bf16Encoder, cpu_has_bf16
from embeddings.cache import EmbeddingCache
from embeddings.encoder import Encoder

REPO = Path(__file__).resolve().parents[2]


def cpuinfo(tmp_path: Path, flags: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 {flags}\n\nprocessor\t: 1\n")
    return path


@pytest.mark.parametrize(("flags", "has"), [("avx2 avx512f avx512_bf16 avx512_vnni", True), ("amx_bf16 amx_tile", True),
                                            ("avx2 avx512f avx512_vnni", False), ("avx512_bf16x", False)])
def test_the_cpu_flags_decide(tmp_path: Path, flags: str, has: bool) -> None:
    assert cpu_has_bf16(cpuinfo(tmp_path, flags)) is has


def test_a_cpu_whose_flags_cannot_be_read_has_none(tmp_path: Path) -> None:
    assert cpu_has_bf16(tmp_path / "missing") is False
    (tmp_path / "noflags").write_text("processor\t: 0\n")
    assert cpu_has_bf16(tmp_path / "noflags") is False


def test_bf16_vectors_are_cached_apart_from_float32(tmp_path: Path) -> None:
    encoder = Encoder()  # lazy: the name decides the cache folder without loading the model
    bf16 = Bf16Encoder(encoder)
    assert bf16.name == encoder.name + SUFFIX
    assert repr(bf16) == "Bf16Encoder('bundled:all-MiniLM-L6-v2')"
    assert EmbeddingCache(tmp_path, model=bf16.name, dimension=384).folder != \
        EmbeddingCache(tmp_path, model=encoder.name, dimension=384).folder


@pytest.mark.integration
@pytest.mark.skipif(not cpu_has_bf16(), reason="this CPU has no bfloat16 instructions (builds use OpenVINO in float32 here)")
def test_bf16_vectors_stay_within_a_cosine_of_float32() -> None:
    texts = [p.strip() for p in (REPO / "corpus" / "nato-chicago-summit-2012.txt").read_text().split("\n\n") if p.strip()]
    texts = texts[:120] + ["When will the ISAF mission end?", "Georgia"]
    encoder = Encoder()
    fp32 = encoder.encode(texts)
    bf16 = Bf16Encoder(encoder).encode(texts)
    assert bf16.dtype == np.float32 and bf16.shape == fp32.shape
    assert np.allclose(np.linalg.norm(bf16, axis=1), 1.0, atol=1e-5)
    cosines = (fp32 * bf16).sum(axis=1)
    assert cosines.min() >= 0.9995
    assert not np.array_equal(fp32, bf16)  # it really ran in bfloat16
