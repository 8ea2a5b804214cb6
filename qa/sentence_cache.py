"""Sentence spans by paragraph text, kept beside the index, so a re-index splits only new text.

pysbd takes a few milliseconds a paragraph: splitting the bundled corpus was 95% of a
re-index after one declaration changed, the embedding cache having spared the model
(docs/performance.md). The cache is one file per splitter version (a hash of
qa/sentences.py and the pysbd version), so a change to how sentences are split starts
afresh. Its first line is the sha256 of the JSON below it; a file that fails the check,
or an entry whose spans do not fit its text, is ignored: a damaged cache costs time,
never a wrong sentence.

Example:
    >>> cache = SentenceCache(Path(".qa-index/sentence-cache"))
    >>> cache.split("We met. We agreed.")
    [(0, 7), (8, 18)]
    >>> cache.save()
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from embeddings.cache import text_key
from qa import sentences
from qa.sentences import sentence_spans

Spans = list[tuple[int, int]]


@lru_cache(maxsize=1)
def splitter_version() -> str:
    """A short hash of what decides the spans: qa/sentences.py and the pysbd version."""
    digest = hashlib.sha256(Path(sentences.__file__).read_bytes())
    digest.update(metadata.version("pysbd").encode())
    return digest.hexdigest()[:16]


class SentenceCache:
    """Sentence spans by text hash, persisted under ``folder``.

    Args:
        folder: The cache folder (created on :meth:`save`).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / f"{splitter_version()}.json"
        self._known = self._load()
        self._used: dict[str, Spans] = {}
        self.split_count = 0  # texts actually split, for reports and tests

    def _load(self) -> dict[str, Spans]:
        try:
            header, _, body = self.path.read_bytes().partition(b"\n")
            if header.decode("ascii") != f"sha256={hashlib.sha256(body).hexdigest()}":
                return {}
            data = json.loads(body)
            return {key: [(int(s), int(e)) for s, e in spans] for key, spans in data.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            return {}

    def split(self, text: str) -> Spans:
        """The sentence spans of ``text``: from the cache, or from :func:`sentence_spans`."""
        key = text_key(text)
        spans = self._known.get(key)
        if spans is None or not _fits(spans, text):
            spans = sentence_spans(text)
            self.split_count += 1
        self._used[key] = spans
        return spans

    def save(self) -> None:
        """Write the spans of every text split since opening; entries not asked for go."""
        if self._used == self._known:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        body = json.dumps({key: self._used[key] for key in sorted(self._used)}, separators=(",", ":")).encode()
        tmp = self.folder / f".{uuid.uuid4().hex}.tmp"
        tmp.write_bytes(f"sha256={hashlib.sha256(body).hexdigest()}\n".encode() + body)
        os.replace(tmp, self.path)
        for old in self.folder.glob("*.json"):  # other splitter versions
            if old != self.path:
                old.unlink(missing_ok=True)
        self._known = dict(self._used)


def _fits(spans: Spans, text: str) -> bool:
    """Spans in order, not overlapping, non-empty, inside the text (or none for empty text)."""
    end = 0
    for start, stop in spans:
        if not end <= start < stop <= len(text):
            return False
        end = stop
    return bool(spans) or not text
