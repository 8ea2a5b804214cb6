"""Page furniture and footnotes: which lines of a PDF page are not the declaration's running text.

General rules, from position, repetition and type size (none is specific to one publisher):

1. A line in a page's top or bottom band (:data:`MARGIN_BAND` of the height) whose text, digits
   aside, recurs in that band on another page in the same type size is a running header or
   footer. Sides may swap between even and odd pages: the position across the page does not
   matter. The size must match: a title set large at the top of page 1 is not the running header
   that repeats it in small type on the pages after (taking it for one lost the title and, with
   it, every paragraph above the first heading).
2. A line in those bands made only of numbers, codes and symbols ("2/12", "23-20100 (E)",
   "*2320100*", "A/RES/78/1", "- 3 -", "Page 3 of 12") is a page counter, job number or barcode;
   so is a page counter as the first or last line of a page, wherever it stands. A section's
   label alone in the body's type ("II" atop page 2 of A/RES/78/253) is a heading, not a code.
3. A line in the band touching a line found by 1 or 2, in the same type size (not the body's),
   belongs to the same header (a short title wrapped over two lines beside the symbol).
4. Footnotes: the lines below a rule (a drawn horizontal line, or a line of underscores) in the
   lower part of a page, in type smaller than the body's. Each footnote opens with its marker.

Example:
    >>> split_page(page, body_size=10.0, furniture=find_furniture(pages))  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from qa.ingest.pdf_layout import PdfPage, TextLine

# Running headers and footers sit in the outer 12 % of the page (UN: 43-61 pt of 792 at the
# top, 740-762 pt at the bottom; a three-line wrapped header reaches 75 pt, 9.5 %).
MARGIN_BAND = 0.12
# A footnote rule lies below this share of the page height (a masthead's rules lie above).
RULE_BELOW = 0.3
# Footnote type is smaller than the body's by at least this many points.
SMALLER = 0.3
# Two lines closer in type size than this many points are in the same size (rule 1).
SAME_SIZE = 0.5

_TEXT_RULE = re.compile(r"[_\-—–]{5,}")
_PAGE_COUNTER = re.compile(r"(?i)(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?|-\s*\d{1,4}\s*-")
_CODE_WORD = re.compile(r"[\W\d_]*|.*\d.*|\W*[A-Za-z]{1,2}\W*")  # numbers, codes, "(E)"
_SECTION_LABEL = re.compile(r"(?:[IVXL]{1,6}|[A-Z])\.?")  # "II", "B.": a section's label alone


@dataclass(frozen=True)
class Footnote:
    """A footnote: its marker as printed ("1", "*") and its text."""

    label: str
    text: str
    page: int


@dataclass(frozen=True)
class PageParts:
    """A page cut into its running text and its footnote lines."""

    body: tuple[TextLine, ...]
    notes: tuple[TextLine, ...]


def body_size(pages: list[PdfPage]) -> float:
    """The font size most characters of the document are set in."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _key(text: str) -> str:
    return " ".join(re.sub(r"\d+", "#", text.casefold()).split())


def _in_band(line: TextLine, page: PdfPage) -> bool:
    band = MARGIN_BAND * page.height
    return line.bottom <= band or line.top >= page.height - band


def _is_code(line: TextLine) -> bool:
    """Numbers, codes and symbols only; a line opening with a superscript is a footnote."""
    text = line.text
    if _TEXT_RULE.fullmatch(text) or line.marks[:1] == (0,):
        return False
    return bool(_PAGE_COUNTER.fullmatch(text.strip())) or all(_CODE_WORD.fullmatch(w) for w in text.split())


def _label(line: TextLine, size: float) -> bool:
    """A section's label alone on its line in the body's type: "II" heads a section, as "(E)" in
    small type beside a job number does not."""
    return abs(line.size - size) < SAME_SIZE and bool(_SECTION_LABEL.fullmatch(line.text.strip()))


def find_furniture(pages: list[PdfPage], *, size: float) -> set[tuple[int, int]]:
    """(page number, line index) of every running header, footer, counter, job number or barcode.

    Footnotes (lines under a footnote rule that open with a marker, and the lines after them)
    are never furniture by repetition: "Resolution 70/1." may well be footnote 1 and 3.
    """
    notes = {page.number: _note_lines(page, size) for page in pages}
    seen: dict[str, list[tuple[int, float]]] = defaultdict(list)  # text -> (page, type size)
    for page in pages:
        for i, line in enumerate(page.lines):
            if _in_band(line, page) and i not in notes[page.number] and not _TEXT_RULE.fullmatch(line.text):
                seen[_key(line.text)].append((page.number, line.size))

    known: dict[tuple[str, float], bool] = {}

    def repeated(line: TextLine) -> bool:  # once per text and size: a header recurs on every page
        key = (_key(line.text), line.size)
        if key not in known:
            known[key] = len({n for n, size in seen[key[0]] if abs(size - line.size) < SAME_SIZE}) >= 2
        return known[key]

    found: set[tuple[int, int]] = set()
    for page in pages:
        marked = [
            i for i, line in enumerate(page.lines)
            if _in_band(line, page) and not _TEXT_RULE.fullmatch(line.text)
            and (_is_code(line) and not _label(line, size) or i not in notes[page.number] and repeated(line))
            or i in (0, len(page.lines) - 1) and _PAGE_COUNTER.fullmatch(line.text.strip())
        ]
        found.update((page.number, i) for i in _spread(page, marked, notes[page.number], size))
    return found


def _note_lines(page: PdfPage, size: float) -> set[int]:
    """Indexes of the lines under the page's footnote rule, codes (counters, job numbers) aside."""
    rule = _rule(page, [line for line in page.lines if not _is_code(line)], size)
    if rule is None:
        return set()
    return {i for i, line in enumerate(page.lines) if line.top >= rule and not _is_code(line)}


def _spread(page: PdfPage, marked: list[int], notes: set[int], size: float) -> set[int]:
    """Add band lines that touch a marked line in the same type size (rule 3), footnotes aside.

    Only lines set apart from the body's type: a first body line right under a counter stays.
    """
    out = set(marked)
    grew = True
    while grew:
        grew = False
        for i, line in enumerate(page.lines):
            if i in out or i in notes or not _in_band(line, page) or _TEXT_RULE.fullmatch(line.text) \
                    or abs(line.size - size) < 0.3:
                continue
            for j in list(out):
                other = page.lines[j]
                gap = max(line.top - other.bottom, other.top - line.bottom)
                if abs(line.size - other.size) < 0.3 and gap < 0.6 * line.size:
                    out.add(i)
                    grew = True
                    break
    return out


def split_page(page: PdfPage, *, size: float, furniture: set[tuple[int, int]]) -> PageParts:
    """The page's running-text lines and footnote lines, furniture left out."""
    lines = [line for i, line in enumerate(page.lines) if (page.number, i) not in furniture]
    rule = _rule(page, lines, size)
    if rule is None:
        return PageParts(body=tuple(lines), notes=())
    body = [line for line in lines if line.top < rule and not _TEXT_RULE.fullmatch(line.text)]
    notes = [line for line in lines if line.top >= rule and not _TEXT_RULE.fullmatch(line.text)]
    return PageParts(body=tuple(body), notes=tuple(notes))


def _rule(page: PdfPage, lines: list[TextLine], size: float) -> float | None:
    """The y of the footnote rule, if the lines under it are in smaller type."""
    candidates = [line.bottom for line in lines if _TEXT_RULE.fullmatch(line.text)]
    candidates += list(page.rules)
    for y in sorted(candidates):
        if y < RULE_BELOW * page.height:
            continue
        below = [line for line in lines if line.top >= y and not _TEXT_RULE.fullmatch(line.text)]
        if below and all(line.size <= size - SMALLER for line in below):
            return y
    return None


def read_footnotes(notes: list[TextLine]) -> list[Footnote]:
    """Footnotes from footnote lines in reading order; a line opening with a marker starts one.

    A footnote's first line starting without a marker continues the last footnote (of the
    page before, when a footnote runs over a page break).
    """
    found: list[Footnote] = []
    for line in notes:
        words = [w.text for w in line.words]
        opener = line.marks[:1] == (0,) or (len(words) > 1 and re.fullmatch(r"\d{1,3}|[*†‡]", words[0]))
        if opener:
            found.append(Footnote(label=words[0], text=" ".join(words[1:]), page=line.page))
        elif found:
            last = found[-1]
            found[-1] = Footnote(label=last.label, text=_join(last.text, " ".join(words)), page=last.page)
    return found


def _join(head: str, tail: str) -> str:
    return f"{head} {tail}".strip()
