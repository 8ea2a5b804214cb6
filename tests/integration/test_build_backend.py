"""Index builds embed with OpenVINO (in bfloat16 where the CPU has it); QA_EMBED_BACKEND=bf16 /
onnx / torch choose the others; questions stay on the ONNX export.

Each build runs in a fresh interpreter, as `qa` would: the bundled corpus/ into an empty index
folder that holds only the ONNX export the session library made (so the export is reused, not
made again). The ONNX and torch builds' vectors (their embedding caches) must be the same
vectors; the bfloat16 builds', within a cosine of 0.9995 of them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from embeddings.bf16_encoder import SUFFIX as TORCH_BF16
from embeddings.bf16_encoder import cpu_has_bf16
from embeddings.cache import EmbeddingCache
from embeddings.encoder import BUNDLED_MODEL
from embeddings.export import MIN_COSINE
from embeddings.openvino_encoder import SUFFIX as OPENVINO_BF16
from qa.evaluation.shared_data import declarations_dir
from qa.index.build import ONNX_CACHE

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """
import json, sys
from qa.library import Library
lib = Library.open(sys.argv[1], sys.argv[2], progress=False)
print(json.dumps({"encoder": type(lib._index.encoder).__name__, "built": lib.report.built,
                  "embedded": lib.report.embedded,
                  "sentence_transformers": "sentence_transformers" in sys.modules}))
"""


def _build(index: Path, export_from: Path, backend: str | None) -> dict:
    shutil.copytree(export_from / ONNX_CACHE, index / ONNX_CACHE)
    env = {k: v for k, v in os.environ.items() if k != "QA_EMBED_BACKEND"}
    if backend is not None:
        env["QA_EMBED_BACKEND"] = backend
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(REPO / "corpus"), str(index)],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def _vectors(index: Path, model: str = BUNDLED_MODEL) -> dict[str, np.ndarray]:
    cache = EmbeddingCache(index / "embedding-cache", model=model, dimension=384)
    return dict(cache._vectors)


def _lowest_cosine(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    assert a.keys() == b.keys()
    keys = sorted(a)
    return float((np.vstack([a[k] for k in keys]) * np.vstack([b[k] for k in keys])).sum(axis=1).min())


def test_builds_embed_with_openvino_and_bf16_onnx_and_torch_are_one_setting_away(
    tmp_path: Path, index_dir: Path, library
) -> None:
    onnx = _build(tmp_path / "onnx", index_dir, "onnx")
    assert onnx == {"encoder": "OnnxEncoder", "built": True, "embedded": onnx["embedded"],
                    "sentence_transformers": False}  # the export was reused: no sentence-transformers import
    assert onnx["embedded"] > 300
    torch = _build(tmp_path / "torch", index_dir, "torch")
    assert torch == {"encoder": "Encoder", "built": True, "embedded": onnx["embedded"], "sentence_transformers": True}
    by_onnx, by_torch = _vectors(tmp_path / "onnx"), _vectors(tmp_path / "torch")
    assert len(by_onnx) == onnx["embedded"]
    assert _lowest_cosine(by_onnx, by_torch) >= MIN_COSINE

    default = _build(tmp_path / "default", index_dir, None)
    # Questions go to the export whatever embedded the build; OpenVINO runs the export too.
    assert default == {"encoder": "OnnxEncoder", "built": True, "embedded": onnx["embedded"],
                       "sentence_transformers": False}
    if not cpu_has_bf16():  # OpenVINO in float32: torch's vectors, in torch's cache
        assert _vectors(tmp_path / "default", BUNDLED_MODEL + OPENVINO_BF16) == {}
        assert _lowest_cosine(_vectors(tmp_path / "default"), by_torch) >= MIN_COSINE
        return
    assert _vectors(tmp_path / "default") == {}  # nothing cached as float32
    by_openvino = _vectors(tmp_path / "default", BUNDLED_MODEL + OPENVINO_BF16)
    assert _lowest_cosine(by_openvino, by_torch) >= 0.9995
    assert max(float(np.abs(by_openvino[k] - by_torch[k]).max()) for k in by_openvino) > 1e-4  # not float32

    bf16 = _build(tmp_path / "bf16", index_dir, "bf16")
    assert bf16["sentence_transformers"] and bf16["embedded"] == onnx["embedded"]  # the model ran in torch
    by_bf16 = _vectors(tmp_path / "bf16", BUNDLED_MODEL + TORCH_BF16)
    assert _lowest_cosine(by_bf16, by_torch) >= 0.9995
    assert max(float(np.abs(by_bf16[k] - by_torch[k]).max()) for k in by_bf16) > 1e-4


def test_a_bad_backend_setting_is_one_sentence_and_leaves_the_index_alone(index_dir: Path, library) -> None:
    current = (index_dir / "CURRENT").read_text()
    env = {**os.environ, "QA_EMBED_BACKEND": "int8", "QA_INDEX": str(index_dir),
           "QA_CORPUS": str(declarations_dir())}
    result = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "When will the ISAF mission end?"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1
    assert "QA_EMBED_BACKEND='int8' names no embedding backend; use one of openvino, bf16, onnx, torch" in result.stderr
    assert "Traceback" not in result.stderr and "damaged" not in result.stderr
    assert (index_dir / "CURRENT").read_text() == current  # not taken for a damaged index and rebuilt
