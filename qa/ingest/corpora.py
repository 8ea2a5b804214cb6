"""Corpora: a library's corpus is one folder or several, each with its own catalog.toml.

Several folders are named as a list (``Library.open(["corpus", "../shared/declarations"])``),
as a repeated ``--corpus`` on the command line, or in QA_CORPUS separated like PATH entries
(``QA_CORPUS=../shared/declarations:../shared/archive/un-ga-78``). A folder's subfolders are
not read: name each one, so that adding a folder of drafts beside a corpus changes nothing.
Every doc_id (file stem) must be unique across the folders; a second file with a taken
doc_id is skipped with the reason, as within one folder.

Example:
    >>> corpus_folders("../shared/declarations:corpus")
    [PosixPath('../shared/declarations'), PosixPath('corpus')]
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from qa.errors import CorpusError
from qa.ingest.catalog import CATALOG_NAME, extra_catalogs
from qa.ingest.reading import _reading_order, not_a_declaration


def corpus_folders(spec: Path | str | Iterable[Path | str]) -> list[Path]:
    """The folders a corpus setting names, in order, without repeats (however each is spelled).

    Args:
        spec: A folder, several joined by ``os.pathsep``, or a list of folders.

    Raises:
        CorpusError: If it names no folder, or a folder that does not exist.
    """
    parts = spec.split(os.pathsep) if isinstance(spec, str) else [spec] if isinstance(spec, Path) else list(spec)
    folders: list[Path] = []
    seen: set[Path] = set()  # one folder named twice ("corpus", "./corpus", a link to it) is read once
    for part in parts:
        if str(part).strip() and (resolved := Path(part).resolve()) not in seen:
            seen.add(resolved)
            folders.append(Path(part))
    if not folders:
        raise CorpusError("No corpus folder given. Name one with --corpus or QA_CORPUS.")
    for folder in folders:
        if not folder.is_dir():
            raise CorpusError(
                f"Corpus folder {folder} does not exist or is not a folder. "
                "Create it with declaration files in it, or point QA_CORPUS at one."
            )
    return folders


def candidate_files(folders: list[Path]) -> list[Path]:
    """Every file of the folders that may be a declaration, in reading order (by folder, then stem)."""
    files: list[Path] = []
    for folder in folders:
        files += sorted((p for p in folder.iterdir() if not not_a_declaration(p)), key=_reading_order)
    return files


def catalog_files(folders: list[Path]) -> list[Path]:
    """The catalogs whose entries apply to the folders: QA_CATALOG's and each folder's own."""
    return [*extra_catalogs(), *(folder / CATALOG_NAME for folder in folders)]
