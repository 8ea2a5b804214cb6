"""Declaration and Paragraph records: what a parsed declaration is, independent of any index."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# "annex 12", "annex II 3 (a)": a paragraph of an annex that numbers from 1 again.
_IN_PART = re.compile(r"((?:annex|appendix)(?: [IVX]{1,5}| \d{1,2}| [A-Z])?) (\d.*)")
# "section II 1", "annex section B 2 (a)": a paragraph of a section that numbers from 1 again.
_IN_SECTION = re.compile(r"(?:(?P<part>\S.*?) )?section (?P<section>[IVXL]{1,6}|[A-Z]) (?P<rest>\d.*)")


@dataclass(frozen=True)
class Paragraph:
    """One citable paragraph of a declaration, quoted verbatim.

    Attributes:
        doc_id: The declaration this paragraph belongs to.
        number: The number as printed ("5", "15.2", "Article 3"), or a sequential
            number when the declaration prints none (then ``numbered`` is False).
        text: The paragraph text exactly as it stands in the source.
        numbered: True when ``number`` was printed in the source.
        truncated: True when the source ends in the middle of this paragraph.
        section: The thematic heading the paragraph stands under, if any.
        start: Character offset of ``text`` in the source text (after decoding).
        footnotes: Footnote texts referenced from this paragraph, kept apart from ``text``.
        item_starts: Offsets in ``text`` of lines that open a list item ("(a)", "- "): the
            line breaks a view keeps when it shows every other single break as a space.
        footnote_marks: (offset in ``text``, label) of each footnote marker that was printed
            there (as a superscript) and taken out of ``text``, so a view can show it again.
    """

    doc_id: str
    number: str
    text: str
    numbered: bool = True
    truncated: bool = False
    section: str | None = None
    start: int = 0
    footnotes: tuple[str, ...] = ()
    item_starts: tuple[int, ...] = ()
    footnote_marks: tuple[tuple[int, str], ...] = ()

    @property
    def preambular(self) -> bool:
        """A clause of a preamble: unnumbered before the first printed number ("P3", "annex P2"),
        and running on into what follows, as a preamble's clauses do ("Recalling its resolution
        77/1," and "RECOGNISING the role of ...;"): ending in a comma or semicolon.

        A statement's or communiqué's unnumbered opening paragraphs are whole sentences ("We, the
        leaders of the Group of Seven, met in Cornwall ...", "Reinvigorate our economies by ...
        the $12 trillion of support ..."): they say what was agreed, as numbered ones do. Of the
        whole ../shared library's unnumbered opening paragraphs, 5,860 of the 5,894 in General
        Assembly resolutions end in a comma; of the 53 in White House statements, 45 end
        otherwise and 8 are an ASEAN statement's "RECOGNISING ...;" clauses.
        """
        last = self.number.rsplit(" ", 1)[-1]
        return last[:1] == "P" and last[1:].isdigit() and self.text.rstrip()[-1:] in (",", ";")

    @property
    def label(self) -> str:
        """How a citation names this paragraph: "¶5", "annex ¶12", "section II, ¶1", "Article 3", or
        "para. 7 (unnumbered)". A section is named as the UN cites one ("section II, paragraph 3,
        of resolution 78/253"), before the paragraph's number, which restarts in each section."""
        if not self.numbered:
            return f"para. {self.number} (unnumbered)"
        if self.number[:1].isdigit():
            return f"¶{self.number}"
        if match := _IN_SECTION.fullmatch(self.number):
            part = f"{match['part']}, " if match["part"] else ""
            return f"{part}section {match['section']}, ¶{match['rest']}"
        if match := _IN_PART.fullmatch(self.number):
            return f"{match.group(1)} ¶{match.group(2)}"
        return self.number


@dataclass(frozen=True)
class Declaration:
    """A declaration with its metadata and numbered paragraphs.

    Attributes:
        doc_id: Stable identifier, the file stem ("nato-chicago-summit-2012").
        title: Official title.
        date: ISO 8601 date of issue ("2012-05-20"); the year alone ("2024") when only the year
            is known (guessed from the title or the file name); "" if unknown.
        place: Where it was issued ("Chicago").
        issuer: Who issued it ("NATO").
        source: Path of the file it was read from.
        sha256: Hash of the file's bytes.
        paragraphs: The paragraphs in document order.
        metadata_origin: For each metadata field, where it came from:
            "catalog", "header", "guessed" or "missing".
        notes: Things the reader noticed, e.g. undecodable bytes replaced, or a warning that
            the text layer is mostly non-words.
        symbol: The document symbol printed on it ("A/RES/78/1"), or "".
        kind: What the document is: "declaration", "communiqué", "joint statement",
            "resolution" or "statement" (qa.ingest.kinds), or "" when nothing tells.
        url: Where it was published, when the file says so (Markdown front matter), or "".
    """

    doc_id: str
    title: str
    date: str
    place: str
    issuer: str
    source: str
    sha256: str
    paragraphs: tuple[Paragraph, ...]
    metadata_origin: dict[str, str] = field(default_factory=dict, compare=False)
    notes: tuple[str, ...] = ()
    symbol: str = ""
    kind: str = ""
    url: str = ""

    @property
    def year(self) -> int | None:
        """The year of issue, if the date is known."""
        return int(self.date[:4]) if self.date[:4].isdigit() else None

    @property
    def month(self) -> int | None:
        """The month of issue (1-12), if the date gives it."""
        month = self.date[5:7]
        return int(month) if len(self.date) >= 7 and self.date[4] == "-" and month.isdigit() else None
