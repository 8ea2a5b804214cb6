"""Reading: declaration files on disk become :class:`~qa.documents.Declaration` records.

Example:
    >>> reading = read_corpus(Path("corpus"))
    >>> [d.doc_id for d in reading.declarations][:2]
    ['americas-2022-los-angeles-migration', 'apec-2023-san-francisco-golden-gate']
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from qa.documents import Declaration
from qa.errors import CorpusError
from qa.ingest.catalog import CATALOG_NAME, Catalog, folder_catalog
from qa.ingest.formats import SUPPORTED_SUFFIXES, UnreadableFileError, check_supported, extract, parse_extracted
from qa.ingest.kinds import classify
from qa.ingest.limits import DEFAULT_LIMITS, ReadLimits, check_text_size
from qa.ingest.metadata import header_fields, resolve

__all__ = [
    "MAX_FILE_BYTES", "SUPPORTED_SUFFIXES", "CorpusReading", "ReadLimits", "SkippedFile", "UnreadableFileError",
    "hidden_file_reason", "not_a_declaration", "read_corpus", "read_declaration",
]

# The largest bundled declaration is 135 KB of text and a long declaration as PDF is a few MB.
# A file over 20 MB is almost surely not one declaration, and reading it would stall every
# index build, so it is skipped.
MAX_FILE_BYTES = 20 * 1024 * 1024
# Files in the corpus folder that describe it rather than being declarations.
_NOT_DECLARATIONS = ("readme", "sources")


@dataclass(frozen=True)
class SkippedFile:
    """A file in the corpus folder that was not read, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class CorpusReading:
    """The declarations read from a corpus folder, sorted by doc_id, and the files skipped."""

    declarations: list[Declaration]
    skipped: list[SkippedFile]


def read_corpus(corpus_dir: Path, *, limits: ReadLimits | None = DEFAULT_LIMITS) -> CorpusReading:
    """Read every declaration file in ``corpus_dir`` (not its subfolders).

    catalog.toml and files named README* or SOURCES* describe the corpus and are not read.
    Every other file is read as a declaration or listed in ``skipped`` with the reason: empty,
    binary, too big, over a reading limit, not really a PDF, a symlink out of the folder, a
    hidden file (name starting with a dot), a duplicate of an earlier file. Of two duplicates
    the first in name order is kept; of two files with the same stem, the plainer format
    (.txt before .md, .html, .pdf, .docx).

    Args:
        corpus_dir: The folder.
        limits: Each file is read in a worker process under these limits (see
            :mod:`qa.ingest.sandbox`); None reads in this process without them (trusted files).

    Raises:
        CorpusError: If ``corpus_dir`` is not an existing folder.
        CatalogError: If the folder's catalog.toml is malformed.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"Corpus folder {corpus_dir} does not exist or is not a folder. "
            "Create it with declaration files in it, or point QA_CORPUS at one."
        )
    catalog = folder_catalog(corpus_dir)
    skipped: list[SkippedFile] = []
    candidates: list[Path] = []
    for path in sorted(corpus_dir.iterdir(), key=_reading_order):
        if not_a_declaration(path):
            continue
        try:
            check_candidate(path, corpus_dir)
        except UnreadableFileError as exc:
            skipped.append(SkippedFile(str(path), str(exc)))
            continue
        candidates.append(path)
    seen = _Seen()
    declarations: list[Declaration] = []
    for path, outcome in zip(candidates, _read_all(candidates, catalog, limits)):
        try:
            if isinstance(outcome, UnreadableFileError):
                raise outcome
            seen.check(outcome, path)
        except UnreadableFileError as exc:
            skipped.append(SkippedFile(str(path), str(exc)))
            continue
        declarations.append(outcome)
    declarations.sort(key=lambda d: d.doc_id)
    return CorpusReading(declarations=declarations, skipped=skipped)


def read_files(
    paths: list[Path], *, catalog: Catalog, limits: ReadLimits | None = DEFAULT_LIMITS
) -> list[Declaration | UnreadableFileError]:
    """Read files as declarations (under ``limits`` in worker processes; None: here, without limits).

    Returns:
        For each path its Declaration or the UnreadableFileError saying why it was not read.
    """
    return _read_all(list(paths), catalog, limits)


def _read_all(paths: list[Path], catalog: Catalog, limits: ReadLimits | None) -> list[Declaration | UnreadableFileError]:
    if limits is not None:
        from qa.ingest.sandbox import read_files as read_isolated

        return read_isolated(paths, catalog=catalog, limits=limits)
    outcomes: list[Declaration | UnreadableFileError] = []
    for path in paths:
        try:
            outcomes.append(read_declaration(path, catalog=catalog))
        except UnreadableFileError as exc:
            outcomes.append(exc)
    return outcomes


def reader_version() -> str:
    """A short hash of the code that turns files into declarations (qa/ingest and the records):
    parsed declarations kept from a build made by other code are read again, not reused."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted([*here.glob("*.py"), here.parent / "documents.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def read_to_add(files: list[Path], *, catalog: Catalog) -> list[Declaration]:
    """Read files to add, each in the reading door; the first that cannot be read stops the add.

    Raises:
        UnreadableFileError: Naming the file and why (a hidden file, a limit, a bad format).
    """
    for file in files:
        if (reason := hidden_file_reason(file)) is not None:
            raise UnreadableFileError(f"{file}: {reason}")
    read = read_files(files, catalog=catalog)
    for file, outcome in zip(files, read):
        if isinstance(outcome, UnreadableFileError):
            raise outcome if str(file) in str(outcome) else type(outcome)(f"{file}: {outcome}")
    return read


def read_declaration(path: Path, *, catalog: Catalog | None = None) -> Declaration:
    """Read one declaration file (.txt, .md, .html, .pdf or .docx).

    Args:
        path: The file; its stem is the doc_id.
        catalog: Metadata to apply; None means the catalog.toml beside the file, if any.

    Raises:
        UnreadableFileError: If the file is a folder, missing, empty, too big, of an unsupported
            format, not what its suffix says, or holds no paragraphs.
    """
    path = Path(path)
    _check_is_file(path)
    check_supported(path.suffix)
    data = _read_bytes(path)
    if catalog is None:
        catalog = folder_catalog(path.parent)
    extracted = extract(path.suffix, data)
    check_text_size(extracted.text)
    doc_id = path.stem
    parsed = parse_extracted(extracted, doc_id=doc_id)
    if not parsed.paragraphs:
        raise UnreadableFileError("no paragraphs found in the text; is it a declaration?")
    header = header_fields(parsed.header, titled=extracted.own_title)
    # The file's visible title line wins over format metadata (an HTML <title> ends "| Site"),
    # unless the author set the title (Markdown front matter: the first line may be a dateline);
    # for the other fields explicit metadata (<meta name="date">, PDF author) is more precise
    # than header prose.
    visible = {"title": header["title"]} if "title" in header and not extracted.own_title else {}
    stated = {**header, **extracted.stated, **visible}
    opening = " ".join(p.text for p in parsed.paragraphs[:3])
    entry = catalog.get(doc_id)
    meta = resolve(doc_id, entry, stated, guessed=extracted.guessed, opening_text=opening)
    if entry.kind is None and "kind" in extracted.stated:  # the file's own kind (front matter) below the catalog's
        entry = dataclasses.replace(entry, kind=extracted.stated["kind"])
    return classify(Declaration(
        doc_id=doc_id, title=meta.title, date=meta.date, place=meta.place, issuer=meta.issuer,
        source=str(path), sha256=hashlib.sha256(data).hexdigest(),
        paragraphs=tuple(parsed.paragraphs), metadata_origin=meta.origin,
        notes=(*extracted.notes, *parsed.notes), symbol=stated.get("symbol", ""),
        url=extracted.stated.get("source_url", ""),
    ), entry)


def _reading_order(path: Path) -> tuple[str, int, str]:
    suffix = path.suffix.lower()
    rank = SUPPORTED_SUFFIXES.index(suffix) if suffix in SUPPORTED_SUFFIXES else len(SUPPORTED_SUFFIXES)
    return path.stem, rank, path.name


def not_a_declaration(path: Path) -> bool:
    """catalog.toml, README* or SOURCES*, or a folder: not a declaration, and not listed as skipped."""
    name = path.name
    if name == CATALOG_NAME or name.lower().startswith(_NOT_DECLARATIONS):
        return True
    return path.is_dir()


def hidden_file_reason(path: Path) -> str | None:
    """Why a file whose name starts with a dot is not read, or None for any other name.

    Hidden files are refused rather than read: in a corpus folder they are an editor's backup
    (".accord.txt.swp"), macOS metadata ("._accord.txt", a binary twin of the real file) or a
    copy cut short (".accord.txt.1234.tmp"), and their stem would make a doc_id that starts
    with a dot. So ``qa add`` refuses them and ``qa index`` lists them as skipped.
    """
    if not path.name.startswith("."):
        return None
    plain = path.name.lstrip(".") or "declaration.txt"
    return (
        f"hidden file (its name starts with a dot), not read as a declaration; "
        f"rename it to {plain!r} to index it"
    )


def check_candidate(path: Path, corpus_dir: Path) -> None:
    """The checks a file passes before it is read at all: not hidden, no link out of its
    folder, a regular file (a pipe or device would block), not over the size limit (checked
    here too: a worker forked from a fork server would not see a changed limit).

    Raises:
        UnreadableFileError: Naming the check it failed.
    """
    _check_name(path)
    _check_link(path, corpus_dir)
    _check_is_file(path)
    _check_size(path)


def _check_name(path: Path) -> None:
    if (reason := hidden_file_reason(path)) is not None:
        raise UnreadableFileError(reason)


def _check_link(path: Path, corpus_dir: Path) -> None:
    if not path.is_symlink():
        return
    target = path.resolve()
    if not target.exists():
        raise UnreadableFileError(f"broken symlink to {target}; remove it or restore the target")
    if corpus_dir.resolve() not in target.parents:
        raise UnreadableFileError(
            f"symlink to {target}, outside the corpus folder; copy the file into the folder instead"
        )


def _check_is_file(path: Path) -> None:
    """Say what is wrong with a path that is not a file before judging its suffix."""
    if path.is_dir():
        raise UnreadableFileError(
            f"{path} is a folder; name the declaration files in it instead (for example {path / '*.txt'})"
        )
    if not path.exists():
        raise UnreadableFileError(f"cannot read {path}: no such file")
    if not path.is_file():  # reading a named pipe or a device would wait for ever
        raise UnreadableFileError(f"{path} is not a regular file (a pipe, socket or device); remove it")


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        raise UnreadableFileError(
            f"file is {size / 2**20:.1f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit for one "
            "declaration; split it or remove it from the corpus"
        )


def _read_bytes(path: Path) -> bytes:
    _check_size(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not data:
        raise UnreadableFileError("empty file (0 bytes); remove it or add the declaration text")
    return data


class _Seen:
    """Remembers what has been read so that duplicates are skipped."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.hashes: dict[str, str] = {}
        self.texts: dict[str, str] = {}

    def check(self, declaration: Declaration, path: Path) -> None:
        doc_id = declaration.doc_id
        if doc_id in self.ids:
            raise UnreadableFileError(
                f"doc_id '{doc_id}' is already taken by {self.ids[doc_id]}; rename one of the files"
            )
        text_key = hashlib.sha256(_normalised(declaration).encode()).hexdigest()
        if (other := self.hashes.get(declaration.sha256)) is not None:
            raise UnreadableFileError(f"duplicate of {other} (same bytes); remove one of them")
        if (other := self.texts.get(text_key)) is not None:
            raise UnreadableFileError(f"duplicate of {other} (same text); remove one of them")
        self.ids[doc_id] = path.name
        self.hashes[declaration.sha256] = doc_id
        self.texts[text_key] = doc_id


def _normalised(declaration: Declaration) -> str:
    """Paragraph text with case and whitespace differences removed."""
    return " ".join(" ".join(p.text for p in declaration.paragraphs).casefold().split())
