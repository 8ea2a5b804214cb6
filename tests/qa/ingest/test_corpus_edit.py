"""Tests for qa/ingest/corpus_edit.py and Library.add through it: an add that cannot finish
leaves the corpus folder exactly as it was; hidden files are refused with the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.errors import QAError, UnreadableFileError
from qa.ingest.corpus_edit import CorpusEdit
from qa.library import Library

TEXT = "Chicago Summit Declaration\n\n1. We welcome Georgia's progress towards NATO membership.\n"
OTHER = "Bali Declaration\n\n1. We discussed debt relief for vulnerable countries.\n"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "nato-2012.txt").write_text(TEXT, encoding="utf-8")
    return folder


def test_a_block_that_raises_puts_back_copies_and_removals(corpus: Path, tmp_path: Path) -> None:
    before = _snapshot(corpus)
    (tmp_path / "new.txt").write_text(OTHER)
    (tmp_path / "nato-2012.txt").write_text(OTHER)
    with pytest.raises(RuntimeError), CorpusEdit(corpus) as edit:
        edit.copy_in(tmp_path / "new.txt")
        edit.copy_in(tmp_path / "nato-2012.txt")  # replaces
        edit.remove(corpus / "nato-2012.txt")
        raise RuntimeError("the index could not be written")
    assert _snapshot(corpus) == before


def test_a_block_that_finishes_keeps_its_changes_and_no_temporary_file(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "nato-2012.txt").write_text(OTHER)
    with CorpusEdit(corpus) as edit:
        edit.copy_in(tmp_path / "nato-2012.txt")
    assert _snapshot(corpus) == {"nato-2012.txt": OTHER.encode()}


def test_add_with_an_index_that_cannot_be_written_leaves_the_corpus_as_it_was(
    corpus: Path, tmp_path: Path, fake_encoder
) -> None:
    index = tmp_path / "index"
    lib = Library.open(corpus, index, encoder=fake_encoder)
    before = _snapshot(corpus)
    # Root ignores a read-only mode bit, so the index folder is made unwritable another way:
    # its path now runs through a file.
    shutil.rmtree(index)
    index.write_text("not a folder")
    lib._source = type(lib._source)(corpus, index / "sub", lib._source.encoder, False)
    new = tmp_path / "g20-2022.txt"
    new.write_text(OTHER)
    replacement = tmp_path / "nato-2012.txt"
    replacement.write_text(TEXT + "\n2. We meet again in 2014.\n")
    with pytest.raises((QAError, OSError)):
        lib.add(new, replacement, replace=True)
    assert _snapshot(corpus) == before
    assert Library.open(corpus, tmp_path / "index2", encoder=fake_encoder).report.skipped == []


@pytest.mark.parametrize("name", [".hidden-accord.txt", "...dots.txt"])
def test_add_refuses_a_hidden_file_with_the_reason(corpus: Path, tmp_path: Path, fake_encoder, name: str) -> None:
    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    hidden = tmp_path / name
    hidden.write_text(OTHER)
    with pytest.raises(UnreadableFileError, match=r"hidden file \(its name starts with a dot\).*rename it to"):
        lib.add(hidden)
    assert sorted(p.name for p in corpus.iterdir()) == ["nato-2012.txt"]


def test_add_of_a_zip_bomb_copies_nothing_and_names_the_limit(corpus: Path, tmp_path: Path, fake_encoder) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from hostile_files import docx_bytes

    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_bytes(["We agree."], padding=100 * 2**20))
    with pytest.raises(UnreadableFileError, match=rf"^{bomb}: .*expanded-size limit"):
        lib.add(bomb)
    assert sorted(p.name for p in corpus.iterdir()) == ["nato-2012.txt"]
