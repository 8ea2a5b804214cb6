"""PDF layout: a PDF's characters become words, lines and pages, with positions and font sizes.

pypdfium2 (PDFium) gives each character's box and font size; everything after that is plain
geometry, so the rules hold for any PDF, not one publisher's:

* Words break at spaces, at a horizontal gap wider than :data:`WORD_GAP` of the font size, and
  where the size or baseline changes (a raised footnote marker is a word of its own).
* Lines are words that overlap vertically; a line is cut into segments at a gap wider than
  :data:`SEGMENT_GAP` font sizes (a masthead's left and right parts, two columns).
* Two columns: when enough rows of a page split at the same gutter, the left column is read
  before the right one (see :func:`_reading_order`).
* Superscripts: a word in type at most :data:`SUPERSCRIPT_SIZE` of its line's size whose
  bottom sits above the line's baseline is a marker (``TextLine.marks``), not text.

Coordinates are in points from the page's top-left corner.

Example:
    >>> pages = read_pages(Path("resolution.pdf").read_bytes())  # doctest: +SKIP
    >>> pages[0].lines[0].text                                   # doctest: +SKIP
    'United Nations'
"""

from __future__ import annotations

import ctypes
from collections import Counter
from dataclasses import dataclass

from qa.errors import ReadLimitError
from qa.ingest import limits

# A gap wider than this share of the font size between two characters separates words.
WORD_GAP = 0.25
# A gap wider than this many font sizes inside a row separates segments (columns, masthead parts).
SEGMENT_GAP = 2.5
# A word in type at most this share of its line's size, sitting raised, is a superscript.
SUPERSCRIPT_SIZE = 0.8
# Two columns: at least this many rows split at one gutter, and this share of the page's rows.
COLUMN_MIN_ROWS = 6
COLUMN_MIN_SHARE = 0.3


@dataclass(frozen=True)
class Word:
    """A run of characters without a space, with its box and font size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(frozen=True)
class TextLine:
    """One line (or one segment of a row) of a page.

    Attributes:
        words: The line's words left to right, superscript markers included.
        size: The font size most of its characters have.
        marks: Indexes into ``words`` of the superscript markers.
        x0, x1, top, bottom: The line's box; ``top`` and ``bottom`` leave raised markers out.
    """

    page: int
    words: tuple[Word, ...]
    size: float
    marks: tuple[int, ...] = ()
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0

    @property
    def text(self) -> str:
        """The words joined by single spaces, markers included."""
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class PdfPage:
    """A page: its size, lines in reading order, and the horizontal rules drawn on it."""

    number: int
    width: float
    height: float
    lines: tuple[TextLine, ...]
    rules: tuple[float, ...] = ()  # y (from the top) of drawn horizontal lines


def read_pages(data: bytes) -> list[PdfPage]:
    """Every page of a PDF as lines in reading order.

    The PDF-bomb guard: a page tree that repeats its kids claims millions of pages from a
    kilobyte (PDFium counts them at once), so the page count is checked before any page is
    read, and the text read so far is bounded as it grows. What PDFium inflates for one page
    is bounded by the reading door's memory limit (qa.ingest.sandbox).

    Raises:
        pypdfium2.PdfiumError: If PDFium cannot open the bytes (damaged, encrypted).
        ReadLimitError: Over the page limit or the text limit (qa.ingest.limits).
    """
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        count = len(pdf)
        if count > limits.MAX_PDF_PAGES:
            raise ReadLimitError(
                f"the PDF has {count:,} pages, over the limit of {limits.MAX_PDF_PAGES:,} pages "
                "(a PDF bomb?); re-export it or supply the text as .txt"
            )
        pages, chars = [], 0
        for index in range(count):
            pages.append(_read_page(pdf[index], index + 1))
            chars += sum(len(line.text) for line in pages[-1].lines)
            if chars > limits.MAX_TEXT_CHARS:
                raise ReadLimitError(
                    f"the PDF converts to over {limits.MAX_TEXT_CHARS:,} characters of text by page {index + 1}, "
                    "over the limit for one declaration; split it"
                )
        return pages
    finally:
        pdf.close()


def _read_page(page: object, number: int) -> PdfPage:
    width, height = page.get_size()
    textpage = page.get_textpage()
    words = _words(textpage, height)
    rules = _rules(page, height, width)
    textpage.close()
    lines = _reading_order(_lines(words, number), width)
    return PdfPage(number=number, width=width, height=height, lines=tuple(lines), rules=rules)


def _words(textpage: object, height: float) -> list[Word]:
    """Words from PDFium's characters (about 1 µs a character: two C calls each)."""
    import pypdfium2.raw as raw

    handle = textpage.raw
    count = textpage.count_chars()
    text = textpage.get_text_range() if count else ""
    if len(text) != count:  # characters outside the BMP: ask one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i)) for i in range(count))
    box = raw.FS_RECTF()
    ref = ctypes.byref(box)
    loose, font_size = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetFontSize
    words: list[Word] = []
    chars: list[str] = []
    x0 = x1 = top = bottom = size = 0.0
    for index, char in enumerate(text):
        if char == "\ufffe":  # PDFium's mark for a hyphen at a line end: keep it as a hyphen
            char = "-"
        if char.isspace() or char == "\x00":
            if chars:
                words.append(Word("".join(chars), x0, x1, top, bottom, size))
                chars = []
            continue
        loose(handle, index, ref)
        c_size = font_size(handle, index)
        c_top, c_bottom = height - box.top, height - box.bottom
        if chars and (
            abs(c_size - size) > 0.5 or abs(c_bottom - bottom) > 0.3 * size
            or box.left - x1 > WORD_GAP * size or box.left < x0 - 0.5
        ):
            words.append(Word("".join(chars), x0, x1, top, bottom, size))
            chars = []
        if not chars:
            x0, top, bottom, size = box.left, c_top, c_bottom, c_size
        chars.append(char)
        x1 = max(x1, box.right) if len(chars) > 1 else box.right
        top = min(top, c_top)
    if chars:
        words.append(Word("".join(chars), x0, x1, top, bottom, size))
    return words


def _rules(page: object, height: float, width: float) -> tuple[float, ...]:
    """The y of each drawn horizontal line at least a tenth of the page wide."""
    import pypdfium2.raw as raw

    found = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        if right - left >= width / 10 and top - bottom <= 2:
            found.append(round(height - top, 1))
    return tuple(sorted(found))


def _lines(words: list[Word], page: int) -> list[TextLine]:
    """Group words into rows by vertical overlap, then cut rows into segments at wide gaps."""
    rows: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (w.bottom, w.x0)):
        height = max(word.bottom - word.top, 0.1)
        for index in range(len(rows) - 1, max(len(rows) - 4, -1), -1):
            top, bottom = bands[index]
            overlap = min(bottom, word.bottom) - max(top, word.top)
            if overlap >= 0.5 * min(height, bottom - top):
                rows[index].append(word)
                bands[index] = (min(top, word.top), max(bottom, word.bottom))
                break
        else:
            rows.append([word])
            bands.append((word.top, word.bottom))
    lines = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        segment = [row[0]]
        for word in row[1:]:
            if word.x0 - segment[-1].x1 > SEGMENT_GAP * max(word.size, segment[-1].size):
                lines.append(_line(segment, page))
                segment = []
            segment.append(word)
        lines.append(_line(segment, page))
    return lines


def _line(words: list[Word], page: int) -> TextLine:
    sizes = Counter()
    for word in words:
        sizes[round(word.size, 1)] += len(word.text)
    size = sizes.most_common(1)[0][0]
    baseline = max((w.bottom for w in words if abs(w.size - size) < 0.5), default=words[0].bottom)
    marks = tuple(
        i for i, w in enumerate(words)
        if w.size <= SUPERSCRIPT_SIZE * size and w.bottom < baseline - 0.15 * size and len(w.text) <= 4
    )
    body = [w for i, w in enumerate(words) if i not in marks] or words
    return TextLine(page=page, words=tuple(words), size=size, marks=marks, x0=words[0].x0, x1=words[-1].x1,
                    top=min(w.top for w in body), bottom=max(w.bottom for w in body))


def _reading_order(lines: list[TextLine], width: float) -> list[TextLine]:
    """Top to bottom, except that a two-column stretch is read left column first."""
    lines.sort(key=lambda line: (round(line.top, 0), line.x0))
    gutter = _gutter(lines, width)
    if gutter is None:
        return lines
    ordered: list[TextLine] = []
    left: list[TextLine] = []
    right: list[TextLine] = []
    for line in lines:
        if line.x0 < gutter < line.x1:  # spans both columns: ends the two-column stretch
            ordered += left + right + [line]
            left, right = [], []
        elif line.x1 <= gutter:
            left.append(line)
        else:
            right.append(line)
    return ordered + left + right


def _gutter(lines: list[TextLine], width: float) -> float | None:
    """The x of a column gutter, if enough rows have a segment on each side of one."""
    rows: dict[float, list[TextLine]] = {}
    for line in lines:
        rows.setdefault(round(line.top, 0), []).append(line)
    gaps = [
        (row[0].x1 + row[1].x0) / 2
        for row in rows.values()
        if len(row) == 2 and len(row[0].words) >= 3 and len(row[1].words) >= 3
    ]
    if len(gaps) < COLUMN_MIN_ROWS or len(gaps) < COLUMN_MIN_SHARE * len(rows):
        return None
    gaps.sort()
    middle = gaps[len(gaps) // 2]
    if not width * 0.3 < middle < width * 0.7:
        return None
    return middle
