"""OpenVINO builds: the export compiled in bfloat16 and float32 against sentence-transformers
(real bundled model), a damaged export refused, and the build encoder's fallbacks."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

import embeddings.backend
from embeddings.backend import Backend, build_encoder
from embeddings.bf16_encoder import Bf16Encoder, cpu_has_bf16
from embeddings.encoder import Encoder
from embeddings.errors import ExportError
from embeddings.export import MIN_COSINE, ONNX_FILE, SETTINGS_FILE, TOKENIZER_FILE, find_export
from embeddings.onnx_encoder import OnnxEncoder
from embeddings.openvino_encoder import SUFFIX, OpenVinoEncoder

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def texts() -> list[str]:
    paragraphs = (REPO / "corpus" / "nato-chicago-summit-2012.txt").read_text(encoding="utf-8").split("\n\n")
    # 70 texts of every length: more than two batches, so both streams take some, and each
    # batch's rows must go back to the texts' order.
    return [p.strip() for p in paragraphs if p.strip()][:68] + ["When will the ISAF mission end?", "Georgia"]


@pytest.fixture(scope="module")
def float32(torch_encoder: Encoder, texts: list[str]) -> np.ndarray:
    return torch_encoder.encode(texts)


@pytest.mark.parametrize("bf16", [False, True])
def test_vectors_are_sentence_transformers_own_in_both_precisions(
    cache_dir: Path, torch_encoder: Encoder, texts: list[str], float32: np.ndarray, bf16: bool
) -> None:
    if bf16 and not cpu_has_bf16():
        pytest.skip("this CPU has no bfloat16 instructions")
    encoder = OpenVinoEncoder(*find_export(cache_dir, torch_encoder.name), bf16=bf16)
    got = encoder.encode(texts)
    assert got.dtype == np.float32 and got.shape == float32.shape
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cosines = (got * float32).sum(axis=1)
    if bf16:
        assert encoder.name == torch_encoder.name + SUFFIX  # cached apart from float32
        assert cosines.min() >= 0.9995
        assert float(np.abs(got - float32).max()) > 1e-4  # it really ran in bfloat16
    else:
        assert encoder.name == torch_encoder.name  # float32 shares torch's cache
        assert cosines.min() >= MIN_COSINE
    np.testing.assert_array_equal(encoder.encode(texts[::-1]), got[::-1])  # the order given is kept
    assert encoder.encode([]).shape == (0, 384)


def _damaged_copy(folder: Path, tmp_path: Path) -> Path:
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for name in (SETTINGS_FILE, TOKENIZER_FILE):
        (damaged / name).write_bytes((folder / name).read_bytes())
    (damaged / ONNX_FILE).write_bytes((folder / ONNX_FILE).read_bytes()[: 1 << 20])  # cut short
    return damaged


def test_a_damaged_export_is_one_clear_error(tmp_path: Path, cache_dir: Path, torch_encoder: Encoder) -> None:
    folder, settings = find_export(cache_dir, torch_encoder.name)
    encoder = OpenVinoEncoder(_damaged_copy(folder, tmp_path), settings, bf16=False)
    with pytest.raises(ExportError, match=r"OpenVINO cannot run the ONNX export in .*damaged"):
        encoder.open()
    with pytest.raises(ExportError):
        encoder.encode(["Georgia"])


def test_an_export_giving_other_vectors_is_refused(tmp_path: Path, cache_dir: Path, torch_encoder: Encoder) -> None:
    folder, settings = find_export(cache_dir, torch_encoder.name)
    wrong = type(settings)(**{**settings.__dict__, "probe": [-x for x in settings.probe]})
    with pytest.raises(ExportError, match="gives other vectors"):
        OpenVinoEncoder(folder, wrong, bf16=False).open()


def test_builds_default_to_openvino_and_fall_back_when_it_cannot_run(
    tmp_path: Path, cache_dir: Path, torch_encoder: Encoder, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv(embeddings.backend.BACKEND_ENV, raising=False)
    built = build_encoder(torch_encoder, cache_dir)
    assert isinstance(built, OpenVinoEncoder) and built.bf16 is cpu_has_bf16()

    fresh = tmp_path / "fresh"  # no export yet: the build makes it
    assert isinstance(build_encoder(torch_encoder, fresh, backend=Backend.OPENVINO), OpenVinoEncoder)
    assert find_export(fresh, torch_encoder.name) is not None

    folder, _ = find_export(cache_dir, torch_encoder.name)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / folder.name).mkdir()
    damaged = _damaged_copy(folder, tmp_path)
    for name in (SETTINGS_FILE, TOKENIZER_FILE, ONNX_FILE):
        (broken / folder.name / name).write_bytes((damaged / name).read_bytes())
    for has_bf16, kind, runtime in ((True, Bf16Encoder, "sentence-transformers under bfloat16 autocast"),
                                    (False, OnnxEncoder, "the ONNX export in ONNX Runtime")):
        caplog.clear()
        monkeypatch.setattr(embeddings.backend, "cpu_has_bf16", lambda has=has_bf16: has)
        with caplog.at_level(logging.WARNING, logger="embeddings.backend"):
            assert isinstance(build_encoder(torch_encoder, broken, backend=Backend.OPENVINO), kind)
        assert "OpenVINO cannot run the ONNX export" in caplog.text
        assert f"The build embeds with {runtime} instead." in caplog.text


TELEMETRY = """
import pathlib, sys, threading
from embeddings.export import find_export
from embeddings.openvino_encoder import OpenVinoEncoder
encoder = OpenVinoEncoder(*find_export(pathlib.Path(sys.argv[1]), sys.argv[2]), bf16=False)
encoder.encode(["Georgia"])
print(threading.active_count(), sys.modules.get("openvino_telemetry") is not None)
"""


def test_openvino_sends_no_usage_statistics_and_leaves_no_thread(
    tmp_path: Path, cache_dir: Path, torch_encoder: Encoder
) -> None:
    """OpenVINO's package reports each import from a thread of its own and writes ~/intel/;
    the build imports it without that, so nothing leaves the machine and worker processes
    can still be forked (qa.side_threads.fork_is_safe counts Python threads)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", TELEMETRY, str(cache_dir), torch_encoder.name],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "False"]
    assert not (tmp_path / "intel").exists()
