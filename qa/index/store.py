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
import mmap
import os
import shutil
import threading
import time
import uuid
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import DamagedIndexError, IndexFolderError, IndexLockedError
from qa.index.declarations_file import DECLARATIONS
from qa.side_threads import in_background

if TYPE_CHECKING:
    from filelock import FileLock

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
    splitter: str = ""  # qa.text.sentences.rules_version() of the code that cut the sentences

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


def _sha256_mapped(path: Path) -> str:
    """Hex sha256 of a file's bytes through a memory map: one call that lets go of Python's lock
    for the whole file. Read in 1 MiB blocks, each read and each block's hash took the lock back,
    which a thread hashing beside a busy open waits for: the 26 MB of sentence vectors took
    0.09-0.13 s there, against 0.025 s alone (0.02-0.08 s mapped).

    For an index's own files only: they are never written after their build is committed, and a
    mapped file cut short by another program while it is hashed would stop this one (SIGBUS). A file
    that cannot be mapped (a file system that maps none) is read in blocks as :func:`sha256_file` does.
    """
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:  # an empty file cannot be mapped
            return hashlib.sha256(b"").hexdigest()
        try:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return sha256_file(path)
        with mapped:
            return hashlib.sha256(mapped).hexdigest()


def _file_state(path: Path) -> tuple[int, ...]:
    """What tells a file changed without reading it: its device, inode, size and times (a file
    replaced has another inode; one rewritten in place, another modification time, and on POSIX
    another change time; on Windows ``st_ctime_ns`` is the creation time).

    Raises:
        OSError: If it cannot be found.
    """
    status = os.stat(path)
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


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
        # path -> (the file's state when its hash began, the hash): see sha256()
        self._hashes: dict[Path, tuple[tuple[int, ...], Future[str]]] = {}
        self._hashes_lock = threading.Lock()
        self._manifest: tuple[Path, tuple[int, ...], Manifest] | None = None  # the last one read, as read_manifest()
        self._ahead_stopped = threading.Event()  # stop_checking_ahead()

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
        return _clear_lock()(str(self.root / ".lock"), timeout=timeout)

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
            state = _file_state(path)
            kept = self._manifest
            if kept is not None and kept[:2] == (path, state):  # an open reads it three times: 2 ms each at 428 files
                return kept[2]
            manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, TypeError) as exc:
            raise DamagedIndexError(
                f"The index manifest {path} is missing or damaged ({exc}). Run `qa index` to rebuild."
            ) from exc
        self._manifest = (path, state, manifest)
        return manifest

    def sha256(self, path: Path) -> str:
        """A file's hex sha256, hashed once per state of the file by this store (its device, inode,
        size and times, as ``os.stat`` gives them): asked again, or while a side thread hashes it
        (:meth:`check_ahead`), it is not hashed again. A file changed since, even one rewritten in
        place, has another state and is hashed anew.

        Raises:
            OSError: If the file cannot be read.
        """
        state = _file_state(path)
        with self._hashes_lock:
            known = self._hashes.get(path)
            mine = known is None or known[0] != state
            if mine:
                self._hashes[path] = (state, Future())
            future = self._hashes[path][1]
        if mine:
            try:
                future.set_result(_sha256_mapped(path))
            except BaseException as exc:
                future.set_exception(exc)
                with self._hashes_lock:  # a failure is not kept: the next call tries again
                    if self._hashes.get(path, (None, None))[1] is future:
                        del self._hashes[path]
        return future.result()

    def check_ahead(self) -> Future[None]:
        """Hash the current build's files on a side thread, so that the :meth:`verify` of an open
        finds them hashed, or hashes them from both ends: hashing lets go of Python's lock, and an
        open meanwhile parses the build's declarations, which holds it. Opening the whole ../shared
        library spent 0.07 s of 0.35 s hashing its 53 MB (docs/performance.md, "Opening without
        the collector's passes"). Any error is left for the open to meet (nothing is checked
        here, only hashed). Returns the side work, for those who wait for it."""

        def hash_files() -> None:
            try:
                folder = self.current()
                if folder is None:
                    return
                names = set(self.read_manifest(folder).files)
                # the one an open reads first, then the rest from the end verify() reaches last
                for name in [DECLARATIONS] * (DECLARATIONS in names) + sorted(names - {DECLARATIONS}, reverse=True):
                    if self._ahead_stopped.is_set():
                        return
                    self.sha256(folder / name)
            except (OSError, DamagedIndexError):
                return

        return in_background(hash_files)

    def stop_checking_ahead(self) -> None:
        """The current build will not be loaded as it is (the corpus changed, or a build comes):
        :meth:`check_ahead` stops after the file under way. Workers forked to read or build wait for
        side work to end (qa.side_threads.fork_is_safe), and hashing a build that is then thrown
        away would make them wait for nothing."""
        self._ahead_stopped.set()

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
            if self.sha256(path) != expected:
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


@lru_cache(maxsize=1)
def _clear_lock() -> type[FileLock]:
    """A FileLock whose timeout says who holds the lock and what to do. filelock is imported here,
    when a build or a manifest's rewrite first locks: an open that finds its index up to date never
    does, and the import (secrets, its async half) took 0.026 s of every fresh `qa ask`."""
    from filelock import FileLock, Timeout

    class ClearLock(FileLock):
        def acquire(self, *args, **kwargs):  # type: ignore[override]
            try:
                return super().acquire(*args, **kwargs)
            except Timeout as exc:
                raise IndexLockedError(
                    f"Another process is building the index in {Path(self.lock_file).parent} "
                    "(its lock is held). Wait for it to finish, then try again."
                ) from exc

    return ClearLock
