"""Tests for qa/ingest/pdf_layout.py's helpers, over a PDF made here."""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from qa.ingest.pdf_layout import bare_c_function, read_pages
from tests.qa.ingest.pdf_factory import Page, build


def _textpage():
    page = Page()
    page.text(72, 700, "United Nations A/RES/78/1", size=10)
    page.sup(220, 700, "1")
    page.text(72, 680, "Resolution adopted by the General Assembly", size=14)
    pdf = pdfium.PdfDocument(build([page]))
    return pdf, pdf[0].get_textpage()


def test_a_bare_c_function_returns_what_the_declared_one_returns():
    pdf, textpage = _textpage()
    handle, count = textpage.raw, textpage.count_chars()
    loose, font_size = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetFontSize
    bare_loose, bare_size = bare_c_function(loose), bare_c_function(font_size)
    assert bare_loose is not loose and bare_loose.argtypes is None and loose.argtypes is not None
    assert bare_size.restype is ctypes.c_double
    box, bare_box = raw.FS_RECTF(), raw.FS_RECTF()
    sizes = set()
    for index in range(count):
        assert bare_loose(handle, index, ctypes.byref(bare_box)) == loose(handle, index, ctypes.byref(box))
        assert (bare_box.left, bare_box.right, bare_box.top, bare_box.bottom) == (box.left, box.right, box.top, box.bottom)
        assert bare_size(handle, index) == font_size(handle, index)
        sizes.add(font_size(handle, index))
    assert count > 50 and {10.0, 14.0} <= sizes  # real characters in two sizes were compared
    textpage.close()
    pdf.close()


def test_lines_keep_their_text_and_superscript_marks():
    page = Page()
    page.text(72, 700, "Recalling its resolution", size=10)
    page.sup(72 + 120, 700, "2")
    first = read_pages(build([page]))[0].lines[0]
    assert first.text == "Recalling its resolution 2"
    assert first.marks == (3,)
    assert first.text is first.text  # joined once
