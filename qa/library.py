"""Library: a corpus of declarations plus its persisted hybrid index, answering questions.

Example:
    >>> import qa
    >>> lib = qa.Library.open()                       # corpus/ and .qa-index/ next to the package
    >>> answer = lib.ask("What did NATO say about Georgia?", k=3)
    >>> answer.found, answer.hits[0].citation
    (True, 'NATO, Chicago Summit Declaration, Chicago, 20 May 2012, ¶29')
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from embeddings.protocol import TextEncoder
from qa.answers.absent_bodies import unheld_bodies
from qa.answers.narrowing import issuer_called, topic_of, unheld_symbols, unheld_years
from qa.answers.questions import check_doc_ids, clean_question
from qa.answers.records import Answer, Hit
from qa.documents import Declaration, Paragraph
from qa.errors import CorpusError, DocumentExistsError, InvalidOptionError
from qa.gc_pause import paused_gc
from qa.index.build import BuildReport, corpus_hash, load_or_build, metadata_fields
from qa.index.duplicates import Duplicates
from qa.index.freshness import read_fresh
from qa.index.languages_file import stored_languages
from qa.index.store import IndexStore
from qa.ingest.catalog import folder_catalog
from qa.ingest.corpora import corpus_folders
from qa.ingest.corpus_edit import CorpusEdit
from qa.ingest.passages import declarations_from_passages
from qa.ingest.reading import read_to_add
from qa.library_state import LibraryState
from qa.search.abstention import is_answered
from qa.search.filter_scans import Narrowed
from qa.search.filters import Filters
from qa.search.retrieval import HybridIndex, Ranked
from qa.settings import default_corpus_dir, default_corpus_setting, default_index_dir  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from qa.compare.document_diff import DocumentDiff
    from qa.compare.reuse import Precedent
    from qa.compare.track import Track


class Library:
    """Declarations and their index; ``search`` ranks paragraphs, ``ask`` answers.

    Use :meth:`open` for a corpus folder with a persisted index, or :meth:`from_passages`
    for an in-memory library over any passages.
    """

    def __init__(
        self,
        declarations: list[Declaration],
        index: HybridIndex,
        *,
        report: BuildReport | None = None,
        source: _Source | None = None,
        duplicates: Duplicates | None = None,
        languages: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        self._set(declarations, index, duplicates, languages)
        self.report = report
        self._source = source  # where open() read from; None for an in-memory library

    def _set(self, declarations: list[Declaration], index: HybridIndex, duplicates: Duplicates | None = None,
             languages: Mapping[tuple[str, str], str] | None = None) -> None:
        """Swap in a new version whole (qa.library_state): a search that began on the old one
        finishes on it, and the old index builds no more filter scans."""
        old = getattr(self, "_state", None)
        with paused_gc():  # a tuple per row (qa.gc_pause)
            self._state = LibraryState(declarations, index, duplicates, languages)
        if old is not None and old.index is not index:
            old.index.retire()

    @property
    def declarations(self) -> list[Declaration]:
        return self._state.declarations

    @property
    def duplicates(self) -> Duplicates:
        """Paragraphs repeated across declarations and declarations published twice (qa.index.duplicates)."""
        return self._state.duplicates

    @property
    def answer_cosine(self) -> float:
        """The cosine at which :meth:`ask`'s best passage answers by its meaning in this library,
        unfiltered: the calibrated one, or higher where this library's off-topic probes come closer
        (qa.search.abstention.needed_cosine). A filter has its own, never higher."""
        return self._state.min_cosine

    @property
    def _index(self) -> HybridIndex:
        return self._state.index

    @property
    def _rows(self) -> list[tuple[Declaration, Paragraph]]:
        return self._state.rows

    # ----- construction -------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        corpus_dir: Path | str | Iterable[Path | str] | None = None,
        index_dir: Path | str | None = None,
        *,
        model: str | None = None,
        encoder: TextEncoder | None = None,
        rebuild: bool = False,
        check: bool = False,
        progress: bool | None = None,
    ) -> Library:
        """Open a corpus, loading its index or (re)building it when stale or damaged.

        An up-to-date library is opened without reading its files: each file's size and
        modification time are compared with the index's manifest (qa.index.freshness).

        Args:
            corpus_dir: A folder of declaration files, or several (a list, or one string
                joined by ``os.pathsep``); None means QA_CORPUS, else the bundled corpus/.
            index_dir: Index folder; None means :func:`default_index_dir`.
            model: Embedding model setting (see embeddings.encoder); None means QA_MODEL or
                the bundled all-MiniLM-L6-v2. Ignored when ``encoder`` is given.
            encoder: An encoder object to use instead (tests pass a fake one).
            rebuild: Build a new index even if the current one is up to date.
            check: Hash every corpus file, even those whose size and time are unchanged.
            progress: Show a progress bar while embedding; None means when stderr is a terminal.

        Raises:
            CorpusError: If a corpus folder is missing or none holds a readable declaration.
            IndexLockedError: If another process holds the build lock for too long.
        """
        from embeddings.encoder import Encoder

        started = time.perf_counter()
        folders = corpus_folders(corpus_dir if corpus_dir is not None else default_corpus_setting())
        store = IndexStore(Path(index_dir) if index_dir is not None else default_index_dir())
        if not rebuild:  # a rebuild never loads the current build: nothing to check ahead
            store.check_ahead()  # the build's files hashed on a side thread while the corpus is checked
        fresh = read_fresh(folders, store, check=check)
        reading = fresh.reading
        if not reading.declarations:
            reasons = "; ".join(f"{Path(s.path).name}: {s.reason}" for s in reading.skipped[:5])
            where = ", ".join(str(f) for f in folders)
            raise CorpusError(
                f"No readable declaration in {where}" + (f" ({reasons})" if reasons else "")
                + ". Add .txt, .md, .html, .pdf or .docx files, or point QA_CORPUS elsewhere."
            )
        encoder = encoder or Encoder(model)
        wanted = fresh.previous.corpus_hash if fresh.unchanged else corpus_hash(reading.declarations)
        if progress is None:
            progress = sys.stderr.isatty()
        index, report = load_or_build(store, reading, encoder, wanted, rebuild=rebuild, progress=progress,
                                      sources=fresh.sources)
        report = BuildReport(
            built=report.built, reason=report.reason, seconds=time.perf_counter() - started,
            paragraphs=report.paragraphs, embedded=report.embedded, skipped=list(reading.skipped),
            hashed=fresh.hashed, parsed=fresh.parsed,
        )
        build = store.current()
        return cls(reading.declarations, index, report=report, duplicates=Duplicates.stored(build),
                   languages=stored_languages(build),
                   source=_Source(folders[0], store.root, encoder, progress, tuple(folders)))

    @classmethod
    def from_passages(
        cls, passages: Iterable[Mapping[str, object]], *, model: str | None = None,
        encoder: TextEncoder | None = None, progress: bool = False,
    ) -> Library:
        """An in-memory library over passages (nothing written to disk).

        Args:
            passages: Dicts with ``doc_id``, ``paragraph`` and ``text``; optionally ``title``,
                ``date``, ``place``, ``issuer``, ``section``.
            model: Embedding model setting; None means the default.
            encoder: An encoder object to use instead.
            progress: Show a progress bar while embedding.

        Raises:
            InvalidOptionError: If a passage lacks a field, has an empty text, or repeats a
                (doc_id, paragraph) pair.
        """
        from embeddings.encoder import Encoder

        declarations = declarations_from_passages(passages)
        encoder = encoder or Encoder(model)
        rows = [(d, p) for d in declarations for p in d.paragraphs]
        index = HybridIndex.build(
            [p.text for _, p in rows], encoder, fields=[metadata_fields(d, p) for d, p in rows],
            groups=[d.doc_id for d, _ in rows], progress=progress,
        )
        return cls(declarations, index)

    # ----- adding and removing -------------------------------------------------------------

    def add(self, *paths: Path | str, replace: bool = False) -> list[Declaration]:
        """Copy declaration files into the corpus and refresh the index (unchanged text is not re-embedded).

        Args:
            paths: Files to add (.txt, .md, .html, .pdf, .docx); the file stem becomes the doc_id.
            replace: Allow a file to replace a declaration with the same doc_id.

        Returns:
            The declarations added, as read.

        Raises:
            DocumentExistsError: For a doc_id already present, without ``replace``.
            InvalidOptionError: For an in-memory library, two files with the same stem, or a
                copy of another declaration.
            UnreadableFileError: For a file that cannot be read as a declaration; nothing is copied.
        """
        source = self._opened("add")
        if not paths:
            raise InvalidOptionError("Name at least one file to add.")
        files = [Path(p) for p in paths]
        stems = [f.stem for f in files]
        if len(set(stems)) != len(stems):
            raise InvalidOptionError(f"Two files would share a doc_id: {sorted(stems)}. Rename one.")
        catalog = folder_catalog(source.corpus)
        read = read_to_add(files, catalog=catalog)  # all or nothing, each in the reading door
        state = self._state
        hashes = {d.sha256: d.doc_id for d in state.declarations}
        for decl in read:
            twin = hashes.get(decl.sha256)
            if twin is not None and twin != decl.doc_id:
                raise InvalidOptionError(f"{decl.source} is a copy of the declaration {twin!r}; nothing added.")
            if decl.doc_id in state.by_id and not replace:
                raise DocumentExistsError(decl.doc_id)
        with CorpusEdit(source.corpus) as edit:  # a refresh that fails puts the corpus back
            for file, decl in zip(files, read):
                old = state.by_id.get(decl.doc_id)
                if old is not None and Path(old.source).resolve() != (source.corpus / file.name).resolve():
                    edit.remove(Path(old.source))  # the same doc_id in another format
                edit.copy_in(file)
            self._reopen(source)
        added = self._state.by_id
        return [added[d.doc_id] for d in read if d.doc_id in added]

    def remove(self, doc_id: str) -> Declaration:
        """Delete a declaration's file from the corpus and refresh the index.

        A refresh that fails (the last declaration removed, a full disk) puts the file back and
        leaves the library as it was.

        Raises:
            UnknownDocumentError: If no declaration has this id.
            CorpusError: If the corpus would be left without a declaration.
        """
        source = self._opened("remove")
        decl = self.declaration(doc_id)
        with CorpusEdit(source.corpus) as edit:
            edit.remove(Path(decl.source))
            self._reopen(source)
        return decl

    def _opened(self, what: str) -> _Source:
        if self._source is None:
            raise InvalidOptionError(
                f"Cannot {what} declarations in an in-memory library; use Library.open(corpus_dir=...)."
            )
        return self._source

    def _reopen(self, source: _Source) -> None:
        fresh = Library.open(list(source.folders) or source.corpus, source.index, encoder=source.encoder,
                             progress=source.progress)
        self._set(fresh.declarations, fresh._index, fresh.duplicates, fresh._state.known_languages)
        self.report = fresh.report

    # ----- questions ----------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        doc_ids: Iterable[str] | str | None = None,
        issuer: Iterable[str] | str | None = None,
        year_from: int | str | None = None,
        year_to: int | str | None = None,
        kind: Iterable[str] | str | None = None,
    ) -> list[Hit]:
        """Rank paragraphs for a query, best first (no abstention).

        The filters (qa.search.filters: these declarations, by this issuer, from/to these
        years or months, "2022-03", of this kind) choose declarations before ranking: k hits
        come back when k exist.

        Raises:
            InvalidQuestionError: For an empty, non-text or over-long query.
            InvalidOptionError: For k outside 1..100, doc_ids that are not an id or ids (5, [5]),
                an issuer or kind no declaration has, or filters no declaration passes.
            UnknownDocumentError: For a doc_id that names no declaration.
        """
        state = self._state  # one version throughout (qa.library_state)
        filters = state.filters(doc_ids, issuer, year_from, year_to, kind)
        return state.hits(state.rank(clean_question(query), k=k, filters=filters), k, filters)

    def ask(
        self,
        question: str,
        *,
        k: int = 3,
        doc_ids: Iterable[str] | str | None = None,
        issuer: Iterable[str] | str | None = None,
        year_from: int | str | None = None,
        year_to: int | str | None = None,
        kind: Iterable[str] | str | None = None,
        narrow: bool = True,
    ) -> Answer:
        """Answer a question: the best k paragraphs, and whether they answer it.

        When the declarations do not cover the question, ``found`` is False and the
        hits are the nearest passages. A question naming an issuer or a year the library
        holds ("What did the G7 say about AI in 2024?") searches only those declarations
        unless ``narrow`` is False or a filter is given; ``Answer.narrowed`` says how it was
        read. Takes the filters of :meth:`search` and raises its errors.
        """
        state = self._state  # one version throughout (qa.library_state)
        text = clean_question(question)
        filters = state.filters(doc_ids, issuer, year_from, year_to, kind)
        implied = missing = said = None
        if narrow and filters.empty:
            implied = state.implied(text)
            missing = self._missing(state, text, implied)
        elif narrow and (named := state.implied(text)) is not None:
            implied, missing = self._within(state, named, filters)
            said = f"{state.describe(named)}, within the filters chosen" if implied is not None else None
        return self._answer(state, text, implied or filters, k=k, implied=implied, missing=missing, said=said)

    @staticmethod
    def _within(state: LibraryState, named: Filters, chosen: Filters) -> tuple[Filters | None, str | None]:
        """A question naming an issuer or year asked within filters the caller chose ("What did the
        G7 say about climate finance in 2024?" with the years 2022-2022 chosen): the declarations
        both keep, not the filters' alone, whose answer would quote another issuer or year as the
        G7's of 2024. None kept: the filters' own are searched, and the answer says none is the
        question's ("no text of issuer G7, year 2024 among the declarations the filters keep")."""
        kept = {d.doc_id for d in chosen.select(state.declarations)}
        both = tuple(d.doc_id for d in named.select(state.declarations) if d.doc_id in kept)
        if not both:
            return None, f"no text of {state.describe(named)} among the declarations the filters keep"
        return dataclasses.replace(named, doc_ids=both), None

    def ask_within(self, question: str, doc_id: str, *, among: Filters, k: int = 3) -> Answer:
        """Answer a question from one declaration, which answers it only as the declarations
        ``among`` would (their off-topic bar, qa.search.off_topic): a timeline's entry
        (:meth:`track`) holds its quote to the bar of every declaration followed, as one search
        over them would, not to one declaration's own lower bar, which let a paragraph on the
        climate answer "Georgia" in 16 of 424 statements. ``among``'s issuer and years name
        what the question names, and their words stop counting in the word matching.

        Raises:
            UnknownDocumentError: For a doc_id that names no declaration.
        """
        state = self._state
        text = clean_question(question)
        searched = dataclasses.replace(among, doc_ids=(self.declaration(doc_id).doc_id,), speakers=())
        return self._answer(state, text, searched, k=k, held_to=among)

    def _answer(self, state: LibraryState, text: str, searched: Filters, *, k: int, implied: Filters | None = None,
                held_to: Filters | None = None, missing: str | None = None, said: str | None = None) -> Answer:
        """The answer from the declarations ``searched`` keeps, held to the bar of ``held_to``'s (or
        its own); none when the question asks of a text the library lacks (``missing``)."""
        ranked = state.rank(text, k=k, filters=searched)
        need = state.min_cosine_for(searched if held_to is None else held_to)
        found = (missing is None and bool(ranked) and is_answered(ranked[0], min_cosine=need)
                 and self._on_topic(text, searched, ranked[0], need))
        said = said or (None if implied is None else state.describe(implied))
        return Answer(question=text, found=found, hits=state.hits(ranked, k, searched), narrowed=implied, narrowed_as=said,
                      missing=missing)

    def _missing(self, state: LibraryState, text: str, implied: Filters | None) -> str | None:
        """The text the question asks of that the library lacks, in words, or None:
        - a resolution read by its symbol or number that no declaration is ("no resolution 78/999");
        - a body asked the words of that no declaration is of, when no issuer narrowed the
          question (qa.answers.absent_bodies: "no text of the African Union");
        - a year the question surely dates its text by that no declaration is of ("What did the
          leaders say about Ukraine in 2019?": "no text of 2019");
        - a year a narrowed question surely dates its text by, none of the issuer's (or the named
          declarations') texts being of it ("What did NATO leaders agree at the 2023 Vilnius
          summit …?" of a library holding NATO's 2012 declaration): the quote would be cited as
          what was agreed in 2023 ("no NATO text of 2023").
        """
        symbols = unheld_symbols(text, state.declarations)
        if symbols:
            return f"no resolution {' or '.join(symbols)}"
        named = implied is not None and bool(implied.issuer or implied.doc_ids)
        if not named:
            bodies = unheld_bodies(text, state.declarations, state.issuer_aliases)
            if bodies:
                return f"no text of {' or '.join(bodies)}"
        if implied is not None and (implied.year_from is not None or implied.year_to is not None):
            return None  # a year the library holds narrowed it
        years = unheld_years(text, lambda: implied.select(state.declarations) if named else state.declarations,
                             said=not named)
        if not years:
            return None
        dated = " or ".join(map(str, years))
        if not named:
            return f"no text of {dated}"
        return f"no {' or '.join(implied.issuer) if implied.issuer else 'such'} text of {dated}"

    def _on_topic(self, text: str, searched: Filters, best: Ranked, need: float) -> bool:
        """Whether the best passage of a filtered search is about what the question asks, not only
        about whom it names: it holds a word of the question's topic (:func:`topic_of`, the words
        that named the filter left out), or the topic alone comes as close in meaning as an answer
        must. The question's vector keeps every word, and inside the filter the words that name it
        bring every paragraph near: "What did NATO say about Haiti?" reached 0.49 on a NATO
        paragraph that never names Haiti, "What did say about Haiti" 0.20. Over eval/'s narrowed
        answerable questions this refuses none more (docs/abstention.md)."""
        cosine = self._topic_cosine(text, searched, best)
        return cosine is None or cosine >= need

    def _topic_cosine(self, text: str, searched: Filters, best: Ranked) -> float | None:
        """The cosine of the question's topic alone to the best passage, which :meth:`_on_topic`
        holds to the cosine answers need; None where no cosine is needed (no filter word in the
        question, or the passage holds a word of its topic)."""
        state = self._state
        topic = topic_of(text, state.unsaid_words(searched, text))
        return None if topic is None or best.coverage > 0 else state.index.best_cosine(topic, best.row)

    def declaration(self, doc_id: str) -> Declaration:
        """The declaration with this id. Raises UnknownDocumentError."""
        by_id = self._state.by_id
        check_doc_ids([doc_id], by_id)
        return by_id[doc_id]

    def context(self, doc_id: str, paragraph: str, *, before: int = 2, after: int = 2) -> list[Paragraph]:
        """The paragraphs around one paragraph of a declaration, itself included.

        Raises:
            UnknownDocumentError: For an unknown doc_id.
            InvalidOptionError: For a paragraph number the declaration does not have.
        """
        decl = self.declaration(doc_id)
        numbers = [p.number for p in decl.paragraphs]
        if paragraph not in numbers:
            raise InvalidOptionError(
                f"{doc_id} has no paragraph {paragraph!r}; it has {numbers[0]}…{numbers[-1]}."
            )
        at = numbers.index(paragraph)
        return list(decl.paragraphs[max(0, at - before) : at + after + 1])

    # ----- comparing wordings (qa.compare) -------------------------------------------------

    def track(self, topic: str, *, issuer: str | None = None, doc_ids: Iterable[str] | str | None = None,
              year_from: int | None = None, year_to: int | None = None, k_per_doc: int = 1,
              narrow: bool = True) -> Track:
        """A topic through the years: each declaration's best paragraph on it (or silent), in
        date order, each compared word by word with the one before. A topic naming an issuer or
        years ("What did the G7 say about Russia?") follows those declarations only, as :meth:`ask`
        narrows, unless ``narrow`` is False or a filter is given. See :mod:`qa.compare.track`."""
        from qa.compare.track import track

        if isinstance(issuer, str) and issuer.strip():  # "UNGA", "the Group of Seven", as a question names one
            issuer = issuer_called(issuer.strip(), self._state.declarations, self._state.issuer_aliases)
        return track(self, topic, issuer=issuer, doc_ids=doc_ids, year_from=year_from, year_to=year_to,
                     k_per_doc=k_per_doc, narrow=narrow)

    def words_naming(self, filters: Filters, question: str) -> frozenset[str]:
        """The index terms of a question that name what ``filters`` keep (an issuer and its long
        name, one year, a declaration's title, speakers): inside those declarations they tell no
        paragraph apart, so the word matching leaves them out (qa.answers.narrowing.filter_words)."""
        return self._state.filter_words(filters, clean_question(question))

    def describe_filters(self, filters: Filters) -> str:
        """``filters`` in words, as an answer's ``narrowed_as`` says them: "issuer G7, year 2024",
        a declaration kept by id named by its title."""
        return self._state.describe(filters)

    def implied_filters(self, question: str) -> Filters | None:
        """How :meth:`ask` would narrow this question by itself (the issuer, years, declarations
        or speakers it names), or None; ``.describe()`` says it in words."""
        return self._state.implied(clean_question(question))

    def precedents(self, text: str, *, k: int = 10, before: object = None,
                   exclude: tuple[str, str] | None = None) -> list[Precedent]:
        """Passages reusing ``text``'s wording exactly or nearly, oldest first, with the matching
        spans and the share of words reused. See :mod:`qa.compare.reuse`."""
        return self._state.reuse().precedents(text, k=k, before=before, exclude=exclude)

    def diff(self, old_id: str, new_id: str) -> DocumentDiff:
        """Two declarations paragraph by paragraph. See :mod:`qa.compare.document_diff`."""
        from qa.compare.document_diff import diff_declarations

        return diff_declarations(self.declaration(old_id), self.declaration(new_id))

    # ----- internals (the benchmarks look inside) ------------------------------------------

    def select(self, *, doc_ids: Iterable[str] | str | None = None, issuer: Iterable[str] | str | None = None,
               year_from: int | str | None = None, year_to: int | str | None = None,
               kind: Iterable[str] | str | None = None) -> list[Declaration]:
        """The declarations the filters keep, read as :meth:`search` and :meth:`ask` read them (an
        issuer as a question may name it: "UNGA", "the Group of Seven"). Raises their errors."""
        state = self._state
        return state.filters(doc_ids, issuer, year_from, year_to, kind).select(state.declarations)

    def _filters(self, doc_ids, issuer, year_from, year_to, kind) -> Filters:
        return self._state.filters(doc_ids, issuer, year_from, year_to, kind)

    def _allowed(self, filters: Filters) -> Narrowed | None:
        return self._state.allowed(filters)

    def _text(self, row: int) -> str:
        return self._state.text(row)

    def _hit(self, ranked: Ranked) -> Hit:
        return self._state.hit(ranked)

    def __repr__(self) -> str:
        state = self._state
        return f"Library({len(state.declarations)} declarations, {len(state.rows)} paragraphs)"


@dataclass(frozen=True)
class _Source:
    """Where an opened library came from, so add/remove can refresh it."""

    corpus: Path  # where add() copies files: the first folder
    index: Path
    encoder: TextEncoder | None
    progress: bool
    folders: tuple[Path, ...] = ()
