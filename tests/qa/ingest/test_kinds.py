"""Tests for qa/ingest/kinds.py: what a document is, from the catalog, its symbol or its title."""

from __future__ import annotations

import pytest

from qa.documents import Declaration
from qa.ingest.catalog import CatalogEntry
from qa.ingest.kinds import classify, kind_of, normalise_kind, symbol_from_stem


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Carbis Bay G7 Summit Communiqué", "communiqué"),
        ("Apulia G7 Leaders' Communique", "communiqué"),
        ("G20 Bali Leaders’ Declaration", "declaration"),
        ("U.S.-Mexico Joint Declaration", "declaration"),
        ("Quad Leaders’ Joint Statement: “The Spirit of the Quad”", "joint statement"),
        ("Joint Statement by President Joe Biden and Taoiseach Micheál Martin", "joint statement"),
        ("Chairman’s Statement of the 27th ASEAN-China Summit", "statement"),
        ("ASEAN-U.S. Special Summit 2022, Joint Vision Statement", "joint statement"),
        ("Readout of a call", ""),
    ],
)
def test_kind_from_the_title(title: str, kind: str) -> None:
    assert kind_of(title) == kind


def test_the_catalog_then_the_symbol_win_over_the_title() -> None:
    assert kind_of("Political declaration of the SDG Summit", symbol="A/RES/78/1") == "resolution"
    assert kind_of("Chicago Summit Declaration", given="Communique") == "communiqué"


def test_classify_reads_a_un_symbol_from_the_stem_and_names_the_organ() -> None:
    assert symbol_from_stem("A_RES_78_1") == "A/RES/78/1" and symbol_from_stem("g7-2021") == ""
    decl = Declaration("A_RES_78_1", "United Nations A/RES/78/1", "2023-10-16", "", "", "", "", (),
                       metadata_origin={"issuer": "missing"})
    done = classify(decl, CatalogEntry())
    assert (done.symbol, done.kind, done.issuer, done.metadata_origin["issuer"]) == (
        "A/RES/78/1", "resolution", "United Nations General Assembly", "symbol")
    assert classify(decl, CatalogEntry(issuer="UNGA")).issuer == ""  # the catalog's issuer is applied by resolve
    printed = Declaration("A_RES_78_1", "T", "2023-10-16", "", "United Nations General Assembly", "", "", (),
                          metadata_origin={"issuer": "header"})
    assert classify(printed, CatalogEntry()).metadata_origin["issuer"] == "header"  # what the document prints wins


def test_a_subsidiary_body_s_resolution_symbol_names_its_kind_and_organ() -> None:
    assert symbol_from_stem("A_HRC_RES_55_1") == "A/HRC/RES/55/1"
    assert symbol_from_stem("S_RES_2720") == "S/RES/2720"
    assert kind_of("Rights of indigenous peoples", symbol="A/HRC/RES/55/1") == "resolution"
    assert kind_of("Report of the Committee", symbol="A/C.3/78/L.5") == ""  # a draft, not a resolution
    decl = Declaration("A_HRC_RES_55_1", "Rights of indigenous peoples", "2024-04-04", "", "", "", "", (),
                       metadata_origin={"issuer": "missing"})
    done = classify(decl, CatalogEntry())
    assert (done.symbol, done.kind, done.issuer) == (
        "A/HRC/RES/55/1", "resolution", "United Nations Human Rights Council")


@pytest.mark.parametrize(
    ("given", "kind"),
    [("Communique", "communiqué"), ("communiqués", "communiqué"), ("Joint  Statements", "joint statement"),
     ("resolutions", "resolution"), ("treaties", "treaties"), ("press", "press")],
)
def test_a_kind_is_spelled_as_kinds_spell_it_plural_or_not(given: str, kind: str) -> None:
    assert normalise_kind(given) == kind
