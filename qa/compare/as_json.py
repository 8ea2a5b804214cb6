"""The comparison records as JSON-ready data: what `qa ... --json` prints and /api/* returns."""

from __future__ import annotations

from dataclasses import asdict

from qa.compare.document_diff import DocumentDiff
from qa.compare.reuse import Precedent
from qa.compare.track import Track
from qa.compare.wording_diff import WordingDiff


def diff_dict(diff: WordingDiff | None) -> dict | None:
    """Changes with offsets into both quotes, plus the added and removed spans and the similarity."""
    if diff is None:
        return None
    return {**asdict(diff), "added": diff.added, "removed": diff.removed, "similarity": round(diff.similarity, 4)}


def track_dict(timeline: Track) -> dict:
    entries = []
    for entry in timeline.entries:
        entries.append({
            "doc_id": entry.doc_id, "title": entry.title, "date": entry.date, "issuer": entry.issuer,
            "silent": entry.silent, "hits": [hit.to_dict() for hit in entry.hits],
            "previous": list(entry.previous) if entry.previous else None, "diff": diff_dict(entry.diff),
        })
    narrowed = None if timeline.narrowed is None else asdict(timeline.narrowed)
    return {"topic": timeline.topic, "narrowed": narrowed, "narrowed_as": timeline.narrowed_as, "entries": entries}


def precedent_dict(precedent: Precedent) -> dict:
    data = asdict(precedent)
    data["diff"] = diff_dict(precedent.diff)
    return data


def document_diff_dict(result: DocumentDiff) -> dict:
    rows = []
    for pair in result.pairs:
        rows.append({
            "status": pair.status,
            "old": None if pair.old is None else {"paragraph": pair.old.number, "text": pair.old.text},
            "new": None if pair.new is None else {"paragraph": pair.new.number, "text": pair.new.text},
            "diff": diff_dict(pair.diff),
        })
    return {"old": result.old_id, "new": result.new_id, "pairs": rows}
