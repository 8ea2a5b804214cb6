"""Duplicates: one text from two sources, and paragraphs repeated word for word, shown once.

At index time every paragraph gets a key: a hash of its words, lower-cased, with punctuation,
Markdown escapes and line wrapping removed, so the Carbis Bay communiqué as plain text and as
the White House's Markdown give the same keys. Paragraphs sharing a key are repeats; two
declarations sharing at least :data:`TWIN_SHARE` of the shorter one's paragraphs are the same
declaration published twice (twins). An answer keeps the first hit of each key and lists the
others as "also published as" (qa.answers.duplicates).

Twins do not always cut their paragraphs alike: the White House's G20 Bali declaration breaks
¶10 in two where a page ended (¶10 and ¶10-a). Within a pair of twins, a paragraph left without
a match is linked to the paragraphs of the other copy whose words it holds whole, or which hold
its words (``links``), so the pieces are shown once too.

Example:
    >>> dupes = Duplicates.find(declarations)
    >>> dupes.twins["g7-2021-carbis-bay"]
    ('2021-06-13-carbis-bay-g7-summit-communique',)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qa.documents import Declaration

DUPLICATES = "duplicates.json"
#: Paragraphs shorter than this (in normalised characters) are not keyed: "Recalling its
#: resolutions," or a heading repeats everywhere and says nothing about two sources.
MIN_CHARS = 60
#: Share of the shorter declaration's keyed paragraphs the other must hold to be its twin.
#: Measured on ../shared/declarations + the White House archive (benchmarks/archive.py
#: --only duplicates): the five true twins (Carbis Bay, G20 Bali, two ASEAN-U.S. statements,
#: the Los Angeles declaration) share 0.89-1.00 of their keyed paragraphs; the closest other
#: pair 0.33 (one sentence of two disaster-declaration notices, below _TWIN_AT_LEAST anyway).
TWIN_SHARE = 0.6
#: Fewest shared paragraphs that make twins: one shared preamble paragraph is boilerplate.
_TWIN_AT_LEAST = 2
_WORDS = re.compile(r"\w+")


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where each of a paragraph's words stands in it, as its key reads them (:func:`paragraph_key`):
    two texts with one key have as many, in the same order."""
    return [m.span() for m in _WORDS.finditer(text.casefold().replace("\\", " "))]


def _normalised(text: str) -> str:
    """A paragraph's words, lower-cased, one space apart (punctuation, Markdown escapes and line wrapping gone)."""
    return " ".join(_WORDS.findall(text.casefold().replace("\\", " ")))


def paragraph_key(text: str) -> str | None:
    """The key of a paragraph's words, or None when it is too short to say anything."""
    words = _normalised(text)
    if len(words) < MIN_CHARS:
        return None
    return hashlib.blake2b(words.encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Duplicates:
    """Which paragraphs repeat across declarations, and which declarations are twins."""

    repeats: dict[tuple[str, str], tuple[tuple[str, str], ...]] = field(default_factory=dict)
    twins: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Between twins, paragraphs cut differently: each place to the other copy's places that hold
    #: its words or whose words it holds (not word for word, so apart from ``repeats``).
    links: dict[tuple[str, str], tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @classmethod
    def find(cls, declarations: Sequence[Declaration], *, twin_share: float = TWIN_SHARE) -> Duplicates:
        """Find repeats and twins among the declarations (linear in their paragraphs)."""
        groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
        keyed: dict[str, int] = {}
        for decl in declarations:
            keys = {}
            for par in decl.paragraphs:
                key = paragraph_key(par.text)
                if key is not None and key not in keys:
                    keys[key] = par.number
            keyed[decl.doc_id] = len(keys)
            for key, number in keys.items():
                groups[key].append((decl.doc_id, number))
        repeats: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        shared: dict[tuple[str, str], int] = defaultdict(int)
        for members in groups.values():
            if len(members) < 2:
                continue
            for place in members:
                repeats[place] = tuple(m for m in members if m != place)
            docs = sorted({doc for doc, _ in members})
            for i, a in enumerate(docs):
                for b in docs[i + 1:]:
                    shared[a, b] += 1
        twins: dict[str, list[str]] = defaultdict(list)
        for (a, b), count in shared.items():
            if count >= max(_TWIN_AT_LEAST, twin_share * min(keyed[a], keyed[b])):
                twins[a].append(b)
                twins[b].append(a)
        by_id = {decl.doc_id: decl for decl in declarations}
        links: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for a, others in twins.items():
            for b in others:
                if a < b:
                    for here, there in _cut_differently(by_id[a], by_id[b], repeats):
                        links[here].append(there)
                        links[there].append(here)
        return cls(repeats, {doc: tuple(sorted(others)) for doc, others in twins.items()},
                   {place: tuple(sorted(others)) for place, others in links.items()})

    def others(self, doc_id: str, number: str) -> tuple[tuple[str, str], ...]:
        """The other places (doc_id, paragraph number) holding this paragraph's words, or
        (between twins cut differently) part of them or more."""
        place = (doc_id, number)
        return self.repeats.get(place, ()) + self.links.get(place, ())

    def save(self, path: Path) -> None:
        groups = sorted({tuple(sorted([place, *others])) for place, others in self.repeats.items()})
        pairs = sorted({tuple(sorted([place, other])) for place, others in self.links.items() for other in others})
        data = {"repeats": [[list(p) for p in group] for group in groups],
                "twins": {doc: list(others) for doc, others in sorted(self.twins.items())},
                "links": [[list(p) for p in pair] for pair in pairs]}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def stored(cls, build: Path | None) -> Duplicates | None:
        """The duplicates a build found (None when it has none: find them again)."""
        try:
            return None if build is None else cls.load(build / DUPLICATES)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @classmethod
    def load(cls, path: Path) -> Duplicates:
        """Read what :meth:`save` wrote. Raises ValueError, KeyError or OSError on a bad file."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        repeats = {}
        for group in data["repeats"]:
            places = [(str(doc), str(number)) for doc, number in group]
            for place in places:
                repeats[place] = tuple(p for p in places if p != place)
        links: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for first, second in data.get("links", []):  # a file written before links has none
            a, b = (str(first[0]), str(first[1])), (str(second[0]), str(second[1]))
            links[a].append(b)
            links[b].append(a)
        return cls(repeats, {doc: tuple(others) for doc, others in data["twins"].items()},
                   {place: tuple(sorted(others)) for place, others in links.items()})


def _words(text: str) -> str:
    """A paragraph's words as :func:`paragraph_key` sees them, spaced for whole-word containment."""
    return f" {_normalised(text)} "


def _cut_differently(
    a: Declaration, b: Declaration, repeats: dict[tuple[str, str], tuple[tuple[str, str], ...]]
) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Pairs (place in a, place in b) of paragraphs matched by no key across the twins, where one
    holds the other's words whole (both at least MIN_CHARS long)."""

    def unmatched(decl: Declaration, other: str) -> list[tuple[str, str]]:
        places = []
        for par in decl.paragraphs:
            words = _words(par.text)
            if len(words) - 2 >= MIN_CHARS and not any(doc == other for doc, _ in repeats.get((decl.doc_id, par.number), ())):
                places.append((par.number, words))
        return places

    pairs = []
    theirs = unmatched(b, a.doc_id)  # once, not once per paragraph of a
    for number, words in unmatched(a, b.doc_id):
        for other_number, other_words in theirs:
            if other_words in words or words in other_words:
                pairs.append(((a.doc_id, number), (b.doc_id, other_number)))
    return pairs
