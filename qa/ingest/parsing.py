"""Paragraph parser: a declaration's plain text in, citable paragraphs out. Pure: no file IO.

Numbering scheme (``Paragraph.number``):

* Printed numbers are kept as printed: "1" … "43", whatever the form ("1. We", "10.We",
  "1 WE"); a typo'd "11, We" counts only where it continues the sequence (between 10 and 12),
  else its line stays in the paragraph before. A list restarting at 1 right after a numbered paragraph that ends with ":" is a
  sub-list: NATO ¶15's items become "15.1" … "15.4", and "15" is the lead-in line itself.
* Articles: "Article 9" when the article has no numbered clauses, else one paragraph per
  clause, "Article 7(1)", "Article 7(2)". Lettered items "(a) … (b)" and any other text
  inside an article stay in the text of the clause (or article) they follow.
* Unnumbered paragraphs (prose, each bullet) get ``numbered=False`` and a number that can
  never look printed: "P1", "P2" … before the first printed number; "9-a", "9-b" … after
  printed number "9" (after "Article 46(3)": "Article 46(3)-a"). A declaration that prints
  no numbers at all is numbered "1", "2" … in order (still ``numbered=False``).
* Headings (short lines without sentence-final punctuation, e.g. "HEALTH", or a short lead-in
  such as "WE HEREBY DECLARE:") are not paragraphs; they become ``section``. The lines before
  the first paragraph are the header (title, place, date), read by :mod:`qa.ingest.metadata`; a
  short last header line such as "Preamble" is the first section.
* Footnote definitions ("[1]: See …", or "1 Noting …" after a rule line such as "—–") are not
  paragraphs. A paragraph citing "[1]" (or starting with the marker, "33. 1 We …") gets the
  footnote text in ``footnotes``; markers inside the text stay verbatim.
* Page furniture is dropped: a trailing run of at least three short lines (signature lists,
  sponsor lists) after the last paragraph. If the last paragraph stops without sentence-final
  punctuation in the middle of prose, it is kept with ``truncated=True`` and whatever follows
  it (tags, headings) is dropped.

Example:
    >>> [p.number for p in parse_paragraphs("1. We met.\\n2. We agreed.", doc_id="x")]
    ['1', '2']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from qa.documents import Paragraph
from qa.ingest.layout import (
    SPACE,
    Kind,
    Line,
    Unit,
    ends_sentence,
    item_starts,
    section_question,
    split_lines,
    split_units,
    title_case,
)
from qa.ingest.metadata import labelled

# A heading is a single line of at most this many words (the longest in the corpus has 12).
HEADING_MAX_WORDS = 15
# Lead-ins ending in ":" or "," that are this short ("WE HEREBY DECLARE:") act as headings.
LEAD_IN_MAX_WORDS = 4
# Trailing page furniture: at least this many lines of at most SHORT_WORDS words each.
FURNITURE_MIN_LINES = 3
SHORT_WORDS = 6

_FOOTNOTE_REF = re.compile(r"\[\^?(\w{1,4})\]")
_SYMBOLS = "*†‡"
_SYMBOL_REF = re.compile(r"(?<=[^\s*])([*†‡])(?![*\w])")  # "2024.*": a glued footnote symbol
_LEADING_MARKER = re.compile(rf"(\d{{1,2}}|[*†‡]){SPACE}+(?=\S)")
_SYMBOL = re.compile(r"^[\d/.\s]+")
_ABBREVIATION_END = re.compile(r"\b\w{1,3}\.$")  # "Jr.", "Inc." end a name, not a sentence
_INNER_SENTENCE = re.compile(r"[.!?][\"'”’)]*\s+[A-Z“\"]")


@dataclass(frozen=True)
class ParsedText:
    """What the parser found: paragraphs, the header lines before them, and notes."""

    paragraphs: list[Paragraph]
    header: list[str]
    notes: list[str] = field(default_factory=list)


@dataclass
class _Draft:
    start: int
    end: int
    number: str | None  # None until unnumbered paragraphs are named
    anchor: str | None  # last printed number before an unnumbered paragraph
    section: str | None
    footnotes: list[str] = field(default_factory=list)
    truncated: bool = False


def parse_paragraphs(text: str, *, doc_id: str) -> list[Paragraph]:
    """Split a declaration's text into paragraphs (see the module docstring for the scheme).

    Args:
        text: The decoded text of one declaration.
        doc_id: Identifier stored in each paragraph.

    Returns:
        Paragraphs in document order; each ``text`` equals ``text[start:start + len(text)]``.
    """
    return parse_text(text, doc_id=doc_id).paragraphs


def parse_text(text: str, *, doc_id: str, titled: bool = False) -> ParsedText:
    """Like :func:`parse_paragraphs`, also returning header lines and parser notes (``titled``:
    the title is known apart from the text, :func:`qa.ingest.layout.split_units`)."""
    units = split_units(text, titled=titled)
    notes: list[str] = []
    units = _drop_trailing_furniture(units, text, notes)
    units = _symbol_footnotes(units, text)
    footnotes = {u.marker: text[u.start:u.end] for u in units if u.kind is Kind.FOOTNOTE}
    units = [u for u in units if u.kind not in (Kind.FOOTNOTE, Kind.RULE)]
    header, body, section = _split_header(units, text)
    drafts = _Builder(text, footnotes, section).build(body)
    _mark_truncation(drafts, text, notes)
    paragraphs = _finish(drafts, text, doc_id, footnotes)
    return ParsedText(paragraphs=paragraphs, header=header, notes=notes)


def is_heading(unit: Unit, text: str) -> bool:
    """True if a plain unit reads as a heading rather than a paragraph: one short line, or a
    heading wrapped over two lines with every word capitalised as in a title."""
    if unit.kind is not Kind.PLAIN or len(unit.lines) > 2:
        return False
    line = text[unit.start:unit.end]
    words = len(line.split())
    if len(unit.lines) == 2:
        return words <= HEADING_MAX_WORDS and title_case(line) and not ends_sentence(line) and not line.endswith(",")
    if line.endswith((":", ",")):
        return words <= LEAD_IN_MAX_WORDS
    return words <= HEADING_MAX_WORDS and (not ends_sentence(line) or section_question(line))


def _short_line(line: Line) -> bool:
    words = line.text.lstrip("-•*·▪◦– ").split()
    if not words or len(words) > SHORT_WORDS:
        return False
    return not ends_sentence(line.text) or bool(_ABBREVIATION_END.search(line.text))


def _drop_trailing_furniture(units: list[Unit], text: str, notes: list[str]) -> list[Unit]:
    """Drop the trailing blocks made only of short lines (signatures, sponsor lists)."""
    lines = split_lines(text)
    cut = len(lines)
    while cut > 0:
        block = lines[cut - 1].block
        first = cut
        while first > 0 and lines[first - 1].block == block:
            first -= 1
        if not all(_short_line(line) for line in lines[first:cut]):
            break
        cut = first
    dropped = len(lines) - cut
    if dropped < FURNITURE_MIN_LINES or cut == 0 or lines[cut - 1].text.endswith(":"):
        return units
    limit = lines[cut].start
    notes.append(f"dropped {dropped} trailing short lines (signatures or page furniture)")
    return [u for u in units if u.start < limit and u.first.start < limit]


def _symbol_footnotes(units: list[Unit], text: str) -> list[Unit]:
    """Turn trailing "* note" / "† note" lines into footnotes when the text cites the symbol."""
    units = list(units)
    for index in range(len(units) - 1, -1, -1):
        unit = units[index]
        line = unit.first.text
        symbol = line[0]
        if symbol not in _SYMBOLS or not line[1:2].isspace() or unit.kind not in (Kind.BULLET, Kind.PLAIN):
            break
        cited = {m.group(1) for m in _SYMBOL_REF.finditer(text, 0, unit.first.start)}
        if symbol not in cited:
            break
        start = unit.first.start + 1 + len(line[1:]) - len(line[1:].lstrip())
        units[index] = replace(unit, kind=Kind.FOOTNOTE, start=start, marker=symbol)
    return units


def _title_repeat(line: str, title: str | None) -> bool:
    if not title:
        return False
    core = _SYMBOL.sub("", line).rstrip(".").strip().casefold()
    return core == title.rstrip(".").strip().casefold()


def _split_header(units: list[Unit], text: str) -> tuple[list[str], list[Unit], str | None]:
    """The header lines before the first paragraph, the rest, and the opening section.

    The header runs up to the first marked item or the first line ending like a sentence.
    """
    title = text[units[0].start:units[0].end] if units and is_heading(units[0], text) else None
    header: list[str] = []
    index = 0
    while index < len(units):
        unit = units[index]
        line = text[unit.start:unit.end]
        plain = unit.kind is Kind.PLAIN
        loose = not ends_sentence(line) and not line.endswith(",")
        if not (plain and (is_heading(unit, text) or loose or _title_repeat(line, title))):
            break
        header.append(" ".join(line.split()))
        index += 1
    section = None
    if len(header) >= 2 and len(header[-1].split()) <= 3 and not re.search(r"\d", header[-1]) \
            and not labelled(header[-1]):  # "Issuer: Harbour Group" is metadata, not a section
        section = header.pop().rstrip(":,").strip()
    return header, units[index:], section


def _section_name(heading: str) -> str | None:
    """A heading's words as a section name: one line, without a lead-in's ":" and without the
    emphasis marks a source left around it ("*Addressing Climate Change *"); None if nothing is
    left."""
    name = " ".join(heading.split()).strip("*_ ").rstrip(":,").strip("*_ ")
    return name or None


class _Builder:
    """Walks body units in order, turning them into paragraph drafts."""

    def __init__(self, text: str, footnotes: dict[str, str], section: str | None) -> None:
        self.text = text
        self.footnotes = footnotes
        self.section = section
        self.drafts: list[_Draft] = []
        self.last_printed: str | None = None
        self.top: int | None = None
        self.top_draft: _Draft | None = None
        self.sub: int | None = None
        self.article: str | None = None
        self.article_draft: _Draft | None = None
        self.joinable = False  # may a lettered item extend the last draft?

    def build(self, units: list[Unit]) -> list[_Draft]:
        for unit in units:
            self._take(unit)
        return self.drafts

    def _take(self, unit: Unit) -> None:
        if unit.kind is Kind.ARTICLE:
            self.article, self.article_draft = f"Article {int(unit.marker)}", None
            self.last_printed, self.joinable = self.article, False
        elif unit.kind is Kind.PLAIN and is_heading(unit, self.text):
            self.section = _section_name(self.text[unit.start:unit.end])
            self.article, self.joinable = None, False
        elif self.article is not None:
            self._article_part(unit)
        elif unit.kind is Kind.NUMBERED:
            self._numbered(unit)
        elif unit.kind is Kind.LETTERED and self.joinable and self.drafts:
            self.drafts[-1].end = unit.end
        else:
            self._add(unit.start, unit.end, None)

    def _article_part(self, unit: Unit) -> None:
        if unit.kind is Kind.NUMBERED:
            self.article_draft = self._add(unit.start, unit.end, f"{self.article}({int(unit.marker)})")
        elif self.article_draft is not None:
            self.article_draft.end = unit.end
        else:  # a bullet keeps its marker here, like the bullets that follow it in the text
            start = unit.first.start if unit.kind is Kind.BULLET else unit.start
            self.article_draft = self._add(start, unit.end, self.article)

    def _numbered(self, unit: Unit) -> None:
        n = int(unit.marker)
        top, sub = self.top, self.sub
        previous = self.drafts[-1] if self.drafts else None
        if self.text[unit.first.start + len(unit.marker)] == "," and n != (top or 0) + 1:
            # A "12, The …" that does not continue the sequence is no paragraph number.
            if previous is not None:
                previous.end = unit.end
            else:
                self._add(unit.first.start, unit.end, None)
            return
        if sub is not None and n == sub + 1:
            number = f"{top}.{n}"
            self.sub = n
        elif top is None or n == top + 1 or (n > top and n != 1):
            number, self.top, self.sub = str(n), n, None
        elif n == 1 and previous is self.top_draft and self.text[previous.start:previous.end].endswith(":"):
            number, self.sub = f"{top}.1", 1
        else:  # out of sequence: keep it under the current paragraph so numbers stay unique
            number = f"{top}.{n}"
        draft = self._add(unit.start, unit.end, number)
        if number == str(self.top):
            self.top_draft = draft
        self._leading_footnote(draft)

    def _leading_footnote(self, draft: _Draft) -> None:
        match = _LEADING_MARKER.match(self.text, draft.start, draft.end)
        if match and match.group(1) in self.footnotes:
            draft.start = match.end()
            draft.footnotes.append(self.footnotes[match.group(1)])

    def _add(self, start: int, end: int, number: str | None) -> _Draft:
        if number is not None:
            self.last_printed = number
        draft = _Draft(start, end, number, self.last_printed, self.section)
        self.drafts.append(draft)
        self.joinable = True
        return draft


def _mark_truncation(drafts: list[_Draft], text: str, notes: list[str]) -> None:
    """Flag the last prose paragraph if it stops mid-sentence; drop the fragments after it.

    Walking back from the end over fragments that are not sentences (tags, link lists), the
    first paragraph that holds a sentence decides: if it does not end like one, the source
    was cut off inside it, and what follows is page furniture, not declaration text.
    """
    index = len(drafts) - 1
    while index >= 0:
        body = text[drafts[index].start:drafts[index].end]
        if ends_sentence(body) or _INNER_SENTENCE.search(body):
            break
        index -= 1
    if index < 0 or ends_sentence(body):
        return
    drafts[index].truncated = True
    notes.append(f"the source breaks off inside a paragraph: …{body[-30:]!r}")
    if index + 1 < len(drafts):
        notes.append(f"dropped {len(drafts) - index - 1} fragments after the cut-off paragraph")
        del drafts[index + 1:]


def _finish(drafts: list[_Draft], text: str, doc_id: str, footnotes: dict[str, str]) -> list[Paragraph]:
    """Name unnumbered drafts, attach cited footnotes, and make Paragraph records."""
    any_printed = any(d.number is not None for d in drafts)
    counters: dict[str | None, int] = {}
    used: set[str] = set()
    paragraphs = []
    for draft in drafts:
        numbered = draft.number is not None
        number = draft.number if numbered else _unnumbered(draft.anchor, counters, any_printed)
        while number in used:  # never happens with printed numbers in sequence
            number += "'"
        used.add(number)
        body = text[draft.start:draft.end]
        cited = _FOOTNOTE_REF.findall(body) + _SYMBOL_REF.findall(body)
        for label in cited:
            if label in footnotes and footnotes[label] not in draft.footnotes:
                draft.footnotes.append(footnotes[label])
        paragraphs.append(
            Paragraph(
                doc_id=doc_id, number=number, text=body, numbered=numbered,
                truncated=draft.truncated, section=draft.section, start=draft.start,
                footnotes=tuple(draft.footnotes), item_starts=item_starts(body),
            )
        )
    return paragraphs


def _unnumbered(anchor: str | None, counters: dict[str | None, int], any_printed: bool) -> str:
    count = counters[anchor] = counters.get(anchor, 0) + 1
    if not any_printed:
        return str(count)
    if anchor is None:
        return f"P{count}"
    return f"{anchor}-{letters(count)}"


def letters(count: int) -> str:
    """1 → "a", 26 → "z", 27 → "aa": spreadsheet-style letters (unnumbered paragraphs after a number)."""
    out = ""
    while count:
        count, rest = divmod(count - 1, 26)
        out = chr(ord("a") + rest) + out
    return out
