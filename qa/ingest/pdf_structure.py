"""PDF structure: blocks of running text become paragraphs numbered the way readers cite them.

* A block opening with a number that continues the sequence ("12. We …") is operative
  paragraph 12 (the first number of a part opens the sequence); the separator may be a typo ("11, We
  …" between 10 and 12). A number that
  breaks the sequence is not a paragraph number: the block stays text, unnumbered.
* Blocks before the first number (preambular paragraphs, "Recalling …") are unnumbered:
  "P1", "P2" …; unnumbered blocks after number 9 are "9-a", "9-b" …
* An "Annex" heading opens a part that numbers from 1 again: its paragraphs are "annex 12"
  (cited "annex ¶12"); a second annex is "annex II 3". No primes, no collisions.
* Sub-items "(a)", "(b)" are paragraphs of their own, "5 (a)"; "(i)" under "(a)" is "5 (a) (i)".
* Headings (larger type, or one short line without closing punctuation) become ``section``;
  lead-ins ("The General Assembly,"), right-aligned date or meeting lines and the record of a
  vote ("[Adopted without a vote.]") are dropped.
* "Annex", "Annex II", or "Annex: Its title" / "Annex 1 – Its title" (the title becomes the
  section) opens an annex.
* A resolution in sections that each number from 1 again (A/RES/78/253: "I", its title, its
  preamble, "1. Takes note …"; then "II", …) has parts by section: "section II 1", cited
  "section II, ¶1" as the UN cites them ("section II, paragraph 3, of resolution 78/253");
  "section II P1" for its preamble, "section II 6 (a)" for an item, "annex section B 2" for a
  section of an annex. A section's label is a heading alone ("II", "B.") or before its title
  ("II. Title"); a block right after a label alone is the section's title (up to four lines).
  Sections are parts only where at least two of one part open at 1 again: sections whose
  numbers run on (A/RES/78/317's I, II, … over 1 … 180) keep them unprefixed, and so do the
  sections of rules of procedure, whose "Rule 7" numbers its own "1.", "2.".
* Footnote markers lifted out of a block are kept as offsets (``Paragraph.footnote_marks``),
  and the footnotes they point to in ``Paragraph.footnotes`` ("1 High-level political …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.documents import Paragraph
from qa.ingest.layout import section_question
from qa.ingest.parsing import letters
from qa.ingest.pdf_blocks import Block
from qa.ingest.pdf_furniture import Footnote

# A one-line block of at most this many words that does not end a clause is a heading.
HEADING_MAX_WORDS = 14
# A lead-in ("The General Assembly,", "We declare:") is one line of at most this many words.
LEAD_IN_MAX_WORDS = 6

_NUMBER = re.compile(r"(\d{1,3})([.,)])\s+(?=\S)")
_ITEM = re.compile(r"\(([a-z]{1,3}|[ivxl]{1,6}|\d{1,2})\)\s+(?=\S)")
_ANNEX = re.compile(r"(?i)(annex|appendix)(?:\s+([IVX]{1,5}|\d{1,2}|[A-Z]))?\.?")
# "Annex: 2023 APEC …", "Annex 1 – Terms of reference": the part's name, then its title.
_ANNEX_TITLED = re.compile(r"(?i)(annex|appendix)(?:\s+([IVX]{1,5}|\d{1,2}|[A-Z]))?\s*[:.\-–—]\s+(?P<title>\S.*)")
# The record of a vote under a resolution: "[Adopted without a vote.]", "[Adopted by a recorded vote of 28 to 13 …]".
_ADOPTION_RECORD = re.compile(r"\[(?:Adopted|Adoption)\b[^\[\]]*\]\.?")
_CLAUSE_END = re.compile(r"[.;:,!?][\"'”’)\]]*$")
_ROMAN = re.compile(r"[ivxl]{1,6}")
# A section's label heading: "II", "B." alone, or "II. Its title" (A/RES/78/253's sections I-XXV).
_LABEL = re.compile(r"(?P<label>[IVXL]{1,6}|[A-Z])[.)]?")
_LABEL_TITLED = re.compile(r"(?P<label>[IVXL]{1,6}|[A-Z])[.)]\s+(?P<title>\S.*)")
# Rules of procedure (A/RES/78/327, annex III): "Rule 7", its title, "1. The Presidents …": a
# section's rules number their own paragraphs, which are no section's restarting at 1.
_RULE_OR_ARTICLE = re.compile(r"(?i)(?:rule|article)\s+\d{1,3}")
# The title under a label alone is at most this many lines (A/RES/78/253, section XII: four).
TITLE_MAX_LINES = 4


@dataclass
class _State:
    part: str = ""          # "" in the main text, "annex" or "annex II" in an annex, "section II" in a section
    annex: str = ""         # the annex the text is in ("" in the main text), for a section's part
    last: int | None = None  # the last paragraph number in this part
    item: str | None = None  # the last letter of a sub-item under ``last``
    section: str | None = None
    counters: dict[str, int] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)


def build_paragraphs(blocks: list[Block], footnotes: list[Footnote], *, body_size: float) -> list[Paragraph]:
    """Paragraphs (with ``doc_id`` empty) from the blocks after the title."""
    state = _State()
    paragraphs: list[Paragraph] = []
    parts = _section_parts(blocks, body_size)
    labelled = False  # was the block before a section's label alone?
    for index, block in enumerate(blocks):
        if block.right_aligned or _ADOPTION_RECORD.fullmatch(block.text.strip()):
            continue
        if is_heading(block, body_size) or labelled and _section_title(block):
            labelled = _heading(block, state, opens_part=index in parts)
            continue
        labelled = False
        if _is_lead_in(block):
            continue
        number, numbered, skip = _number(block.text, state)
        text = block.text[skip:]
        marks = tuple((offset - skip, label) for offset, label in block.marks if offset >= skip)
        notes = _notes(marks, footnotes, block.page)
        paragraphs.append(Paragraph(
            doc_id="", number=number, text=text, numbered=numbered, section=state.section,
            footnotes=notes, footnote_marks=marks,
        ))
    return paragraphs


def is_heading(block: Block, body_size: float) -> bool:
    """A heading: larger type (up to four lines), or one short line that ends no clause or is a
    section's label put as a question ("II. What do small island developing States want?")."""
    if block.size > body_size + 0.5 and block.lines <= 4:
        return True
    words = block.text.split()
    return block.lines == 1 and len(words) <= HEADING_MAX_WORDS \
        and (not _CLAUSE_END.search(block.text) or section_question(block.text)) \
        and not _NUMBER.match(block.text) and not _ITEM.match(block.text)


def _is_lead_in(block: Block) -> bool:
    if _NUMBER.match(block.text) or _ITEM.match(block.text):
        return False
    return block.lines == 1 and len(block.text.split()) <= LEAD_IN_MAX_WORDS and block.text.endswith((",", ":"))


def _section_title(block: Block) -> bool:
    """The block under a section's label alone is its title: a few lines that end no clause and
    open with no number ("Request for a subvention to the Extraordinary Chambers in the Courts
    of Cambodia", two lines, under "IV")."""
    return block.lines <= TITLE_MAX_LINES and not _CLAUSE_END.search(block.text) \
        and not _NUMBER.match(block.text) and not _ITEM.match(block.text)


def _label(text: str) -> re.Match[str] | None:
    return _LABEL.fullmatch(text) or _LABEL_TITLED.fullmatch(text)


def _section_parts(blocks: list[Block], body_size: float) -> set[int]:
    """Indexes of the section labels that open a part: those whose first number is 1, where at
    least two labels of the same part (the main text, an annex) are so."""
    groups: list[list[tuple[int, int | None]]] = [[]]  # per part: (label's index, its first number)
    for index, block in enumerate(blocks):
        text = block.text.strip()
        if is_heading(block, body_size):
            if _ANNEX.fullmatch(text) or _ANNEX_TITLED.fullmatch(text):
                groups.append([])
            elif _label(text):
                groups[-1].append((index, None))
            elif _RULE_OR_ARTICLE.fullmatch(text) and groups[-1] and groups[-1][-1][1] is None:
                groups[-1][-1] = (groups[-1][-1][0], 0)  # its numbers are the rule's, not the section's
        elif (match := _NUMBER.match(block.text)) and groups[-1] and groups[-1][-1][1] is None:
            groups[-1][-1] = (groups[-1][-1][0], int(match.group(1)))
    parts: set[int] = set()
    for group in groups:
        restarting = [index for index, first in group if first == 1]
        if len(restarting) < 2:
            continue
        # A section of the same kind of label without numbers ("XX", "International Trade
        # Centre", one unnumbered paragraph) is a part too; "A.", "B." inside "VII" are not.
        roman = all(_ROMAN.fullmatch(_label(blocks[i].text.strip())["label"].lower()) for i in restarting)
        parts.update(index for index, first in group if first == 1 or first is None
                     and bool(_ROMAN.fullmatch(_label(blocks[index].text.strip())["label"].lower())) == roman)
    return parts


def _heading(block: Block, state: _State, *, opens_part: bool) -> bool:
    """Take a heading; True if it is a section's label alone, so a title may follow."""
    text = block.text.strip()
    if match := _ANNEX.fullmatch(text) or _ANNEX_TITLED.fullmatch(text):
        state.part = state.annex = "annex" + (f" {match.group(2)}" if match.group(2) else "")
        state.last, state.item = None, None
        state.section = match.groupdict().get("title")
        return False
    label = _label(text)
    if opens_part and label:
        state.part = f"{state.annex} section {label['label']}".lstrip()
        state.last, state.item = None, None
        state.section = label.groupdict().get("title")
        return label.re is _LABEL
    state.section = " ".join(text.rstrip(":,").split())
    return bool(label) and label.re is _LABEL


def _number(text: str, state: _State) -> tuple[str, bool, int]:
    """The paragraph's number, whether printed, and how many characters of marker to skip."""
    if match := _NUMBER.match(text):
        n, separator = int(match.group(1)), match.group(2)
        # The first number of a part opens its sequence (an extract may start at 10).
        first = state.last is None and separator != ","
        if first or n == (state.last or 0) + 1 and state.last is not None:
            state.last, state.item = n, None
            return _unique(_prefixed(str(n), state), state), True, match.end()
    if (match := _ITEM.match(text)) and state.last is not None:
        return _sub_item(match, state), True, match.end()
    return _unnumbered(state), False, 0


def _sub_item(match: re.Match[str], state: _State) -> str:
    label = match.group(1)
    parent = str(state.last)
    if _ROMAN.fullmatch(label) and state.item is not None and not _next_letter(state.item, label):
        return _unique(_prefixed(f"{parent} ({state.item}) ({label})", state), state)
    state.item = label
    return _unique(_prefixed(f"{parent} ({label})", state), state)


def _next_letter(previous: str, label: str) -> bool:
    return len(previous) == 1 and len(label) == 1 and ord(label) == ord(previous) + 1


def _prefixed(number: str, state: _State) -> str:
    return f"{state.part} {number}" if state.part else number


def _unnumbered(state: _State) -> str:
    anchor = _prefixed(str(state.last), state) if state.last is not None else _prefixed("P", state)
    count = state.counters[anchor] = state.counters.get(anchor, 0) + 1
    if state.last is None:
        return _unique(f"{anchor}{count}", state)
    return _unique(f"{anchor}-{letters(count)}", state)


def _unique(number: str, state: _State) -> str:
    """Numbers are unique by construction; a repeat (a duplicated sub-item) gets a letter."""
    candidate, extra = number, 0
    while candidate in state.used:
        extra += 1
        candidate = f"{number}-{letters(extra)}"
    state.used.add(candidate)
    return candidate



def _notes(marks: tuple[tuple[int, str], ...], footnotes: list[Footnote], page: int) -> tuple[str, ...]:
    """The footnotes the marks point to: of equal labels, the first on or after the page."""
    out: list[str] = []
    for _, label in marks:
        found = [f for f in footnotes if f.label == label]
        if not found:
            continue
        note = next((f for f in found if f.page >= page), found[-1])
        entry = f"{note.label} {note.text}"
        if entry not in out:
            out.append(entry)
    return tuple(out)
