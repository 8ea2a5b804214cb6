"""Hybrid retrieval: BM25, word coverage and dense vectors over paragraphs and their sentences.

Example:
    >>> index = HybridIndex.build(texts, Encoder(), fields=metadata, groups=doc_ids)
    >>> best = index.search("When will the ISAF mission end?", k=3)[0]
    >>> texts[best.row][slice(*best.sentence)]          # the answering sentence, verbatim
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from itertools import chain
from pathlib import Path
from typing import TypeVar

import numpy as np
import orjson

from embeddings.protocol import TextEncoder
from embeddings.vector_index import VectorIndex
from qa.errors import InvalidOptionError
from qa.gc_pause import paused_gc
from qa.search.filter_scans import FilterScans, Narrowed
from qa.search.fusion import Evidence, Weights, fuse, highlight, second_look, segment_max
from qa.search.lexical import LexicalIndex, shared_terms
from qa.search.off_topic import ProbeNeighbours, probes
from qa.side_threads import start
from qa.text.answer_types import AnswerType, EntityTable
from qa.text.entities import Entities, EntityTagger
from qa.text.sentences import sentence_extents, sentence_spans
from qa.text.tokens import tokenize, word_pairs

_PARAGRAPH_VECTORS = "paragraph_vectors.faiss"
_SENTENCE_VECTORS = "sentence_vectors.faiss"
_SENTENCE_SPANS = "sentence_spans.npy"  # (sentences, 3) int64: row, start, end
_SENTENCE_EXTENTS = "sentence_extents.npy"  # (sentences, 2) int64: start, end of the whole sentence
_ROW_GROUPS = "row_groups.npy"  # (paragraphs,) int64: the declaration of each row
_SENTENCE_ENTITIES = "sentence_entities.json"  # per sentence, [label, text] of each named entity of its whole sentence
_SETTINGS = "retrieval.json"
_PROBE_NEIGHBOURS = "probe_neighbours.npz"  # each off-topic probe's nearest paragraphs and sentences (qa.search.off_topic)
# What these files mean is versioned by qa.index.store.FORMAT_VERSION (bump it when they change).
_BM25 = {"paragraphs": "bm25_paragraphs", "sentences": "bm25_sentences", "documents": "bm25_documents",
         "phrases": "bm25_phrases"}

#: Paragraph and sentence vectors from which a search hands its word matching to a side thread
#: (qa.side_threads) while the question is embedded, instead of doing it in turn. Each hand-over
#: costs a thread switch, so a small library does better alone: 711 + 2,218 vectors
#: (../shared/declarations) searched in 7.71 ms with the side threads and 7.21 ms without, 2,092 +
#: 14,896 (with the White House statements) 7.94 and 7.87 ms, and 16,962 + 30,903 (the whole
#: ../shared library) gained 0.15-0.4 ms with them (one interleaved run each).
SIDE_WORK_FROM = 20_000
#: Sentence vectors from which the sentence scan and the candidates' sentence cosines, the work
#: after the embedding, also go to a side thread, beside the paragraph scan and the rest of the
#: evidence. Waking an idle thread here cost 0.1-0.6 ms (two float16 scans of 20,000 vectors:
#: 1.07 ms in turn, 1.15 ms side by side; of 80,000: 5.0 and 3.1 ms), and over the whole ../shared
#: library (30,763 sentences: each scan about 0.27 ms, the cosines 0.39 ms) searches were 0.1-0.3
#: ms faster with both done in turn, with every filter (seventeenth session, one interleaved run).
#: From about 150,000 sentences a scan takes over a millisecond, which pays for the switch.
SCANS_BESIDE_FROM = 150_000
T = TypeVar("T")


@dataclass(frozen=True)
class _Words:
    """A question's word evidence over every row, which needs no vector."""

    bm25: np.ndarray
    lexical: np.ndarray  # the top rows by BM25: candidates
    coverage: np.ndarray
    rarest: np.ndarray
    document: np.ndarray
    sentence_coverage: np.ndarray
    naming: np.ndarray  # (t, declarations): the declarations whose metadata name each word


@dataclass(frozen=True)
class Ranked:
    """One ranked paragraph."""

    row: int  # paragraph row in the index (0..n-1)
    score: float  # fused score, higher is better (relative to this query: for ranking only)
    sentence: tuple[int, int]  # (start, end) offsets in the paragraph of the best-answering sentence
    cosine: float  # best raw dense cosine (paragraph or sentence): an absolute signal for abstention
    lexical: float  # raw BM25 score of the paragraph: an absolute signal
    coverage: float  # share of the question's idf mass the paragraph (with metadata) holds; unseen words at top idf
    rarity: float  # idf of the rarest question word the paragraph holds, over the highest idf (0: none)


class HybridIndex:
    """Paragraph and sentence vectors, BM25 over paragraphs (with metadata), sentences and
    declarations. Build with :meth:`build` or :meth:`load`.

    Args:
        encoder: Embeds queries (any :class:`~embeddings.protocol.TextEncoder`).
        parts: The indexes, as :meth:`build` or :meth:`load` makes them.
        weights: Fusion weights; None means the benchmark's winner.
    """

    def __init__(self, encoder: TextEncoder, parts: _Parts, *, weights: Weights | None = None) -> None:
        self.encoder = encoder
        self.weights = weights or Weights()
        self._p = parts
        self._entities = EntityTable(parts.entities)
        counts = np.bincount(parts.spans[:, 0], minlength=parts.paragraph_vectors.count)
        self._first = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._side = parts.paragraph_vectors.count + parts.sentence_vectors.count >= SIDE_WORK_FROM
        self._scans_beside = parts.sentence_vectors.count >= SCANS_BESIDE_FROM
        self._scans = FilterScans(parts.paragraph_vectors, parts.sentence_vectors, parts.spans)

    def _start(self, work: Callable[[], T], *, scan: bool = False) -> Future[T]:
        """``work`` on a side thread in a library large enough to gain by it (SIDE_WORK_FROM; for a
        ``scan`` of the sentences, SCANS_BESIDE_FROM), else here."""
        return start(work, background=self._scans_beside if scan else self._side)

    @property
    def size(self) -> int:
        return self._p.paragraph_vectors.count

    @property
    def settings(self) -> dict[str, object]:
        """The parameters that built this index (recorded in the manifest)."""
        return {
            "encoder": getattr(self.encoder, "name", type(self.encoder).__name__),
            "dimension": self._p.paragraph_vectors.dimension,
            "paragraphs": self.size,
            "sentences": len(self._p.spans),
            "documents": 0 if self._p.documents is None else self._p.documents.size,
            "phrases": self._p.phrases is not None,
            "probes": 0 if self._p.probes is None else self._p.probes.count,
            "vector_index": self._p.paragraph_vectors.kind.value,
            "bm25": self._p.paragraphs.settings,
            "weights": asdict(self.weights),
        }

    # ----- building and persistence -------------------------------------------------------

    @classmethod
    def build(
        cls,
        texts: list[str],
        encoder: TextEncoder,
        *,
        fields: list[str] | None = None,
        groups: list[str] | None = None,
        split: Callable[[str], list[tuple[int, int]]] | None = None,
        tagger: EntityTagger | None = None,
        progress: bool = False,
    ) -> HybridIndex:
        """Split paragraphs into sentences, embed both, and index both for BM25.

        Args:
            texts: Paragraph texts; row i of the index is texts[i].
            encoder: Any :class:`~embeddings.protocol.TextEncoder`.
            fields: Per-paragraph metadata (issuer, title, place, year, section) that BM25
                also matches, so "What did NATO say in Chicago?" finds the right declaration.
            groups: The declaration of each paragraph (e.g. its doc_id). With ``fields``, a
                question naming a declaration's metadata favours that declaration's paragraphs.
            split: Sentence spans of one paragraph; None means :func:`sentence_spans` (the
                library passes a cached one, so a re-index splits only changed paragraphs).
            tagger: Finds each sentence's named entities; None means an uncached
                :class:`EntityTagger` (the library passes a cached one).
            progress: Show the encoder's progress bar.

        Raises:
            ValueError: If ``fields`` or ``groups`` is not one entry per text.
        """
        for name, values in (("fields", fields), ("groups", groups)):
            if values is not None and len(values) != len(texts):
                raise ValueError(f"{name} has {len(values)} entries for {len(texts)} texts; give one per text.")
        spans = _spans(texts, split or sentence_spans)
        extents = _extents(texts, spans)
        sentence_texts = [texts[r][s:e] for r, s, e in spans]
        entities = _tag_where_chosen(texts, spans, extents, tagger or EntityTagger())
        words = [tokenize(t) for t in texts]  # each paragraph's words, for BM25 and its word pairs
        asked = list(probes())  # embedded with the texts (qa.search.off_topic): abstention's yardstick
        vectors = encoder.encode(list(texts) + sentence_texts + asked, progress=progress)
        vectors, probe_vectors = vectors[: len(vectors) - len(asked)], vectors[len(vectors) - len(asked) :]
        documents, row_groups = None, None
        if fields is not None and groups is not None:
            terms, row_groups = shared_terms(fields, groups)
            documents = LexicalIndex.from_tokens(terms)
        paragraph_vectors, sentence_vectors = VectorIndex.build(vectors[: len(texts)]), VectorIndex.build(vectors[len(texts) :])
        parts = _Parts(
            paragraph_vectors=paragraph_vectors,
            sentence_vectors=sentence_vectors,
            spans=spans,
            extents=extents,
            entities=entities,
            paragraphs=LexicalIndex.from_tokens(words if fields is None else [w + tokenize(f) for w, f in zip(words, fields)]),
            phrases=LexicalIndex.from_tokens([word_pairs(w) for w in words]),
            sentences=LexicalIndex.from_tokens(_sentence_words(texts, words, sentence_texts)),
            documents=documents,
            row_groups=row_groups,
            probes=ProbeNeighbours.measure(paragraph_vectors, sentence_vectors, probe_vectors),
        )
        return cls(encoder, parts)

    def save(self, folder: Path) -> list[str]:
        """Write plain files (FAISS indexes, npy, bm25s' npy/json, a settings json); returns their names."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self._p.paragraph_vectors.save(folder / _PARAGRAPH_VECTORS)
        self._p.sentence_vectors.save(folder / _SENTENCE_VECTORS)
        np.save(folder / _SENTENCE_SPANS, self._p.spans, allow_pickle=False)
        np.save(folder / _SENTENCE_EXTENTS, self._p.extents, allow_pickle=False)
        entities = [[list(pair) for pair in found] for found in self._p.entities]
        (folder / _SENTENCE_ENTITIES).write_text(json.dumps(entities, ensure_ascii=False), encoding="utf-8")
        names = [_PARAGRAPH_VECTORS, _SENTENCE_VECTORS, _SENTENCE_SPANS, _SENTENCE_EXTENTS, _SENTENCE_ENTITIES, _SETTINGS]
        if self._p.row_groups is not None:
            np.save(folder / _ROW_GROUPS, self._p.row_groups, allow_pickle=False)
            names.append(_ROW_GROUPS)
        if self._p.probes is not None:
            self._p.probes.save(folder / _PROBE_NEIGHBOURS)
            names.append(_PROBE_NEIGHBOURS)
        (folder / _SETTINGS).write_text(json.dumps(self.settings, indent=2), encoding="utf-8")
        for part, sub in _BM25.items():
            lexical = getattr(self._p, part)
            if lexical is not None:
                names += [f"{sub}/{name}" for name in lexical.save(folder / sub)]
        return names

    @classmethod
    def load(cls, folder: Path, encoder: TextEncoder) -> HybridIndex:
        """Read an index written by :meth:`save`.

        Raises:
            ValueError: If the files disagree with each other or with the encoder's dimension.
            DamagedIndexError: If a vector index file is unreadable or of the wrong size.
        """
        folder = Path(folder)
        settings = json.loads((folder / _SETTINGS).read_text(encoding="utf-8"))
        dimension = int(settings["dimension"])
        wanted = int(getattr(encoder, "dimension", dimension))
        if wanted != dimension:
            raise ValueError(f"The index has {dimension} dimensions, the encoder {wanted}: rebuild the index.")
        has_documents = int(settings.get("documents", 0)) > 0
        with paused_gc():  # sentence entities and answer types: tens of thousands of records (qa.gc_pause)
            parts = _Parts(
                paragraph_vectors=VectorIndex.load(
                    folder / _PARAGRAPH_VECTORS, dimension=dimension, count=int(settings["paragraphs"])
                ),
                sentence_vectors=VectorIndex.load(
                    folder / _SENTENCE_VECTORS, dimension=dimension, count=int(settings["sentences"])
                ),
                spans=np.load(folder / _SENTENCE_SPANS, allow_pickle=False),
                extents=np.load(folder / _SENTENCE_EXTENTS, allow_pickle=False),
                entities=_read_entities(folder / _SENTENCE_ENTITIES),
                paragraphs=LexicalIndex.load(folder / _BM25["paragraphs"]),
                sentences=LexicalIndex.load(folder / _BM25["sentences"]),
                documents=LexicalIndex.load(folder / _BM25["documents"]) if has_documents else None,
                phrases=LexicalIndex.load(folder / _BM25["phrases"]) if settings.get("phrases") else None,
                row_groups=np.load(folder / _ROW_GROUPS, allow_pickle=False) if has_documents else None,
                probes=ProbeNeighbours.load(folder / _PROBE_NEIGHBOURS) if settings.get("probes") else None,
            )
            parts.check()
            # The weights the settings record are the builder's; they weigh evidence at question
            # time and change no file, so a search uses this code's (an index built before a weight
            # changed ranks as a new one would, and a weight renamed since cannot break the load).
            return cls(encoder, parts)

    # ----- search ---------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        k: int,
        allowed: np.ndarray | None = None,
        text: Callable[[int], str] | None = None,
        preamble: np.ndarray | None = None,
        ignore: frozenset[str] = frozenset(),
        other_language: np.ndarray | None = None,
        places: Callable[[int], Sequence[Hashable]] | None = None,
        topical_title: np.ndarray | None = None,
    ) -> list[Ranked]:
        """The best ``k`` paragraphs for a query, best first.

        Args:
            query: The question.
            k: How many paragraphs at most.
            allowed: Optional bool mask over rows, or a :class:`Narrowed` (:meth:`narrowed`) for a
                filter searched again and again; only rows it allows are ranked.
            text: A paragraph's text by row. With it, each hit's highlighted sentence gets a
                second look (qa.search.fusion.second_look).
            preamble: Optional mask over rows (bool or 0/1): the preambular paragraphs, which rank a
                little lower (:attr:`Weights.preamble`).
            ignore: Index terms the word matching leaves out (the words that named a filter:
                qa.answers.narrowing.filter_words); the question's vector keeps them.
            other_language: Optional mask over rows (bool or 0/1): paragraphs in another language
                than the question's, which rank lower (:attr:`Weights.other_language`).
            places: Optional: a row's place first, then the places that repeat its words. A row
                whose place a better row's places hold is left out (shown once, by the caller).
            topical_title: Optional bool mask over rows: paragraphs of declarations titled by their
                subject, not by a meeting (a resolution: "Protection of migrants"), which get no
                declaration-match evidence (:attr:`Weights.document`): the question's words in such
                a title are its topic, which the paragraph's own words already measure.
        """
        ev = self.evidence(query, k=k, allowed=allowed, preamble=preamble, ignore=ignore, other_language=other_language,
                           topical_title=topical_title)
        if ev is None:
            return []
        return self.rank(ev, k=k, text=text, places=places)

    def evidence(
        self,
        query: str,
        *,
        k: int = 1,
        allowed: np.ndarray | None = None,
        vector: np.ndarray | None = None,
        preamble: np.ndarray | None = None,
        ignore: frozenset[str] = frozenset(),
        other_language: np.ndarray | None = None,
        topical_title: np.ndarray | None = None,
    ) -> Evidence | None:
        """Gather candidates and their raw evidence (None when no row is allowed).

        ``vector`` is a precomputed query embedding (the benchmark passes it). Without it the
        question is embedded while its words are matched (on a side thread, from SIDE_WORK_FROM
        vectors).
        """
        narrowed = allowed if isinstance(allowed, Narrowed) else None
        allowed = narrowed.rows if narrowed is not None else allowed
        if narrowed is not None and narrowed.owner is not self._scans:
            narrowed = None  # another index's sentences are not this one's: its rows, as a mask
        rows = np.arange(self.size) if allowed is None else np.flatnonzero(allowed)
        if len(rows) == 0 or k <= 0:
            return None
        count = max(self.weights.candidates, k)
        asked = tokenize(query)
        tokens = [t for t in asked if t not in ignore]
        if vector is None:
            matching = self._start(lambda: self._words(tokens, rows, count))
            q = self.encoder.encode([query])[0]
            words = matching.result()
        else:
            q, words = np.asarray(vector, dtype=np.float32), self._words(tokens, rows, count)
        cand = self._candidates(q, words.lexical, rows, allowed, count, narrowed)
        sentences = _ranges(self._first[cand], self._first[cand + 1])
        counts = self._first[cand + 1] - self._first[cand]
        sentence_cos = self._start(lambda: self._p.sentence_vectors.scores(q, sentences), scan=True)
        terms, idf = self._p.sentences.terms_held(tokens, sentences)
        return Evidence(  # the sentence cosines last: this thread's own work is done by then
            rows=cand,
            bm25=words.bm25[cand],
            coverage=words.coverage[cand],
            dense=self._p.paragraph_vectors.scores(q, cand),
            document=_named_document(words.document[cand], topical_title, cand),
            first=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
            sentences=sentences,
            sentence_coverage=words.sentence_coverage[sentences],
            rarest=words.rarest[cand],
            known=self._p.paragraphs.known_share(tokens),
            sentence_terms=terms,
            term_idf=idf,
            term_named=self._named(words.naming, cand),
            sentence_answer=self._entities.answering(AnswerType.of(query), sentences),
            preamble=None if preamble is None else np.asarray(preamble, dtype=np.float32)[cand],
            other_language=None if other_language is None else np.asarray(other_language, dtype=np.float32)[cand],
            phrase=self._phrase(asked, cand),
            sentence_cos=sentence_cos.result(),
        )

    def _phrase(self, asked: list[str], cand: np.ndarray) -> np.ndarray | None:
        """(c,) the share of the question's word pairs (qa.text.tokens.word_pairs) each candidate
        holds as neighbours; None for an index built without them or a question of one word.

        Every pair counts, the filter's words included: narrowed to the G20, "g20" alone tells
        no paragraph apart, but "g20 presid" still finds the one on the G20 presidency (leaving
        out such pairs lost that held-out question, alone and in the whole library). Leaving
        out, for a candidate, the pairs that name its own declaration ("joint vision" in "the
        2022 joint vision statement") lost one more declarations question (alone and whole)
        and one held-out question in the whole library.
        """
        pairs = list(dict.fromkeys(word_pairs(asked)))
        if self._p.phrases is None or not pairs:
            return None
        held, _ = self._p.phrases.terms_held(pairs, cand)
        return (held.sum(axis=1) / len(pairs)).astype(np.float32)

    def rank(
        self,
        ev: Evidence,
        *,
        k: int,
        weights: Weights | None = None,
        text: Callable[[int], str] | None = None,
        places: Callable[[int], Sequence[Hashable]] | None = None,
    ) -> list[Ranked]:
        """Rank gathered evidence (see :meth:`evidence`); ``weights`` overrides the instance's.

        With ``text`` (a paragraph's text by row), each hit's sentence is chosen by
        qa.search.fusion.second_look, which needs the sentences' words; without it, by
        qa.search.fusion.highlight. With ``places`` (see :meth:`search`), repeats are left out
        before their sentences are chosen.
        """
        w = weights or self.weights
        score = fuse(ev, w)
        order = np.lexsort((ev.rows, -score))  # ties: lower row first, so results are stable
        order = order[:k] if places is None else _once_each(order, ev.rows, places, k)
        best_cos = np.maximum(ev.dense, segment_max(ev.sentence_cos, ev.first))
        spans, extents = self._p.spans, self._p.extents

        def whole(sentence: int) -> str:
            start, end = extents[sentence]
            return text(int(spans[sentence, 0]))[start:end]

        def sentence(i: int) -> int:
            return second_look(ev, i, w, whole=whole) if text is not None else highlight(ev, i, w)

        return [
            Ranked(
                row=int(ev.rows[i]),
                score=float(score[i]),
                sentence=tuple(int(x) for x in extents[sentence(int(i))]),
                cosine=float(best_cos[i]),
                lexical=float(ev.bm25[i]),
                coverage=float(ev.coverage[i]) * ev.known,
                rarity=float(ev.rarest[i]),
            )
            for i in order
        ]

    def _words(self, tokens: list[str], rows: np.ndarray, count: int) -> _Words:
        """The word evidence of every row, and the top ``count`` of ``rows`` by BM25 (those with a score)."""
        paragraphs = self._p.paragraphs
        bm25 = paragraphs.scores(tokens)
        lexical = rows[bm25[rows] > 0]
        if len(lexical) > count:
            lexical = lexical[np.argpartition(-bm25[lexical], count - 1)[:count]]
        return _Words(
            bm25=bm25,
            lexical=lexical,
            coverage=paragraphs.coverage(tokens),
            rarest=paragraphs.rarest(tokens),
            document=self._document_match(tokens),
            sentence_coverage=self._p.sentences.coverage(tokens),
            naming=self._naming(tokens),
        )

    def _candidates(
        self, q: np.ndarray, lexical: np.ndarray, rows: np.ndarray, allowed, count: int, narrowed: Narrowed | None
    ) -> np.ndarray:
        """Union of the top ``count`` allowed rows by BM25 (``lexical``), paragraph vector and sentence vector."""
        if len(rows) <= count:
            return rows
        if narrowed is not None:
            sentence_allowed = narrowed.sentences
            by_paragraph, by_sentence = self._scans.of(narrowed)
        else:
            sentence_allowed = None if allowed is None else np.asarray(allowed, dtype=bool)[self._p.spans[:, 0]]
            by_paragraph = by_sentence = None
        sentences = self._start(
            lambda: (by_sentence.search(q, count) if by_sentence is not None
                     else self._p.sentence_vectors.search(q, count, allowed=sentence_allowed))[1],
            scan=True,
        )
        if by_paragraph is not None:
            _, dense = by_paragraph.search(q, count)
        else:
            _, dense = self._p.paragraph_vectors.search(q, count, allowed=allowed)
        return np.unique(np.concatenate([lexical, dense[0], self._p.spans[sentences.result()[0], 0]]))

    def narrowed(self, allowed: np.ndarray) -> Narrowed:
        """A filter's rows (a bool mask over rows), ready to pass as ``allowed`` again and again
        (qa.search.filter_scans).

        Raises:
            ValueError: If ``allowed`` is not one bool per row.
        """
        return self._scans.narrowed(allowed)

    def entity_names(self, labels: frozenset[str]) -> frozenset[tuple[str, str]]:
        """(label, case-folded text) of the sentences' named entities with one of ``labels``
        ("PERSON", "GPE"): who and which places the library's texts name (where a paragraph holds
        two whole sentences or more: qa.search.retrieval._tag_where_chosen)."""
        return frozenset((label, " ".join(name.casefold().split())) for found in self._p.entities
                         for label, name in found if label in labels)

    def best_cosine(self, text: str, row: int) -> float:
        """The cosine of ``text`` to one row: the higher of its paragraph's and its best sentence's
        (as :attr:`Ranked.cosine` is for the question). Embeds ``text``.

        Raises:
            InvalidOptionError: For a row outside the index.
        """
        if not 0 <= row < self.size:
            raise InvalidOptionError(f"row must lie in 0..{self.size - 1}; got {row}.")
        q = np.asarray(self.encoder.encode([text])[0], dtype=np.float32)
        sentences = np.arange(self._first[row], self._first[row + 1])
        best = float(self._p.paragraph_vectors.scores(q, [row])[0])
        return max(best, float(self._p.sentence_vectors.scores(q, sentences).max())) if len(sentences) else best

    def probe_cosines(self, allowed: np.ndarray | Narrowed | None = None) -> np.ndarray | None:
        """Each off-topic probe's best cosine in this index, or among the rows a filter allows
        (qa.search.off_topic.ProbeNeighbours.best); None for an index built before they were measured.

        Raises:
            ValueError: If ``allowed`` is not one bool per row.
        """
        if self._p.probes is None:
            return None
        if allowed is None:
            return self._p.probes.best()
        if not isinstance(allowed, Narrowed) or allowed.owner is not self._scans:
            allowed = self.narrowed(np.asarray(allowed))  # its sentences too
        return self._p.probes.best(allowed.rows, allowed.sentences)

    def retire(self) -> None:
        """This index was replaced: build no more filter scans (qa.search.filter_scans.FilterScans.retire).
        It still searches, each filter as a mask."""
        self._scans.retire()

    def _naming(self, tokens: list[str]) -> np.ndarray:
        """(t, declarations) bool: which declarations' metadata name each of the query's sentence
        words (the columns of ``terms_held``); (t, 0) without declaration metadata."""
        words = self._p.sentences.held_words(tokens)
        documents = self._p.documents
        naming = np.zeros((len(words), 0 if documents is None else documents.size), dtype=bool)
        for j, word in enumerate(words if documents is not None else []):
            naming[j, documents.holding(word)] = True
        return naming

    def _named(self, naming: np.ndarray, cand: np.ndarray) -> np.ndarray:
        """(c, t) bool: which of the query's sentence words name each candidate's own declaration."""
        if naming.shape[1] == 0:
            return np.zeros((len(cand), len(naming)), dtype=bool)
        return naming[:, self._p.row_groups[cand]].T

    def _document_match(self, tokens: list[str]) -> np.ndarray:
        """Per row, BM25 of the question on its declaration's metadata, scaled by the best declaration."""
        if self._p.documents is None:
            return np.zeros(self.size, dtype=np.float32)
        scores = self._p.documents.scores(tokens)
        top = float(scores.max(initial=0.0))
        return (scores / top)[self._p.row_groups] if top > 0 else np.zeros(self.size, dtype=np.float32)


@dataclass(frozen=True)
class _Parts:
    paragraph_vectors: VectorIndex
    sentence_vectors: VectorIndex
    spans: np.ndarray
    extents: np.ndarray
    entities: list[Entities]
    paragraphs: LexicalIndex
    sentences: LexicalIndex
    documents: LexicalIndex | None
    row_groups: np.ndarray | None
    phrases: LexicalIndex | None = None  # each paragraph's word pairs (qa.text.tokens.word_pairs)
    probes: ProbeNeighbours | None = None  # qa.search.off_topic's; None: built before them

    def check(self) -> None:
        n, m = self.paragraph_vectors.count, self.sentence_vectors.count
        problems = []
        if len(self.spans) != m:
            problems.append(f"{m} sentence vectors for {len(self.spans)} sentences")
        if self.extents.shape != (len(self.spans), 2):
            problems.append(f"{len(self.extents)} sentence extents for {len(self.spans)} sentences")
        if len(self.entities) != len(self.spans):
            problems.append(f"{len(self.entities)} sentences' entities for {len(self.spans)} sentences")
        if self.paragraphs.size != n or self.sentences.size != m or (self.phrases is not None and self.phrases.size != n):
            problems.append("the BM25 indexes do not match the vectors")
        if self.row_groups is not None and (len(self.row_groups) != n or self.documents is None
                                            or self.row_groups.max(initial=0) >= self.documents.size):
            problems.append("the declaration of each row does not match the declarations")
        if self.probes is not None and (self.probes.paragraph_ids.max(initial=-1) >= n
                                        or self.probes.sentence_ids.max(initial=-1) >= m):
            problems.append("the probes' neighbours are not rows of these vectors")
        if problems:
            raise ValueError("Inconsistent index: " + "; ".join(problems) + ". Rebuild the index.")


def _sentence_words(texts: list[str], words: list[list[str]], sentence_texts: list[str]) -> list[list[str]]:
    """Each sentence's words (:func:`tokenize`), taken from its paragraph's when the sentence is
    the whole paragraph: 15,421 of the 16,962 paragraphs of ../shared are one sentence."""
    known = dict(zip(texts, words))
    return [known[text] if text in known else tokenize(text) for text in sentence_texts]


def _once_each(order: np.ndarray, rows: np.ndarray, places: Callable[[int], Sequence[Hashable]], k: int) -> list[int]:
    """The first ``k`` of ``order`` whose row's place no earlier kept row's places hold."""
    kept: list[int] = []
    seen: set[Hashable] = set()
    for i in order:
        covered = places(int(rows[i]))
        if covered[0] in seen:
            continue
        seen.update(covered)
        kept.append(int(i))
        if len(kept) == k:
            break
    return kept


def _read_entities(path: Path) -> list[Entities]:
    """The entities :meth:`HybridIndex.save` wrote: one list of (label, text) per sentence.

    Raises:
        ValueError: If the file is not that shape.
    """
    data = orjson.loads(path.read_bytes())  # 0.02 s where json took 0.05 s for 30,763 sentences
    try:
        # Pairs made and checked by C-level passes (map, chain, set): 0.05-0.06 s -> 0.03 s for
        # ../shared's 31,025 entities, where unpacking each pair in Python made and checked them.
        entities = [list(map(tuple, found)) for found in data]
        pairs = list(chain.from_iterable(entities))
        if set(map(len, pairs)) <= {2} and set(map(type, chain.from_iterable(pairs))) <= {str}:
            return entities
    except (TypeError, ValueError):
        pass
    raise ValueError(f"{path.name} is not a list of [label, text] pairs per sentence: rebuild the index.")


def _spans(texts: list[str], split: Callable[[str], list[tuple[int, int]]]) -> np.ndarray:
    """(sentences, 3) array of row, start, end; every paragraph gets at least one sentence."""
    rows = []
    for row, text in enumerate(texts):
        spans = split(text) or [(0, len(text))]
        rows.extend((row, start, end) for start, end in spans)
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def _extents(texts: list[str], spans: np.ndarray) -> np.ndarray:
    """(sentences, 2) array of start, end: the whole sentence each span is part of."""
    first = np.concatenate([[0], np.cumsum(np.bincount(spans[:, 0], minlength=len(texts)))])
    extents: list[tuple[int, int]] = []
    for row, text in enumerate(texts):
        pieces = [(int(s), int(e)) for _, s, e in spans[first[row] : first[row + 1]]]
        extents += sentence_extents(text, pieces)
    return np.array(extents, dtype=np.int64).reshape(-1, 2)


def _named_document(document: np.ndarray, topical_title: np.ndarray | None, cand: np.ndarray) -> np.ndarray:
    """The declaration-match evidence of the candidates, none for those titled by their subject
    (``topical_title``, :meth:`HybridIndex.search`). In the whole ../shared library the General
    Assembly's "Protection of migrants" took 0.3 of it for "xenophobia against migrants in the
    Americas" on every paragraph, and one of them came before the Los Angeles Declaration's answer."""
    if topical_title is None:
        return document
    return np.where(np.asarray(topical_title, dtype=bool)[cand], np.float32(0), document).astype(np.float32)


def _tag_where_chosen(texts: list[str], spans: np.ndarray, extents: np.ndarray, tagger: EntityTagger) -> list[Entities]:
    """Each sentence's entities: those of its whole sentence where its paragraph holds two whole
    sentences or more, else none.

    Entities serve only to choose which sentence of a paragraph to highlight (the question's
    answer type, qa.search.fusion.highlight_scores and pair_features). Every piece of a paragraph
    made of one whole sentence has that sentence's entities, which add the same to each piece's
    score and tell no two apart, so tagging them changes no answer. Over the whole ../shared
    library 15,421 of 16,962 paragraphs are one whole sentence: 5,543 whole sentences are tagged
    instead of 20,964.
    """
    rows = spans[:, 0]
    starts = np.ones(len(spans), dtype=bool)  # where a new whole sentence begins
    starts[1:] = (rows[1:] != rows[:-1]) | (extents[1:, 0] != extents[:-1, 0])
    wholes = np.bincount(rows, weights=starts, minlength=len(texts))
    chosen = np.flatnonzero(wholes[rows] > 1)
    found = tagger.tag([texts[rows[i]][extents[i, 0] : extents[i, 1]] for i in chosen])
    entities: list[Entities] = [[] for _ in range(len(spans))]
    for i, tagged in zip(chosen, found):
        entities[i] = tagged
    return entities


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenation of ``range(starts[i], ends[i])`` for each i, vectorised."""
    lengths = ends - starts
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return (np.arange(int(lengths.sum())) + offsets).astype(np.int64)
