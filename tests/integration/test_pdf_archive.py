"""Integration: the 328 UN General Assembly resolution PDFs of ../shared/archive/un-ga-78/.

Every file is read (two processes: CI has two cores) and judged against INDEX.tsv; a sample's
operative paragraphs are checked word for word against Debian's ``pdftotext -layout``; and the
real model answers a question of a political declaration with the right paragraph, verbatim.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import pytest

from qa.evaluation.pdf_archive import Row, Verdict, check, default_archive, load_index
from qa.ingest.reading import read_declaration

ARCHIVE = default_archive()
pytestmark = pytest.mark.skipif(not (ARCHIVE / "INDEX.tsv").exists(), reason="../shared/archive is absent")


def _judge(row: Row) -> Verdict:
    import pypdfium2 as pdfium

    path = ARCHIVE / row.file
    return check(read_declaration(path), row, pages=len(pdfium.PdfDocument(str(path))))


@pytest.fixture(scope="module")
def verdicts() -> list[Verdict]:
    rows = load_index(ARCHIVE)
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_judge, rows, chunksize=4))


def test_every_file_of_the_index_is_read(verdicts):
    assert len(verdicts) == 328
    assert [v.file for v in verdicts if "read" in v.failed] == []


@pytest.mark.parametrize("criterion", ["title", "issuer", "date", "furniture", "footnote_paragraph"])
def test_metadata_furniture_and_footnotes_are_right_in_every_file(verdicts, criterion):
    assert [(v.file, v.detail) for v in verdicts if criterion in v.failed] == []


def test_at_least_98_percent_are_fully_right(verdicts):
    right = sum(not v.failed for v in verdicts)
    failures = Counter(name for v in verdicts for name in v.failed)
    assert right / len(verdicts) >= 0.98, (right, failures)


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _found_in_layout(paragraph: str, flat: str) -> bool:
    """True if the paragraph's characters appear in order in pdftotext's text, skipping only
    footnote-marker digits, a line-end hyphen and, at a page break, the other page's furniture.
    Annual resolutions repeat openings, so every place where the opening occurs is tried."""
    rest = _normal(paragraph)
    opening = rest[:20]
    start = flat.find(opening)
    while start >= 0:
        if _matches_from(rest, flat, start):
            return True
        start = flat.find(opening, start + 1)
    return False


def _matches_from(rest: str, flat: str, i: int) -> bool:
    j = 0
    while j < len(rest):
        if i < len(flat) and flat[i] == rest[j]:
            i, j = i + 1, j + 1
        elif i < len(flat) and (flat[i].isdigit() or flat[i] == "-"):
            i += 1
        else:
            page_break = flat.find("\f", i)
            if page_break < 0 or (found := flat.find(rest[j:j + 25], page_break)) < 0:
                return False
            if flat.find("\f", page_break + 1) != -1 and found > flat.find("\f", page_break + 1):
                return False  # the continuation must be on the next page
            i = found
    return True


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed (make test installs it)")
def test_operative_paragraphs_are_the_pdfs_own_text(tmp_path):
    rows = random.Random(14).sample(load_index(ARCHIVE), 16)
    missing = []
    for row in rows:
        path = ARCHIVE / row.file
        layout = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                check=True).stdout
        flat = "\f".join(_normal(page) for page in layout.split("\f"))
        for paragraph in read_declaration(path).paragraphs:
            if paragraph.numbered and not _found_in_layout(paragraph.text, flat):
                missing.append((row.file, paragraph.number, paragraph.text[:80]))
    assert missing == []


def test_words_the_text_layer_kerns_apart_are_quoted_whole():
    """PDFium makes up a space from a kern inside a word ("resilie nt"); a space it makes up
    between words, or one the PDF typed, stays (qa.ingest.pdf_spacing)."""
    texts = {name: " ".join(p.text for p in read_declaration(ARCHIVE / f"A_RES_78_{name}.pdf").paragraphs)
             for name in ("1", "3", "98", "140")}
    assert "strong and resilient health systems" in texts["3"]
    assert "note with concern that highly trained" in texts["3"]
    assert "an integral part of the 2030 Agenda." in texts["1"]
    assert "account the 2030 Agenda for" in texts["98"]  # a made-up space 0.2 of the size wide: a word break
    assert "Recalling further the" in texts["140"]       # an italic "f" reaching left over the gap


def test_the_real_model_quotes_a_political_declaration_with_its_adoption_date(tmp_path):
    from qa.library import Library

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARCHIVE / "A_RES_78_1.pdf", corpus)  # a temporary copy, outside the repository
    library = Library.open(corpus_dir=corpus, index_dir=tmp_path / "index")
    answer = library.ask("How do the Heads of State describe the progress on most of the SDGs at the midpoint of the 2030 Agenda?")
    best = answer.hits[0]
    declaration = library.declaration("A_RES_78_1")
    paragraph = next(p for p in declaration.paragraphs if p.number == best.paragraph)
    assert answer.found
    assert best.paragraph == "annex 8"
    assert best.text == paragraph.text and best.text.startswith("The achievement of the SDGs is in peril.")
    assert best.citation == (
        "United Nations General Assembly, A/RES/78/1, Political declaration of the high-level political "
        "forum on sustainable development convened under the auspices of the General Assembly, New York, "
        "29 September 2023, annex ¶8")


def test_a_resolution_in_sections_numbering_from_one_again_cites_each_section():
    # A/RES/78/253: sections I-XXVI each open at "1. Takes note …"; section II's had been "2-c"
    # (its "1." left in the text) and its ¶3 cited as plain "3".
    declaration = read_declaration(ARCHIVE / "A_RES_78_253.pdf")
    by = {p.number: p for p in declaration.paragraphs}
    assert [n for n in by if n.startswith("section II ")][:5] == [
        "section II P1", "section II P2", "section II 1", "section II 2", "section II 3"]
    assert by["section II 1"].text == "Takes note of the report of the Secretary-General;"
    assert by["section II 3"].label == "section II, ¶3"
    assert by["section II 3"].section == "Financial performance report on the programme budget for 2022"
    assert by["section XVIII 1"].section.startswith("Progress on the renovation of the North Building")
    assert not any(re.match(r"\d+\.\s", p.text) for p in declaration.paragraphs)  # no number left in a text
