"""PDF layout: a PDF's characters become words, lines and pages, with positions and font sizes.

pypdfium2 (PDFium) gives each character's box and font size; everything after that is plain
geometry, so the rules hold for any PDF, not one publisher's:

* Words break at spaces, at a horizontal gap wider than :data:`WORD_GAP` of the font size, and
  where the size or baseline changes (a raised footnote marker is a word of its own); not at a
  space PDFium made up from a kern inside a word (:mod:`qa.ingest.pdf_spacing`).
* Lines are words that overlap vertically; a line is cut into segments at a gap wider than
  :data:`SEGMENT_GAP` font sizes (a masthead's left and right parts, two columns).
* Two columns: when the lines of a right column start at one x in the middle of the page, after
  white space, row after row, and both columns hold lines of prose (:func:`_column_edge`), or
  else when enough rows split at the same gutter (:func:`_gutter`), rows are cut at the gutter
  and the left column is read before the right one (see :func:`_reading_order`).
* Superscripts: a word in type at most :data:`SUPERSCRIPT_SIZE` of its line's size whose
  bottom sits above the line's baseline is a marker (``TextLine.marks``), not text; so is a
  number or symbol of up to three characters in any smaller type raised :data:`RAISED_MARK` of
  the size above it.

Coordinates are in points from the page's top-left corner.

Example:
    >>> pages = read_pages(Path("resolution.pdf").read_bytes())  # doctest: +SKIP
    >>> pages[0].lines[0].text                                   # doctest: +SKIP
    'United Nations'
"""

from __future__ import annotations

import ctypes
import re
import struct
from dataclasses import dataclass
from functools import cache, cached_property
from operator import attrgetter

from qa.errors import ReadLimitError
from qa.ingest import limits
from qa.ingest.pdf_spacing import GLUE_GAP, glue

# A gap wider than this share of the font size between two characters separates words.
WORD_GAP = 0.25
# A gap wider than this many font sizes inside a row separates segments (columns, masthead parts).
SEGMENT_GAP = 2.5
# A word in type at most this share of its line's size, sitting raised, is a superscript.
SUPERSCRIPT_SIZE = 0.8
# ... or, a little larger (browsers and word processors set superscripts at 80-85 % of the type),
# a footnote number or symbol raised at least this share of the type above the baseline.
RAISED_MARK = 0.25
_MARK_TEXT = re.compile(r"[\d*†‡§]{1,3}")
# A paragraph's or item's number or marker standing before its text: "5.", "b)", "(iv)", "•".
ITEM_MARK = re.compile(r"(?:\d{1,3}|[A-Za-z]|[ivxlIVXL]{1,6})[.)]|\(\w{1,4}\)|[•▪◦●–-]")
# Two columns: at least this many rows split at one gutter, and this share of the page's rows.
COLUMN_MIN_ROWS = 6
COLUMN_MIN_SHARE = 0.3
# A right column's lines start where this many type sizes of white space or more (a gutter, or
# the margin of a row that has nothing on the left) precede a word.
COLUMN_GAP = 0.5
# ... and each column's lines hold at least this many words (the median): prose, not table cells.
COLUMN_WORDS = 4


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

    @cached_property
    def text(self) -> str:
        """The words joined by single spaces, markers included (joined once: it is read often)."""
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class PdfPage:
    """A page: its size, lines in reading order, and the horizontal rules drawn on it."""

    number: int
    width: float
    height: float
    lines: tuple[TextLine, ...]
    rules: tuple[float, ...] = ()  # y (from the top) of drawn horizontal lines
    #: The x of a two-column page's gutter (a line left of it is the left column's), or None.
    gutter: float | None = None


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
    rows = _rows(words)
    gutter = _column_edge(rows, width)
    if gutter is not None:  # each column's words make rows of their own: the other column's taller
        across = [row for row in rows if any(w.x0 < gutter < w.x1 for w in row)]  # type can bridge two
        crossing = {id(row) for row in across}                                      # of this one's rows
        inside = [w for row in rows if id(row) not in crossing for w in row]
        rows = across + _rows([w for w in inside if w.x0 < gutter]) + _rows([w for w in inside if w.x0 >= gutter])
    lines = _segments(rows, number, gutter)
    lines.sort(key=lambda line: (round(line.top, 0), line.x0))
    if gutter is None:
        gutter = _gutter(lines, width)
    return PdfPage(number=number, width=width, height=height, lines=tuple(_reading_order(lines, gutter)),
                   rules=rules, gutter=gutter)


def _words(textpage: object, height: float) -> list[Word]:
    """Words from PDFium's characters (about 0.5 µs a character: two C calls each).

    The hot loop of reading a PDF. Spaces always end a word, so the loop runs over the runs of
    characters between spaces (found by one regex), and a word is a slice of the page's text.
    """
    import pypdfium2.raw as raw

    handle = textpage.raw
    count = textpage.count_chars()
    text = textpage.get_text_range() if count else ""
    if len(text) != count:  # characters outside the BMP: ask one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i)) for i in range(count))
    text = text.replace("\ufffe", "-")  # PDFium's mark for a hyphen at a line end: keep it as a hyphen
    box = raw.FS_RECTF()
    ref = ctypes.byref(box)
    read_box = _BOX.unpack_from  # the box's four floats in one call, faster than four fields
    loose, font_size = _char_calls()
    words: list[Word] = []
    add = words.append
    gap = WORD_GAP
    close: list[tuple[int, int]] = []  # (word, space) for pdf_spacing.glue: a word a single space
    glue_gap, previous_end = GLUE_GAP, 0  # from the one before, their boxes nearly touching
    for run in _RUNS.finditer(text):
        start, end = run.span()
        loose(handle, start, ref)
        size = font_size(handle, start)
        x0, top, x1, bottom = read_box(box)
        if words and x0 - words[-1].x1 < glue_gap * size and start - previous_end == 1 and text[start - 1] == " ":
            close.append((len(words), start - 1))
        previous_end = end
        top, bottom = height - top, height - bottom
        drop, reach, back = 0.3 * size, gap * size, x0 - 0.5  # the word's limits, computed once
        for index in range(start + 1, end):
            loose(handle, index, ref)
            c_size = font_size(handle, index)
            left, c_top, right, c_bottom = read_box(box)
            c_top, c_bottom = height - c_top, height - c_bottom
            if abs(c_size - size) > 0.5 or abs(c_bottom - bottom) > drop or left - x1 > reach or left < back:
                add(Word(text[start:index], x0, x1, top, bottom, size))
                start = index
                x0, x1, top, bottom, size = left, right, c_top, c_bottom, c_size
                drop, reach, back = 0.3 * size, gap * size, x0 - 0.5
                continue
            if right > x1:  # max(x1, right)
                x1 = right
            if c_top < top:  # min(top, c_top)
                top = c_top
        add(Word(text[start:end], x0, x1, top, bottom, size))
    return glue(words, close, handle) if close else words


# FS_RECTF: left, top, right, bottom as C floats.
_BOX = struct.Struct("4f")
# Runs of characters between spaces: re's \s is str.isspace(); PDFium pads with NULs too.
_RUNS = re.compile(r"[^\s\x00]+")


@cache
def _char_calls() -> tuple[object, object]:
    """PDFium's FPDFText_GetLooseCharBox and FPDFText_GetFontSize, called without checks."""
    import pypdfium2.raw as raw

    return bare_c_function(raw.FPDFText_GetLooseCharBox), bare_c_function(raw.FPDFText_GetFontSize)


def bare_c_function(function: ctypes._CFuncPtr) -> ctypes._CFuncPtr:
    """The same C function without its declared argument types (same result type).

    ctypes converts and checks each argument against ``argtypes`` on every call; without them
    a call to PDFium's per-character functions takes about 0.2 µs instead of 0.5 µs. The caller
    must then pass arguments of the C types already: Python ints for ``int`` and ctypes
    pointers (or ``ctypes.byref``) for pointers.

    Example:
        >>> import pypdfium2.raw as raw
        >>> bare_c_function(raw.FPDFText_GetFontSize).restype is raw.FPDFText_GetFontSize.restype
        True
    """
    bare = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    bare.restype = function.restype
    return bare


def _rules(page: object, height: float, width: float) -> tuple[float, ...]:
    """The y of each drawn horizontal line at least a tenth of the page wide.

    PDFium's page objects are walked through its C calls (top level only, as
    ``page.get_objects(max_depth=1)`` would): pypdfium2's helper wraps every object in a Python
    object, which cost more than the rest of this function.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    handle = page.raw
    count = raw.FPDFPage_CountObjects(handle)
    if count < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    get_object, get_type, get_bounds = raw.FPDFPage_GetObject, raw.FPDFPageObj_GetType, raw.FPDFPageObj_GetBounds
    path, unknown = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_UNKNOWN
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    refs = ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    found = []
    for index in range(count):
        obj = get_object(handle, index)
        if not obj:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        kind = get_type(obj)
        if kind == unknown:
            raise pdfium.PdfiumError("Failed to determine pageobject type.")
        if kind != path:
            continue
        if not get_bounds(obj, *refs):
            raise pdfium.PdfiumError("Failed to locate pageobject.")
        if right.value - left.value >= width / 10 and top.value - bottom.value <= 2:
            found.append(round(height - top.value, 1))
    return tuple(sorted(found))


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped into rows by vertical overlap, each row sorted left to right."""
    rows: list[list[Word]] = []
    tops: list[float] = []  # each row's band: the highest top and lowest bottom of its words
    bottoms: list[float] = []
    for word in sorted(words, key=_by_bottom):
        w_top, w_bottom = word.top, word.bottom
        height = w_bottom - w_top
        if 0.1 > height:  # max(height, 0.1)
            height = 0.1
        last = len(rows) - 1
        for index in range(last, last - 3 if last >= 3 else -1, -1):
            top, bottom = tops[index], bottoms[index]
            band = bottom - top
            # overlap >= 0.5 * min(height, band), with min() and max() spelled out
            if (w_bottom if w_bottom < bottom else bottom) - (w_top if w_top > top else top) \
                    >= 0.5 * (band if band < height else height):
                rows[index].append(word)
                if w_top < top:
                    tops[index] = w_top
                if w_bottom > bottom:
                    bottoms[index] = w_bottom
                break
        else:
            rows.append([word])
            tops.append(w_top)
            bottoms.append(w_bottom)
    for row in rows:
        row.sort(key=_by_x0)
    return rows


def _segments(rows: list[list[Word]], page: int, gutter: float | None) -> list[TextLine]:
    """Rows cut into lines at gaps wider than :data:`SEGMENT_GAP`, and at the gutter of a
    two-column page (however narrow) where no word of the row crosses it."""
    lines = []
    gap = SEGMENT_GAP
    for row in rows:
        crosses = gutter is not None and any(w.x0 < gutter < w.x1 for w in row)
        segment = [row[0]]
        for word in row[1:]:
            previous = segment[-1]
            w_size, p_size = word.size, previous.size
            if word.x0 - previous.x1 > gap * (p_size if p_size > w_size else w_size) or (
                    gutter is not None and not crosses and previous.x1 <= gutter <= word.x0):
                lines.append(_line(segment, page))
                segment = []
            segment.append(word)
        lines.append(_line(segment, page))
    return lines


_by_bottom = attrgetter("bottom", "x0")
_by_x0 = attrgetter("x0")


def _line(words: list[Word], page: int) -> TextLine:
    sizes: dict[float, int] = {}
    for word in words:
        key = round(word.size, 1)
        sizes[key] = sizes.get(key, 0) + len(word.text)
    # The first of the most common (as Counter.most_common(1)); with one size, the loop's last key.
    size = max(sizes, key=sizes.__getitem__) if len(sizes) > 1 else key
    baseline = None  # the lowest bottom of a word in the line's size (the first, if several)
    for word in words:
        if abs(word.size - size) < 0.5 and (baseline is None or word.bottom > baseline):
            baseline = word.bottom
    if baseline is None:
        baseline = words[0].bottom
    mark_size, mark_bottom = SUPERSCRIPT_SIZE * size, baseline - 0.15 * size
    marks = tuple(
        i for i, w in enumerate(words)
        if w.size <= mark_size and w.bottom < mark_bottom and len(w.text) <= 4
        # a word processor's superscript is 80-85 % of the type: a number or symbol raised higher
        or w.size < size - 0.3 and w.bottom < baseline - RAISED_MARK * size and _MARK_TEXT.fullmatch(w.text)
    )
    body = ([w for i, w in enumerate(words) if i not in marks] or words) if marks else words
    top, bottom = body[0].top, body[0].bottom  # min() and max() of the body's, spelled out
    for word in body:
        if word.top < top:
            top = word.top
        if word.bottom > bottom:
            bottom = word.bottom
    return TextLine(page=page, words=tuple(words), size=size, marks=marks, x0=words[0].x0, x1=words[-1].x1,
                    top=top, bottom=bottom)


def _reading_order(lines: list[TextLine], gutter: float | None) -> list[TextLine]:
    """Lines sorted top to bottom, in that order, except that a two-column stretch (split at
    ``gutter``) is read left column first."""
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


def _column_edge(rows: list[list[Word]], width: float) -> float | None:
    """The gutter of a page in two columns, found from where its right column's lines start.

    A right column's lines all start at one x in the middle part of the page, each after white
    space (the gutter, or nothing on the left where the columns' baselines do not line up); in one
    column, text starts there only by chance (a wide gap of justified text), and right-aligned
    dates or meeting lines start at different x. Found from words, before rows are cut into lines,
    so a gutter narrower than :data:`SEGMENT_GAP` or columns whose baselines drift apart are read
    column by column too. Returns just left of that x, or None for a page in one column.
    """
    starts: dict[int, int] = {}
    markers: dict[int, int] = {}  # the same, for parts that open with an item's number or marker
    for row in rows:
        previous = None
        seen, marked = set(), set()
        for word in row:
            if (previous is None or word.x0 - previous.x1 > COLUMN_GAP * word.size) and \
                    0.3 * width < word.x0 < 0.7 * width:
                seen.add(round(word.x0))
                if ITEM_MARK.fullmatch(word.text):
                    marked.add(round(word.x0))
            previous = word
        for x in seen:
            starts[x] = starts.get(x, 0) + 1
        for x in marked:
            markers[x] = markers.get(x, 0) + 1
    if not starts:
        return None

    def near(counts: dict[int, int], x: int) -> int:  # within a point of x (boxes move by a fraction)
        return counts.get(x - 1, 0) + counts.get(x, 0) + counts.get(x + 1, 0)

    best = max(starts, key=lambda x: (near(starts, x), -x))
    count = near(starts, best)
    # Numbers hanging left of the column's text ("5.  We …") start a few rows a little further left.
    sizes = sorted(w.size for row in rows for w in row)
    size = sizes[len(sizes) // 2]
    hanging = [x for x in markers if best - 3 * size <= x < best - 1 and near(markers, x) >= 2]
    edge = min(x for x in range(min(hanging, default=best) - 1, best + 2) if x in starts) - 1.0
    kept = [row for row in rows if not any(w.x0 < edge < w.x1 for w in row)]
    if count < COLUMN_MIN_ROWS or count < COLUMN_MIN_SHARE * len(rows) or len(rows) - len(kept) >= count:
        return None
    # Columns of running text, not a table's or an indented list's: the lines on each side hold
    # several words each (a table's cells are a word or two, and reading it column by column would
    # part its rows), and the left column has about as many lines as the right.
    left = sorted(n for row in kept if (n := sum(w.x1 <= edge for w in row)))
    right = sorted(n for row in kept if (n := sum(w.x0 >= edge for w in row)))
    if len(left) < max(COLUMN_MIN_ROWS, len(right) / 2) or not right \
            or left[len(left) // 2] < COLUMN_WORDS or right[len(right) // 2] < COLUMN_WORDS:
        return None
    return float(edge)


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
