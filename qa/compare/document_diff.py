"""Two declarations paragraph by paragraph: matched (with word differences), added, removed, moved.

A resolution against last year's resolution of the same title, or a draft against what was
adopted. Paragraphs are paired by their words (difflib's ratio over lower-cased words), each
paragraph of the newer text with the most similar unpaired one of the older, best pairs first;
a pair whose order disagrees with the longest run of pairs in the same order is "moved".

Example:
    >>> result = diff_declarations(old, new)
    >>> [(p.status, p.old and p.old.number, p.new and p.new.number) for p in result.pairs][:3]
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from qa.compare.wording_diff import WordingDiff, compare, matcher
from qa.compare.words import words
from qa.documents import Declaration, Paragraph

#: Paragraphs at least this similar (difflib ratio over words) are the same paragraph edited.
#: Below it a re-adopted UN paragraph is usually a different paragraph on the same subject.
MIN_SIMILARITY = 0.5


@dataclass(frozen=True)
class ParagraphPair:
    """One row of a document comparison.

    Attributes:
        status: "same" (identical words), "changed", "moved" (paired, out of order; may also
            be changed), "added" (only in the newer) or "removed" (only in the older).
        old: The older declaration's paragraph, or None when added.
        new: The newer declaration's paragraph, or None when removed.
        diff: Word differences for paired paragraphs (old -> new), else None.
    """

    status: str
    old: Paragraph | None
    new: Paragraph | None
    diff: WordingDiff | None = None


@dataclass(frozen=True)
class DocumentDiff:
    """Every paragraph of both declarations, in the newer one's order (removed ones where they stood)."""

    old_id: str
    new_id: str
    pairs: tuple[ParagraphPair, ...]

    def count(self, status: str) -> int:
        return sum(1 for p in self.pairs if p.status == status)


def _pairs(old: tuple[Paragraph, ...], new: tuple[Paragraph, ...]) -> dict[int, tuple[int, float]]:
    """new index -> (old index, similarity), greedily from the most similar pair down."""
    old_words = [words(p.text) for p in old]
    new_words = [words(p.text) for p in new]
    old_sets = [set(w.keys) for w in old_words]
    scored = []
    for j, nw in enumerate(new_words):
        nset = set(nw.keys)
        for i, ow in enumerate(old_words):
            # A cheap upper bound first: ratio <= 2·|shared words| / (len + len).
            bound = 2 * len(nset & old_sets[i]) / max(1, len(nw) + len(ow))
            if bound >= MIN_SIMILARITY:
                ratio = matcher(ow, nw).ratio() if (ow.keys or nw.keys) else 1.0
                if ratio >= MIN_SIMILARITY:
                    scored.append((ratio, j, i))
    paired: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for ratio, j, i in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
        if j not in paired and i not in used:
            paired[j] = (i, ratio)
            used.add(i)
    return paired


def _in_order(sequence: list[int]) -> set[int]:
    """Positions of one longest increasing subsequence of ``sequence``."""
    tails, tail_at, parent = [], [], [-1] * len(sequence)
    for pos, value in enumerate(sequence):
        at = bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
            tail_at.append(pos)
        else:
            tails[at], tail_at[at] = value, pos
        parent[pos] = tail_at[at - 1] if at else -1
    keep, pos = set(), tail_at[-1] if tail_at else -1
    while pos != -1:
        keep.add(pos)
        pos = parent[pos]
    return keep


def diff_declarations(old: Declaration, new: Declaration) -> DocumentDiff:
    """Compare ``old`` with ``new`` paragraph by paragraph."""
    paired = _pairs(old.paragraphs, new.paragraphs)
    order = sorted(paired)  # new indexes with a partner
    steady = {order[p] for p in _in_order([paired[j][0] for j in order])}
    rows: list[ParagraphPair] = []
    pending_removed = [i for i in range(len(old.paragraphs)) if i not in {v[0] for v in paired.values()}]
    for j, par in enumerate(new.paragraphs):
        if j not in paired:
            rows.append(ParagraphPair("added", None, par))
            continue
        i, _ = paired[j]
        while pending_removed and pending_removed[0] < i and j in steady:
            rows.append(ParagraphPair("removed", old.paragraphs[pending_removed.pop(0)], None))
        diff = compare(old.paragraphs[i].text, par.text)
        status = "moved" if j not in steady else ("same" if not diff.changes else "changed")
        rows.append(ParagraphPair(status, old.paragraphs[i], par, diff))
    rows += [ParagraphPair("removed", old.paragraphs[i], None) for i in pending_removed]
    return DocumentDiff(old.doc_id, new.doc_id, tuple(rows))
