"""PDF blocks: the running-text lines of all pages become paragraphs of text (blocks).

A new block starts, from geometry and type alone:

* at a change of type size (a heading), or after a vertical gap wider than
  :data:`PARAGRAPH_GAP` of the type size;
* at a line that opens with an item marker ("12.", "11,", "(a)", "•") after a line that ends
  a clause (". ; : ,") or ends short of the right margin;
* at a line indented more than the one before it (a first-line indent) after such a line.

A page or column break never starts a block by itself: the first line of a page continues the
last block when it stands at the left margin, in the same type, without a marker, unless the
last line ended its paragraph (a sentence or clause ended short of the margin, or anywhere
before a section's label alone) and the new line opens in capitals (a section's label or title
atop the page: "II", "Financial performance report …" in A/RES/78/253). So a paragraph cut
by a page break is one block again. A line ending in a hyphen is joined to the next without the
hyphen only where the joined word is a word (in the document or in the English word list)
and the hyphenated form is not used elsewhere in the document; otherwise the hyphen stays.

Superscript markers are taken out of the text and kept as (offset, label) in ``Block.marks``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from qa.ingest.pdf_layout import ITEM_MARK, TextLine

# Lines of a paragraph are 2-3 pt apart in 10 pt type; paragraphs 6-9 pt.
PARAGRAPH_GAP = 0.45
# A line ending this many type sizes short of the right margin ends its paragraph's last line.
SHORT_BY = 3.0
# A line starting this many type sizes right of the previous line's start is indented.
INDENT = 0.8
# Punctuation closer than this many type sizes to the word (or marker) before it touches it: no
# space between (a comma after a superscript marker is a word of its own, in the body's type).
TOUCHING = 0.15
_CLOSING = frozenset(",.;:!?)]}”’")

_MARKER = re.compile(r"(?:\d{1,3}[.,)]|\((?:[a-z]{1,3}|[ivxl]{1,6}|\d{1,2})\)|[•▪◦●–-])(?=\s)")
_CLAUSE_END = re.compile(r"[.;:,!?][\"'”’)\]]*$")
_SECTION_LABEL = re.compile(r"(?:[IVXL]{1,6}|[A-Z])\.?")  # "II", "B.": a section's label alone
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")  # a clause's end but a comma's
_HYPHENS = "-\xad\x02"
#: Words after a suspended hyphen ("low- and middle-income", "medium- to long-term").
_SUSPENDED = frozenset({"and", "or", "to", "nor"})


@dataclass
class Block:
    """A paragraph of running text as laid out: its text, where it starts, its type size.

    Attributes:
        marks: (offset in ``text``, label) of each superscript marker taken out of the text.
        right_aligned: Every line ends at the right margin and starts right of the centre
            (a date or meeting line under a resolution).
    """

    text: str
    page: int
    size: float
    x0: float
    lines: int = 1
    marks: list[tuple[int, str]] = field(default_factory=list)
    right_aligned: bool = False


@dataclass(frozen=True)
class PageFrame:
    """The left and right edges of a page's running text."""

    left: float
    right: float
    width: float


def frame_of(lines: list[TextLine], width: float, size: float) -> PageFrame:
    """The usual left and right edges of lines in body type on a page."""
    body = [line for line in lines if abs(line.size - size) < 0.3] or lines
    lefts = sorted(round(line.x0) for line in body)
    rights = sorted(round(line.x1) for line in body)
    # The leftmost edge that two lines share: indented first lines may outnumber the rest.
    shared = [x for x in sorted(set(lefts)) if lefts.count(x) >= 2]
    left = shared[0] if shared else (lefts[0] if lefts else 0.0)
    right = rights[int(len(rights) * 0.9)] if rights else width
    return PageFrame(left=float(left), right=float(right), width=width)


def build_blocks(pages: list[tuple[list[TextLine], PageFrame]], *, vocabulary: set[str]) -> list[Block]:
    """Blocks from each page's running-text lines (in reading order) and the page's frame."""
    blocks: list[Block] = []
    previous: TextLine | None = None
    prev_frame: PageFrame | None = None
    for lines, frame in pages:
        for line in lines:
            if previous is None or _starts_block(previous, prev_frame, line, frame):
                blocks.append(Block(text="", page=line.page, size=line.size, x0=line.x0, lines=0,
                                    right_aligned=_right_aligned(line, frame)))
            block = blocks[-1]
            _append(block, line, vocabulary)
            block.right_aligned = block.right_aligned and _right_aligned(line, frame)
            previous, prev_frame = line, frame
    return [b for b in blocks if b.text]


def is_running_text(block: Block, body_size: float) -> bool:
    """A paragraph of the text: two lines or more in the body's type."""
    return block.lines >= 2 and abs(block.size - body_size) <= 0.5


def _right_aligned(line: TextLine, frame: PageFrame) -> bool:
    """Starts right of the middle of the text frame (a column's, on a page in two) and ends at its right edge."""
    return line.x0 > (frame.left + frame.right) / 2 and abs(line.x1 - frame.right) < 2 * line.size


def _plain(line: TextLine) -> str:
    if not line.marks:  # most lines: their text, joined once
        return line.text
    return " ".join(w.text for i, w in enumerate(line.words) if i not in line.marks)


def _starts_block(prev: TextLine, prev_frame: PageFrame, line: TextLine, frame: PageFrame) -> bool:
    if abs(line.size - prev.size) > 0.5:
        return True
    text, before = _plain(line), _plain(prev)
    punctuated = bool(_CLAUSE_END.search(before))
    short = prev.x1 < prev_frame.right - SHORT_BY * prev.size
    ended = punctuated or short
    if line.page != prev.page or line.top < prev.top:  # a new page or column
        at_margin = abs(line.x0 - frame.left) < INDENT * line.size
        # An indented list runs on at its own indent (mirrored margins: relative to each page).
        # A page holding nothing but the list has its frame at the list's indent: compare x too.
        same_level = not punctuated and (
            abs((line.x0 - frame.left) - (prev.x0 - prev_frame.left)) < 2 or abs(line.x0 - prev.x0) < 2)
        # After a clause's end, a section's label alone opens a block even under a full line
        # ("… 30 April 2024;" 20 pt short of the margin, then "XVIII" atop the next page).
        last_line = bool(_SENTENCE_END.search(before)) and not text[:1].islower() \
            and (short or bool(_SECTION_LABEL.fullmatch(text)))
        return not (at_margin or same_level) or (bool(_MARKER.match(text)) and ended) or last_line
    if line.top - prev.bottom > PARAGRAPH_GAP * line.size:
        return True
    if _MARKER.match(text) and ended:
        return True
    # "78/1.  Title …" or "12.  Text …" wrapped under its second word: a hanging indent, not a first
    # line's; only after a line opening with a number or marker (a first-line indent that happens
    # to line up with a word of the line above starts a paragraph).
    hanging = len(prev.words) > 1 and abs(line.x0 - prev.words[1].x0) < 2 and (
        prev.words[0].text[:1].isdigit() or bool(ITEM_MARK.fullmatch(prev.words[0].text)))
    if not hanging and line.x0 > prev.x0 + INDENT * line.size and punctuated:
        return True
    # No indent, no gap: a line ending a sentence well short of the margin ends its paragraph,
    # and so does a line a quarter short before a capital (a title line above a date line).
    quarter = prev.x1 < prev_frame.right - (prev_frame.right - prev_frame.left) / 4
    return short and line.x0 <= prev.x0 + 1 and (
        bool(_SENTENCE_END.search(before)) or quarter and text[:1].isupper()
    )


def _append(block: Block, line: TextLine, vocabulary: set[str]) -> None:
    """Add a line's words to a block, mending a line-end hyphen and lifting out markers."""
    for index, word in enumerate(line.words):
        if index in line.marks and block.text:
            block.marks.append((len(block.text), word.text))
            continue
        if not block.text:
            block.text = word.text
        elif index == 0 and block.text[-1] in _HYPHENS and block.text[-2:-1].isalpha():
            block.text = _mend(block.text, word.text, vocabulary)
        elif index and _spaced_hyphen(block.text, word.text, last=index == len(line.words) - 1):
            block.text += word.text  # "Secretary -General", "non- governmental", "capacity -" ending a line
        elif index and word.text[0] in _CLOSING and word.x0 - line.words[index - 1].x1 < TOUCHING * line.size:
            block.text += word.text  # "Americas¹, …": a comma split off by the marker's change of type
        else:
            block.text += " " + word.text
    block.lines += 1


def _spaced_hyphen(text: str, word: str, *, last: bool) -> bool:
    """Whether a space the PDF leaves inside a compound should go: before a hyphen ("-General"
    after "Secretary", or a hyphen alone ending a line, "capacity -" above "building"), or after
    one ("governmental" after "non-", but not "and" after "low-": a suspended hyphen).

    Some General Assembly PDFs space the hyphen of a compound off one of its words (in the 328
    resolutions of ../shared: 63 such as "case -by" and "Secretary -General", 140 "capacity -
    building" across lines, 10 such as "non- governmental" and "well- being"); pdftotext reads
    them so too. A hyphen alone inside a line may be a dash, and one after a number a range:
    those stay as they are.
    """
    if text[-1:] == "-" and text[-2:-1].isalpha():
        return word[:1].isalpha() and word.split(maxsplit=1)[0].rstrip(",;:").lower() not in _SUSPENDED
    if not text[-1:].isalpha() or word[:1] != "-":
        return False
    return word[1:2].isalpha() if len(word) > 1 else last


def _mend(text: str, word: str, vocabulary: set[str]) -> str:
    """Join a word broken at a line end: without the hyphen only if that makes a word, and with
    a space after it before "and", "or", "to" or "nor" ("low- and middle-income countries")."""
    if text[-1] == "-" and word.split(maxsplit=1)[0].rstrip(",;:").lower() in _SUSPENDED:
        return text + " " + word
    head = re.search(r"[A-Za-z]+.$", text)
    stem = head.group(0)[:-1] if head else ""
    tail = re.match(r"[A-Za-z]+", word)
    rest = tail.group(0) if tail else ""
    joined = (stem + rest).lower()
    hyphenated = f"{stem}-{rest}".lower()
    if rest and rest[0].islower() and hyphenated not in vocabulary and (
        joined in vocabulary or is_english_word(joined)
    ):
        return text[:-1] + word
    return text[:-1] + "-" + word


@lru_cache(maxsize=1)
def _speller() -> object:
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


@lru_cache(maxsize=1)
def _english_words() -> dict[str, int]:
    return _speller().word_frequency.dictionary


def is_english_word(word: str) -> bool:
    """True if ``word`` (lower case) is in pyspellchecker's English word list."""
    return word in _english_words()


def document_vocabulary(lines: list[TextLine]) -> set[str]:
    """Lower-cased words of the document, hyphenated compounds included ("follow-up")."""
    words: set[str] = set()
    for line in lines:
        for word in line.words[1:-1]:  # a line's first and last words may be broken
            words.add(word.text.strip(".,;:()[]“”\"'’").lower())
    return words
