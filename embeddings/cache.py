"""An embedding cache keyed by model and text hash, so unchanged text is never embedded twice.

Each model has a folder of shards; a shard is ``<name>.npy`` (float32 vectors) and
``<name>.keys`` (a header line with the npy's sha256, then one text sha256 per line).
Shards are written to temporary names and renamed, keys last, so a crash leaves either
a whole shard or one the loader ignores; a shard whose checksum fails is ignored too, so
a damaged cache costs time, never a wrong vector.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import uuid
from pathlib import Path

import numpy as np

from embeddings.protocol import TextEncoder


def text_key(text: str) -> str:
    """The cache key of a text: sha256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _slug(model: str) -> str:
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", model)[-60:]
    return f"{readable}-{hashlib.sha256(model.encode()).hexdigest()[:12]}"


class EmbeddingCache:
    """Vectors by text hash for one model, persisted under ``folder``.

    Args:
        folder: Root of the cache (one sub-folder per model).
        model: The model setting the vectors came from.
        dimension: Their length; shards of another length are ignored.
    """

    def __init__(self, folder: Path, *, model: str, dimension: int) -> None:
        self.folder = Path(folder) / _slug(model)
        self.dimension = dimension
        self._vectors: dict[str, np.ndarray] = {}
        self._load()

    def _load(self) -> None:
        if not self.folder.is_dir():
            return
        for keys_path in sorted(self.folder.glob("*.keys")):
            npy_path = keys_path.with_suffix(".npy")
            try:
                header, *keys = keys_path.read_text(encoding="ascii").splitlines()
                data = npy_path.read_bytes()
                if header != f"sha256={hashlib.sha256(data).hexdigest()}":
                    continue
                vectors = np.load(io.BytesIO(data), allow_pickle=False)
            except (OSError, ValueError, UnicodeDecodeError):
                continue
            if vectors.ndim != 2 or vectors.shape != (len(keys), self.dimension):
                continue
            self._vectors.update(zip(keys, vectors.astype(np.float32)))

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, key: str) -> np.ndarray | None:
        """The cached vector for a text key, or None."""
        return self._vectors.get(key)

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        """Add vectors and persist them as one new shard."""
        if not keys:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        name = uuid.uuid4().hex
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
        data = buffer.getvalue()
        header = f"sha256={hashlib.sha256(data).hexdigest()}\n"
        _write_durably(self.folder / f"{name}.npy", data)
        _write_durably(self.folder / f"{name}.keys", (header + "\n".join(keys) + "\n").encode("ascii"))
        self._vectors.update(zip(keys, vectors.astype(np.float32)))


class CachingEncoder:
    """Wraps an encoder: texts already in the cache are not embedded again.

    Args:
        encoder: Any :class:`~embeddings.protocol.TextEncoder`.
        cache_dir: Root folder of the embedding cache.
    """

    def __init__(self, encoder: TextEncoder, cache_dir: Path) -> None:
        self.encoder = encoder
        self.name = encoder.name
        self.dimension = encoder.dimension
        self.cache = EmbeddingCache(cache_dir, model=encoder.name, dimension=encoder.dimension)
        self.embedded = 0  # texts actually sent to the model, for reports and tests

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        """Embed texts, taking cached vectors where the cache has them."""
        keys = [text_key(text) for text in texts]
        missing = sorted({key: i for i, key in enumerate(keys) if self.cache.get(key) is None}.items())
        if missing:
            fresh = self.encoder.encode([texts[i] for _, i in missing], progress=progress)
            self.cache.put([key for key, _ in missing], fresh)
            self.embedded += len(missing)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = self.cache.get(key)
        return out


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
