"""Library: a corpus of declarations plus its persisted hybrid index, answering questions.

Example:
    >>> import qa
    >>> lib = qa.Library.open()                       # corpus/ and .qa-index/ next to the package
    >>> answer = lib.ask("What did NATO say about Georgia?", k=3)
    >>> answer.found, answer.hits[0].citation
    (True, 'NATO, Chicago Summit Declaration, Chicago, 20 May 2012, ¶29')
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embeddings.protocol import TextEncoder
from qa.answers.duplicates import merge_hits
from qa.answers.narrowing import filter_words, implied_filters
from qa.answers.questions import check_doc_ids, check_k, clean_question
from qa.answers.records import Answer, Hit, citation, make_hit
from qa.documents import Declaration, Paragraph
from qa.errors import CorpusError, DocumentExistsError, InvalidOptionError
from qa.index.build import BuildReport, corpus_hash, load_or_build, metadata_fields
from qa.index.duplicates import Duplicates
from qa.index.freshness import read_fresh
from qa.index.store import IndexStore
from qa.ingest.catalog import folder_catalog
from qa.ingest.corpora import corpus_folders
from qa.ingest.corpus_edit import CorpusEdit
from qa.ingest.passages import declarations_from_passages
from qa.ingest.reading import read_to_add
from qa.search.abstention import is_answered
from qa.search.filter_scans import Narrowed
from qa.search.filters import Filters
from qa.search.retrieval import HybridIndex, Ranked
from qa.settings import default_corpus_dir, default_corpus_setting, default_index_dir  # noqa: F401 (re-exported)
from qa.text.language import guess_language, languages

if TYPE_CHECKING:
    from qa.compare.document_diff import DocumentDiff
    from qa.compare.reuse import Precedent
    from qa.compare.track import Track

#: Filters whose allowed rows a library keeps (17 KB each over ../shared's 17k paragraphs).
_MASKS_KEPT = 32


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
    ) -> None:
        self._set(declarations, index, duplicates)
        self.report = report
        self._source = source  # where open() read from; None for an in-memory library

    def _set(self, declarations: list[Declaration], index: HybridIndex, duplicates: Duplicates | None = None) -> None:
        self.declarations = list(declarations)
        #: Paragraphs repeated across declarations and declarations published twice (qa.index.duplicates).
        self.duplicates = duplicates if duplicates is not None else Duplicates.find(self.declarations)
        self._index = index
        self._by_id = {decl.doc_id: decl for decl in self.declarations}
        self._rows: list[tuple[Declaration, Paragraph]] = [
            (decl, par) for decl in self.declarations for par in decl.paragraphs
        ]
        #: Each row's declaration as its position in ``declarations``: a filter's row mask is then
        #: one lookup per row, not a string comparison (which cost ~20 ms per search at 17k rows).
        self._position = {decl.doc_id: i for i, decl in enumerate(self.declarations)}
        self._row_doc = np.array([self._position[decl.doc_id] for decl, _ in self._rows], dtype=np.int64)
        preamble = np.array([par.preambular for _, par in self._rows], dtype=np.float32)  # as fusion weighs it
        self._preamble = preamble if preamble.any() else None
        self._reuse = None  # the shingle index of qa.compare.reuse, built on the first precedents()
        self._masks: dict[Filters, tuple[Narrowed | None]] = {}  # _allowed's, oldest first
        self._row_language: np.ndarray | None = None  # _row_languages', once read
        self._languages_read = False
        self._language_masks: dict[str, np.ndarray | None] = {}  # _other_language's, by the question's language
        self._masks_lock = threading.Lock()

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
        return cls(reading.declarations, index, report=report, duplicates=Duplicates.stored(store.current()),
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
        hashes = {d.sha256: d.doc_id for d in self.declarations}
        for decl in read:
            twin = hashes.get(decl.sha256)
            if twin is not None and twin != decl.doc_id:
                raise InvalidOptionError(f"{decl.source} is a copy of the declaration {twin!r}; nothing added.")
            if decl.doc_id in self._by_id and not replace:
                raise DocumentExistsError(decl.doc_id)
        with CorpusEdit(source.corpus) as edit:  # a refresh that fails puts the corpus back
            for file, decl in zip(files, read):
                old = self._by_id.get(decl.doc_id)
                if old is not None and Path(old.source).resolve() != (source.corpus / file.name).resolve():
                    edit.remove(Path(old.source))  # the same doc_id in another format
                edit.copy_in(file)
            self._reopen(source)
        return [self._by_id[d.doc_id] for d in read if d.doc_id in self._by_id]

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
        self._set(fresh.declarations, fresh._index, fresh.duplicates)
        self.report = fresh.report

    # ----- questions ----------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        doc_ids: Iterable[str] | str | None = None,
        issuer: Iterable[str] | str | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
        kind: Iterable[str] | str | None = None,
    ) -> list[Hit]:
        """Rank paragraphs for a query, best first (no abstention).

        The filters (qa.search.filters: these declarations, by this issuer, from/to these
        years, of this kind) choose declarations before ranking: k hits come back when k exist.

        Raises:
            InvalidQuestionError: For an empty, non-text or over-long query.
            InvalidOptionError: For k outside 1..100, doc_ids that are not an id or ids (5, [5]),
                an issuer or kind no declaration has, or filters no declaration passes.
            UnknownDocumentError: For a doc_id that names no declaration.
        """
        filters = self._filters(doc_ids, issuer, year_from, year_to, kind)
        return self._hits(self._rank(clean_question(query), k=k, filters=filters), k)

    def ask(
        self,
        question: str,
        *,
        k: int = 3,
        doc_ids: Iterable[str] | str | None = None,
        issuer: Iterable[str] | str | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
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
        text = clean_question(question)
        filters = self._filters(doc_ids, issuer, year_from, year_to, kind)
        implied = implied_filters(text, self.declarations) if narrow and filters.empty else None
        ranked = self._rank(text, k=k, filters=implied or filters)
        found = bool(ranked) and is_answered(ranked[0])
        said = None if implied is None else implied.describe(titles={d: self._by_id[d].title for d in implied.doc_ids})
        return Answer(question=text, found=found, hits=self._hits(ranked, k), narrowed=implied, narrowed_as=said)

    def declaration(self, doc_id: str) -> Declaration:
        """The declaration with this id. Raises UnknownDocumentError."""
        check_doc_ids([doc_id], self._by_id)
        return self._by_id[doc_id]

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
              year_from: int | None = None, year_to: int | None = None, k_per_doc: int = 1) -> Track:
        """A topic through the years: each declaration's best paragraph on it (or silent), in
        date order, each compared word by word with the one before. See :mod:`qa.compare.track`."""
        from qa.compare.track import track

        return track(self, topic, issuer=issuer, doc_ids=doc_ids, year_from=year_from, year_to=year_to,
                     k_per_doc=k_per_doc)

    def precedents(self, text: str, *, k: int = 10, before: object = None,
                   exclude: tuple[str, str] | None = None) -> list[Precedent]:
        """Passages reusing ``text``'s wording exactly or nearly, oldest first, with the matching
        spans and the share of words reused. See :mod:`qa.compare.reuse`."""
        if self._reuse is None:
            from qa.compare.reuse import ReuseIndex

            self._reuse = ReuseIndex.build(self.declarations)
        return self._reuse.precedents(text, k=k, before=before, exclude=exclude)

    def diff(self, old_id: str, new_id: str) -> DocumentDiff:
        """Two declarations paragraph by paragraph. See :mod:`qa.compare.document_diff`."""
        from qa.compare.document_diff import diff_declarations

        return diff_declarations(self.declaration(old_id), self.declaration(new_id))

    # ----- internals ----------------------------------------------------------------------

    def _filters(self, doc_ids, issuer, year_from, year_to, kind) -> Filters:
        wanted = check_doc_ids(doc_ids, self._by_id)
        return Filters.of(doc_ids=wanted, issuer=issuer, year_from=year_from, year_to=year_to, kind=kind)

    def _rank(self, text: str, *, k: int, filters: Filters) -> list[Ranked]:
        """Rank for an already cleaned question (search and ask clean it once)."""
        k = check_k(k)
        places = self._places if self.duplicates.repeats or self.duplicates.links else None
        return self._index.search(text, k=k, allowed=self._allowed(filters), text=self._text, preamble=self._preamble,
                                  ignore=filter_words(filters), other_language=self._other_language(text),
                                  places=places)

    def _places(self, row: int) -> tuple[tuple[str, str], ...]:
        """A row's place (doc_id, paragraph number), then the places repeating its words: the
        ranking leaves out a repeat of a better hit, which qa.answers.duplicates cites with it."""
        decl, par = self._rows[row]
        return ((decl.doc_id, par.number), *self.duplicates.others(decl.doc_id, par.number))

    def _other_language(self, text: str) -> np.ndarray | None:
        """The rows in another language than the question's, when the library holds several and
        the question's (guessed by qa.text.language) among them; else None."""
        asked = guess_language(text)
        row_language = None if asked is None else self._row_languages()
        if row_language is None:
            return None
        if asked not in self._language_masks:  # made once per language, then shared by its questions
            other = ((row_language != asked) & (row_language != "")).astype(np.float32)
            other.flags.writeable = False
            self._language_masks[asked] = other if (row_language == asked).any() else None
        return self._language_masks[asked]

    def _row_languages(self) -> np.ndarray | None:
        """Each row's language (qa.text.language) when the library holds more than one, else None.

        Read at the first question whose language is known, not at every open: about 40 ms over
        the 425 declarations of ../shared that ``qa list``, a diff or a track never need.
        """
        if not self._languages_read:
            held = languages(self.declarations)
            self._row_language = np.array(held)[self._row_doc] if len({code for code in held if code}) > 1 else None
            self._languages_read = True
        return self._row_language

    def _allowed(self, filters: Filters) -> Narrowed | None:
        """The rows a filter allows (None: every row), kept for the next search with that filter.

        Choosing the declarations reads every declaration's metadata (about 1.3 ms over the
        425 of ../shared); a chat that keeps its year boxes asks with the same filter again, and
        from its second search the index scans that filter's own vectors
        (qa.search.filter_scans).
        """
        if filters.empty:
            return None
        masks = self._masks  # this library state's, even if add() or remove() replaces it meanwhile
        kept = masks.get(filters)
        if kept is not None:
            return kept[0]
        chosen = filters.select(self.declarations)  # raises for an unknown value: nothing is kept
        allowed = None
        if len(chosen) < len(self.declarations):
            wanted = np.zeros(len(self.declarations), dtype=bool)
            wanted[[self._position[d.doc_id] for d in chosen]] = True
            allowed = self._index.narrowed(wanted[self._row_doc])  # read-only: shared by later searches
        with self._masks_lock:  # the web app searches from several threads
            while len(masks) >= _MASKS_KEPT:
                masks.pop(next(iter(masks)))
            masks[filters] = (allowed,)
        return allowed

    def _hits(self, ranked: list[Ranked], k: int) -> list[Hit]:
        """Hits with repeated words shown once (qa.answers.duplicates), at most ``k``."""
        return merge_hits([self._hit(r) for r in ranked], self.duplicates, cite=self._cite)[:k]

    def _cite(self, doc_id: str, number: str) -> str:
        decl = self._by_id[doc_id]
        return citation(decl, next(p for p in decl.paragraphs if p.number == number))

    def _text(self, row: int) -> str:
        return self._rows[row][1].text

    def _hit(self, ranked: Ranked) -> Hit:
        decl, par = self._rows[ranked.row]
        return make_hit(decl, par, highlight=ranked.sentence, score=ranked.score)

    def __repr__(self) -> str:
        return f"Library({len(self.declarations)} declarations, {len(self._rows)} paragraphs)"


@dataclass(frozen=True)
class _Source:
    """Where an opened library came from, so add/remove can refresh it."""

    corpus: Path  # where add() copies files: the first folder
    index: Path
    encoder: TextEncoder | None
    progress: bool
    folders: tuple[Path, ...] = ()
