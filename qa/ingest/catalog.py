"""Catalog: corpus/catalog.toml supplies or corrects each declaration's metadata.

One TOML table per doc_id (the file stem), every key optional::

    [nato-chicago-summit-2012]
    title = "Chicago Summit Declaration"
    date = "2012-05-20"          # ISO 8601; for a range of days, the first day
    place = "Chicago"
    issuer = "NATO Heads of State and Government"

Example:
    >>> catalog = load_catalog(Path("corpus/catalog.toml"))
    >>> catalog.get("nato-chicago-summit-2012").date
    '2012-05-20'
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from qa.errors import CatalogError

CATALOG_NAME = "catalog.toml"


@dataclass(frozen=True)
class CatalogEntry:
    """Metadata for one declaration; None means "not given, use the file's own header"."""

    title: str | None = None
    date: str | None = None
    place: str | None = None
    issuer: str | None = None
    kind: str | None = None  # "declaration", "communiqué", ... (qa.ingest.kinds.KINDS)


_KEYS = tuple(f.name for f in fields(CatalogEntry))


@dataclass(frozen=True)
class Catalog:
    """All catalog entries, by doc_id."""

    entries: dict[str, CatalogEntry] = field(default_factory=dict)

    def get(self, doc_id: str) -> CatalogEntry:
        """The entry for ``doc_id``, or an empty entry if the catalog has none."""
        return self.entries.get(doc_id, CatalogEntry())


def load_catalog(path: Path) -> Catalog:
    """Read a catalog file; a missing file is an empty catalog.

    Raises:
        CatalogError: If the file is not valid TOML or an entry has an unknown key,
            a non-string value or a date that is not ISO 8601.
    """
    if not path.is_file():
        return Catalog()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path} is not valid TOML ({exc}). Fix the file or delete it.") from exc
    return Catalog({doc_id: _entry(path, doc_id, table) for doc_id, table in data.items()})


def _entry(path: Path, doc_id: str, table: object) -> CatalogEntry:
    if not isinstance(table, dict):
        raise CatalogError(
            f"{path}: '{doc_id}' must be a table like [{doc_id}] with keys {', '.join(_KEYS)}, "
            f"got {type(table).__name__}."
        )
    for key, value in table.items():
        if key not in _KEYS:
            raise CatalogError(
                f"{path}: [{doc_id}] has unknown key '{key}'. Allowed keys: {', '.join(_KEYS)}."
            )
        if not isinstance(value, str):
            raise CatalogError(f"{path}: [{doc_id}] {key} must be a string, got {value!r}.")
    date = table.get("date")
    if date is not None:
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            raise CatalogError(
                f"{path}: [{doc_id}] date {date!r} is not an ISO 8601 date. Write it as "
                "\"2012-05-20\" (for a range of days, the first day)."
            ) from None
    return CatalogEntry(**table)


#: Catalog files kept apart from the folders they describe (os.pathsep-joined), for a folder
#: one cannot write into (a shared archive, a read-only mount); `qa --catalog FILE` sets it.
CATALOG_ENV = "QA_CATALOG"


def extra_catalogs() -> list[Path]:
    """The catalog files QA_CATALOG names, in order (a later one wins for the same doc_id)."""
    return [Path(part) for part in os.environ.get(CATALOG_ENV, "").split(os.pathsep) if part.strip()]


def folder_catalog(folder: Path) -> Catalog:
    """The catalog for the files of ``folder``: its own catalog.toml over the QA_CATALOG files.

    Raises:
        CatalogError: If a file is malformed, or a QA_CATALOG file does not exist.
    """
    entries: dict[str, CatalogEntry] = {}
    for extra in extra_catalogs():
        if not extra.is_file():
            raise CatalogError(f"The catalog {extra} ({CATALOG_ENV} or --catalog) does not exist; check the path.")
        entries.update(load_catalog(extra).entries)
    entries.update(load_catalog(Path(folder) / CATALOG_NAME).entries)
    return Catalog(entries)
