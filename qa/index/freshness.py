"""Freshness: open an up-to-date library without reading its corpus again.

Each build's manifest records, per corpus file, its size, modification time (ns), sha256 and
the doc_id it gave (or why it was skipped), and the build keeps the parsed declarations
(qa.index.declarations_file). Opening compares each file's size and mtime with the manifest:
a file that matches is taken from the build as parsed; one that differs is hashed, and parsed
again only if its bytes changed. A changed catalog (a folder's catalog.toml or the known
declarations' one) re-reads every file, since metadata comes from it. ``check=True`` hashes
every file whatever its size and mtime say.

Example:
    >>> fresh = read_fresh([Path("corpus")], IndexStore(Path(".qa-index")))
    >>> fresh.parsed, fresh.unchanged       # an up-to-date library: nothing parsed
    (0, True)
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from qa.documents import Declaration
from qa.errors import DamagedIndexError
from qa.index.declarations_file import DECLARATIONS, read_declarations
from qa.index.store import IndexStore, Manifest, sha256_file
from qa.ingest.catalog import folder_catalog
from qa.ingest.corpora import candidate_files, catalog_files
from qa.ingest.formats import UnreadableFileError
from qa.ingest.reading import CorpusReading, SkippedFile, _Seen, check_candidate, read_files, reader_version

#: The manifest's key for the catalogs' states among the files' states.
_CATALOG = "catalog"


@dataclass(frozen=True)
class FileState:
    """What the manifest remembers of one corpus file."""

    size: int
    mtime_ns: int
    sha256: str
    doc_id: str = ""  # the declaration it gave; "" for a skipped file or a catalog
    skipped: str = ""  # why it was skipped, when it was

    def same_stat(self, path: Path) -> bool:
        stat = path.stat()
        return stat.st_size == self.size and stat.st_mtime_ns == self.mtime_ns


@dataclass(frozen=True)
class FreshReading:
    """A corpus as read for opening: declarations, skipped files and each file's state."""

    reading: CorpusReading
    sources: dict[str, FileState]
    unchanged: bool  # every file and catalog as the current build recorded: its index fits
    hashed: int = 0  # files whose bytes were hashed
    parsed: int = 0  # files read and parsed
    previous: Manifest | None = field(default=None, compare=False)


def read_fresh(folders: list[Path], store: IndexStore, *, check: bool = False) -> FreshReading:
    """Read the corpus folders, reusing the current build's parsed declarations where files are unchanged.

    Args:
        folders: The corpus folders (qa.ingest.corpora.corpus_folders).
        store: The index folder whose current build is compared with.
        check: Hash every file, even those whose size and mtime match.

    Raises:
        CatalogError: If a catalog is malformed.
    """
    manifest, folder = _current(store)
    if manifest is not None and manifest.reader != reader_version():
        manifest, folder = None, None  # parsed by other code: every file is read again
    # A manifest written before files were named by _key named them as given: read from the same
    # working folder, those names become the same keys, so an upgrade reads nothing again.
    before = {_key(name): FileState(**state) for name, state in (manifest.sources if manifest else {}).items()}
    catalogs = {_key(path): _state(path, before.get(_key(path)), check=check) for path in catalog_files(folders)}
    catalogs_same = all(name in before and before[name].sha256 == state.sha256 for name, state in catalogs.items())
    files = candidate_files(folders)
    keys = {_key(p): p for p in files}
    known_files = {name for name, s in before.items() if s.skipped != _CATALOG}
    if catalogs_same and not check and keys.keys() == known_files and all(before[k].same_stat(p) for k, p in keys.items()):
        return _as_before(manifest, folder, before, keys)
    store.stop_checking_ahead()  # something changed: the build is not loaded as it is
    return _reread(folders, files, before if catalogs_same else {}, catalogs, manifest, folder, check=check)


def _key(path: Path | str) -> str:
    """A file's name in the manifest: its folder's absolute path, symbolic links resolved, and
    its own name, so that the same folder named another way (``../shared/x`` from one folder,
    its absolute path or ``x`` from another, or a link to it) is the same corpus. Named as given,
    the whole ../shared library (424 files) was hashed and parsed again, 17 s, each time a `qa
    ask` named it otherwise than the last. The file's own name is not resolved: a link to another
    file of the folder is a file of its own (skipped as a duplicate), not its target."""
    head, name = os.path.split(os.fspath(path))  # string work: 2,600 keys an open of ../shared
    return os.path.join(_folder(os.path.abspath(head or os.curdir)), name)


@lru_cache(maxsize=256)
def _folder(absolute: str) -> str:
    """An absolute folder path with symbolic links resolved (once per folder: ../shared holds 428
    files in 3 folders; cached by the absolute path, as a relative one means another folder after
    a change of working folder). A link retargeted while a process runs only costs it a hash:
    each file's size and time are still compared with the manifest's."""
    return os.path.realpath(absolute)


def _current(store: IndexStore) -> tuple[Manifest | None, Path | None]:
    try:
        folder = store.current()
        if folder is None:
            return None, None
        manifest = store.read_manifest(folder)
        parsed = folder / DECLARATIONS
        # Checked before it is trusted, as every index file is (IndexStore.verify).
        if manifest.sources and parsed.is_file() and store.sha256(parsed) == manifest.files.get(DECLARATIONS):
            return manifest, folder
        return None, None
    except (DamagedIndexError, OSError):
        return None, None


def _as_before(manifest: Manifest, folder: Path, before: dict[str, FileState], files: dict[str, Path]) -> FreshReading:
    """Nothing changed: the build's declarations, and its skipped files with their reasons, each
    named by ``files`` (key -> the path as given now), as a reading names them."""
    path_of = {s.doc_id: files[name] for name, s in before.items() if s.doc_id and name in files}
    declarations = [_here(decl, path_of.get(decl.doc_id)) for decl in read_declarations(folder / DECLARATIONS)]
    skipped = [SkippedFile(str(files.get(name, name)), s.skipped) for name, s in before.items()
               if s.skipped and s.skipped != _CATALOG]
    reading = CorpusReading(declarations=declarations, skipped=skipped)
    return FreshReading(reading, before, unchanged=True, previous=manifest)


def _here(decl: Declaration, path: Path | None) -> Declaration:
    """A declaration of the build with its ``source`` as the file is named now: a library opened
    under another name for its folder removes and replaces the file it names (``Library.remove``
    deletes ``source``), not a path that was relative to another working folder."""
    if path is None or decl.source == str(path):
        return decl
    return dataclasses.replace(decl, source=str(path))


def _reread(
    folders: list[Path], files: list[Path], before: dict[str, FileState], catalogs: dict[str, FileState],
    manifest: Manifest | None, folder: Path | None, *, check: bool,
) -> FreshReading:
    """Hash what changed, parse what changed (through the reading door, all at once), and
    check duplicates across everything."""
    parsed_before = _previous_declarations(folder) if before else {}
    sources: dict[str, FileState] = dict(catalogs)
    outcomes: dict[Path, Declaration | UnreadableFileError] = {}
    to_read: list[Path] = []
    hashed: set[Path] = set()  # a changed file is hashed to tell, then again as it is read: one file
    for path in files:
        old = before.get(_key(path))
        if old is not None and old.skipped and not check and old.same_stat(path):
            outcomes[path] = UnreadableFileError(old.skipped)  # unreadable before and unchanged: not read again
            sources[_key(path)] = old
            continue
        try:
            check_candidate(path, path.parent)
            reused, did_hash = _reuse(path, old, parsed_before, check=check)
        except (UnreadableFileError, OSError) as exc:
            outcomes[path] = exc if isinstance(exc, UnreadableFileError) else UnreadableFileError(str(exc))
            continue
        if did_hash:
            hashed.add(path)
        if reused is None:
            to_read.append(path)
        else:
            outcomes[path], sources[_key(path)] = reused
    for parent in dict.fromkeys(p.parent for p in to_read):
        batch = [p for p in to_read if p.parent == parent]
        outcomes.update(zip(batch, read_files(batch, catalog=folder_catalog(parent))))
    hashed.update(p for p in to_read if isinstance(outcomes[p], Declaration))  # reading hashes a file it reads
    reading = _collect(files, outcomes, sources)
    unchanged = bool(before) and sources == before
    return FreshReading(reading, sources, unchanged=unchanged, hashed=len(hashed), parsed=len(to_read), previous=manifest)


def _reuse(
    path: Path, old: FileState | None, parsed_before: dict[str, Declaration], *, check: bool
) -> tuple[tuple[Declaration, FileState] | None, bool]:
    """The build's declaration of an unchanged file and its state (None if it must be read),
    and whether the file was hashed to tell."""
    if old is None or old.doc_id not in parsed_before:
        return None, False
    if not check and old.same_stat(path):
        return (_here(parsed_before[old.doc_id], path), old), False
    stat = path.stat()
    digest = sha256_file(path)
    if digest == old.sha256:
        return (_here(parsed_before[old.doc_id], path), FileState(stat.st_size, stat.st_mtime_ns, digest, old.doc_id)), True
    return None, True


def _collect(
    files: list[Path], outcomes: dict[Path, Declaration | UnreadableFileError], sources: dict[str, FileState]
) -> CorpusReading:
    """Declarations and skipped files in reading order; each file's state recorded in ``sources``."""
    seen, declarations, skipped = _Seen(), [], []
    for path in files:
        outcome = outcomes[path]
        try:
            if isinstance(outcome, UnreadableFileError):
                raise outcome
            seen.check(outcome, path)
        except UnreadableFileError as exc:
            size, mtime = _stat_or_zero(path)
            sources[_key(path)] = FileState(size, mtime, "", skipped=str(exc))
            skipped.append(SkippedFile(str(path), str(exc)))
            continue
        if _key(path) not in sources:
            stat = path.stat()
            sources[_key(path)] = FileState(stat.st_size, stat.st_mtime_ns, outcome.sha256, outcome.doc_id)
        declarations.append(outcome)
    declarations.sort(key=lambda d: d.doc_id)
    return CorpusReading(declarations, skipped)


def _previous_declarations(folder: Path | None) -> dict[str, Declaration]:
    if folder is None:
        return {}
    try:
        return {d.doc_id: d for d in read_declarations(folder / DECLARATIONS)}
    except DamagedIndexError:
        return {}


def _state(path: Path, old: FileState | None, *, check: bool) -> FileState:
    """A catalog's state; a missing catalog is size -1, so that adding one changes it."""
    if not path.is_file():
        return FileState(-1, 0, "", skipped=_CATALOG)
    stat = path.stat()
    if old is not None and not check and old.same_stat(path):
        return old
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return FileState(stat.st_size, stat.st_mtime_ns, digest, skipped=_CATALOG)


def _stat_or_zero(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
        return stat.st_size, stat.st_mtime_ns
    except OSError:
        return 0, 0
