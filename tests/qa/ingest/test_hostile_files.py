"""Hostile files through the reading door (qa/ingest/sandbox.py, limits.py, pdf_guard.py): each is
skipped with a reason naming its limit, and every other file is still read.

The files are built here (tests/hostile_files.py), never stored."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

import pytest

from qa.errors import ReadLimitError, UnreadableFileError
from qa.ingest.catalog import Catalog
from qa.ingest.formats import extract
from qa.ingest.limits import MAX_EXPANDED_BYTES, ReadLimits
from qa.ingest.reading import read_corpus, read_files

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from hostile_files import deep_html, docx_bytes, pdf_page_tree_bomb, pdf_stream_bomb, plain_pdf  # noqa: E402

GOOD = "Good Declaration\n\n1. We agree on peace.\n\n2. We meet again next year.\n"


def _corpus(tmp_path: Path, **files: bytes) -> Path:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    for name, data in files.items():
        (tmp_path / name.replace("_DOT_", ".")).write_bytes(data)
    return tmp_path


def _reasons(reading) -> dict[str, str]:
    return {Path(s.path).name: s.reason for s in reading.skipped}


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """Declares 3 x the expanded-size limit (192 MB) in about 200 kB; benchmarks/hostile.py builds the 1.1 GB one."""
    return docx_bytes(["We agree."], padding=3 * MAX_EXPANDED_BYTES)


def test_a_docx_zip_bomb_is_skipped_before_inflating_and_the_rest_is_read(tmp_path, zip_bomb) -> None:
    assert len(zip_bomb) < 2**20
    reading = read_corpus(_corpus(tmp_path, bomb_DOT_docx=zip_bomb))
    assert [d.doc_id for d in reading.declarations] == ["good"]
    reason = _reasons(reading)["bomb.docx"]
    assert "over the expanded-size limit of 64 MB" in reason and "\n" not in reason


def test_a_small_docx_is_still_read() -> None:
    text = extract(".docx", docx_bytes(["We agree on peace.", "We meet again."])).text
    assert text == "We agree on peace.\n\nWe meet again."


def test_html_nested_10000_deep_is_skipped_naming_the_depth_limit(tmp_path) -> None:
    page = deep_html(10_000)
    assert 100_000 < len(page) < 120_000  # the 110 kB page of the issue
    reading = read_corpus(_corpus(tmp_path, deep_DOT_html=page))
    assert [d.doc_id for d in reading.declarations] == ["good"]
    assert "over 256 levels deep, the depth limit" in _reasons(reading)["deep.html"]


def test_html_nested_as_deep_as_real_pages_is_read() -> None:
    assert "agreed on many things" in extract(".html", deep_html(60)).text


def test_a_pdf_page_tree_bomb_is_refused_by_the_pdf_reader_before_any_page_is_read() -> None:
    with pytest.raises(ReadLimitError, match="the PDF has 1,000,000 pages, over the limit of 2,000 pages"):
        extract(".pdf", pdf_page_tree_bomb())  # 10**6 pages from 1.4 kB


def test_a_pdf_over_the_page_limit_is_refused(monkeypatch) -> None:
    import qa.ingest.limits

    monkeypatch.setattr(qa.ingest.limits, "MAX_PDF_PAGES", 50)
    with pytest.raises(ReadLimitError, match="the PDF has 100 pages, over the limit of 50"):
        extract(".pdf", pdf_page_tree_bomb(fanout=100, levels=1))


def test_a_pdf_stream_bomb_costs_the_reading_door_its_memory_limit_and_nothing_else(tmp_path) -> None:
    # One content stream inflating to 200 MB: PDFium inflates a page whole (about 420 MB at its
    # peak), so the worker's memory limit is what stops it; the next file is still read.
    _corpus(tmp_path, stream_DOT_pdf=pdf_stream_bomb())
    bomb, fine = read_files([tmp_path / "stream.pdf", tmp_path / "good.txt"], catalog=Catalog(),
                            limits=ReadLimits(memory_bytes=192 * 2**20))
    assert isinstance(bomb, ReadLimitError) and "the memory limit of 192 MB" in str(bomb)
    assert fine.doc_id == "good"


def test_the_control_pdf_is_read() -> None:
    assert extract(".pdf", plain_pdf()).text == "We agree to act together on climate and on health."


def test_pdf_bombs_in_the_corpus_are_skipped(tmp_path) -> None:
    reading = read_corpus(_corpus(tmp_path, tree_DOT_pdf=pdf_page_tree_bomb(), stream_DOT_pdf=pdf_stream_bomb()),
                          limits=ReadLimits(memory_bytes=192 * 2**20))
    assert [d.doc_id for d in reading.declarations] == ["good"]
    assert set(_reasons(reading)) == {"tree.pdf", "stream.pdf"}
    assert "(a PDF bomb?)" in _reasons(reading)["tree.pdf"]
    assert "the memory limit of 192 MB" in _reasons(reading)["stream.pdf"]


def _big_text(folder: Path) -> Path:
    """13 MB of numbered lines: about 13 s to read on the shared 2-core box, 250 MB at its peak."""
    big = folder / "big.txt"
    big.write_text("Big Declaration\n\n" + "".join(f"{i}. We agree on point {i}.\n" for i in range(1, 400_000)))
    return big


def test_over_the_time_limit_a_worker_is_killed_and_the_next_file_still_gets_its_turn(tmp_path, monkeypatch) -> None:
    import qa.ingest.sandbox

    monkeypatch.setattr(qa.ingest.sandbox, "WALL_FACTOR", 1000)  # only CPU time counts, however busy the box
    _corpus(tmp_path)
    files = [_big_text(tmp_path), tmp_path / "good.txt"]
    slow, fine = read_files(files, catalog=Catalog(), limits=ReadLimits(seconds=2.0))
    assert isinstance(slow, ReadLimitError) and "reading took over 2 s of CPU time, the time limit for one file" in str(slow)
    assert fine.doc_id == "good"


def test_over_the_memory_limit_the_file_is_skipped_naming_it(tmp_path) -> None:
    outcome, = read_files([_big_text(tmp_path)], catalog=Catalog(), limits=ReadLimits(memory_bytes=40 * 2**20))
    assert isinstance(outcome, ReadLimitError) and "memory limit of" in str(outcome)


def test_a_named_pipe_is_skipped_not_waited_on(tmp_path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.txt")
    reading = read_corpus(_corpus(tmp_path))
    assert [d.doc_id for d in reading.declarations] == ["good"]
    assert "not a regular file" in _reasons(reading)["pipe.txt"]


def test_hidden_files_are_listed_as_skipped_not_silently_dropped(tmp_path) -> None:
    reading = read_corpus(_corpus(tmp_path, _DOT_hidden_accord_DOT_txt=GOOD.encode(), _DOT__DOT__DOT_dots_DOT_txt=b"x"))
    assert [d.doc_id for d in reading.declarations] == ["good"]
    reasons = _reasons(reading)
    assert set(reasons) == {".hidden_accord.txt", "...dots.txt"}
    assert "rename it to 'hidden_accord.txt' to index it" in reasons[".hidden_accord.txt"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_a_byte_order_mark_decides_the_encoding(tmp_path, encoding: str) -> None:
    data = GOOD.replace("peace", "peace in Genève").encode(encoding)
    if encoding.endswith("-be"):
        data = (codecs.BOM_UTF16_BE if "16" in encoding else codecs.BOM_UTF32_BE) + data
    reading = read_corpus(_corpus(tmp_path, wide_DOT_txt=data))
    assert reading.skipped == []
    wide = next(d for d in reading.declarations if d.doc_id == "wide")
    assert wide.paragraphs[0].text == "We agree on peace in Genève."


def test_utf16_without_a_mark_is_still_refused_as_binary() -> None:
    with pytest.raises(UnreadableFileError, match="NUL bytes.*byte-order mark"):
        extract(".txt", GOOD.encode("utf-16-le"))
