"""Tests for embeddings/encoder.py that need no model: a model setting that cannot load is one clear line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from embeddings import encoder as encoder_module
from embeddings.encoder import Encoder
from qa.errors import QAError


@pytest.mark.parametrize(
    ("setting", "reason"),
    [
        ("/nonexistent", "no such folder"),
        ("./no-such-model", "no such folder"),
        ("models/no/such", "no such folder"),
        ("{empty}", r"the folder holds no model \(no modules.json or config.json\)"),
        ("{file}", "that is a file, not a model folder"),
    ],
)
def test_a_path_that_is_no_model_folder_is_refused_in_one_line(tmp_path: Path, setting: str, reason: str) -> None:
    (tmp_path / "file.txt").write_text("x")
    setting = setting.format(empty=tmp_path, file=tmp_path / "file.txt")
    with pytest.raises(QAError, match=f"^Cannot load embedding model '{setting}': {reason}. Use ") as caught:
        _ = Encoder(setting).model  # loading is what fails
    assert "\n" not in str(caught.value)


def test_the_revision_warning_is_dropped_only_while_loading(caplog) -> None:
    logger = logging.getLogger("sentence_transformers.util.file_io")
    with caplog.at_level(logging.WARNING), encoder_module._without_revision_warning():
        logger.warning("Could not resolve the revision of 'x' (bad). Loading without pinning to a single commit.")
        logger.warning("something else")
    logger.warning("Could not resolve the revision of 'y' (bad).")
    assert [r.getMessage()[:30] for r in caplog.records] == ["something else", "Could not resolve the revision"]


def test_first_line_of_a_long_error_without_its_full_stop() -> None:
    assert encoder_module._first_line(OSError("We couldn't connect.\nCheck your connection.")) == "We couldn't connect"
