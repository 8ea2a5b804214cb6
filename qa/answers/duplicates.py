"""One paragraph, one hit: an answer shows words found in several places once, citing the others.

Which paragraphs repeat is found at index time (qa.index.duplicates). The hit kept is the
first ranked; the others become its ``also`` ("also published as ...").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from qa.answers.records import Hit
from qa.index.duplicates import Duplicates


def merge_hits(hits: list[Hit], duplicates: Duplicates, *, cite: Callable[[str, str], str]) -> list[Hit]:
    """Hits with each repeated paragraph shown once, at its best rank, with ``also`` citing the others.

    Args:
        hits: Hit records, best first.
        duplicates: The library's duplicates.
        cite: The citation of (doc_id, paragraph number).
    """
    kept, seen = [], set()
    for hit in hits:
        place = (hit.doc_id, hit.paragraph)
        if place in seen:
            continue
        others = duplicates.others(*place)
        seen.update([place, *others])
        kept.append(dataclasses.replace(hit, also=tuple(cite(*p) for p in others)) if others else hit)
    return kept
