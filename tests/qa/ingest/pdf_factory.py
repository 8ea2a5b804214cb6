"""Small PDFs made with reportlab for the PDF reader's tests: pages laid out like official ones.

A page is built from text lines placed at (x, y) in a font size, drawn rules and superscripts,
so each test states the layout it checks (running headers on alternating sides, a footnote
under a rule, two columns, a paragraph across a page break).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

PAGE_W, PAGE_H = 612.0, 792.0
LEFT, RIGHT = 72.0, 540.0
TOP = 700.0
LEADING = 12.0


@dataclass
class Page:
    """Drawing operations for one page; y counts from the bottom, as in PDF."""

    ops: list[tuple] = field(default_factory=list)

    def text(self, x: float, y: float, text: str, size: float = 10.0) -> None:
        self.ops.append(("text", x, y, text, size))

    def sup(self, x: float, y: float, text: str, size: float = 6.5) -> None:
        """A superscript: smaller type, raised a third of the body size."""
        self.ops.append(("text", x, y + 3.5, text, size))

    def kerned(self, x: float, y: float, parts: list[str | float], size: float = 10.0) -> None:
        """A ``TJ`` array: strings, and between them shifts in thousandths of the size (-130
        moves the next glyph 0.13 of the size right: a kern PDFium may take for a space)."""
        self.ops.append(("tj", x, y, parts, size))

    def rule(self, x0: float, x1: float, y: float) -> None:
        self.ops.append(("rule", x0, x1, y))

    def rectangle(self, x: float, y: float, w: float, h: float) -> None:
        self.ops.append(("rect", x, y, w, h))


def width(text: str, size: float = 10.0) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, "Helvetica", size)


def build(pages: list[Page]) -> bytes:
    """The PDF bytes of the pages, Helvetica throughout."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(PAGE_W, PAGE_H))
    pdf.setAuthor("Jane Clerk (processed the file)")
    for page in pages:
        for op in page.ops:
            if op[0] == "text":
                _, x, y, text, size = op
                pdf.setFont("Helvetica", size)
                pdf.drawString(x, y, text)
            elif op[0] == "tj":
                _, x, y, parts, size = op
                pdf.setFont("Helvetica", size)  # the font's resource, named as the canvas names it
                array = " ".join(f"({p})" if isinstance(p, str) else f"{p:g}" for p in parts)
                pdf.addLiteral(f"BT {pdf._doc.getInternalFontName('Helvetica')} {size:g} Tf {x:g} {y:g} Td [{array}] TJ ET")
            elif op[0] == "rule":
                _, x0, x1, y = op
                pdf.setLineWidth(0.5)
                pdf.line(x0, y, x1, y)
            else:
                _, x, y, w, h = op
                pdf.rect(x, y, w, h, fill=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def wrap(text: str, *, first: float = LEFT, left: float = LEFT, right: float = RIGHT,
         size: float = 10.0) -> list[tuple[float, str]]:
    """Break ``text`` into lines that fit between the margins: (x, line) pairs."""
    lines: list[tuple[float, str]] = []
    x, current = first, ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and x + width(trial, size) > right:
            lines.append((x, current))
            x, current = left, word
        else:
            current = trial
    if current:
        lines.append((x, current))
    return lines


def flow(paragraphs: list[str], *, lines_per_page: int = 40, header: tuple[str, str] | None = None,
         footer: str | None = None, first: Page | None = None, first_top: float = TOP) -> list[Page]:
    """Paragraphs poured onto pages (unnumbered ones with a first-line indent, a 6 pt gap
    between paragraphs), a paragraph free to run over a page break, a running header of symbol
    and short title on alternating sides from page 2, and a footer "2/4" plus a job number."""
    lines: list[tuple[float, str, bool]] = []
    for paragraph in paragraphs:
        for index, (x, line) in enumerate(_paragraph_lines(paragraph)):
            lines.append((x, line, index == 0))
    chunks = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        page = first if number == 1 and first is not None else Page()
        y = first_top if number == 1 else TOP
        for position, (x, line, opens) in enumerate(chunk):
            if opens and position:
                y -= 6
            page.text(x, y, line)
            y -= LEADING
        _furniture(page, number, len(chunks), header, footer)
        pages.append(page)
    return pages


def masthead(symbol: str, adopted: str, number: str, title: str) -> tuple[Page, float]:
    """A first page with a UN-style masthead, adoption line and numbered title; and the y
    where the text starts."""
    page = Page()
    page.text(RIGHT - width(symbol, 10), 750, symbol)
    page.text(LEFT, 745, "United Nations", 14)
    page.text(LEFT, 720, "General Assembly", 20)
    page.text(380, 712, "Distr.: General")
    page.text(380, 700, "3 October 2023")
    page.text(LEFT, 640, "Seventy-eighth session")
    page.text(LEFT, 628, "Agenda item 12")
    page.text(LEFT + 40, 600, "Resolution adopted by the General Assembly", 14)
    page.text(LEFT + 40, 585, f"on {adopted}", 14)
    y = 560
    for x, line in wrap(f"{number}. {title}", first=LEFT, left=LEFT + 40, size=12):
        page.text(x, y, line, 12)
        y -= 14
    page.text(LEFT + 64, y - 10, "The General Assembly,")
    return page, y - 30


def _paragraph_lines(paragraph: str) -> list[tuple[float, str]]:
    numbered = paragraph.split(" ", 1)[0].rstrip(".,").isdigit() or paragraph.startswith("(")
    if len(paragraph.split()) <= 3 and not paragraph.endswith("."):  # a heading ("Annex")
        return [(LEFT, paragraph)]
    return wrap(paragraph, first=LEFT if numbered else LEFT + 24)


def _furniture(page: Page, number: int, total: int, header: tuple[str, str] | None,
               footer: str | None) -> None:
    odd = number % 2 == 1
    if header and number > 1:
        title_x = LEFT if odd else RIGHT - width(header[1], 8.5)
        symbol_x = RIGHT - width(header[0], 8.5) if odd else LEFT
        page.text(symbol_x, 750, header[0], 8.5)
        page.text(title_x, 760, header[1], 8.5)
    if footer:
        counter = f"{number}/{total}"
        page.text(LEFT if not odd else RIGHT - width(counter, 8.5), 40, counter, 8.5)
        page.text(RIGHT - width(footer, 7) if not odd else LEFT, 40, footer, 7)
