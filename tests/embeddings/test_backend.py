"""The embedding backend setting (QA_EMBED_BACKEND), without the model."""

from __future__ import annotations

from pathlib import Path

import pytest

import embeddings.backend
from embeddings.backend import BACKEND_ENV, Backend, backend_encoder, build_encoder, default_backend
from embeddings.bf16_encoder import Bf16Encoder
from embeddings.encoder import Encoder
from embeddings.errors import InvalidOptionError


@pytest.mark.parametrize(("value", "backend"), [("onnx", Backend.ONNX), ("torch", Backend.TORCH), (" Torch ", Backend.TORCH),
                                                 ("bf16", Backend.BF16), ("BF16", Backend.BF16),
                                                 ("openvino", Backend.OPENVINO), ("OpenVINO", Backend.OPENVINO)])
@pytest.mark.parametrize("has_bf16", [True, False])
def test_the_setting_names_the_backend(
    monkeypatch: pytest.MonkeyPatch, value: str, backend: Backend, has_bf16: bool
) -> None:
    monkeypatch.setattr(embeddings.backend, "cpu_has_bf16", lambda: has_bf16)
    monkeypatch.setenv(BACKEND_ENV, value)
    assert default_backend() is backend


@pytest.mark.parametrize("value", [None, ""])
def test_unset_it_is_openvino(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv(BACKEND_ENV, raising=False)
    else:
        monkeypatch.setenv(BACKEND_ENV, value)
    assert default_backend() is Backend.OPENVINO


def test_an_unknown_backend_is_refused_with_the_ones_that_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV, "int8")
    with pytest.raises(InvalidOptionError, match=r"QA_EMBED_BACKEND='int8' names no embedding backend; use one of openvino, bf16, onnx, torch"):
        default_backend()


def test_torch_keeps_sentence_transformers_and_other_encoders_pass_through(tmp_path: Path, fake_encoder) -> None:
    encoder = Encoder()  # lazy: nothing is loaded to decide
    assert backend_encoder(encoder, tmp_path, backend=Backend.TORCH) is encoder
    assert backend_encoder(fake_encoder, tmp_path, backend=Backend.ONNX) is fake_encoder
    assert not any(tmp_path.iterdir())  # nothing exported for either


def test_bf16_builds_in_bfloat16_and_leaves_questions_to_onnx(tmp_path: Path, fake_encoder) -> None:
    encoder = Encoder()
    built = build_encoder(encoder, tmp_path, backend=Backend.BF16)
    assert isinstance(built, Bf16Encoder) and built.encoder is encoder
    assert build_encoder(encoder, tmp_path, backend=Backend.TORCH) is encoder
    assert build_encoder(fake_encoder, tmp_path, backend=Backend.BF16) is fake_encoder
    assert build_encoder(fake_encoder, tmp_path, backend=Backend.OPENVINO) is fake_encoder
    assert not any(tmp_path.iterdir())  # a bf16 build encoder exports nothing itself
