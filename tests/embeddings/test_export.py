"""Finding an ONNX export without a model: what counts as up to date, and what is never exported."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

import embeddings.export as export_module
from embeddings.encoder import Encoder
from embeddings.errors import ExportError, QAError
from embeddings.export import (
    EXPORT_CACHE_ENV,
    EXPORT_FORMAT,
    ONNX_FILE,
    SETTINGS_FILE,
    TOKENIZER_FILE,
    ExportSettings,
    export_folder,
    export_onnx,
    find_export,
    source_fingerprint,
    user_cache,
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


# ----- the user's export cache ------------------------------------------------------------------


@pytest.fixture
def user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(EXPORT_CACHE_ENV, str(tmp_path / "user"))
    return tmp_path / "user"


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch, model_dir: Path) -> list[Path]:
    """Stands in for torch's export (a placeholder export); records each folder exported to."""
    made: list[Path] = []

    def fake_export_into(encoder, source, target):
        made.append(target)
        fake_export(target.parent, model_dir)

    monkeypatch.setattr(export_module, "_export_into", fake_export_into)
    return made


def test_where_the_user_cache_is(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(EXPORT_CACHE_ENV, "~/exports")
    assert user_cache() == Path.home() / "exports"
    monkeypatch.setenv(EXPORT_CACHE_ENV, "OFF")
    assert user_cache() is None
    monkeypatch.delenv(EXPORT_CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert user_cache() == tmp_path / "declaration-qa" / "onnx"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert user_cache() == Path.home() / ".cache" / "declaration-qa" / "onnx"


def test_a_new_export_is_kept_for_the_user_and_the_next_index_takes_it(
    tmp_path: Path, model_dir: Path, user_folder: Path, exports: list[Path]
) -> None:
    first = export_onnx(Encoder(str(model_dir)), tmp_path / "index-a" / "onnx-cache")
    assert exports == [first]
    assert find_export(user_folder, str(model_dir)) is not None
    encoder = Encoder(str(model_dir))
    second = export_onnx(encoder, tmp_path / "index-b" / "onnx-cache")
    assert exports == [first]  # taken from the user's cache: nothing exported, torch not loaded
    assert encoder._model is None
    assert find_export(tmp_path / "index-b" / "onnx-cache", str(model_dir))[0] == second
    assert (second / ONNX_FILE).read_bytes() == (first / ONNX_FILE).read_bytes()
    # The index folder's copy is its own: a file rewritten in place there leaves the user's copy
    # alone, and removing the user's cache leaves the index folder's whole.
    (second / ONNX_FILE).write_bytes(b"damaged in place")
    assert (export_folder(user_folder, str(model_dir)) / ONNX_FILE).read_bytes() == (first / ONNX_FILE).read_bytes()
    shutil.rmtree(user_folder)
    assert find_export(tmp_path / "index-b" / "onnx-cache", str(model_dir)) is not None


def test_a_stale_export_in_the_user_cache_is_replaced(
    tmp_path: Path, model_dir: Path, user_folder: Path, exports: list[Path]
) -> None:
    fake_export(user_folder, model_dir, source="a model folder of another day")
    export_onnx(Encoder(str(model_dir)), tmp_path / "index" / "onnx-cache")
    assert len(exports) == 1
    assert find_export(user_folder, str(model_dir)) is not None


def test_no_user_cache_when_it_is_off_or_cannot_be_written(
    tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch, exports: list[Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(EXPORT_CACHE_ENV, "off")
    export_onnx(Encoder(str(model_dir)), tmp_path / "a")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(EXPORT_CACHE_ENV, str(blocker / "user"))
    with caplog.at_level("INFO", logger="embeddings.export"):
        folder = export_onnx(Encoder(str(model_dir)), tmp_path / "b")
    assert len(exports) == 2 and find_export(tmp_path / "b", str(model_dir))[0] == folder
    assert "Cannot copy the ONNX export" in caplog.text
