"""The parsed declarations of a build, as plain JSON, so an unchanged corpus is never parsed again.

A build folder holds ``declarations.json``: every Declaration with its paragraphs, as the
readers made them. Opening an up-to-date library reads this file instead of the corpus.

Example:
    >>> write_declarations(folder / DECLARATIONS, declarations)
    >>> read_declarations(folder / DECLARATIONS) == declarations
    True
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, fields
from pathlib import Path

import orjson

from qa.documents import Declaration, Paragraph
from qa.errors import DamagedIndexError
from qa.gc_pause import paused_gc

DECLARATIONS = "declarations.json"
_DECLARATION_KEYS = {f.name for f in fields(Declaration)}
#: A paragraph's fields in order with their defaults (none is a factory), and those that have none.
_PARAGRAPH_FIELDS = [(f.name, None if f.default is MISSING else f.default) for f in fields(Paragraph)]
_PARAGRAPH_REQUIRED = {f.name for f in fields(Paragraph) if f.default is MISSING}
_PARAGRAPH_NAMES = tuple(name for name, _ in _PARAGRAPH_FIELDS)


def write_declarations(path: Path, declarations: list[Declaration]) -> None:
    """Write the declarations as one JSON list (UTF-8, no pickle)."""
    rows = [asdict(decl) for decl in declarations]
    Path(path).write_text(json.dumps(rows, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def read_declarations(path: Path) -> list[Declaration]:
    """Read what :func:`write_declarations` wrote.

    Raises:
        DamagedIndexError: If the file is missing or not a list of declarations.
    """
    try:
        with paused_gc():  # 17,000 paragraph records at once (qa.gc_pause)
            rows = orjson.loads(Path(path).read_bytes())  # rejects bytes that are not UTF-8 (a ValueError)
            return [_declaration(row) for row in rows]
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DamagedIndexError(
            f"The parsed declarations {path} are missing or damaged ({exc}). Run `qa index --rebuild`."
        ) from exc


def _declaration(row: dict) -> Declaration:
    data = {key: value for key, value in row.items() if key in _DECLARATION_KEYS}
    data["paragraphs"] = tuple(_paragraph(p) for p in row["paragraphs"])
    data["notes"] = tuple(data.get("notes", ()))
    return Declaration(**data)


def _paragraph(row: dict) -> Paragraph:
    """A paragraph as its record would be made from ``row``, without the record's ``__init__``.

    A library of 16,924 paragraphs spent 0.19 s of every open in the frozen records' ``__init__``
    (one guarded attribute write per field); filling the instance's fields at once, as pickle
    does, takes less than half of that. A missing field is still refused, and lists become tuples. A row
    holding every field in order, as written, is taken as it is: 0.20 s -> 0.11 s (the eleventh session).
    """
    if tuple(row) == _PARAGRAPH_NAMES:  # as write_declarations wrote it: every field, in order
        data = row
    else:
        if not _PARAGRAPH_REQUIRED <= row.keys():
            raise KeyError(f"a paragraph lacks {sorted(_PARAGRAPH_REQUIRED - row.keys())}")
        # in field order, as __init__ fills them (and as written)
        data = {name: row.get(name, default) for name, default in _PARAGRAPH_FIELDS}
    # most paragraphs have none of these: an empty list becomes the one empty tuple at once (and
    # anything but a list of them, a null say, is refused as before)
    data["footnotes"] = () if data["footnotes"] == [] else tuple(data["footnotes"])
    data["item_starts"] = () if data["item_starts"] == [] else tuple(data["item_starts"])
    marks = data["footnote_marks"]
    data["footnote_marks"] = () if marks == [] else tuple((int(at), str(label)) for at, label in marks)
    paragraph = object.__new__(Paragraph)
    paragraph.__dict__.update(data)
    return paragraph
