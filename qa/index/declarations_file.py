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
from dataclasses import asdict, fields
from pathlib import Path

from qa.documents import Declaration, Paragraph
from qa.errors import DamagedIndexError

DECLARATIONS = "declarations.json"
_DECLARATION_KEYS = {f.name for f in fields(Declaration)}
_PARAGRAPH_KEYS = {f.name for f in fields(Paragraph)}


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
        rows = json.loads(Path(path).read_text(encoding="utf-8"))
        return [_declaration(row) for row in rows]
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
        raise DamagedIndexError(
            f"The parsed declarations {path} are missing or damaged ({exc}). Run `qa index --rebuild`."
        ) from exc


def _declaration(row: dict) -> Declaration:
    data = {key: value for key, value in row.items() if key in _DECLARATION_KEYS}
    data["paragraphs"] = tuple(_paragraph(p) for p in row["paragraphs"])
    data["notes"] = tuple(data.get("notes", ()))
    return Declaration(**data)


def _paragraph(row: dict) -> Paragraph:
    data = {key: value for key, value in row.items() if key in _PARAGRAPH_KEYS}
    data["footnotes"] = tuple(data.get("footnotes", ()))
    data["item_starts"] = tuple(data.get("item_starts", ()))
    data["footnote_marks"] = tuple((int(at), str(label)) for at, label in data.get("footnote_marks", ()))
    return Paragraph(**data)
