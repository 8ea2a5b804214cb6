"""Embedding questions with ONNX Runtime and the model's own tokenizer: no torch on the query path.

A fresh ``qa ask`` used to spend about 4.6 s importing sentence-transformers and torch to embed
one question. ONNX Runtime and ``tokenizers`` import in about 0.2 s and a session over the
exported model (embeddings/export.py) opens in about 0.2 s; the vectors equal
sentence-transformers' (cosine >= 0.9999999 on the 595 questions of eval/*.jsonl).

Example:
    >>> encoder = query_encoder(Encoder(), Path(".qa-index/onnx-cache"))
    >>> encoder.encode(["When will the ISAF mission end?"]).shape
    (1, 384)
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from embeddings.encoder import SINGLE_THREAD_BELOW, Encoder
from embeddings.errors import ExportError
from embeddings.export import MIN_COSINE, ONNX_FILE, PROBES, TOKENIZER_FILE, ExportSettings, export_onnx, find_export

logger = logging.getLogger(__name__)


class OnnxEncoder:
    """Embeds texts with an exported model as L2-normalised float32 vectors (same API as Encoder).

    The session opens on first use and is checked against the probe vector the export recorded;
    if it cannot open or gives another vector, ``fallback`` (a sentence-transformers
    :class:`Encoder`) embeds instead, after one logged warning.

    Args:
        folder: An export folder (see :func:`embeddings.export.export_onnx`).
        settings: Its ``export.json``.
        fallback: The encoder to use when the export fails; None re-raises the failure.
        batch_size: Texts per forward pass.
        probe_cosine: The lowest cosine between the session's probe vector and the recorded one
            that counts as the same model (a benchmark of a quantised graph lowers it).
    """

    def __init__(
        self,
        folder: Path,
        settings: ExportSettings,
        *,
        fallback: Encoder | None = None,
        batch_size: int = 64,
        probe_cosine: float = MIN_COSINE,
    ) -> None:
        self.folder = Path(folder)
        self.settings = settings
        self.name = settings.model
        self.dimension = settings.dimension
        self.batch_size = batch_size
        self.fallback = fallback
        self.probe_cosine = probe_cosine
        self._sessions: dict[int, object] = {}
        self._tokenizer = None
        self._failed = False
        self._lock = threading.Lock()

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        """Embed texts; returns an (n, dimension) float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # One thread for a question, as embeddings.encoder explains; batches use every core.
        threads = 1 if len(texts) < SINGLE_THREAD_BELOW else 0
        session = self._session(threads)
        if session is None:
            return self.fallback.encode(texts, progress=progress)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for rows in batches_by_length(texts, self.batch_size):
            out[rows] = self._run(session, [texts[i] for i in rows])
        return out

    def warm(self) -> None:
        """Open the session a question is embedded with, now: a library opening its index calls
        this on a side thread, where ONNX Runtime's 0.2-0.4 s of session set-up runs beside the
        index's loading (it lets go of Python's lock), not after it. A failure is met as the first
        :meth:`encode` would have met it: with a fallback, logged here and the fallback embeds;
        without one, nothing is raised here and :meth:`encode` tries again and raises."""
        try:
            self._session(1)
        except ExportError:
            pass

    def _run(self, session, texts: list[str]) -> np.ndarray:
        return unit_rows(session.run(None, model_inputs(self._tokenizer, self.settings, texts))[0])

    def _session(self, threads: int):
        """The session for this thread count (0: ONNX Runtime's default), or None after a failure."""
        with self._lock:
            if self._failed:
                return None
            if threads not in self._sessions:
                try:
                    self._sessions[threads] = self._open(threads)
                except ExportError as exc:
                    if self.fallback is None:
                        raise
                    logger.warning("%s Questions are embedded with sentence-transformers instead.", exc)
                    self._failed = True
                    return None
            return self._sessions[threads]

    def _open(self, threads: int):
        try:
            import onnxruntime
            import tokenizers  # noqa: F401 (load_tokenizer needs it)
        except ImportError as exc:
            raise ExportError(f"ONNX Runtime or tokenizers is not installed ({exc}).") from exc
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: its optimiser's notes are not for users
        try:
            if self._tokenizer is None:
                self._tokenizer = load_tokenizer(self.folder / TOKENIZER_FILE, self.settings)
            session = onnxruntime.InferenceSession(
                str(self.folder / ONNX_FILE), options, providers=["CPUExecutionProvider"]
            )
            probe = self._run(session, [PROBES[0]])[0]
        except Exception as exc:  # ONNX Runtime raises its own classes for a damaged file
            raise ExportError(f"The ONNX export in {self.folder} cannot be used ({exc}).") from exc
        if float(probe @ np.asarray(self.settings.probe, dtype=np.float32)) < self.probe_cosine:
            raise ExportError(f"The ONNX export in {self.folder} no longer gives the vectors it was made with.")
        return session

    def __repr__(self) -> str:
        return f"OnnxEncoder({self.name!r})"


def load_tokenizer(path: Path, settings: ExportSettings):
    """The model's tokenizer, truncating and padding as sentence-transformers does."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=settings.max_length)
    tokenizer.enable_padding(pad_id=settings.pad_id, pad_token=settings.pad_token)
    return tokenizer


#: Which field of a ``tokenizers`` encoding feeds each input an export may name.
_INPUT_FIELDS = {"input_ids": "ids", "attention_mask": "attention_mask", "token_type_ids": "type_ids"}


def model_inputs(tokenizer, settings: ExportSettings, texts: list[str]) -> dict[str, np.ndarray]:
    """The export's inputs for one batch of texts, tokenised and padded alike."""
    encodings = tokenizer.encode_batch([str(t) for t in texts])
    return {
        name: np.array([getattr(e, _INPUT_FIELDS[name]) for e in encodings], dtype=np.int64)
        for name in settings.inputs
    }


def batches_by_length(texts: list[str], size: int) -> list[np.ndarray]:
    """The texts' positions, longest first, in batches of ``size``: similar lengths pad less."""
    order = np.argsort([-len(t) for t in texts], kind="stable")
    return [order[start : start + size] for start in range(0, len(texts), size)]


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` as float32 rows of length one (a zero row stays zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def query_encoder(encoder, cache_dir: Path, *, export: bool = True):
    """The encoder to embed questions with: the ONNX export of ``encoder``'s model when there is
    one (made here when ``export`` and missing), else ``encoder`` itself.

    Only a sentence-transformers :class:`Encoder` is swapped; any other object (a test's fake
    encoder) is returned as it is. Making an export imports torch once; a model that cannot be
    exported is logged and embeds with sentence-transformers.
    """
    if type(encoder) is not Encoder:
        return encoder
    found = find_export(cache_dir, encoder.name)
    if found is None and export:
        try:
            export_onnx(encoder, cache_dir)
        except ExportError as exc:
            logger.info("%s", exc)
        found = find_export(cache_dir, encoder.name)
    if found is None:
        return encoder
    folder, settings = found
    return OnnxEncoder(folder, settings, fallback=encoder)
