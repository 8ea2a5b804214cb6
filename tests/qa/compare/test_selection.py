from __future__ import annotations

import pytest

from qa.compare.selection import select
from qa.documents import Declaration
from qa.errors import InvalidOptionError


def _decl(doc_id: str, issuer: str, date: str, title: str = "") -> Declaration:
    return Declaration(doc_id, title or doc_id, date, "", issuer, "", "", ())


DECLS = [
    _decl("g7-2021", "G7", "2021-06-13"), _decl("g20-2022", "G20", "2022-11-15"),
    _decl("2022-05-08-g7-leaders-statement", "", "2022-05-08", "G7 Leaders' Statement"),
    _decl("nato", "NATO", ""),
]


def test_issuer_is_a_whole_word_and_falls_back_to_the_title() -> None:
    assert [d.doc_id for d in select(DECLS, issuer="g7")] == ["g7-2021", "2022-05-08-g7-leaders-statement"]


def test_years_leave_out_undated() -> None:
    assert [d.doc_id for d in select(DECLS, year_from=2022)] == ["g20-2022", "2022-05-08-g7-leaders-statement"]
    assert [d.doc_id for d in select(DECLS, year_to=2021)] == ["g7-2021"]


def test_bad_filters() -> None:
    with pytest.raises(InvalidOptionError, match="after year_to"):
        select(DECLS, year_from=2024, year_to=2021)
    with pytest.raises(InvalidOptionError, match="issuer must be"):
        select(DECLS, issuer=" ")
