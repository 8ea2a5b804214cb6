"""Tests for qa/web/catalog_view.py: the Declarations tab's table and its filters."""

from __future__ import annotations

import pytest

from qa.documents import Declaration, Paragraph
from qa.errors import InvalidOptionError
from qa.web.catalog_view import ALL, COLUMNS, catalog_rows, issuer_choices


def _decl(doc_id: str, issuer: str, date: str, kind: str, symbol: str = "") -> Declaration:
    pars = tuple(Paragraph(doc_id, str(i), "x") for i in range(1, 4))
    return Declaration(doc_id, f"Title of {doc_id}", date, "", issuer, "", "", pars, symbol=symbol, kind=kind)


DECLS = [_decl("nato-2012", "NATO", "2012-05-20", "declaration"), _decl("g7-2024", "G7", "2024-06-14", "communiqué"),
         _decl("A_RES_78_1", "UN General Assembly", "2023-10-16", "resolution", "A/RES/78/1"),
         _decl("undated", "G7", "", "statement")]


def test_rows_newest_first_with_every_column() -> None:
    rows = catalog_rows(DECLS)
    assert len(COLUMNS) == len(rows[0]) == 7
    assert [r[-1] for r in rows] == ["g7-2024", "A_RES_78_1", "nato-2012", "undated"]
    assert rows[1] == ["Title of A_RES_78_1", "UN General Assembly", "resolution", "2023-10-16", "A/RES/78/1", 3,
                       "A_RES_78_1"]


def test_issuer_and_years_narrow_the_table() -> None:
    assert [r[-1] for r in catalog_rows(DECLS, issuer="G7")] == ["g7-2024", "undated"]
    assert [r[-1] for r in catalog_rows(DECLS, issuer=ALL, year_from=2013, year_to=2023)] == ["A_RES_78_1"]
    assert [r[-1] for r in catalog_rows(DECLS, year_from=2024, year_to=2012)] == ["g7-2024", "A_RES_78_1", "nato-2012"]
    assert issuer_choices(DECLS) == [(ALL, ALL), ("G7", "G7"), ("NATO", "NATO"), ("UN General Assembly", "UN General Assembly")]
    with pytest.raises(InvalidOptionError, match="values are: G7, NATO"):
        catalog_rows(DECLS, issuer="EU")
