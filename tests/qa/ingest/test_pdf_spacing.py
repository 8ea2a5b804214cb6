"""Tests for qa/ingest/pdf_spacing.py: spaces PDFium makes up from kerns, over PDFs made here.

Helvetica's space is 0.278 of the size, so PDFium makes up a space from a shift of 0.139 of the
size or more: a ``TJ`` shift of -150 (0.15) makes one, -100 does not.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from qa.ingest.pdf_layout import read_pages
from qa.ingest.pdf_spacing import GLUE_GAP
from tests.qa.ingest.pdf_factory import Page, build


def _words(*rows: list[str | float]) -> list[list[str]]:
    page = Page()
    for number, parts in enumerate(rows):
        page.kerned(72, 700 - 14 * number, parts)
    return [[w.text for w in line.words] for line in read_pages(build([page]))[0].lines]


def _pdfium_text(parts: list[str | float]) -> str:
    page = Page()
    page.kerned(72, 700, parts)
    return pdfium.PdfDocument(build([page]))[0].get_textpage().get_text_range()


def test_pdfium_itself_reads_a_kern_inside_a_word_as_a_space():
    assert _pdfium_text(["strong and resilie", -150, "nt health"]) == "strong and resilie nt health"


@pytest.mark.parametrize("parts, words", [
    (["strong and resilie", -150, "nt health"], ["strong", "and", "resilient", "health"]),
    (["note with con", -150, "cern that", -150, " they"], ["note", "with", "concern", "that", "they"]),
    (["the 20", -150, "30 Agenda"], ["the", "2030", "Agenda"]),
    (["in", -150, "clu", -150, "ding all"], ["including", "all"]),
])
def test_a_made_up_space_narrower_than_the_lines_word_spaces_joins_its_word(parts, words):
    assert _words(parts) == [words]


@pytest.mark.parametrize("parts, words", [
    # PDFium's space from a shift of a word space's width (0.25 of the size): two words.
    (["aid to the people in", -250, "Chad and"], ["aid", "to", "the", "people", "in", "Chad", "and"]),
    # A space the PDF typed, however narrow (kerned back 0.13): always a word break.
    (["aid in ", 130, "Chad and"], ["aid", "in", "Chad", "and"]),
    # A line whose word gaps are all PDFium's and tight: as wide as the line's usual gap, not a kern.
    (["in", -150, "the", -150, "world", -150, "to", -150, "come"], ["in", "the", "world", "to", "come"]),
])
def test_a_word_space_is_kept(parts, words):
    assert _words(parts) == [words]


def test_a_shift_of_glue_gap_or_more_is_a_word_break_in_any_line():
    wide = -round(1000 * GLUE_GAP) - 10  # just over GLUE_GAP, in a line of wide typed spaces
    assert _words(["strong and resilie", wide, "nt health"]) == [["strong", "and", "resilie", "nt", "health"]]
