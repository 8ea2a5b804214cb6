"""The index folder: immutable builds, a manifest written last, an atomic switch, a build lock.

Layout of ``index_dir``::

    CURRENT                 name of the build in use (replaced atomically)
    builds/<name>/          one complete build: plain files + manifest.json (written last)
    embedding-cache/        vectors by model and text hash (embeddings/cache.py)
    sentence-cache/         sentence spans by text hash (qa/text/sentence_cache.py)
    entity-cache/           named entities by sentence text (qa/text/entities.py)
    .lock                   held while a build is written

A reader resolves CURRENT once and reads a build that never changes afterwards, so a crash
or a concurrent build cannot hand it half-written files. A build that dies before its
manifest is written is never named by CURRENT and is swept away by the next build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from qa.errors import DamagedIndexError, IndexFolderError, IndexLockedError

#: The one format number of a build (the manifest and every file the hybrid index writes):
#: bumped whenever they change meaning, and a build of another format is rebuilt, not read.
#: 4: sentence entities (qa.text.entities); 5: one number for the manifest and the files;
#: 6: the parsed declarations (declarations.json) and each corpus file's state (``sources``);
#: 7: the version of the reading code that parsed them (``reader``); 8: each paragraph's word
#: pairs (``bm25_phrases``, qa.search.fusion.Weights.phrase); 9: the off-topic probes' nearest
#: paragraphs and sentences (``probe_neighbours.npz``, qa.search.off_topic).
FORMAT_VERSION = 9
MANIFEST = "manifest.json"
CURRENT = "CURRENT"
#: How long a second process waits for another's build before giving up with a clear error.
#: Building the bundled corpus takes about a minute on two cores.
LOCK_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class Manifest:
    """What built an index and what its files must hash to."""

    format: int
    package_version: str
    model: str
    dimension: int
    corpus_hash: str
    paragraphs: int
    documents: dict[str, str] = field(default_factory=dict)  # doc_id -> source sha256
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    settings: dict[str, object] = field(default_factory=dict)
    built_at: str = ""
    # corpus file path -> its size, mtime_ns, sha256, doc_id or skip reason (qa.index.freshness)
    sources: dict[str, dict[str, object]] = field(default_factory=dict)
    reader: str = ""  # qa.ingest.reading.reader_version() of the code that parsed the sources

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("manifest is not a JSON object")
        return cls(**data)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class IndexStore:
    """Builds and opens index folders under one root.

    Args:
        root: The index folder (created on first build).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.builds = self.root / "builds"

    def lock(self, timeout: float = LOCK_TIMEOUT_S) -> FileLock:
        """The build lock; use as a context manager.

        Raises:
            IndexLockedError: On timeout (another process is building).
            IndexFolderError: If the index folder cannot be created.
        """
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexFolderError(
                f"Cannot create the index folder {self.root} ({exc.strerror or exc}). "
                "Choose a writable folder with --index or QA_INDEX."
            ) from exc
        return _ClearLock(str(self.root / ".lock"), timeout=timeout)

    def current(self) -> Path | None:
        """The build folder CURRENT names, or None when there is no usable pointer."""
        try:
            name = (self.root / CURRENT).read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise DamagedIndexError(f"Cannot read {self.root / CURRENT}: {exc}.") from exc
        folder = self.builds / name
        if not name or "/" in name or not folder.is_dir():
            return None
        return folder

    def read_manifest(self, folder: Path) -> Manifest:
        """Read and check a build's manifest.

        Raises:
            DamagedIndexError: If it is missing or unreadable (its format is the caller's to check).
        """
        path = folder / MANIFEST
        try:
            manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, TypeError) as exc:
            raise DamagedIndexError(
                f"The index manifest {path} is missing or damaged ({exc}). Run `qa index` to rebuild."
            ) from exc
        return manifest

    def verify(self, folder: Path, manifest: Manifest) -> None:
        """Check every file against the manifest's sha256 before anything parses it.

        Raises:
            DamagedIndexError: Naming the first file that is missing or differs.
        """
        if not manifest.files:
            raise DamagedIndexError(f"The index manifest in {folder} lists no files.")
        for name, expected in sorted(manifest.files.items()):
            path = folder / name
            if not path.is_file():
                raise DamagedIndexError(f"The index file {path} is missing. Run `qa index` to rebuild.")
            if sha256_file(path) != expected:
                raise DamagedIndexError(
                    f"The index file {path} does not match its checksum (damaged or edited). "
                    "Run `qa index` to rebuild."
                )

    def rewrite_manifest(self, folder: Path, manifest: Manifest) -> None:
        """Replace a committed build's manifest atomically (to record new file times; files unchanged)."""
        _write_atomic(folder / MANIFEST, manifest.to_json())

    def new_build(self) -> Path:
        """A fresh, empty folder for a build (not yet visible to readers)."""
        self.builds.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        folder = self.builds / f"{stamp}-{uuid.uuid4().hex[:8]}"
        folder.mkdir()
        return folder

    def commit(self, folder: Path, manifest: Manifest) -> None:
        """Write the manifest last, switch CURRENT to the build, then sweep older builds."""
        for name in manifest.files:
            with (folder / name).open("rb") as handle:
                os.fsync(handle.fileno())
        _write_atomic(folder / MANIFEST, manifest.to_json())
        _write_atomic(self.root / CURRENT, folder.name + "\n")
        self.sweep(keep=folder)

    def sweep(self, *, keep: Path | None) -> None:
        """Remove every build but ``keep`` (old builds, and half-written ones from crashes)."""
        if not self.builds.is_dir():
            return
        for child in self.builds.iterdir():
            if keep is not None and child.name == keep.name:
                continue
            shutil.rmtree(child, ignore_errors=True)


class _ClearLock(FileLock):
    """A FileLock whose timeout says who holds the lock and what to do."""

    def acquire(self, *args, **kwargs):  # type: ignore[override]
        try:
            return super().acquire(*args, **kwargs)
        except Timeout as exc:
            raise IndexLockedError(
                f"Another process is building the index in {Path(self.lock_file).parent} "
                "(its lock is held). Wait for it to finish, then try again."
            ) from exc
