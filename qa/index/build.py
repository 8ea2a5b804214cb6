"""Indexing a read corpus: load the current build when it matches, else build a new one.

What decides "matches": the corpus hash (metadata and every paragraph), the model setting,
and the index format; a build whose files fail their checksums is rebuilt, never read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from embeddings.protocol import TextEncoder
from qa.documents import Declaration, Paragraph
from qa.errors import DamagedIndexError, QAError
from qa.index.declarations_file import DECLARATIONS, write_declarations
from qa.index.duplicates import DUPLICATES, Duplicates
from qa.index.languages_file import LANGUAGES, write_languages
from qa.index.store import FORMAT_VERSION, IndexStore, Manifest, sha256_file
from qa.ingest.reading import CorpusReading, SkippedFile, reader_version
from qa.search.retrieval import HybridIndex
from qa.side_threads import in_background
from qa.text.sentences import rules_version

# Notices go to logging; the CLI (qa.cli) decides how a person sees them.
log = logging.getLogger(__name__)


#: Beside the builds: ONNX exports of the model, one folder per model setting (embeddings.export).
ONNX_CACHE = "onnx-cache"


def package_version() -> str:
    """This package's installed version, as a build's manifest records it."""
    from importlib import metadata  # a build's alone: 0.03 s (email, zipfile, ...) of every `qa ask` imported it

    try:
        return metadata.version("declaration-qa")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@dataclass(frozen=True)
class BuildReport:
    """What opening a library did to its index."""

    built: bool  # False when an up-to-date index was loaded
    reason: str  # why it was (re)built, or "up to date"
    seconds: float
    paragraphs: int
    embedded: int = 0  # texts sent to the model (the rest came from the embedding cache)
    skipped: list[SkippedFile] = field(default_factory=list)
    hashed: int = 0  # corpus files whose bytes were hashed on opening (qa.index.freshness)
    parsed: int = 0  # corpus files read and parsed on opening


def corpus_hash(declarations: list[Declaration]) -> str:
    """A hash of everything an index depends on in the corpus: metadata and paragraphs, and the
    version of the reading code (its build keeps the parsed declarations, every field of them)."""
    digest = hashlib.sha256(reader_version().encode())
    for decl in declarations:
        head = [decl.doc_id, decl.title, decl.date, decl.place, decl.issuer, decl.symbol, decl.kind]
        digest.update(json.dumps(head).encode())
        for par in decl.paragraphs:
            row = [par.number, par.text, par.section, par.numbered, par.truncated]
            digest.update(json.dumps(row).encode())
    return digest.hexdigest()


def metadata_fields(decl: Declaration, par: Paragraph) -> str:
    """Metadata a question may name: issuer, title, place, year and section."""
    year = str(decl.year) if decl.year else ""
    return " ".join(part for part in (decl.issuer, decl.title, decl.place, year, par.section or "") if part)


def load_or_build(
    store: IndexStore, reading: CorpusReading, encoder: TextEncoder, wanted: str, *, rebuild: bool, progress: bool,
    sources: Mapping[str, object] | None = None,
) -> tuple[HybridIndex, BuildReport]:
    """Load the current build if it matches ``wanted`` (the corpus hash), else build one.

    ``sources`` are the corpus files' states (qa.index.freshness) the manifest records; a
    loaded build whose manifest has other file times gets them, so they are not hashed again.
    """
    from embeddings.backend import default_backend

    default_backend()  # a bad QA_EMBED_BACKEND is refused here, not taken below for a damaged index
    count = sum(len(d.paragraphs) for d in reading.declarations)
    states = {name: dict(vars(state)) for name, state in (sources or {}).items()}  # flat records: asdict's deep copy cost 10 ms
    if not rebuild:
        loaded, why = _try_load(store, encoder, wanted)
        if loaded is not None:
            _record_sources(store, states)
            return loaded, BuildReport(False, "up to date", 0.0, count)
    else:
        why = "rebuild requested"
    store.stop_checking_ahead()  # a build comes: its workers need not wait for the old one's hashes
    with store.lock():
        if not rebuild:  # another process may have built it while we waited for the lock
            loaded, _ = _try_load(store, encoder, wanted)
            if loaded is not None:
                return loaded, BuildReport(False, "built by another process", 0.0, count)
        return _build(store, reading, encoder, wanted, reason=why, progress=progress, sources=states)


def _record_sources(store: IndexStore, states: dict[str, dict]) -> None:
    """Give the current build's manifest the files' new times (their bytes are unchanged)."""
    folder = store.current()
    if not states or folder is None:
        return
    manifest = store.read_manifest(folder)
    if manifest.sources != states:
        with store.lock():
            store.rewrite_manifest(folder, dataclasses.replace(manifest, sources=states))


def _try_load(store: IndexStore, encoder: TextEncoder, wanted: str) -> tuple[HybridIndex | None, str]:
    """Load the current build if it matches corpus and model; else None and why not."""
    folder = store.current()
    if folder is None:
        return None, "no index yet"
    try:
        manifest = store.read_manifest(folder)
        if manifest.model != encoder.name:
            return None, f"model changed ({manifest.model} -> {encoder.name})"
        if manifest.corpus_hash != wanted:
            return None, "corpus changed"
        if manifest.format != FORMAT_VERSION:
            return None, "index format changed"
        if manifest.splitter != rules_version():
            return None, "sentence splitting changed"
        query = _query_encoder(store, encoder)
        _warm(query)
        store.verify(folder, manifest)
        return HybridIndex.load(folder, query), "up to date"
    except (DamagedIndexError, OSError, ValueError) as exc:
        log.warning("the index is damaged and will be rebuilt: %s", exc)
        return None, f"damaged index ({exc})"


def _query_encoder(store: IndexStore, encoder):
    """What embeds questions: the model's ONNX export in ``onnx-cache/`` beside the builds (made
    once), unless QA_EMBED_BACKEND=torch or it cannot be made (embeddings.backend), else ``encoder``."""
    from embeddings.backend import backend_encoder

    return backend_encoder(encoder, store.root / ONNX_CACHE)


def _warm(query) -> None:
    """Let the query encoder make ready (an ONNX session: 0.2-0.4 s) on a side thread while the
    index loads, when it has a ``warm`` (embeddings.onnx_encoder.OnnxEncoder.warm). Measured on a
    fresh ``qa ask``: docs/performance.md, "A slower CPU, and opening without waiting"."""
    warm = getattr(query, "warm", None)
    if callable(warm):
        in_background(warm)


def _build_encoder(store: IndexStore, encoder):
    """What embeds a build's paragraphs and sentences: the model's ONNX export in OpenVINO, in
    bfloat16 on a CPU that has it (embeddings.backend)."""
    from embeddings.backend import build_encoder

    return build_encoder(encoder, store.root / ONNX_CACHE)


class _EmbedLater:
    """The build's caching encoder, made when the first texts arrive.

    Sentence splitting and entity tagging run first, in worker processes forked from this one
    (qa.text.parallel). OpenVINO starts native threads when it compiles the model, which
    qa.side_threads.fork_is_safe (it counts Python threads) cannot see and which a forked child
    would inherit half-copied; so the model is compiled after the forks.
    """

    def __init__(self, store: IndexStore, encoder) -> None:
        self._store, self._encoder, self._made = store, encoder, None

    @property
    def caching(self):
        from embeddings.cache import CachingEncoder

        if self._made is None:
            self._made = CachingEncoder(_build_encoder(self._store, self._encoder), self._store.root / "embedding-cache")
        return self._made

    @property
    def name(self) -> str:
        return self.caching.name

    @property
    def dimension(self) -> int:
        return self.caching.dimension

    @property
    def embedded(self) -> int:
        """Texts sent to the model (0 before any)."""
        return 0 if self._made is None else self._made.embedded

    def encode(self, texts: list[str], *, progress: bool = False):
        return self.caching.encode(texts, progress=progress)


def _build(
    store: IndexStore, reading: CorpusReading, encoder: TextEncoder, wanted: str, *, reason: str, progress: bool,
    sources: dict[str, dict],
) -> tuple[HybridIndex, BuildReport]:
    from qa.text.entities import EntityTagger
    from qa.text.sentence_cache import SentenceCache

    started = time.perf_counter()
    store.sweep(keep=store.current())  # half-written builds of crashed processes
    # The ONNX export gives sentence-transformers' vectors (cosine >= 0.9999999), so both share
    # the embedding cache under the model's name; a bfloat16 build keeps its own (embeddings.backend).
    model = _query_encoder(store, encoder)
    caching = _EmbedLater(store, encoder)
    sentences = SentenceCache(store.root / "sentence-cache")
    tagger = EntityTagger(store.root / "entity-cache")
    rows = [(d, p) for d in reading.declarations for p in d.paragraphs]
    if progress:
        log.info("indexing %d paragraphs (%s)…", len(rows), reason)
    sentences.split_many([p.text for _, p in rows])  # on every core when many are new
    index = HybridIndex.build(
        [p.text for _, p in rows], caching, fields=[metadata_fields(d, p) for d, p in rows],
        groups=[d.doc_id for d, _ in rows], split=sentences.split, tagger=tagger,
        progress=progress,
    )
    folder = store.new_build()
    try:
        sentences.save()
        tagger.save()
        names = index.save(folder)
        write_declarations(folder / DECLARATIONS, reading.declarations)
        Duplicates.find(reading.declarations).save(folder / DUPLICATES)
        write_languages(folder / LANGUAGES, reading.declarations)
        names += [DECLARATIONS, DUPLICATES, LANGUAGES]
        manifest = Manifest(
            format=FORMAT_VERSION,
            package_version=package_version(),
            model=encoder.name,
            dimension=int(caching.dimension),
            corpus_hash=wanted,
            paragraphs=len(rows),
            documents={d.doc_id: d.sha256 for d in reading.declarations},
            files={name: sha256_file(folder / name) for name in names},
            settings=dict(index.settings),
            built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            sources=sources,
            reader=reader_version(),
            splitter=rules_version(),
        )
        store.commit(folder, manifest)
    except OSError as exc:
        raise QAError(f"Cannot write the index to {store.root}: {exc}. Choose another folder with QA_INDEX.") from exc
    # Questions go to the query encoder (the float32 ONNX export unless QA_EMBED_BACKEND=torch),
    # uncached: caching them would fill the cache with questions.
    index.encoder = model
    seconds = time.perf_counter() - started
    return index, BuildReport(True, reason, seconds, len(rows), embedded=caching.embedded)
