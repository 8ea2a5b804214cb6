"""PDF reader: a PDF's layout (not its flattened text) becomes cited paragraphs and metadata.

Steps, each in its own module:

1. :mod:`qa.ingest.pdf_layout` (pypdfium2): characters with boxes and sizes -> words -> lines,
   two-column pages in column order, superscript markers marked.
2. :mod:`qa.ingest.pdf_furniture`: running headers and footers, page counters, job numbers and
   barcodes dropped; footnotes under a rule, in smaller type, kept apart.
3. :mod:`qa.ingest.pdf_blocks`: lines -> paragraphs of text, joined over page breaks,
   line-end hyphens mended where the joined word is a word, markers lifted out as offsets.
4. :mod:`qa.ingest.un_metadata`: title, symbol, issuer, adoption date from the first page.
5. :mod:`qa.ingest.pdf_structure`: preambular and operative paragraphs, annexes, sub-items.

The PDF's info fields (Author, Creator) are never read: they name whoever made the file, not
who issued the text. A PDF without a text layer is refused: it needs OCR. A text layer whose
words are mostly not English words is read, with a warning in ``Extracted.notes``.

Example:
    >>> extract_pdf(Path("A_RES_78_1.pdf").read_bytes()).stated["symbol"]  # doctest: +SKIP
    'A/RES/78/1'
"""

from __future__ import annotations

import re
from dataclasses import replace

from qa.documents import Paragraph
from qa.ingest.formats import Extracted, UnreadableFileError
from qa.ingest.metadata import find_date, header_fields
from qa.ingest.pdf_blocks import (
    Block,
    PageFrame,
    build_blocks,
    document_vocabulary,
    frame_of,
    is_english_word,
    is_running_text,
)
from qa.ingest.pdf_furniture import body_size, find_furniture, read_footnotes, split_page
from qa.ingest.pdf_layout import PdfPage, TextLine, read_pages
from qa.ingest.pdf_structure import build_paragraphs, is_heading
from qa.ingest.un_metadata import read_metadata

# A document with fewer letters than this has no text layer (a scan).
MIN_LETTERS = 20
# Below this share of recognised words (of 3+ letters) the text layer is called noisy.
MIN_WORD_SHARE = 0.5
SCANNED = "scanned: no text layer; run OCR first (or supply the text as .txt)"


def extract_pdf(data: bytes) -> Extracted:
    """Read a PDF's paragraphs and printed metadata.

    Raises:
        UnreadableFileError: If the bytes are not a PDF, are encrypted or damaged, or hold no text.
    """
    if not data.lstrip()[:5] == b"%PDF-":
        raise UnreadableFileError("not a PDF (no %PDF- header); check the file or its extension")
    pages = _open(data)
    if not _has_text(pages):
        raise UnreadableFileError(SCANNED)
    size = body_size(pages)
    furniture = find_furniture(pages, size=size)
    parts = [split_page(page, size=size, furniture=furniture) for page in pages]
    all_lines = [line for part in parts for line in part.body]
    vocabulary = document_vocabulary(all_lines)
    framed = [chunk for page, part in zip(pages, parts) for chunk in _columns(page, list(part.body), size)]
    blocks = build_blocks(framed, vocabulary=vocabulary)
    if not blocks:
        raise UnreadableFileError(SCANNED)
    footnotes = read_footnotes([line for part in parts for line in part.notes])
    first_page = "\n".join(line.text for line in pages[0].lines)
    printed = read_metadata(blocks, first_page, body_size=size)
    stated, body = _header(blocks, printed, size)
    paragraphs = build_paragraphs(body, footnotes, body_size=size)
    text, paragraphs = _lay_out(stated.get("title", ""), paragraphs)
    return Extracted(text, stated=stated, paragraphs=tuple(paragraphs), notes=_noise(all_lines))


def _columns(page: PdfPage, lines: list[TextLine], size: float) -> list[tuple[list[TextLine], PageFrame]]:
    """A page's running-text lines in runs of one column each, with that column's frame (its
    edges), so a line ending at a column's right edge is not taken for a paragraph's last line.
    A page in one column is one run with the page's frame."""
    gutter = page.gutter
    if gutter is None:
        return [(lines, frame_of(lines, page.width, size))]

    def side(line: TextLine) -> str:
        return "left" if line.x1 <= gutter else "right" if line.x0 >= gutter else "across"

    frames = {name: frame_of(group, page.width, size)
              for name in ("left", "right", "across") if (group := [ln for ln in lines if side(ln) == name])}
    runs: list[tuple[list[TextLine], PageFrame]] = []
    for line in lines:
        name = side(line)
        if runs and runs[-1][1] is frames[name]:
            runs[-1][0].append(line)
        else:
            runs.append(([line], frames[name]))
    return runs


def _has_text(pages: list[PdfPage]) -> bool:
    letters = 0
    for page in pages:
        for line in page.lines:
            letters += sum(ch.isalpha() for ch in line.text)
            if letters >= MIN_LETTERS:
                return True
    return False


def _open(data: bytes) -> list[PdfPage]:
    import pypdfium2 as pdfium

    try:
        return read_pages(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableFileError("the PDF is encrypted; save an unencrypted copy") from exc
        raise UnreadableFileError(f"damaged PDF ({exc}); re-export it or supply a .txt") from exc


def _header(blocks: list[Block], printed, size: float) -> tuple[dict[str, str], list[Block]]:
    """Stated metadata and the blocks after the title (UN rules first, then general ones)."""
    if printed.title_index is not None and (printed.symbol or printed.issuer):
        fields = {"title": printed.title, "symbol": printed.symbol, "issuer": printed.issuer,
                  "date": printed.date, "place": printed.place}
        return {k: v for k, v in fields.items() if v}, blocks[printed.body_index:]
    count = 0
    while count < len(blocks) - 1 and count < 8 and is_heading(blocks[count], size):
        count += 1
    before: list[Block] = []  # running text above the title (a letterhead's address): kept as text
    if printed.title_index is not None and printed.title_index >= count:
        if any(is_running_text(b, size) for b in blocks[count:printed.title_index]):
            before = blocks[count:printed.title_index]
            blocks = blocks[:count] + blocks[printed.title_index:]
            printed = replace(printed, title_index=count)
        count = printed.title_index + 1
    bylines = 0
    while count < len(blocks) - 1 and bylines < 2 and _byline(blocks[count]):
        count, bylines = count + 1, bylines + 1
    header = [b.text for b in blocks[:count]]
    if printed.title_index is not None and printed.title_index < count:  # the title first, as header_fields reads it
        header.insert(0, header.pop(printed.title_index))
    stated = header_fields(header)
    if printed.title:
        stated["title"] = printed.title
    return stated, before + blocks[count:]


# A line under a title that says who issued it, or where and when: "Issued by the Heads of State
# and Government … in Chicago on 20 May 2012", "Adopted in Lisbon on 3 May 2024", "Done at …".
# Not a decision that opens with a verb ("Agreed to hold the next meeting in Lisbon on …;").
_BYLINE = re.compile(r"(?:Issued|Adopted|Released|Signed|Done) (?:by|in|at|on)\b[^.;]{0,240}[^,;:]$")


def _byline(block: Block) -> bool:
    """A block right under the title (or another byline) that belongs to the header: an
    "Issued by … in … on …" or "Adopted in … on …" line of at most three lines, with a date."""
    return block.lines <= 3 and bool(_BYLINE.match(block.text.strip())) and find_date(block.text) is not None


def _lay_out(title: str, paragraphs: list[Paragraph]) -> tuple[str, list[Paragraph]]:
    """The converted text (title, then paragraphs, blank-line separated) and each one's offset."""
    pieces = [title] if title else []
    offset = len(title) + 2 if title else 0
    placed = []
    for paragraph in paragraphs:
        placed.append(replace(paragraph, start=offset))
        pieces.append(paragraph.text)
        offset += len(paragraph.text) + 2
    return "\n\n".join(pieces), placed


def _noise(lines) -> tuple[str, ...]:
    """A warning when most words of the text layer are not words (a bad OCR layer, a broken font)."""
    words = [w for line in lines for w in re.findall(r"[A-Za-z]{3,}", line.text)][:3000]
    if len(words) < 20:
        return ()
    known = sum(is_english_word(w.lower()) for w in words) / len(words)
    if known >= MIN_WORD_SHARE:
        return ()
    return (f"warning: the PDF's text layer is mostly non-words ({known:.0%} recognised); "
            "quotes may be garbled: check them against the PDF, or run OCR on it",)
