"""Exporting a sentence-transformers model to ONNX once, so questions are embedded without torch.

An export is a folder ``<cache>/<model slug>/`` holding ``model.onnx`` (the model's modules up to
its pooled sentence embedding), the model's ``tokenizer.json`` and ``export.json``
(:class:`ExportSettings`: which model and which version of its files it came from, the tokenizer
settings, and a probe vector that a load checks). It is written to a temporary folder and renamed,
so a reader sees a whole export or none. Only what the export can reproduce is exported: after
exporting, ONNX Runtime must give every probe text the vector sentence-transformers gives it
(cosine >= :data:`MIN_COSINE`), or the export is dropped and questions keep using torch.

An index folder holds its own export, so it answers questions wherever it is copied. Each export
is also kept once for the user (:func:`user_cache`: ``QA_EXPORT_CACHE``, else
``$XDG_CACHE_HOME/declaration-qa/onnx``, else ``~/.cache/declaration-qa/onnx``), as
sentence-transformers keeps the models it downloads: a new index folder then copies the export
from there instead of loading torch and exporting again, which took 9 s of a whole build.
``QA_EXPORT_CACHE=off`` keeps no user copy.

Example:
    >>> export = export_onnx(Encoder(), Path(".qa-index/onnx-cache"))   # once, where torch is loaded
    >>> find_export(Path(".qa-index/onnx-cache"), BUNDLED_MODEL)      # later, without torch
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from embeddings.cache import _slug
from embeddings.encoder import Encoder, model_path
from embeddings.errors import ExportError

#: What an export folder holds and means; bump it when that changes, and older exports are redone.
EXPORT_FORMAT = 1
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
SETTINGS_FILE = "export.json"
#: The user's export cache (:func:`user_cache`); "off" keeps none.
EXPORT_CACHE_ENV = "QA_EXPORT_CACHE"

logger = logging.getLogger(__name__)
#: The bar for "the same vectors": on the 595 questions of eval/*.jsonl the export's lowest cosine
#: to sentence-transformers was 0.9999999 (largest element difference 1.8e-7).
MIN_COSINE = 0.9999
#: Texts an export must reproduce: short, padded in a batch, and past the model's length (truncated).
PROBES = (
    "When will the ISAF mission end?",
    "Georgia",
    "We reaffirm our commitment to the territorial integrity and sovereignty of all states, "
    "and to the peaceful settlement of disputes in accordance with international law. " * 12,
)


@dataclass(frozen=True)
class ExportSettings:
    """What ``export.json`` records about an export."""

    format: int
    model: str  # the model setting (e.g. "bundled:all-MiniLM-L6-v2")
    source: str  # fingerprint of the model folder's files (names, sizes, modification times)
    dimension: int
    max_length: int  # tokens per text; longer texts are truncated, as sentence-transformers does
    inputs: tuple[str, ...]  # the ONNX graph's inputs, from the tokenizer's output
    pad_id: int
    pad_token: str
    probe: tuple[float, ...]  # sentence-transformers' vector of PROBES[0], checked on load

    @classmethod
    def read(cls, path: Path) -> ExportSettings:
        """Read ``export.json``. Raises ExportError when it is unreadable or of another format."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            settings = cls(**{**raw, "inputs": tuple(raw["inputs"]), "probe": tuple(raw["probe"])})
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise ExportError(f"The ONNX export settings {path} cannot be read ({exc}). Delete the folder.") from exc
        if settings.format != EXPORT_FORMAT:
            raise ExportError(f"The ONNX export {path.parent} has format {settings.format}, not {EXPORT_FORMAT}.")
        return settings


def export_folder(cache_dir: Path, model: str) -> Path:
    """Where the export of a model setting lives under a cache folder."""
    return Path(cache_dir) / _slug(model)


def source_fingerprint(folder: Path) -> str:
    """A cheap fingerprint of a model folder: every file's relative name, size and mtime.

    Stat calls only (no hashing of the weights), so checking it costs a query nothing.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def find_export(cache_dir: Path, model: str) -> tuple[Path, ExportSettings] | None:
    """The up-to-date export of a model setting, or None (missing, stale, or another format)."""
    source = model_path(model)
    folder = export_folder(cache_dir, model)
    if source is None or not (folder / ONNX_FILE).is_file() or not (folder / TOKENIZER_FILE).is_file():
        return None
    try:
        settings = ExportSettings.read(folder / SETTINGS_FILE)
    except ExportError:
        return None
    if settings.model != model or settings.source != source_fingerprint(source):
        return None
    return folder, settings


def user_cache() -> Path | None:
    """Where this user's exports are kept for every index folder; None when QA_EXPORT_CACHE is
    "off" (or unset with no home folder)."""
    value = os.environ.get(EXPORT_CACHE_ENV, "").strip()
    if value.lower() == "off":
        return None
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder to be found: nothing is kept for the user
            return None
    return Path(base) / "declaration-qa" / "onnx"


def export_onnx(encoder: Encoder, cache_dir: Path) -> Path:
    """Export ``encoder``'s model under ``cache_dir`` unless an up-to-date export is there.

    An up-to-date export in the user's cache (:func:`user_cache`) is taken from there; a new
    export is also put there. Either copy failing (a read-only home) only loses the reuse.
    Otherwise imports torch (the encoder's model is loaded if it is not yet); meant for index builds.

    Returns:
        The export folder.

    Raises:
        ExportError: The model is not a local sentence-transformers folder of the supported
            modules, the export does not reproduce its vectors, or the folder cannot be written.
    """
    found = find_export(cache_dir, encoder.name)
    if found is not None:
        return found[0]
    source = model_path(encoder.name)
    if source is None:
        raise ExportError(f"The model {encoder.name!r} is not a local folder; only those are exported to ONNX.")
    target = export_folder(cache_dir, encoder.name)
    shared = user_cache()
    if shared is not None and _copied(shared, cache_dir, encoder.name):
        return target
    _export_into(encoder, source, target)
    if shared is not None:
        _copied(cache_dir, shared, encoder.name)
    return target


def _copied(source_cache: Path, target_cache: Path, model: str) -> bool:
    """Copy the up-to-date export of ``model`` under ``source_cache`` into ``target_cache``; False
    when there is none, or when the copy fails (logged: the caller exports, or keeps its export
    unshared). Copies, not hard links: a file rewritten in place in one index folder must not
    change the user's copy (90 MB copy in 0.05 s)."""
    if Path(source_cache).resolve() == Path(target_cache).resolve():
        return False
    found = find_export(source_cache, model)
    if found is None:
        return False
    target = export_folder(target_cache, model)
    try:
        with _staged(target) as tmp:
            for path in found[0].iterdir():
                shutil.copy2(path, tmp / path.name)
    except OSError as exc:
        logger.info("Cannot copy the ONNX export from %s to %s (%s).", found[0], target, exc)
        return False
    return find_export(target_cache, model) is not None


def _export_into(encoder: Encoder, source: Path, target: Path) -> None:
    """Export ``encoder``'s model (from the folder ``source``) to the folder ``target``."""
    try:
        with _staged(target) as tmp:
            try:
                settings = _export(encoder, source, tmp)
            except (ExportError, OSError):
                raise
            except Exception as exc:  # torch's exporter and ONNX Runtime raise many kinds; any means "no export"
                raise ExportError(f"Cannot export {encoder.name!r} to ONNX ({type(exc).__name__}: {exc}).") from exc
            (tmp / SETTINGS_FILE).write_text(json.dumps(asdict(settings)), encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"Cannot write the ONNX export to {target}: {exc}.") from exc


@contextmanager
def _staged(target: Path) -> Iterator[Path]:
    """A temporary folder beside ``target`` to fill; put at ``target`` when the block ends
    without an error (:func:`_replace_folder`), removed in any case."""
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.mkdir(parents=True)
        yield tmp
        _replace_folder(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _export(encoder: Encoder, source: Path, folder: Path) -> ExportSettings:
    """Write model.onnx and tokenizer.json into ``folder``, check them, and describe them."""
    import torch

    model = encoder.model
    _check_supported(model, source)
    features = _features(model, list(PROBES[:2]))
    names = tuple(features)
    wrapper = _graph_module(model, names).eval()
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    # The tracer warns about Python branches on shapes (always taken the same way for these
    # modules: the verification below checks the result) and about its own deprecation.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper, tuple(features[n] for n in names), str(folder / ONNX_FILE), dynamo=False,
            input_names=list(names), output_names=["sentence_embedding"],
            dynamic_axes={**axes, "sentence_embedding": {0: "batch"}}, opset_version=17,
        )
    shutil.copyfile(source / TOKENIZER_FILE, folder / TOKENIZER_FILE)
    tokenizer = model[0].tokenizer
    expected = encoder.encode(list(PROBES))
    settings = ExportSettings(
        format=EXPORT_FORMAT, model=encoder.name, source=source_fingerprint(source),
        dimension=int(expected.shape[1]), max_length=int(model.max_seq_length), inputs=names,
        pad_id=int(tokenizer.pad_token_id or 0), pad_token=str(tokenizer.pad_token or "[PAD]"),
        probe=tuple(float(x) for x in expected[0]),
    )
    _verify(folder, settings, expected)
    return settings


def _check_supported(model, source: Path) -> None:
    kinds = [type(m).__name__ for m in model]
    if [k for k in kinds if k != "Normalize"] != ["Transformer", "Pooling"] or not (source / TOKENIZER_FILE).is_file():
        raise ExportError(
            f"Only Transformer + Pooling (+ Normalize) models with a tokenizer.json are exported to ONNX; "
            f"this one has {' + '.join(kinds)}."
        )
    if getattr(model, "default_prompt_name", None):
        raise ExportError("A model with a default prompt is not exported to ONNX.")


def _features(model, texts: list[str]) -> dict[str, object]:
    """The tensors the model's tokenizer makes for ``texts`` (tensors only, in its order)."""
    import torch

    return {k: v for k, v in model.preprocess(texts).items() if isinstance(v, torch.Tensor)}


def _verify(folder: Path, settings: ExportSettings, expected: np.ndarray) -> None:
    """ONNX Runtime must give every probe sentence-transformers' vector, alone and in a batch."""
    from embeddings.onnx_encoder import OnnxEncoder

    onnx = OnnxEncoder(folder, settings)
    got = np.vstack([onnx.encode([text]) for text in PROBES] + [onnx.encode(list(PROBES))])
    cosines = (got * np.vstack([expected, expected])).sum(axis=1)
    if cosines.min() < MIN_COSINE:
        raise ExportError(
            f"The ONNX export of {settings.model!r} does not reproduce its vectors (lowest cosine "
            f"{cosines.min():.6f}, needed {MIN_COSINE}); questions keep using sentence-transformers."
        )


def _replace_folder(tmp: Path, target: Path) -> None:
    """Put ``tmp`` at ``target``: an old export is moved aside first; a racing writer's export wins."""
    if target.exists():
        old = target.with_name(f".{target.name}.{uuid.uuid4().hex}.old")
        try:
            os.replace(target, old)
        except OSError:
            return
        shutil.rmtree(old, ignore_errors=True)
    try:
        os.replace(tmp, target)
    except OSError:  # another process renamed its export in between: same model, same files
        if not target.is_dir():
            raise


def _graph_module(model, names: tuple[str, ...]):
    """A torch module from the tokenizer's tensors (positional, in ``names`` order) to the
    model's pooled sentence embedding: what torch.onnx.export traces."""
    import torch

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors):
            return self.model(dict(zip(names, tensors)))["sentence_embedding"]

    return SentenceEmbedding()
