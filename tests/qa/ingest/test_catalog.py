"""Tests for qa/ingest/catalog.py and the bundled corpus/catalog.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.ingest.catalog import Catalog, CatalogEntry, CatalogError, load_catalog

SHARED_CATALOG = Path(__file__).resolve().parents[3] / "eval" / "shared-declarations.catalog.toml"

CORPUS = Path(__file__).resolve().parents[3] / "corpus"


def test_bundled_catalog_covers_every_declaration():
    catalog = load_catalog(CORPUS / "catalog.toml")
    stems = {p.stem for p in CORPUS.glob("*.txt")}
    assert set(catalog.entries) == stems
    for doc_id in stems:
        entry = catalog.get(doc_id)
        assert entry.title and entry.date and entry.place and entry.issuer, doc_id


def test_the_sources_the_bundled_catalog_cites_are_beside_it():
    import re

    cited = re.findall(r"\b([A-Z]+\.md)\b", (CORPUS / "catalog.toml").read_text(encoding="utf-8"))
    assert cited and [name for name in cited if not (CORPUS / name).is_file()] == []
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    assert all(f"{p.name} |" in sources for p in CORPUS.glob("*.txt"))  # one row per bundled declaration


def test_bundled_catalog_values():
    catalog = load_catalog(CORPUS / "catalog.toml")
    assert catalog.get("nato-chicago-summit-2012") == CatalogEntry(
        title="Chicago Summit Declaration", date="2012-05-20", place="Chicago",
        issuer="NATO",
    )
    known = load_catalog(SHARED_CATALOG)  # G20 Bali is in ../shared/declarations, its metadata in eval/
    assert known.get("g20-2022-bali").date == "2022-11-15"  # first day of 15-16 Nov


def test_missing_file_is_empty_catalog(tmp_path):
    assert load_catalog(tmp_path / "catalog.toml") == Catalog()
    assert Catalog().get("anything") == CatalogEntry()


def test_partial_entry(tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_text('[doc]\ntitle = "A Title"\n', encoding="utf-8")
    assert load_catalog(path).get("doc") == CatalogEntry(title="A Title")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[doc\n", "not valid TOML"),
        ('[doc]\ntitel = "x"\n', "unknown key 'titel'. Allowed keys: title, date, place, issuer"),
        ("[doc]\ndate = 2012-05-20\n", "must be a string"),
        ('[doc]\ndate = "20 May 2012"\n', "not an ISO 8601 date"),
        ('doc = "x"\n', "must be a table"),
    ],
)
def test_bad_catalog_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "catalog.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError, match=message.replace("(", r"\(")):
        load_catalog(path)
