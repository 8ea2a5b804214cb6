"""Sentence spans by paragraph text, kept beside the index, so a re-index splits only new text.

pysbd takes a few milliseconds a paragraph: splitting the bundled corpus was 95% of a
re-index after one declaration changed, the embedding cache having spared the model
(docs/performance.md). The cache (qa.text.text_cache) is one file per splitter version (a hash
of qa/text/sentences.py and the pysbd version), so a change to how sentences are split starts
afresh; an entry whose spans do not fit its text is ignored.

Example:
    >>> cache = SentenceCache(Path(".qa-index/sentence-cache"))
    >>> cache.split("We met. We agreed.")
    [(0, 7), (8, 18)]
    >>> cache.save()
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from qa.text import sentences
from qa.text.parallel import map_chunks
from qa.text.sentences import sentence_spans, sentence_spans_of
from qa.text.text_cache import TextCache

Spans = list[tuple[int, int]]

#: Uncached paragraphs from which :meth:`SentenceCache.split_many` splits on every core. pysbd
#: takes about 5 ms a paragraph and a forked worker starts in about 10 ms, so a pool pays from
#: a few dozen paragraphs; the bar is set where a saving (about 1 s) is worth a pool at all.
PARALLEL_FROM = 400
#: Paragraphs per task sent to a worker: small enough that both cores finish together.
CHUNK = 100


@lru_cache(maxsize=1)
def splitter_version() -> str:
    """A short hash of what decides the spans: qa/text/sentences.py and the pysbd version."""
    from importlib import metadata  # a build's alone (package_version in qa.index.build)

    digest = hashlib.sha256(sentences.rules_version().encode())
    digest.update(metadata.version("pysbd").encode())
    return digest.hexdigest()[:16]


class SentenceCache:
    """Sentence spans by text hash, persisted under ``folder``.

    Args:
        folder: The cache folder (created on :meth:`save`).
    """

    def __init__(self, folder: Path) -> None:
        self._cache = TextCache(folder, splitter_version(), fits=_fits)
        self.folder, self.path = self._cache.folder, self._cache.path
        self.split_count = 0  # texts actually split, for reports and tests

    def split(self, text: str) -> Spans:
        """The sentence spans of ``text``: from the cache, or from :func:`sentence_spans`."""
        stored = self._cache.get(text)
        if stored is not None:
            return [(int(s), int(e)) for s, e in stored]
        spans = sentence_spans(text)
        self.split_count += 1
        self._cache.put(text, [list(span) for span in spans])
        return spans

    def split_many(self, texts: list[str]) -> None:
        """Split every text the cache does not hold yet, on every core when they are many
        (qa.text.parallel); :meth:`split` then finds them. The spans are those of :meth:`split`."""
        missing = [text for text in dict.fromkeys(texts) if self._cache.get(text) is None]
        spans = map_chunks(sentence_spans_of, missing, chunk=CHUNK, min_texts=PARALLEL_FROM)
        for text, found in zip(missing, spans):
            self._cache.put(text, [list(span) for span in found])
        self.split_count += len(missing)

    def save(self) -> None:
        """Write the spans of every text split since opening; entries not asked for go."""
        self._cache.save()


def _fits(spans: list, text: str) -> bool:
    """Spans in order, not overlapping, non-empty, inside the text (or none for empty text)."""
    end = 0
    for start, stop in spans:
        if not (isinstance(start, int) and isinstance(stop, int) and end <= start < stop <= len(text)):
            return False
        end = stop
    return bool(spans) or not text
