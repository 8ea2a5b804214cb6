"""The embedding backend setting (QA_EMBED_BACKEND), without the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from embeddings.backend import BACKEND_ENV, Backend, backend_encoder, default_backend
from embeddings.encoder import Encoder
from embeddings.errors import InvalidOptionError


@pytest.mark.parametrize(("value", "backend"), [(None, Backend.ONNX), ("", Backend.ONNX), ("onnx", Backend.ONNX),
                                                 ("torch", Backend.TORCH), (" Torch ", Backend.TORCH)])
def test_the_setting_names_the_backend(monkeypatch: pytest.MonkeyPatch, value: str | None, backend: Backend) -> None:
    if value is None:
        monkeypatch.delenv(BACKEND_ENV, raising=False)
    else:
        monkeypatch.setenv(BACKEND_ENV, value)
    assert default_backend() is backend


def test_an_unknown_backend_is_refused_with_the_ones_that_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV, "int8")
    with pytest.raises(InvalidOptionError, match=r"QA_EMBED_BACKEND='int8' names no embedding backend; use one of onnx, torch"):
        default_backend()


def test_torch_keeps_sentence_transformers_and_other_encoders_pass_through(tmp_path: Path, fake_encoder) -> None:
    encoder = Encoder()  # lazy: nothing is loaded to decide
    assert backend_encoder(encoder, tmp_path, backend=Backend.TORCH) is encoder
    assert backend_encoder(fake_encoder, tmp_path, backend=Backend.ONNX) is fake_encoder
    assert not any(tmp_path.iterdir())  # nothing exported for either
