"""Hit and Answer records: verbatim quotes with highlight offsets and citations.

Example:
    >>> answer = qa.ask("When will the ISAF mission end?")
    >>> hit = answer.hits[0]
    >>> hit.text[slice(*hit.highlight)]      # the answering sentence, verbatim
    >>> hit.citation                          # 'NATO, Chicago Summit Declaration, Chicago, 20 May 2012, ¶5'
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date as _date

from qa.answers.render import render_markdown
from qa.documents import Declaration, Paragraph
from qa.search.filters import Filters


@dataclass(frozen=True)
class Hit:
    """One paragraph returned for a question.

    Attributes:
        doc_id: Declaration id.
        title: Declaration title.
        date: ISO date of the declaration.
        place: Where it was issued.
        paragraph: The paragraph number as printed ("5", "15.2", "Article 3"), or its
            sequential number when the declaration prints none (see ``numbered``).
        text: The paragraph, verbatim.
        highlight: (start, end) offsets in ``text`` of the sentence that best answers.
        score: Ranking score, higher is better; comparable within one query only.
        citation: "NATO, Chicago Summit Declaration, Chicago, 20 May 2012, ¶5".
        issuer: Who issued the declaration.
        section: The heading the paragraph stands under, if any.
        numbered: False when ``paragraph`` is a sequential number, not a printed one.
        truncated: True when the source breaks off inside this paragraph.
        item_starts: Offsets in ``text`` of lines that open a list item (see Paragraph);
            None for a hit made by hand, whose views then find them.
        also: Citations of the same words elsewhere: the same declaration from another source,
            or a paragraph repeated word for word (qa.answers.duplicates).
        footnotes: The paragraph's footnotes ("1 Resolution 70/1."), kept apart from ``text``.
        warnings: The declaration's reading warnings (a text layer of mostly non-words).
        symbol: The declaration's document symbol ("A/RES/78/1"), or "".
    """

    doc_id: str
    title: str
    date: str
    place: str
    paragraph: str
    text: str
    highlight: tuple[int, int]
    score: float
    citation: str
    issuer: str = ""
    section: str | None = None
    numbered: bool = True
    truncated: bool = False
    item_starts: tuple[int, ...] | None = None
    also: tuple[str, ...] = ()
    footnotes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    symbol: str = ""

    @property
    def sentence(self) -> str:
        """The highlighted sentence."""
        return self.text[self.highlight[0] : self.highlight[1]]

    def to_dict(self) -> dict[str, object]:
        """The hit as JSON-ready data (the fields of the CLI's --json and the web /ask), ``sentence`` included."""
        data = asdict(self)
        data["highlight"] = list(self.highlight)
        data["also"] = list(self.also)
        data["score"] = round(float(self.score), 6)
        data["sentence"] = self.sentence
        return data


@dataclass(frozen=True)
class Answer:
    """The reply to a question: the best paragraphs, and whether they answer it.

    Attributes:
        question: The question as asked (after cleaning).
        found: False when the declarations do not seem to cover the question; ``hits``
            then holds the nearest passages anyway.
        hits: Best first.
        read_as: The text actually searched, when it differs from ``question``
            (a follow-up combined with the previous turn).
        narrowed: The filters the question itself implied ("What did the G7 say in 2024?"
            searches issuer G7, year 2024), when it narrowed the search (qa.answers.narrowing).
        missing: The text the question asks of that the library does not hold ("no NATO text
            of 2023" for "What did the 2023 NATO summit say …?"); ``found`` is then False.
    """

    question: str
    found: bool
    hits: list[Hit] = field(default_factory=list)
    read_as: str | None = None
    narrowed: Filters | None = None
    #: ``narrowed`` in words, the declarations it keeps named by their titles (Library.ask).
    narrowed_as: str | None = None
    missing: str | None = None

    @property
    def narrowed_text(self) -> str:
        """How the question narrowed the search, in words ("" when it did not)."""
        if self.narrowed is None:
            return ""
        return self.narrowed_as or self.narrowed.describe()

    @property
    def markdown(self) -> str:
        """The reply as Markdown (for notebooks and callers; the chat renders HTML from the same parts)."""
        return render_markdown(self)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data: question, found, read_as, narrowed, missing, hits."""
        return {
            "question": self.question,
            "found": self.found,
            "read_as": self.read_as,
            "narrowed": None if self.narrowed is None else {**asdict(self.narrowed), "as": self.narrowed_text},
            "missing": self.missing,
            "hits": [hit.to_dict() for hit in self.hits],
        }


def human_date(iso: str) -> str:
    """'2012-05-20' -> '20 May 2012'; anything unparsable is returned as it is."""
    try:
        day = _date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%B')} {day.year}"


#: A word of a title or an issuer's name, punctuation and spacing aside ("U.S.- Japan": u, s, japan).
_WORD = re.compile(r"[^\W_]+")


def names_issuer(title: str, issuer: str) -> bool:
    """Whether ``title`` names ``issuer`` word for word, whatever the spacing and punctuation
    between the words: "U.S.- Japan Joint Leaders' Statement" names "U.S.-Japan", but
    "Universal Declaration …" does not name "UN" (a word, not the start of one)."""
    want, words = _WORD.findall(issuer.casefold()), _WORD.findall(title.casefold())
    return bool(want) and any(words[i : i + len(want)] == want for i in range(len(words) - len(want) + 1))


def citation(declaration: Declaration, paragraph: Paragraph) -> str:
    """Issuer, symbol, title, place, date, paragraph: the parts known, comma-separated.

    "United Nations General Assembly, A/RES/78/1, Political declaration of …, New York,
    29 September 2023, annex ¶12".
    """
    issuer = declaration.issuer
    if issuer and names_issuer(declaration.title, issuer):
        issuer = ""  # "G20, G20 Bali Leaders' Declaration" says G20 twice
    parts = [issuer, declaration.symbol, declaration.title, declaration.place, human_date(declaration.date),
             paragraph.label]
    return ", ".join(part for part in parts if part)


def make_hit(
    declaration: Declaration, paragraph: Paragraph, *, highlight: tuple[int, int], score: float
) -> Hit:
    """Build a Hit for one paragraph of a declaration."""
    return Hit(
        doc_id=declaration.doc_id,
        title=declaration.title,
        date=declaration.date,
        place=declaration.place,
        paragraph=paragraph.number,
        text=paragraph.text,
        highlight=highlight,
        score=score,
        citation=citation(declaration, paragraph),
        issuer=declaration.issuer,
        section=paragraph.section,
        numbered=paragraph.numbered,
        truncated=paragraph.truncated,
        item_starts=paragraph.item_starts,
        footnotes=paragraph.footnotes,
        warnings=tuple(note for note in declaration.notes if note.startswith("warning:")),
        symbol=declaration.symbol,
    )
