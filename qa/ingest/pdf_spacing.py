"""PDF spacing: a space PDFium made up from a small shift between two letters is no word break.

Where a PDF moves the pen between two glyphs without a space character (a ``TJ`` kerning
offset, or a new text object), PDFium's text page inserts a space of its own
(``FPDFText_IsGenerated``) once the shift passes a threshold of its own: within a text object,
half the font's space width (0.125 of the size in Times, 0.139 in Helvetica). The UN General
Assembly's PDFs shift letters inside words by 1.0-1.5 pt in 10 pt type, so PDFium reads
"resilie nt", "con cern", "20 30 Agenda" (poppler's pdftotext reads most of them so too). PDFium
has no option for that threshold, so the reader judges each generated space again.

By geometry alone, from the pen's move: from where the previous glyph's advance ends (the
generated space's origin between text objects, the previous box's right edge inside one; the
nearer of the two, as a glyph such as "f" may reach past its advance) to the next character's
origin. Measured twice:

* below :data:`GLUE_GAP` of the font size. In the 328 resolutions of ../shared, the shifts PDFium
  took for spaces inside words measured 0.10-0.147 of the size; its spaces between words 0.199 or
  more, and the narrowest word space a PDF typed itself 0.163 (kerned before a capital A);
* and the boxes' gap below :data:`GLUE_SHARE` of the line's usual gap between words (the median
  of its other gaps), so that a line set tight, or a PDF that types no spaces (all its word gaps
  are PDFium's), keeps its words apart. Gaps inside words measured at most 0.53 of their line's.

A space the PDF typed itself is always a word break, however narrow: "in Chad" stays two words.

Example:
    >>> words = glue(words, [(7, 52)], textpage.raw)   # doctest: +SKIP
"""

from __future__ import annotations

import ctypes
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.ingest.pdf_layout import Word

# A generated space where the pen moves under this share of the font size may sit inside a word.
GLUE_GAP = 0.16
# ... and does, when the boxes' gap is also under this share of the line's median gap between words.
GLUE_SHARE = 0.75


def glue(words: list[Word], close: list[tuple[int, int]], handle: object) -> list[Word]:
    """``words`` with each pair parted only by a space PDFium made up from a kern joined.

    Args:
        words: A page's words in PDFium's text order (changed in place and returned).
        close: (index in ``words``, character index of the space before it) of each word
            that follows a single space with its box less than :data:`GLUE_GAP` from the word
            before: the only candidates (about 1 word in 170).
        handle: The PDFium text page (``FPDF_TEXTPAGE``) the words were read from.
    """
    glued = [index for index, space in close if _same_type(words[index - 1], words[index])
             and 0 < _pen_move(handle, space, words[index - 1].x1) < GLUE_GAP * words[index].size]
    for index in reversed(glued):  # from the right: the indexes to the left stay valid
        left, right = words[index - 1], words[index]
        others = _line_gaps(words, index)
        if others and right.x0 - left.x1 >= GLUE_SHARE * sorted(others)[len(others) // 2]:
            continue
        words[index - 1:index + 1] = [replace(left, text=left.text + right.text, x1=max(left.x1, right.x1),
                                              top=min(left.top, right.top), bottom=max(left.bottom, right.bottom))]
    return words


def _same_type(left: Word, right: Word) -> bool:
    """Same size, same baseline: a change of either parts words (a raised marker, a heading)."""
    return abs(left.size - right.size) < 0.5 and abs(left.bottom - right.bottom) < 0.3 * left.size


def _pen_move(handle: object, space: int, left_x1: float) -> float:
    """How far the pen moves over a generated space, from the end of the advance before it
    (``left_x1``: the previous word's right edge) to the next character; 0 for a typed space."""
    import pypdfium2.raw as raw

    if not raw.FPDFText_IsGenerated(handle, space):
        return 0.0
    here, there, y = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetCharOrigin(handle, space, ctypes.byref(here), ctypes.byref(y))
    raw.FPDFText_GetCharOrigin(handle, space + 1, ctypes.byref(there), ctypes.byref(y))
    return there.value - min(here.value, left_x1)


def _line_gaps(words: list[Word], index: int) -> list[float]:
    """The gaps between the other neighbouring words of ``words[index]``'s line: the words around
    it in reading order on its baseline, each starting right of the one before."""
    first = last = index
    while first > 0 and _same_line(words[first - 1], words[first]):
        first -= 1
    while last + 1 < len(words) and _same_line(words[last], words[last + 1]):
        last += 1
    return [words[i].x0 - words[i - 1].x1 for i in range(first + 1, last + 1) if i != index]


def _same_line(left: Word, right: Word) -> bool:
    return abs(left.bottom - right.bottom) < 0.3 * left.size and right.x0 >= left.x1 - 0.5 * left.size
