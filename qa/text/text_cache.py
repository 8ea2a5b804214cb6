"""What was computed from a text, kept by the text's hash in one checked JSON file per version.

The sentence splitter and the entity tagger each take milliseconds a paragraph; with this
cache a re-index spends them on new text only. The file is named for the version of what
computed its values, so a change there starts afresh (older versions' files are deleted on
save). Its first line is the sha256 of the JSON below it; a file that fails the check, or
an entry its owner rejects, is ignored: a damaged cache costs time, never a wrong value.

Example:
    >>> cache = TextCache(Path(".qa-index/sentence-cache"), "0123abcd", fits=lambda value, text: True)
    >>> cache.get("We met.") is None
    True
    >>> cache.put("We met.", [[0, 7]])
    >>> cache.save()
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from embeddings.cache import text_key


class TextCache:
    """JSON values by text hash, persisted under ``folder`` as ``<version>.json``.

    Args:
        folder: The cache folder (created on :meth:`save`).
        version: A short name for what computed the values.
        fits: Whether a stored value can be right for its text; a value that cannot is
            ignored as if damaged.
    """

    def __init__(self, folder: Path, version: str, *, fits: Callable[[Any, str], bool]) -> None:
        self.folder = Path(folder)
        self.path = self.folder / f"{version}.json"
        self._fits = fits
        self._known = self._load()
        self._used: dict[str, Any] = {}

    def _load(self) -> dict[str, Any]:
        try:
            header, _, body = self.path.read_bytes().partition(b"\n")
            if header.decode("ascii") != f"sha256={hashlib.sha256(body).hexdigest()}":
                return {}
            data = json.loads(body)
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def get(self, text: str) -> Any | None:
        """The value stored or put for ``text`` (None when there is none that fits); it is kept on save."""
        key = text_key(text)
        value = self._used[key] if key in self._used else self._known.get(key)
        try:
            fits = value is not None and self._fits(value, text)
        except (TypeError, ValueError, IndexError, KeyError):
            fits = False
        if not fits:
            return None
        self._used[key] = value
        return value

    def put(self, text: str, value: Any) -> None:
        """Store a value computed for ``text`` (JSON: lists, numbers, strings)."""
        self._used[text_key(text)] = value

    def save(self) -> None:
        """Write the values of every text asked for or stored since opening; entries not asked for go."""
        if self._used == self._known:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        body = json.dumps({key: self._used[key] for key in sorted(self._used)}, separators=(",", ":")).encode()
        tmp = self.folder / f".{uuid.uuid4().hex}.tmp"
        tmp.write_bytes(f"sha256={hashlib.sha256(body).hexdigest()}\n".encode() + body)
        os.replace(tmp, self.path)
        for old in self.folder.glob("*.json"):  # other versions
            if old != self.path:
                old.unlink(missing_ok=True)
        self._known = dict(self._used)
