"""Passages: dicts of doc_id, paragraph and text (an in-memory corpus) become Declarations.

Example:
    >>> declarations_from_passages([{"doc_id": "d", "paragraph": "1", "text": "We met."}])[0].doc_id
    'd'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from qa.documents import Declaration, Paragraph
from qa.errors import InvalidOptionError
from qa.ingest.layout import item_starts


def declarations_from_passages(passages: Iterable[Mapping[str, object]]) -> list[Declaration]:
    """Group passages by doc_id into Declarations (Library.from_passages documents the fields)."""
    grouped: dict[str, list[Paragraph]] = {}
    meta: dict[str, Mapping[str, object]] = {}
    seen: set[tuple[str, str]] = set()
    for i, passage in enumerate(passages):
        if not isinstance(passage, Mapping):
            raise InvalidOptionError(f"Passage {i} is a {type(passage).__name__}; pass dicts.")
        missing = [key for key in ("doc_id", "paragraph", "text") if not passage.get(key)]
        if missing:
            raise InvalidOptionError(
                f"Passage {i} lacks {', '.join(missing)}: each passage needs doc_id, paragraph and text."
            )
        doc_id, number, text = (str(passage[key]) for key in ("doc_id", "paragraph", "text"))
        if not text.strip():
            raise InvalidOptionError(f"Passage {i} ({doc_id} {number}) has an empty text.")
        if (doc_id, number) in seen:
            raise InvalidOptionError(f"Passage {i} repeats {doc_id} paragraph {number!r}.")
        seen.add((doc_id, number))
        meta.setdefault(doc_id, passage)
        section = passage.get("section")
        grouped.setdefault(doc_id, []).append(
            Paragraph(doc_id=doc_id, number=number, text=text, section=str(section) if section else None,
                      item_starts=item_starts(text))
        )
    if not grouped:
        raise InvalidOptionError("No passages given: pass at least one dict with doc_id, paragraph and text.")
    return [
        Declaration(
            doc_id=doc_id,
            title=str(meta[doc_id].get("title") or doc_id),
            date=str(meta[doc_id].get("date") or ""),
            place=str(meta[doc_id].get("place") or ""),
            issuer=str(meta[doc_id].get("issuer") or ""),
            source="",
            sha256="",
            paragraphs=tuple(pars),
        )
        for doc_id, pars in grouped.items()
    ]
