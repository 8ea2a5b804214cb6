"""Finding an ONNX export without a model: what counts as up to date, and what is never exported."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import pytest

from embeddings.encoder import Encoder
from embeddings.errors import ExportError, QAError
from embeddings.export import (
    EXPORT_FORMAT,
    ONNX_FILE,
    SETTINGS_FILE,
    TOKENIZER_FILE,
    ExportSettings,
    export_folder,
    export_onnx,
    find_export,
    source_fingerprint,
)
from embeddings.onnx_encoder import query_encoder


def fake_export(cache: Path, model_folder: Path, **changes) -> Path:
    """An export folder whose settings match ``model`` (files are placeholders: nothing is run)."""
    model = model_folder
    folder = export_folder(cache, str(model))
    folder.mkdir(parents=True)
    (folder / ONNX_FILE).write_bytes(b"onnx")
    (folder / TOKENIZER_FILE).write_text("{}")
    settings = ExportSettings(
        format=EXPORT_FORMAT, model=str(model), source=source_fingerprint(model), dimension=4, max_length=8,
        inputs=("input_ids",), pad_id=0, pad_token="[PAD]", probe=(1.0, 0.0, 0.0, 0.0),
    )
    (folder / SETTINGS_FILE).write_text(json.dumps({**asdict(settings), **changes}))
    return folder


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "modules.json").write_text("[]")
    (folder / "1_Pooling" / "config.json").write_text("{}")
    return folder


def test_an_up_to_date_export_is_found(tmp_path: Path, model_dir: Path) -> None:
    folder = fake_export(tmp_path / "cache", model_dir)
    found = find_export(tmp_path / "cache", str(model_dir))
    assert found is not None and found[0] == folder and found[1].dimension == 4


def test_a_changed_model_file_makes_the_export_stale(tmp_path: Path, model_dir: Path) -> None:
    fake_export(tmp_path / "cache", model_dir)
    config = model_dir / "1_Pooling" / "config.json"
    config.write_text('{"pooling_mode_cls_token": true}')
    os.utime(config, ns=(1, 1))
    assert find_export(tmp_path / "cache", str(model_dir)) is None


@pytest.mark.parametrize("changes", [{"format": EXPORT_FORMAT + 1}, {"model": "another"}, {"dimension": "x", "probe": 5}])
def test_an_export_of_another_format_or_model_is_not_used(tmp_path: Path, model_dir: Path, changes: dict) -> None:
    fake_export(tmp_path / "cache", model_dir, **changes)
    assert find_export(tmp_path / "cache", str(model_dir)) is None


def test_a_model_that_is_no_local_folder_is_not_exported_and_questions_use_it(tmp_path: Path) -> None:
    encoder = Encoder("some-org/a-hub-model")
    with pytest.raises(ExportError, match="is not a local folder; only those are exported"):
        export_onnx(encoder, tmp_path)
    assert issubclass(ExportError, QAError)
    assert query_encoder(encoder, tmp_path) is encoder  # no torch needed to decide that
    assert encoder._model is None


def test_other_encoders_are_left_alone(tmp_path: Path, fake_encoder) -> None:
    assert query_encoder(fake_encoder, tmp_path) is fake_encoder
    assert not tmp_path.joinpath("x").exists() and list(tmp_path.iterdir()) == []
