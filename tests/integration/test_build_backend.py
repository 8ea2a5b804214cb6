"""Index builds embed with the model's ONNX export; QA_EMBED_BACKEND=torch puts sentence-transformers back.

Each build runs in a fresh interpreter, as `qa` would: the bundled corpus/ into an empty index
folder that holds only the ONNX export the session library made (so the export is reused, not
made again). The two builds' vectors (their embedding caches) must be the same vectors.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from embeddings.cache import EmbeddingCache
from embeddings.encoder import BUNDLED_MODEL
from embeddings.export import MIN_COSINE
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


def _vectors(index: Path) -> dict[str, np.ndarray]:
    cache = EmbeddingCache(index / "embedding-cache", model=BUNDLED_MODEL, dimension=384)
    return dict(cache._vectors)


def test_a_build_embeds_with_the_export_and_torch_is_one_setting_away(
    tmp_path: Path, index_dir: Path, library
) -> None:
    onnx = _build(tmp_path / "onnx", index_dir, None)
    assert onnx == {"encoder": "OnnxEncoder", "built": True, "embedded": onnx["embedded"],
                    "sentence_transformers": False}  # the export was reused: no sentence-transformers import
    assert onnx["embedded"] > 300
    torch = _build(tmp_path / "torch", index_dir, "torch")
    assert torch == {"encoder": "Encoder", "built": True, "embedded": onnx["embedded"], "sentence_transformers": True}
    by_onnx, by_torch = _vectors(tmp_path / "onnx"), _vectors(tmp_path / "torch")
    assert by_onnx.keys() == by_torch.keys() and len(by_onnx) == onnx["embedded"]
    keys = sorted(by_onnx)
    cosines = (np.vstack([by_onnx[k] for k in keys]) * np.vstack([by_torch[k] for k in keys])).sum(axis=1)
    assert cosines.min() >= MIN_COSINE


def test_a_bad_backend_setting_is_one_sentence_and_leaves_the_index_alone(index_dir: Path, library) -> None:
    current = (index_dir / "CURRENT").read_text()
    env = {**os.environ, "QA_EMBED_BACKEND": "int8", "QA_INDEX": str(index_dir),
           "QA_CORPUS": str(declarations_dir())}
    result = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "When will the ISAF mission end?"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1
    assert "QA_EMBED_BACKEND='int8' names no embedding backend; use one of onnx, torch" in result.stderr
    assert "Traceback" not in result.stderr and "damaged" not in result.stderr
    assert (index_dir / "CURRENT").read_text() == current  # not taken for a damaged index and rebuilt
