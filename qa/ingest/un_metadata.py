"""Metadata printed on a PDF's first page: title, document symbol, issuer, adoption date, place.

Five rules here are specific to United Nations documents (the rest of the PDF path is general):

1. The symbol is a UN document symbol ("A/RES/78/1", "S/RES/2700 (2023)", "A/HRC/RES/55/1",
   "A/78/L.1") standing on a line of its own on the first page (one a paragraph cites is not the
   document's), a resolution symbol preferred.
2. The title is the block that opens with the resolution's number ("78/1. Political
   declaration …"); it is stored without the number, as the symbol carries it. A Security
   Council resolution has its number alone for a title: "Resolution 2720 (2023)".
3. The adoption date and the adopting body come from "Resolution adopted by the General
   Assembly on 29 September 2023" or "Adopted by the Security Council at its 9520th meeting, on
   22 December 2023" (which is not a paragraph of the text).
4. The issuer is "United Nations " + that body when the masthead reads "United Nations".
5. The General Assembly, the Security Council and the Economic and Social Council sit in New
   York, the Human Rights Council in Geneva: that is the place.

Without these, the general rules apply: the title is the first block in the largest type on the
first page (below the top band), the date the first date on the first page, and no issuer is
guessed. The PDF's Author and Creator fields are never used: they name whoever made the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.ingest.metadata import find_date
from qa.ingest.pdf_blocks import Block, is_running_text

# A symbol may name a subsidiary body or committee before its numbers: A/HRC/RES/55/1, E/CN.6/2024/L.3.
_SYMBOL = re.compile(
    r"\b[ASE] ?/(?:[A-Z][A-Z]{0,5}(?:\.\d+)?/)?(?:RES/)?(?:ES-\d+/)?\d{1,4}/[\w.]+(?:/Rev\.\d+)?"
    r"|\bS/RES/\d{1,5} \(\d{4}\)"
)
_RESOLUTION_TITLE = re.compile(r"^(?:\d{1,3}/\d{1,4}|\d{2,4} \(\d{4}\))\.?\s+(?=\S)")
# A paragraph that opens with its number: the text has begun.
_NUMBERED = re.compile(r"\d{1,3}[.)]\s")
# A Security Council resolution's title is its number alone: "Resolution 2720 (2023)".
_NUMBER_TITLE = re.compile(r"^Resolution \d{1,5} \(\d{4}\)$")
_ADOPTED = re.compile(
    r"(?:(?:Resolution|Decision|Declaration) adopted|Adopted) by the (?P<body>[A-Z][\w ]{3,60}?)\s+"
    r"(?:at its [\w-]+ (?:plenary )?meeting,?\s+)?on\s+(?P<date>\d{1,2}\s+[A-Z][a-z]+\s+\d{4})"
)
# A line holding the document's symbol holds little else ("A/RES/78/1", "S/RES/2720 (2023)").
SYMBOL_LINE = 40
_SEATS = {"General Assembly": "New York", "Security Council": "New York", "Economic and Social Council": "New York",
          "Human Rights Council": "Geneva"}


@dataclass(frozen=True)
class PrintedMetadata:
    """What the first page states. ``title_index`` is the title block's index in the blocks."""

    title: str = ""
    symbol: str = ""
    issuer: str = ""
    date: str = ""
    place: str = ""
    title_index: int | None = None
    #: The first block of the text: after the title and the adoption line that may follow it
    #: (a Security Council resolution's "Adopted by the Security Council at its 9520th meeting, …").
    body_index: int | None = None


def read_metadata(blocks: list[Block], first_page_text: str, *, body_size: float) -> PrintedMetadata:
    """Title, symbol, issuer, date and place from the blocks and the first page's whole text."""
    flat = " ".join(first_page_text.split())
    # The document's own symbol stands on a line of its own (the masthead or a running header);
    # one a paragraph cites ("… its resolution A/HRC/RES/48/13 …") is not it.
    symbols = [s.replace(" /", "/") for line in first_page_text.splitlines() if len(line.strip()) <= SYMBOL_LINE
               for s in _SYMBOL.findall(" ".join(line.split()))]
    symbol = next((s for s in symbols if "/RES/" in s), symbols[0] if symbols else "")
    index = _un_title(blocks, symbol)
    if index is None:
        index = _largest_type(blocks, body_size)
    title = ""
    if index is not None:
        title = _RESOLUTION_TITLE.sub("", blocks[index].text, count=1).strip()
    issuer = date = place = ""
    if adopted := _ADOPTED.search(flat):
        body = adopted.group("body").strip()
        date = find_date(adopted.group("date")) or ""
        issuer = f"United Nations {body}" if "United Nations" in flat[:200] else body
        place = _SEATS.get(body, "")
    if not date and index is not None:
        date = find_date(" ".join(b.text for b in blocks[: index + 3])) or ""
    body_index = None
    if index is not None:
        body_index = index + 1
        while body_index < len(blocks) and _ADOPTED.match(blocks[body_index].text.strip()):
            body_index += 1
    return PrintedMetadata(title=title, symbol=symbol, issuer=issuer, date=date, place=place,
                           title_index=index, body_index=body_index)


def _un_title(blocks: list[Block], symbol: str) -> int | None:
    for index, block in enumerate(blocks[:40]):
        if block.page > 2:
            break
        if _RESOLUTION_TITLE.match(block.text) and not block.text.rstrip().endswith((";", ",")) \
                or symbol.startswith("S/RES/") and _NUMBER_TITLE.match(block.text.strip()):
            return index
    return None


def _largest_type(blocks: list[Block], body_size: float) -> int | None:
    """The first block on the first page in the largest type above the body's, above the text
    (a numbered paragraph, or the second block of two lines or more in the body's type; the first
    may be a letterhead's address): a title comes before the text, and a larger heading further
    down is a section's."""
    first = []
    running = 0  # blocks of running text so far: a letterhead's address may come before the title
    for i, b in enumerate(blocks):
        if is_running_text(b, body_size):
            running += 1
        if b.page != blocks[0].page or running >= 2 or _NUMBERED.match(b.text):
            break
        first.append((i, b))
    larger = [(i, b) for i, b in first if b.size > body_size + 0.5 and len(b.text.split()) >= 2]
    if not larger:
        return None
    biggest = max(b.size for _, b in larger)
    return next(i for i, b in larger if b.size == biggest)
