"""Fixtures of the embedding tests that run the real bundled model."""

from __future__ import annotations

from pathlib import Path

import pytest

from embeddings.encoder import Encoder
from embeddings.export import export_onnx


@pytest.fixture(scope="session")
def torch_encoder() -> Encoder:
    """The bundled model in sentence-transformers (loaded on first use)."""
    return Encoder()


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory, torch_encoder: Encoder) -> Path:
    """An export cache holding the bundled model's ONNX export (made once a session)."""
    folder = tmp_path_factory.mktemp("onnx-cache")
    export_onnx(torch_encoder, folder)
    return folder
