"""Reading: declaration files on disk become :class:`~qa.documents.Declaration` records.

Example:
    >>> reading = read_corpus(Path("corpus"))
    >>> [d.doc_id for d in reading.declarations][:2]
    ['americas-2022-los-angeles-migration', 'apec-2023-san-francisco-golden-gate']
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from qa.catalog import CATALOG_NAME, Catalog, load_catalog
from qa.documents import Declaration
from qa.errors import CorpusError, QAError
from qa.metadata import resolve, header_fields
from qa.parsing import parse_text

SUPPORTED_SUFFIXES = (".txt",)
# Files in the corpus folder that describe it rather than being declarations.
_NOT_DECLARATIONS = ("readme", "sources")


class UnreadableFileError(QAError):
    """A declaration file cannot be read; the message says why and what to do."""


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


def read_corpus(corpus_dir: Path) -> CorpusReading:
    """Read every declaration file in ``corpus_dir`` (not its subfolders).

    catalog.toml and files named README* or SOURCES* are not declarations and are ignored.
    A file that cannot be read is listed in ``skipped`` with the reason; the rest is read.

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
    catalog = load_catalog(corpus_dir / CATALOG_NAME)
    declarations: list[Declaration] = []
    skipped: list[SkippedFile] = []
    for path in sorted(corpus_dir.iterdir()):
        if path.name == CATALOG_NAME or path.name.startswith(".") or path.is_dir():
            continue
        if path.name.lower().startswith(_NOT_DECLARATIONS):
            continue
        try:
            declarations.append(read_declaration(path, catalog=catalog))
        except UnreadableFileError as exc:
            skipped.append(SkippedFile(str(path), str(exc)))
    declarations.sort(key=lambda d: d.doc_id)
    return CorpusReading(declarations=declarations, skipped=skipped)


def read_declaration(path: Path, *, catalog: Catalog | None = None) -> Declaration:
    """Read one declaration file.

    Args:
        path: A .txt file.
        catalog: Metadata to apply; None means the catalog.toml beside the file, if any.

    Raises:
        UnreadableFileError: If the file is missing, of an unsupported format or unreadable.
    """
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnreadableFileError(
            f"unsupported format '{path.suffix or path.name}'; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if catalog is None:
        catalog = load_catalog(path.parent / CATALOG_NAME)
    text = data.decode("utf-8-sig")
    doc_id = path.stem
    parsed = parse_text(text, doc_id=doc_id)
    opening = " ".join(p.text for p in parsed.paragraphs[:3])
    meta = resolve(doc_id, catalog.get(doc_id), header_fields(parsed.header), opening_text=opening)
    return Declaration(
        doc_id=doc_id, title=meta.title, date=meta.date, place=meta.place, issuer=meta.issuer,
        source=str(path), sha256=hashlib.sha256(data).hexdigest(),
        paragraphs=tuple(parsed.paragraphs), metadata_origin=meta.origin, notes=tuple(parsed.notes),
    )
