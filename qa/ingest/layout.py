"""Layout: cut a declaration's plain text into units (numbered items, bullets, prose lines).

A unit is the smallest piece the paragraph parser (:mod:`qa.ingest.parsing`) reasons about: one
numbered item, one bullet, one line of prose, an "Article 7" heading, a footnote definition.
Every unit keeps character offsets into the source, so paragraphs built from units are exact
substrings of the text.

Lines are joined into one unit only when the text is hard-wrapped (most lines no longer than
:data:`WRAP_LIMIT`) and the line does not end short, or when the next line starts in lower case.
Scraped web text keeps one paragraph per line, so it is never joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# Text wrapped by hand or by a tool uses 60-80 columns; web scrapes put whole paragraphs on
# one line. If nine lines in ten are at most this long, the text is treated as hard-wrapped.
WRAP_LIMIT = 100
# In wrapped text a line shorter than this share of the usual width ends its paragraph.
SHORT_LINE_RATIO = 0.6
# A line too full for the next word was broken by the wrap, not by its author, only in a text
# that fills its width line after line: half its lines at least this share of the width. Wrapped
# prose (72 columns) is at 0.88-0.94; one short paragraph per line, at 0.64-0.72.
FILLED_SHARE = 0.8

# What ends a line: the breaks str.splitlines() knows (CR LF, CR, LF, VT, FF, FS/GS/RS, NEL,
# U+2028, U+2029). A text saved with old Mac line ends or pasted from Word uses the rarer ones;
# one of them between two words is a line break like any other, never nothing.
LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# A space within a line: any Unicode white space but a line break (a tab, U+00A0 no-break,
# U+202F narrow no-break, U+2009 thin, U+3000 ideographic ...). The Quad's 2021 statement puts
# U+202F after "1." and "5.", which a pattern for " " and tab alone read as no number.
SPACE = r"[^\S\n\r\v\f\x1c-\x1e\x85\u2028\u2029]"

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
# "1. We", "10.We" (glued), "1.\u00a0We" or "1.\u202fWe" (any SPACE), "1) We", and "1 WE" (number,
# space, capitalised word), but not "3.4 million", "10 OCTOBER 2024" or a four-digit year.
_NUMBERED = re.compile(
    rf"(\d{{1,3}})(?:[.)](?!\d){SPACE}*|{SPACE}+(?=[A-Z]{{2,}}\b)(?!(?i:{_MONTHS})\b))(?=\S)"
)
# "11, We are determined …": a number typed with a comma; the parser takes it as a paragraph
# number only where it continues the sequence.
_COMMA_NUMBERED = re.compile(rf"(\d{{1,3}}),{SPACE}+(?=[A-Z])")
# A bullet, then any SPACE; but a dash then one space alone that is not " " or a tab is prose's dash
# kept to its word by a no-break space: "–\u00a0bilaterally and with other allies … –" opens a
# line of the 2021 U.S.-France statement mid-sentence ("-\u00a0   Improve", with more, is a bullet).
_BULLET = re.compile(rf"(?:[•*·▪◦]{SPACE}+|[-–](?:[ \t]|{SPACE}{{2}}){SPACE}*)(?=\S)")
_ARTICLE = re.compile(rf"(?i:article){SPACE}+(\d{{1,3}}){SPACE}*[.:]?$")
_LETTERED = re.compile(rf"\(([a-z]{{1,2}}|[ivxl]{{1,6}})\){SPACE}")
_FOOTNOTE_DEF = re.compile(rf"\[\^?(\w{{1,4}})\]:?{SPACE}+(?=\S)")
_FOOTNOTE_AFTER_RULE = re.compile(rf"(\d{{1,2}}|[*†‡]){SPACE}+(?=\S)")  # "1 Noting …"; "1." stays a number
_RULE = re.compile(rf"(?:[-—–_=*·]{SPACE}*){{2,}}")
_NOTES_HEADING = re.compile(rf"(?i:foot ?notes|end ?notes|notes){SPACE}*:?")
# Words left in lower case in a title; a line whose other words are mostly capitalised
# (at least this share) is a title or heading.
_SMALL_WORDS = frozenset("a an and as at by for from in of on or the to with".split())
TITLE_CASE_SHARE = 0.8
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
# A section's label: a Roman numeral or a capital letter, then "." or ")" ("II. ", "B) ").
_SECTION_LABEL = re.compile(r"(?:[IVXL]{1,6}|[A-Z])[.)]\s+\S")


class Kind(Enum):
    """What a unit is."""

    NUMBERED = "numbered"
    BULLET = "bullet"
    ARTICLE = "article"
    LETTERED = "lettered"
    FOOTNOTE = "footnote"
    RULE = "rule"
    PLAIN = "plain"


@dataclass(frozen=True)
class Line:
    """One non-blank line: offsets of its first and past its last visible character."""

    start: int
    end: int
    indent: int
    text: str
    block: int  # index of the blank-line separated block the line is in


@dataclass(frozen=True)
class Unit:
    """A run of lines that forms one item; ``start``/``end`` bound its quotable text.

    For numbered items, bullets and footnotes the marker is left out of ``start:end`` and
    kept in ``marker`` ("10", "-", "1"); an article heading keeps its number in ``marker``.
    """

    kind: Kind
    start: int
    end: int
    marker: str
    lines: tuple[Line, ...]

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def block(self) -> int:
        return self.lines[0].block


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text`` with their offsets and block numbers (any LINE_BREAK ends a line)."""
    lines: list[Line] = []
    block, blank_before, offset = 0, False, 0
    ends = [(m.start(), m.end()) for m in LINE_BREAK.finditer(text)] + [(len(text), len(text))]
    for end, next_offset in ends:
        raw = text[offset:end]
        stripped = raw.strip()
        if stripped:
            if blank_before and lines:
                block += 1
            lead = len(raw) - len(raw.lstrip())
            start = offset + lead
            lines.append(Line(start, start + len(stripped), lead, stripped, block))
            blank_before = False
        else:
            blank_before = True
        offset = next_offset
    return lines


def wrap_width(lines: list[Line]) -> int | None:
    """The usual line width if the text is hard-wrapped, else None."""
    if len(lines) < 3:
        return None
    widths = sorted(line.indent + len(line.text) for line in lines)
    p90 = widths[(len(widths) * 9) // 10 - 1] if len(widths) >= 10 else widths[-1]
    return p90 if p90 <= WRAP_LIMIT else None


def filled_width(lines: list[Line], width: int | None) -> int | None:
    """``width`` if at least half the lines fill FILLED_SHARE of it, else None."""
    if width is None:
        return None
    filled = sum(line.indent + len(line.text) >= FILLED_SHARE * width for line in lines)
    return width if 2 * filled >= len(lines) else None


def ends_sentence(text: str) -> bool:
    """True if ``text`` ends with sentence-final punctuation (closing quotes allowed)."""
    return bool(_SENTENCE_END.search(text))


def section_question(text: str) -> bool:
    """True if ``text`` is a section's label and a question: a heading, though it ends a sentence.

    "II. What do small island developing States want?" heads part II of A/RES/78/317, the
    Antigua and Barbuda Agenda; unlabelled, a question may be a paragraph of its own.
    """
    return bool(_SECTION_LABEL.match(text)) and text.rstrip().endswith("?")


def _starts_item(line: Line, in_notes: bool) -> tuple[Kind, str, int] | None:
    """Kind, marker and text offset if ``line`` opens a new unit by its marker."""
    text = line.text
    if _RULE.fullmatch(text):
        return Kind.RULE, "", line.end
    if match := _FOOTNOTE_DEF.match(text):
        return Kind.FOOTNOTE, match.group(1), line.start + match.end()
    if in_notes and (match := _FOOTNOTE_AFTER_RULE.match(text)):
        return Kind.FOOTNOTE, match.group(1), line.start + match.end()
    if match := _ARTICLE.match(text):
        return Kind.ARTICLE, match.group(1), line.end
    if (match := _NUMBERED.match(text)) or (match := _COMMA_NUMBERED.match(text)):
        return Kind.NUMBERED, match.group(1), line.start + match.end()
    if match := _LETTERED.match(text):
        return Kind.LETTERED, match.group(1), line.start
    if match := _BULLET.match(text):
        return Kind.BULLET, text[0], line.start + match.end()
    return None


def title_case(text: str) -> bool:
    """True if the words of ``text`` are capitalised like a title ("Water Security")."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text) if w.lower() not in _SMALL_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)


def _mid_phrase(text: str) -> bool:
    """True if ``text`` stops in the middle of a phrase, as no title does: after a comma or a
    small word ("We, therefore, the Representatives of the United States of America, in")."""
    words = text.split()
    return text.endswith(",") or bool(words) and words[-1] in _SMALL_WORDS


def _full(prev: Line, line: Line, width: int | None) -> bool:
    """True if ``prev`` had no room for the first word of ``line``: the wrap broke it there.
    "At the invitation of the Custodian of the Two Holy Mosques, King Salman" above "Bin
    Abdulaziz Al-Saud, …" is such a line, though its words are capitalised like a title's.
    ``width`` is the wrap width of a text that fills it (:func:`filled_width`), else None."""
    return width is not None and prev.indent + len(prev.text) + 1 + len(line.text.split(maxsplit=1)[0]) > width


def _continues(prev: Line, line: Line, width: int | None, opens_block: bool, *, plain: bool = True,
               measured: int | None = None) -> bool:
    """True if ``line`` carries on the paragraph that ``prev`` belongs to.

    ``plain``: no item marker opens that paragraph ("1 WE, the Member States of the Association
    of Southeast Asian" opens item 1, not a title). ``measured``: the wrap width of a text that
    fills it (:func:`filled_width`), for :func:`_full`."""
    if prev.block != line.block:
        return False
    if line.text[0].islower():
        return True
    if width is None:
        return False
    if (opens_block and plain and title_case(prev.text) and not ends_sentence(prev.text)
            and not _mid_phrase(prev.text) and not _full(prev, line, measured)):
        return False  # a title or heading directly above the text
    if prev.indent + len(prev.text) < SHORT_LINE_RATIO * width:
        # No paragraph ends on "on" or "the": a short line there was broken by hand ("Assembly
        # resolution on" above "2 March 2022, we will …").
        return prev.text.split()[-1] in _SMALL_WORDS
    # An indented run without markers is a hanging list: an item ends with its punctuation.
    return not (prev.indent >= 2 and ends_sentence(prev.text))


def split_units(text: str, *, titled: bool = False) -> list[Unit]:
    """Cut ``text`` into units in document order.

    ``titled``: the text's title is known apart from it (Markdown front matter), so its first line
    is no title. Otherwise a first line capitalised like a title stands apart even when it fills
    the width ("Strengthening Our Partnership for Global Infrastructure and Investment" above the
    text): :func:`_full` is not asked about it.
    """
    lines = split_lines(text)
    width = wrap_width(lines)
    measured = filled_width(lines, width)
    units: list[Unit] = []
    current: list[Line] = []
    head: tuple[Kind, str, int] = (Kind.PLAIN, "", 0)
    in_notes = False

    def flush() -> None:
        if current:
            kind, marker, start = head
            units.append(Unit(kind, start, current[-1].end, marker, tuple(current)))

    for line in lines:
        opened = _starts_item(line, in_notes)
        if opened is None and current and head[0] not in (Kind.ARTICLE, Kind.RULE):
            first = current[-1] is lines[0] and not titled
            if _continues(current[-1], line, width, len(current) == 1, plain=head[0] is Kind.PLAIN,
                          measured=None if first else measured):
                current.append(line)
                continue
        flush()
        kind = opened[0] if opened else Kind.PLAIN
        if kind is Kind.RULE or (kind is Kind.PLAIN and _NOTES_HEADING.fullmatch(line.text)):
            in_notes = True
        elif kind is not Kind.FOOTNOTE:
            in_notes = False
        head = opened or (Kind.PLAIN, "", line.start)
        current = [line]
    flush()
    return units


def item_starts(text: str) -> tuple[int, ...]:
    """Offsets in ``text`` of the lines that open a list item ("(a)", "- ", "2."), the first line aside.

    Decided here, at ingest, so a view can keep those line breaks (and show every other
    single line break as the space it stands for) without parsing the text again.
    """
    starts = []
    for brk in LINE_BREAK.finditer(text):
        line = LINE_BREAK.split(text[brk.end():], 1)[0]
        units = split_units(line)
        if units and units[0].kind is not Kind.PLAIN:
            starts.append(brk.end() + len(line) - len(line.lstrip()))
    return tuple(starts)
