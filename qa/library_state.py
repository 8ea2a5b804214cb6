"""One version of a library: its declarations, their index and what is derived from both.

``Library.add`` and ``Library.remove`` build a new version and swap it in whole. A search reads
the version once and ranks, filters and cites from it alone, so a search that began before the
swap finishes on the version it began with: its rows, masks and citations all agree. (Reading
them from the library attribute by attribute, a search running across a swap could rank on the
old index and quote the new one's paragraph at that row.)
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from qa.answers.duplicates import fuller_copy, merge_hits
from qa.answers.narrowing import filter_words, implied_filters, issuer_aliases, issuer_called, unsaid_words
from qa.answers.questions import check_doc_ids, check_k
from qa.answers.records import Hit, citation, make_hit
from qa.documents import Declaration, Paragraph
from qa.index.duplicates import Duplicates
from qa.ingest.kinds import TITLED_BY_SUBJECT
from qa.search.abstention import needed_cosine
from qa.search.filter_scans import Narrowed
from qa.search.filters import Filters, issuers, same_issuer
from qa.search.retrieval import HybridIndex, Ranked
from qa.text.language import guess_language, languages

if TYPE_CHECKING:
    from qa.compare.reuse import ReuseIndex

#: Filters whose allowed rows a version keeps (17 KB each over ../shared's 17k paragraphs).
MASKS_KEPT = 32
#: Entity labels of who can speak in a declaration: people, and countries or cities ("What did
#: Japan and India agree …"); not an organisation's common nouns ("the Member States", "the Commission").
SPEAKER_LABELS = frozenset({"PERSON", "GPE"})


class LibraryState:
    """Declarations, their index, and the lookups a search needs, made together.

    Nothing here changes after it is made but the caches (filter masks, language masks, the
    reuse index), each filled once and guarded for the web app's threads.
    """

    def __init__(self, declarations: list[Declaration], index: HybridIndex, duplicates: Duplicates | None = None,
                 languages: Mapping[tuple[str, str], str] | None = None) -> None:
        self.declarations = list(declarations)
        #: Languages a build guessed (qa.index.languages_file), by (doc_id, sha256): not guessed again.
        self.known_languages = dict(languages or {})
        #: Paragraphs repeated across declarations and declarations published twice (qa.index.duplicates).
        self.duplicates = duplicates if duplicates is not None else Duplicates.find(self.declarations)
        self.index = index
        self.by_id = {decl.doc_id: decl for decl in self.declarations}
        self.rows: list[tuple[Declaration, Paragraph]] = [(decl, par) for decl in self.declarations for par in decl.paragraphs]
        #: Each row's declaration as its position in ``declarations``: a filter's row mask is then
        #: one lookup per row, not a string comparison (which cost ~20 ms per search at 17k rows).
        self._position = {decl.doc_id: i for i, decl in enumerate(self.declarations)}
        lengths = [len(decl.paragraphs) for decl in self.declarations]
        self._row_doc = np.repeat(np.arange(len(self.declarations), dtype=np.int64), lengths)
        self._first_row = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64) if lengths else np.zeros(0, np.int64)
        # as fusion weighs it; only a number holding a "P" can be a preamble's ("P3", "annex P2")
        preamble = np.array([par.preambular if "P" in par.number else False for _, par in self.rows], dtype=np.float32)
        self.preamble = preamble if preamble.any() else None
        #: Rows of declarations titled by their subject, not a meeting: resolutions ("Protection of
        #: migrants"), whose title words get no declaration-match evidence (HybridIndex.search).
        topical = np.array([decl.kind in TITLED_BY_SUBJECT for decl in self.declarations], dtype=bool)[self._row_doc]
        self.topical_title = topical if topical.any() else None
        #: Per filter, oldest first: the rows it allows (allowed()) and the cosine answers need among them (min_cosine_for()).
        self.masks: dict[Filters, tuple[Narrowed | None, float]] = {}
        self._row_language: np.ndarray | None = None  # row_languages()', once read
        self._languages_read = False
        self._language_masks: dict[str, np.ndarray | None] = {}  # other_language()'s, by the question's language
        self._lock = threading.Lock()  # the web app searches from several threads
        self._named_people: frozenset[str] | None = None  # named_people(), once read
        self._issuer_aliases: dict[str, tuple[str, ...]] | None = None  # issuer_aliases(), once read
        self._issuer_keys: frozenset[str] | None = None  # the issuers' same_issuer keys, once read
        self._reuse: ReuseIndex | None = None  # qa.compare.reuse's shingle index, built on the first precedents()
        self._reuse_lock = threading.Lock()  # its build takes seconds: not under the masks' lock
        #: The cosine at which the best passage answers by meaning in this library (qa.search.abstention).
        self.min_cosine = needed_cosine(index.probe_cosines())

    def filters(self, doc_ids, issuer, year_from, year_to, kind) -> Filters:
        """The filters asked for, doc_ids checked against this version's declarations, an issuer
        named as a question may name it ("UNGA", "the Group of Seven": issuer_called)."""
        wanted = check_doc_ids(doc_ids, self.by_id)
        filters = Filters.of(doc_ids=wanted, issuer=issuer, year_from=year_from, year_to=year_to, kind=kind)
        if not filters.issuer:
            return filters
        if self._issuer_keys is None:  # read once: a filtered search asks again and again with held issuers
            self._issuer_keys = frozenset(same_issuer(name) for name in issuers(self.declarations))
        if all(same_issuer(value) in self._issuer_keys for value in filters.issuer):
            return filters
        called = tuple(issuer_called(value, self.declarations, self.issuer_aliases) for value in filters.issuer)
        return dataclasses.replace(filters, issuer=called)

    def named_people(self) -> frozenset[str]:
        """The words of the people the library's texts name, and the places named in one word (PERSON
        and GPE entities, case-folded): the names a question can give as who spoke
        (qa.answers.narrowing.implied_filters). Read once, on the first question that needs them."""
        if self._named_people is None:
            words = set()
            for label, name in self.index.entity_names(SPEAKER_LABELS):
                if label == "PERSON":  # "Kishida" of "Prime Minister Kishida Fumio"
                    words.update(re.findall(r"[^\W\d_][\w'’-]*", name))
                elif " " not in name:  # "India"; not "Member" of "Member States"
                    words.add(name)
            with self._lock:
                self._named_people = frozenset(words)
        return self._named_people

    def issuer_aliases(self) -> dict[str, tuple[str, ...]]:
        """The long names the library's texts define for its issuers ("Group of Seven" for "G7":
        qa.answers.narrowing.issuer_aliases), read once, on the first question that holds two
        capitalised words in a row (a long name could stand there)."""
        if self._issuer_aliases is None:
            found = issuer_aliases(self.declarations)
            with self._lock:
                self._issuer_aliases = found
        return self._issuer_aliases

    def rank(self, text: str, *, k: int, filters: Filters) -> list[Ranked]:
        """Rank for an already cleaned question (search and ask clean it once)."""
        k = check_k(k)
        places = self.places if self.duplicates.repeats or self.duplicates.links else None
        ignore = self.unsaid_words(filters, text)
        return self.index.search(text, k=k, allowed=self.allowed(filters), text=self.text, preamble=self.preamble,
                                 ignore=ignore, other_language=self.other_language(text),
                                 places=places, topical_title=self.topical_title)

    def implied(self, text: str) -> Filters | None:
        """The filters a cleaned question implies (qa.answers.narrowing.implied_filters), or None."""
        return implied_filters(text, self.declarations, self.named_people, self.issuer_aliases)

    def describe(self, filters: Filters) -> str:
        """``filters`` in words, each declaration it keeps by id named by its title (Filters.describe)."""
        return filters.describe(titles={d: self.by_id[d].title for d in filters.doc_ids if d in self.by_id})

    def unsaid_words(self, filters: Filters, text: str) -> frozenset[str]:
        """The words of a cleaned question that inside ``filters`` tell no paragraph apart
        (qa.answers.narrowing.unsaid_words): the word matching and the topic leave them out."""
        return unsaid_words(filters, self.filter_words(filters, text))

    def filter_words(self, filters: Filters, text: str) -> frozenset[str]:
        """The words of a cleaned question that name what ``filters`` keep (qa.answers.narrowing.filter_words)."""
        titles = {doc_id: self.by_id[doc_id].title for doc_id in filters.doc_ids if doc_id in self.by_id}
        return filter_words(filters, asked=text, aliases=self.issuer_aliases, titles=titles)

    def min_cosine_for(self, filters: Filters) -> float:
        """The cosine at which the best passage answers by meaning among the rows a filter allows:
        the off-topic probes' best cosines among those rows (qa.search.off_topic), so a question
        narrowed to a few declarations is held to what a small library needs, not the whole one's.
        Made once per filter, with its rows."""
        return self._kept(filters)[1]

    def allowed(self, filters: Filters) -> Narrowed | None:
        """The rows a filter allows (None: every row), kept for the next search with that filter.

        Choosing the declarations reads every declaration's metadata (about 1.3 ms over the
        425 of ../shared); a chat that keeps its year boxes asks with the same filter again, and
        from its second search the index scans that filter's own vectors
        (qa.search.filter_scans).
        """
        return self._kept(filters)[0]

    def _kept(self, filters: Filters) -> tuple[Narrowed | None, float]:
        """A filter's allowed rows and the cosine answers need among them, made once and kept."""
        if filters.empty:
            return None, self.min_cosine
        kept = self.masks.get(filters)
        if kept is not None:
            return kept
        chosen = filters.select(self.declarations)  # raises for an unknown value: nothing is kept
        kept = None, self.min_cosine
        if len(chosen) < len(self.declarations):
            wanted = np.zeros(len(self.declarations), dtype=bool)
            wanted[[self._position[d.doc_id] for d in chosen]] = True
            allowed = self.index.narrowed(wanted[self._row_doc])  # read-only: shared by later searches
            kept = allowed, needed_cosine(self.index.probe_cosines(allowed))
        with self._lock:
            while len(self.masks) >= MASKS_KEPT:
                self.masks.pop(next(iter(self.masks)))
            self.masks[filters] = kept
        return kept

    def other_language(self, text: str) -> np.ndarray | None:
        """The rows in another language than the question's, when the library holds several and
        the question's (guessed by qa.text.language) among them; else None."""
        asked = guess_language(text)
        row_language = None if asked is None else self.row_languages()
        if row_language is None:
            return None
        if asked not in self._language_masks:  # made once per language, then shared by its questions
            other = ((row_language != asked) & (row_language != "")).astype(np.float32)
            other.flags.writeable = False
            self._language_masks[asked] = other if (row_language == asked).any() else None
        return self._language_masks[asked]

    def row_languages(self) -> np.ndarray | None:
        """Each row's language (qa.text.language) when the library holds more than one, else None.

        Read at the first question whose language is known, not at every open (``qa list``, a
        diff or a track never need it); a build's guesses are taken as they are (``known_languages``),
        and only a declaration they lack is guessed: 0.08-0.12 s over the 425 declarations of
        ../shared when all are.
        """
        if not self._languages_read:
            held = languages(self.declarations, self.known_languages)
            self._row_language = np.array(held)[self._row_doc] if len({code for code in held if code}) > 1 else None
            self._languages_read = True
        return self._row_language

    def places(self, row: int) -> tuple[tuple[str, str], ...]:
        """A row's place (doc_id, paragraph number), then the places repeating its words: the
        ranking leaves out a repeat of a better hit, which qa.answers.duplicates cites with it."""
        decl, par = self.rows[row]
        return ((decl.doc_id, par.number), *self.duplicates.others(decl.doc_id, par.number))

    def text(self, row: int) -> str:
        return self.rows[row][1].text

    def hits(self, ranked: Iterable[Ranked], k: int, filters: Filters | None = None) -> list[Hit]:
        """Hits with repeated words shown once (qa.answers.duplicates), at most ``k``; a twin's
        copy with a fuller citation is quoted where ``filters`` keep it."""
        def allowed(doc_id: str) -> bool:  # from the filter's rows kept for its searches (:meth:`allowed`)
            narrowed = None if filters is None else self.allowed(filters)
            if narrowed is None:
                return True
            return bool(self.by_id[doc_id].paragraphs) and bool(narrowed.rows[self._first_row[self._position[doc_id]]])

        def copy(hit: Hit) -> Hit:
            return fuller_copy(hit, self.duplicates, self.by_id, allowed)

        return merge_hits([self.hit(r) for r in ranked], self.duplicates, cite=self.cite,
                          copy=copy if self.duplicates.twins else None)[:k]

    def hit(self, ranked: Ranked) -> Hit:
        decl, par = self.rows[ranked.row]
        return make_hit(decl, par, highlight=ranked.sentence, score=ranked.score)

    def cite(self, doc_id: str, number: str) -> str:
        decl = self.by_id[doc_id]
        return citation(decl, next(p for p in decl.paragraphs if p.number == number))

    def reuse(self) -> ReuseIndex:
        """The shingle index of qa.compare.reuse over this version, built on first use."""
        with self._reuse_lock:
            if self._reuse is None:
                from qa.compare.reuse import ReuseIndex

                self._reuse = ReuseIndex.build(self.declarations)
            return self._reuse
