"""The ONNX query encoder against sentence-transformers (real bundled model), and its fallbacks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from embeddings.encoder import Encoder
from embeddings.export import MIN_COSINE, ONNX_FILE, SETTINGS_FILE, export_onnx, find_export
from embeddings.onnx_encoder import OnnxEncoder, query_encoder

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def eval_questions() -> list[str]:
    return [
        json.loads(line)["question"]
        for path in sorted((REPO / "eval").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_every_eval_question_gets_sentence_transformers_vector(cache_dir: Path, torch_encoder: Encoder) -> None:
    questions = eval_questions()
    assert len(questions) > 500
    onnx = query_encoder(torch_encoder, cache_dir, export=False)
    assert isinstance(onnx, OnnxEncoder) and onnx.dimension == 384 and onnx.name == torch_encoder.name
    want = torch_encoder.encode(questions)
    one_by_one = np.vstack([onnx.encode([q]) for q in questions])  # as a question is asked
    batched = onnx.encode(questions)  # padded batches, sorted by length
    for got in (one_by_one, batched):
        assert got.dtype == np.float32 and got.shape == want.shape
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
        assert (got * want).sum(axis=1).min() >= MIN_COSINE
    assert onnx._failed is False  # the vectors came from ONNX Runtime, not the fallback


def test_an_export_is_made_once_and_reused(cache_dir: Path, torch_encoder: Encoder) -> None:
    folder, settings = find_export(cache_dir, torch_encoder.name)
    stamp = (folder / ONNX_FILE).stat().st_mtime_ns
    assert export_onnx(torch_encoder, cache_dir) == folder
    assert (folder / ONNX_FILE).stat().st_mtime_ns == stamp
    assert settings.max_length == torch_encoder.model.max_seq_length


def test_a_damaged_export_falls_back_to_sentence_transformers(
    tmp_path: Path, cache_dir: Path, torch_encoder: Encoder, caplog: pytest.LogCaptureFixture
) -> None:
    folder, settings = find_export(cache_dir, torch_encoder.name)
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for name in (SETTINGS_FILE, "tokenizer.json"):
        (damaged / name).write_bytes((folder / name).read_bytes())
    (damaged / ONNX_FILE).write_bytes((folder / ONNX_FILE).read_bytes()[: 1 << 20])  # cut short
    onnx = OnnxEncoder(damaged, settings, fallback=torch_encoder)
    got = onnx.encode(["When will the ISAF mission end?"])
    np.testing.assert_allclose(got, torch_encoder.encode(["When will the ISAF mission end?"]), atol=1e-6)
    assert onnx._failed and "cannot be used" in caplog.text


def test_an_export_giving_other_vectors_is_refused(tmp_path: Path, cache_dir: Path, torch_encoder: Encoder) -> None:
    folder, settings = find_export(cache_dir, torch_encoder.name)
    wrong = settings.__class__(**{**settings.__dict__, "probe": tuple(-x for x in settings.probe)})
    onnx = OnnxEncoder(folder, wrong, fallback=torch_encoder)
    onnx.encode(["Georgia"])
    assert onnx._failed


def test_warm_opens_the_question_session_and_leaves_a_failure_to_encode(
    tmp_path: Path, cache_dir: Path, torch_encoder: Encoder, caplog: pytest.LogCaptureFixture
) -> None:
    folder, settings = find_export(cache_dir, torch_encoder.name)
    onnx = OnnxEncoder(folder, settings, fallback=torch_encoder)
    onnx.warm()
    assert list(onnx._sessions) == [1]  # the one-thread session a question takes
    session = onnx._sessions[1]
    onnx.encode(["When will the ISAF mission end?"])
    assert onnx._sessions == {1: session}  # used, not opened again
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for name in (SETTINGS_FILE, "tokenizer.json"):
        (damaged / name).write_bytes((folder / name).read_bytes())
    (damaged / ONNX_FILE).write_bytes(b"not a model")
    OnnxEncoder(damaged, settings).warm()  # no fallback: the failure waits for encode
    with pytest.raises(Exception, match="cannot be used"):
        OnnxEncoder(damaged, settings).encode(["Georgia"])
    broken = OnnxEncoder(damaged, settings, fallback=torch_encoder)
    broken.warm()
    assert broken._failed and "cannot be used" in caplog.text
    np.testing.assert_allclose(broken.encode(["Georgia"]), torch_encoder.encode(["Georgia"]), atol=1e-6)
