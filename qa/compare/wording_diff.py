"""Word-level comparison of two quotes: what was added and removed, as offsets into both.

difflib's SequenceMatcher over lower-cased words, autojunk off. Measured against
diff-match-patch and redlines on the G7 and UN paragraphs (benchmarks/wording_diff.py): difflib
on words never splits a word and marks a changed year or country as one replaced word, where
diff-match-patch works on characters ("202[1->4]") unless its line-mode trick is bent to
words, and redlines returns markup, not offsets, and treats punctuation as part of words.
autojunk is off because it treats any word in over 1 % of a 200+-word paragraph ("the", "of")
as junk and then reports long unchanged stretches as changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from qa.compare.words import Words, words


@dataclass(frozen=True)
class Change:
    """One difference: ``old`` words replaced by ``new`` words (either may be empty).

    Attributes:
        kind: "added" (only new words), "removed" (only old words) or "replaced".
        old: Character offsets (start, end) into the older quote; (n, n) marks where words were added.
        new: Character offsets into the newer quote; (n, n) marks where words were removed.
        old_text: The older quote's words here, verbatim ("" when added).
        new_text: The newer quote's words here, verbatim ("" when removed).
    """

    kind: str
    old: tuple[int, int]
    new: tuple[int, int]
    old_text: str
    new_text: str


@dataclass(frozen=True)
class WordingDiff:
    """How a newer quote differs from an older one, word by word.

    Attributes:
        changes: The differences in reading order.
        kept: Words of the newer quote found unchanged in the older one.
        old_words: Words in the older quote.
        new_words: Words in the newer quote.
    """

    changes: tuple[Change, ...]
    kept: int
    old_words: int
    new_words: int

    @property
    def added(self) -> list[tuple[int, int]]:
        """Spans of the newer quote that are new (added or replacing words)."""
        return [c.new for c in self.changes if c.new[0] < c.new[1]]

    @property
    def removed(self) -> list[tuple[int, int]]:
        """Spans of the older quote that are gone (removed or replaced words)."""
        return [c.old for c in self.changes if c.old[0] < c.old[1]]

    @property
    def similarity(self) -> float:
        """Share of all words kept: 2·kept / (old + new); 1.0 for two empty quotes."""
        total = self.old_words + self.new_words
        return 1.0 if total == 0 else 2 * self.kept / total


def matcher(old: Words, new: Words) -> SequenceMatcher:
    """A SequenceMatcher over two texts' words with autojunk off (see the module docstring)."""
    return SequenceMatcher(None, old.keys, new.keys, autojunk=False)


def compare(old: str, new: str) -> WordingDiff:
    """The word differences between an ``old`` and a ``new`` quote."""
    a, b = words(old), words(new)
    changes, kept = [], 0
    for tag, i1, i2, j1, j2 in matcher(a, b).get_opcodes():
        if tag == "equal":
            kept += i2 - i1
            continue
        kind = {"insert": "added", "delete": "removed"}.get(tag, "replaced")
        old_span, new_span = a.chars(i1, i2), b.chars(j1, j2)
        changes.append(Change(kind, old_span, new_span, old[slice(*old_span)], new[slice(*new_span)]))
    return WordingDiff(tuple(changes), kept, len(a), len(b))
