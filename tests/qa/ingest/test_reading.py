"""Tests for qa/ingest/reading.py: the corpus folder becomes Declaration records with metadata."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from qa.errors import CorpusError
from qa.evaluation.shared_data import declarations_dir, shared_dir
from qa.ingest.catalog import Catalog
from qa.ingest.reading import UnreadableFileError, read_corpus, read_declaration

CORPUS = declarations_dir()  # the eleven declarations (../shared/declarations)
DECLARATIONS = CORPUS
pytestmark = pytest.mark.skipif(not DECLARATIONS.is_dir(), reason="../shared/declarations is absent")


@pytest.fixture(scope="module")
def reading():
    return read_corpus(CORPUS)


def test_reads_every_bundled_declaration_sorted(reading):
    ids = [d.doc_id for d in reading.declarations]
    assert ids == sorted(p.stem for p in CORPUS.glob("*.txt"))
    assert reading.skipped == []


def test_catalog_supplies_official_metadata(reading):
    nato = next(d for d in reading.declarations if d.doc_id == "nato-chicago-summit-2012")
    assert (nato.title, nato.date, nato.place) == ("Chicago Summit Declaration", "2012-05-20", "Chicago")
    assert nato.year == 2012
    for declaration in reading.declarations:
        assert declaration.metadata_origin == {
            "title": "catalog", "date": "catalog", "place": "catalog", "issuer": "catalog",
        }


def test_declaration_records_source_and_hash(reading):
    for declaration in reading.declarations:
        data = Path(declaration.source).read_bytes()
        assert declaration.sha256 == hashlib.sha256(data).hexdigest()
        text = data.decode("utf-8")
        for p in declaration.paragraphs:
            assert p.doc_id == declaration.doc_id
            assert text[p.start:p.start + len(p.text)] == p.text


def test_header_metadata_without_catalog():
    decl = read_declaration(CORPUS / "asean-china-summit-2024.txt", catalog=Catalog())
    assert decl.title == "Chairman’s Statement of the 27th ASEAN-China Summit"
    assert decl.date == "2024-10-10"
    assert decl.place == "Vientiane, Lao PDR"
    assert decl.issuer == "ASEAN-China"  # "… of the 27th ASEAN-China Summit"
    assert decl.metadata_origin == {"title": "header", "date": "header", "place": "header", "issuer": "guessed"}


def test_nato_header_issued_on_date():
    decl = read_declaration(CORPUS / "nato-chicago-summit-2012.txt", catalog=Catalog())
    assert decl.date == "2012-05-20"
    assert decl.place == "Chicago"
    assert decl.metadata_origin["date"] == "header"
    assert any("breaks off" in note for note in decl.notes)


def test_range_date_uses_first_day():
    decl = read_declaration(CORPUS / "g20-2022-bali.txt", catalog=Catalog())
    assert (decl.date, decl.place) == ("2022-11-15", "Bali, Indonesia")


def test_catalog_beside_file_is_used_by_default():
    decl = read_declaration(CORPUS / "g7-2024-apulia.txt")
    assert decl.title == "Apulia G7 Leaders’ Communiqué"


def test_guessed_metadata_when_nothing_stated(tmp_path):
    path = tmp_path / "paris-accord.txt"
    path.write_text("We met in Paris on 3 March 2020. We agreed.\n\nWe left.\n", encoding="utf-8")
    decl = read_declaration(path)
    assert decl.title == "Paris accord"
    assert decl.date == "2020-03-03"
    assert decl.place == "Paris"  # "We met in Paris"
    assert decl.metadata_origin == {"title": "guessed", "date": "guessed", "place": "guessed", "issuer": "missing"}


def test_corpus_ignores_catalog_readme_and_sources(tmp_path):
    shutil.copy(CORPUS / "g20-2022-bali.txt", tmp_path)
    (tmp_path / "README.md").write_text("# About\n\nNot a declaration.\n", encoding="utf-8")
    (tmp_path / "SOURCES.md").write_text("Sources.\n", encoding="utf-8")
    (tmp_path / "catalog.toml").write_text('[g20-2022-bali]\nplace = "Nusa Dua"\n', encoding="utf-8")
    reading = read_corpus(tmp_path)
    assert [d.doc_id for d in reading.declarations] == ["g20-2022-bali"]
    assert reading.declarations[0].place == "Nusa Dua"
    assert reading.declarations[0].metadata_origin["place"] == "catalog"
    assert reading.declarations[0].metadata_origin["title"] == "header"
    assert reading.skipped == []


def test_missing_corpus_folder_is_a_corpus_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        read_corpus(tmp_path / "nope")


def test_unsupported_file_is_skipped_with_reason(tmp_path):
    shutil.copy(CORPUS / "g20-2022-bali.txt", tmp_path)
    (tmp_path / "notes.xyz").write_text("hello", encoding="utf-8")
    reading = read_corpus(tmp_path)
    assert len(reading.declarations) == 1
    assert len(reading.skipped) == 1 and "unsupported format '.xyz'" in reading.skipped[0].reason


def test_read_declaration_missing_file(tmp_path):
    with pytest.raises(UnreadableFileError, match="cannot read"):
        read_declaration(tmp_path / "gone.txt")


# --- bad files are skipped with a reason, the rest is read ------------------------------

GOOD = "Good Declaration\n\n1. We agree on peace.\n\n2. We meet again next year.\n"


def _corpus_with(tmp_path, name, content: bytes):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    return read_corpus(tmp_path)


def _only_skip(reading, name):
    assert [d.doc_id for d in reading.declarations] == ["good"]
    assert [Path(s.path).name for s in reading.skipped] == [name]
    return reading.skipped[0].reason


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", r"empty file \(0 bytes\)"),
        ("blob.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary data, not text"),
        ("fake.pdf", b"We agree on peace, says this text file.", r"not a PDF \(no %PDF- header\)"),
        ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf", "PDF"),
        ("blank.txt", b"\n\n   \n", "empty|no paragraphs found"),
        ("fake.docx", b"We agree on peace.", "not a Word .docx document"),
        ("notes.rtf", b"{\\rtf1 We agree.}", r"unsupported format '\.rtf'"),
    ],
)
def test_bad_file_is_skipped_with_reason(tmp_path, name, content, reason):
    import re

    got = _only_skip(_corpus_with(tmp_path, name, content), name)
    assert re.search(reason, got), got


def test_a_damaged_pdf_in_the_corpus_prints_nothing_on_stderr(tmp_path):
    """Skipped with a reason, and nothing from pypdf's logger on stderr, on every read."""
    import subprocess
    import sys

    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    code = ("import sys; from qa.ingest.reading import read_corpus; "
            "print([s.reason for s in read_corpus(__import__('pathlib').Path(sys.argv[1])).skipped])")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60,
                            cwd=CORPUS.parent)
    assert result.returncode == 0 and result.stderr == ""
    assert "damaged PDF" in result.stdout


def test_pdf_without_text_is_skipped(tmp_path):
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    got = _only_skip(_corpus_with(tmp_path, "scan.pdf", buffer.getvalue()), "scan.pdf")
    assert "no text layer" in got and "OCR" in got


def test_invalid_utf8_is_kept_with_a_note(tmp_path):
    reading = _corpus_with(tmp_path, "latin.txt", b"Title\n\n1. We agree on caf" + b"\xe9 prices.\n")
    assert reading.skipped == []
    latin = next(d for d in reading.declarations if d.doc_id == "latin")
    assert latin.paragraphs[0].text == "We agree on caf\ufffd prices."
    assert latin.notes == ("1 bytes were not valid UTF-8 and were replaced with U+FFFD (�)",)


def test_file_over_size_limit_is_skipped(tmp_path, monkeypatch):
    import qa.ingest.reading

    monkeypatch.setattr(qa.ingest.reading, "MAX_FILE_BYTES", 1024)
    got = _only_skip(_corpus_with(tmp_path, "huge.txt", b"We agree. " * 200), "huge.txt")
    assert "limit for one declaration; split it or remove it" in got


def test_symlink_outside_corpus_is_skipped(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("Secret\n\n1. We reveal everything here.\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "leak.txt").symlink_to(outside)
    (corpus / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    reading = read_corpus(corpus)
    assert [d.doc_id for d in reading.declarations] == ["good"]
    reasons = {Path(s.path).name: s.reason for s in reading.skipped}
    assert "outside the corpus folder" in reasons["leak.txt"]
    assert "broken symlink" in reasons["dangling.txt"]


def test_symlink_inside_corpus_is_a_duplicate(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "zlink.txt").symlink_to(tmp_path / "good.txt")
    got = _only_skip(read_corpus(tmp_path), "zlink.txt")
    assert got == "duplicate of good (same bytes); remove one of them"


def test_same_text_in_another_form_is_a_duplicate(tmp_path):
    same_text = GOOD.replace("\n\n", "\n\n\n").upper()
    got = _only_skip(_corpus_with(tmp_path, "other.txt", same_text.encode()), "other.txt")
    assert got == "duplicate of good (same text); remove one of them"


def test_same_doc_id_in_two_formats(tmp_path):
    got = _only_skip(_corpus_with(tmp_path, "good.md", b"# Other\n\n1. A different text entirely.\n"), "good.md")
    assert "doc_id 'good' is already taken by good.txt" in got


def test_mixed_formats_corpus(tmp_path):
    for fixture in ("charter-of-example.md", "ministerial-communique.txt", "summit-page.html"):
        shutil.copy(Path(__file__).resolve().parents[2] / "fixtures" / fixture, tmp_path)
    reading = read_corpus(tmp_path)
    assert [d.doc_id for d in reading.declarations] == [
        "charter-of-example", "ministerial-communique", "summit-page",
    ]
    assert reading.skipped == []


QUAD = shared_dir() / "archive/white-house-joint-statements-2021-2022" \
    / "2021-03-12-quad-leaders-joint-statement-the-spirit-of-the-quad.md"


@pytest.mark.skipif(not QUAD.is_file(), reason="the White House archive is absent")
def test_numbers_followed_by_a_narrow_no_break_space_are_read():
    # "1.\u202fWe have convened" and "5.\u202fTo advance": were "P1" and "4-a" (unnumbered)
    declaration = read_declaration(QUAD)
    assert [(p.number, p.numbered) for p in declaration.paragraphs] == [(str(n), True) for n in range(1, 6)]
    assert declaration.paragraphs[0].text.startswith("We have\u202fconvened")
