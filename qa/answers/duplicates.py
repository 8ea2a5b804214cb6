"""One paragraph, one hit: an answer shows words found in several places once, citing the others.

Which paragraphs repeat is found at index time (qa.index.duplicates). The hit kept is the
first ranked; the others become its ``also`` ("also published as ..."). Where the first ranked
is one copy of a declaration published twice (twins) and the other copy holds the very same
words with a fuller citation (a place, printed paragraph numbers), that copy is quoted and the
first cited as ``also`` (:func:`fuller_copy`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from qa.answers.records import Hit, make_hit
from qa.documents import Declaration
from qa.index.duplicates import Duplicates, word_spans


def merge_hits(hits: list[Hit], duplicates: Duplicates, *, cite: Callable[[str, str], str],
               copy: Callable[[Hit], Hit] | None = None) -> list[Hit]:
    """Hits with each repeated paragraph shown once, at its best rank, with ``also`` citing the others.

    Args:
        hits: Hit records, best first.
        duplicates: The library's duplicates.
        cite: The citation of (doc_id, paragraph number).
        copy: The hit to show for a kept one (:func:`fuller_copy`); None shows it as ranked.
    """
    kept, seen = [], set()
    for hit in hits:
        place = (hit.doc_id, hit.paragraph)
        if place in seen:
            continue
        shown = hit if copy is None else copy(hit)
        others = duplicates.others(shown.doc_id, shown.paragraph)
        seen.update([place, (shown.doc_id, shown.paragraph), *others])
        kept.append(dataclasses.replace(shown, also=tuple(cite(*p) for p in others)) if others else shown)
    return kept


def citation_fullness(decl: Declaration) -> tuple[bool, bool]:
    """How much a declaration's citations say: a place, and printed paragraph numbers."""
    return bool(decl.place), any(p.numbered for p in decl.paragraphs)


def fuller_copy(hit: Hit, duplicates: Duplicates, by_id: Mapping[str, Declaration],
                allowed: Callable[[str], bool]) -> Hit:
    """``hit``, or the same words in its twin's copy (qa.index.duplicates: the same declaration
    from another source) where that copy's citation is fuller (:func:`citation_fullness`) and
    ``allowed`` (the search's filter) keeps it, with the highlight on the same words.

    The G20 Bali declaration is in ../shared/declarations and, from the White House, without its
    place or its paragraph numbers: "G20 Bali Leaders' Declaration, Bali, 16 November 2022, ¶20"
    is quoted, with "also published as … para. 20 (unnumbered)".
    """
    twins = duplicates.twins.get(hit.doc_id)
    if not twins:
        return hit
    own = citation_fullness(by_id[hit.doc_id])
    same = duplicates.repeats.get((hit.doc_id, hit.paragraph), ())
    copies = [(citation_fullness(by_id[doc]), doc, number) for doc, number in same if doc in twins and allowed(doc)]
    better = [c for c in copies if c[0] > own]
    if not better:
        return hit
    _, doc, number = max(better)
    decl = by_id[doc]
    paragraph = next(p for p in decl.paragraphs if p.number == number)
    highlight = same_words_span(hit.text, hit.highlight, paragraph.text)
    return make_hit(decl, paragraph, highlight=highlight, score=hit.score)


def same_words_span(text: str, span: tuple[int, int], other: str) -> tuple[int, int]:
    """The span of ``other`` holding the words ``span`` holds in ``text``, the two texts having
    the same words (qa.index.duplicates.paragraph_key: case, punctuation and wrapping aside); a
    mark right after the last word ("exporters.") comes with it."""
    words, theirs = word_spans(text), word_spans(other)
    inside = [i for i, (s, e) in enumerate(words) if s >= span[0] and e <= span[1]]
    if not inside or len(theirs) != len(words):
        return 0, len(other)
    start, end = theirs[inside[0]][0], theirs[inside[-1]][1]
    while end < len(other) and not other[end].isspace() and not other[end].isalnum():
        end += 1
    return start, end
