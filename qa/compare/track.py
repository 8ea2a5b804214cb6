"""Through the years: a topic's best paragraph in each declaration, in date order, each
compared word by word with the one before.

Example:
    >>> timeline = lib.track("China", issuer="G7")
    >>> [(e.date, e.silent) for e in timeline.entries]
    >>> entry = timeline.entries[-1]; entry.diff.added     # spans of entry.hits[0].text
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qa.answers.narrowing import SAYING, SPEAKING
from qa.answers.questions import check_k, clean_question
from qa.answers.records import Hit
from qa.compare.selection import select
from qa.compare.wording_diff import WordingDiff, compare
from qa.documents import Declaration
from qa.errors import InvalidOptionError
from qa.search.filters import Filters
from qa.search.lexical import tokenize

#: Paragraphs kept per declaration at most (k_per_doc).
MAX_PER_DOC = 5
#: Silent declarations in a row that the CLI and the web page fold into one line (Track.runs).
SILENT_RUN = 3


@dataclass(frozen=True)
class TrackEntry:
    """One declaration on the timeline.

    Attributes:
        doc_id, title, date, issuer: The declaration.
        silent: True when the declaration does not address the topic: the abstention rule of
            qa.search.abstention refuses its best paragraph and that paragraph does not name
            the topic (:func:`names_topic`); then ``hits`` is empty.
        hits: Its best paragraphs on the topic, best first (``k_per_doc`` at most).
        previous: (doc_id, paragraph) of the quote this one is compared with, or None for the first.
        diff: The best quote against the previous entry's best quote (offsets: ``old`` into the
            previous quote, ``new`` into this one), or None for the first and for silent entries.
    """

    doc_id: str
    title: str
    date: str
    issuer: str
    silent: bool
    hits: tuple[Hit, ...] = ()
    previous: tuple[str, str] | None = None
    diff: WordingDiff | None = None

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


@dataclass(frozen=True)
class Track:
    """A topic through the years: one entry per declaration considered, oldest first.

    Attributes:
        topic: The topic as asked.
        entries: One per declaration followed.
        narrowed: The filters the topic implied by itself ("What did the G7 say about Russia?":
            issuer G7), when no filter was given; None when it implied none.
        narrowed_as: ``narrowed`` in words, declarations named by their titles.
    """

    topic: str
    entries: tuple[TrackEntry, ...]
    narrowed: Filters | None = None
    narrowed_as: str | None = None

    @property
    def addressed(self) -> list[TrackEntry]:
        return [e for e in self.entries if not e.silent]

    def runs(self) -> list[list[TrackEntry]]:
        """The entries in order, each run of silent ones together, each that speaks alone: a view
        folds a run of SILENT_RUN or more into one line (an archive holds hundreds of declarations
        that never name a topic)."""
        runs: list[list[TrackEntry]] = []
        for entry in self.entries:
            if entry.silent and runs and runs[-1][-1].silent:
                runs[-1].append(entry)
            else:
                runs.append([entry])
        return runs


def names_topic(topic: str, text: str, ignore: frozenset[str] = frozenset()) -> bool:
    """True when ``text`` holds every word of the topic (stemmed, stop words aside), but those in
    ``ignore``: the words naming a filter, asking what was said, and naming who said it ("What did
    the G7 leaders say about Russia?" asks for "russia").

    The abstention rule decides first; this second reading exists because its rarity condition
    is tuned for questions over the whole corpus: a topic word common in the library ("China",
    in 40 of the 711 bundled paragraphs) fails it even in a paragraph about China. A topic is
    named on purpose, so a paragraph naming all of it addresses it.
    """
    wanted = set(tokenize(topic)) - ignore
    return bool(wanted) and wanted <= set(tokenize(text))


def _order(decl: Declaration) -> tuple[str, str]:
    return (decl.date or "9999", decl.doc_id)  # undated last, then by id


def track(
    library,
    topic: str,
    *,
    issuer: str | None = None,
    doc_ids: Iterable[str] | str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    k_per_doc: int = 1,
    narrow: bool = True,
) -> Track:
    """The timeline of ``topic`` over the library's declarations that pass the filters; with no
    filter given and ``narrow``, over those the topic names by itself (``Library.implied_filters``).

    Raises:
        InvalidQuestionError: For an empty or over-long topic.
        InvalidOptionError: For k_per_doc outside 1..5, a bad year range, or filters no declaration passes.
        UnknownDocumentError: For a doc_id that names no declaration.
    """
    topic = clean_question(topic)
    k = check_k(k_per_doc, name="k_per_doc")
    if k > MAX_PER_DOC:
        raise InvalidOptionError(f"k_per_doc must be 1..{MAX_PER_DOC}, not {k}.")
    ids = [doc_ids] if isinstance(doc_ids, str) else doc_ids
    if ids is not None:
        ids = [library.declaration(i).doc_id for i in ids]  # unknown ids raise here
    given = issuer is not None or ids is not None or year_from is not None or year_to is not None
    implied = library.implied_filters(topic) if narrow and not given else None
    if implied is not None:
        chosen = implied.select(library.declarations)
    else:
        chosen = select(library.declarations, issuer=issuer, doc_ids=ids, year_from=year_from, year_to=year_to)
    if not chosen:
        raise InvalidOptionError(
            f"No declaration passes the filters (issuer={issuer!r}, years {year_from}..{year_to}); widen them."
        )
    # Each declaration is asked on its own, held to the bar of all those followed (Library.ask_within),
    # with the issuer and years the topic named, whose words stop counting there as in a narrowed
    # answer (qa.answers.narrowing.filter_words).
    among = implied or Filters(doc_ids=tuple(d.doc_id for d in chosen) if len(chosen) < len(library.declarations) else ())
    ignore = SAYING | SPEAKING | (library.words_naming(implied, topic) if implied is not None else frozenset())
    entries, last = [], None
    for decl in sorted(chosen, key=_order):
        answer = library.ask_within(topic, decl.doc_id, among=among, k=k)
        if not (answer.found or names_topic(topic, answer.hits[0].text, ignore)):
            entries.append(TrackEntry(decl.doc_id, decl.title, decl.date, decl.issuer, silent=True))
            continue
        best = answer.hits[0]
        entries.append(TrackEntry(
            decl.doc_id, decl.title, decl.date, decl.issuer, silent=False, hits=tuple(answer.hits),
            previous=None if last is None else (last.doc_id, last.paragraph),
            diff=None if last is None else compare(last.text, best.text),
        ))
        last = best
    said = None if implied is None else library.describe_filters(implied)
    return Track(topic, tuple(entries), implied, said)
