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


def test_a_un_body_is_one_issuer_however_it_is_spelled() -> None:
    decls = [_decl("undrip", "UN General Assembly", "2007-09-13"),
             _decl("a-res-78-1", "United Nations General Assembly", "2023-09-18"),
             _decl("untitled", "", "2023-10-01", "UN General Assembly resolution 78/3"),
             _decl("unesco", "UNESCO", "2023-11-01")]
    for spelling in ("UN General Assembly", "United Nations General Assembly", "u.n. general assembly", "General Assembly"):
        assert [d.doc_id for d in select(decls, issuer=spelling)] == ["undrip", "a-res-78-1", "untitled"], spelling
    assert [d.doc_id for d in select(decls, issuer="UN")] == ["undrip", "untitled"]  # the word as written
    assert [d.doc_id for d in select(decls, issuer="United Nations")] == ["undrip", "a-res-78-1", "untitled"]


def test_a_joint_issuer_is_followed_in_either_order_and_spelling() -> None:
    decls = [_decl("us-japan-2021", "U.S.-Japan", "2021-04-16"), _decl("japan-us-2022", "Japan-U.S.", "2022-05-23"),
             _decl("us-india-2021", "U.S.-India", "2021-09-24"), _decl("japan-2023", "Japan", "2023-01-01")]
    for spelling in ("U.S.-Japan", "Japan-U.S.", "US-Japan", "Japan-United States"):
        assert [d.doc_id for d in select(decls, issuer=spelling)] == ["us-japan-2021", "japan-us-2022"], spelling
    assert [d.doc_id for d in select(decls, issuer="Japan")] == ["us-japan-2021", "japan-us-2022", "japan-2023"]  # a word


def test_years_leave_out_undated() -> None:
    assert [d.doc_id for d in select(DECLS, year_from=2022)] == ["g20-2022", "2022-05-08-g7-leaders-statement"]
    assert [d.doc_id for d in select(DECLS, year_to=2021)] == ["g7-2021"]


def test_bad_filters() -> None:
    with pytest.raises(InvalidOptionError, match="after year_to"):
        select(DECLS, year_from=2024, year_to=2021)
    with pytest.raises(InvalidOptionError, match="issuer must be"):
        select(DECLS, issuer=" ")


def test_an_issuer_no_declaration_is_by_names_the_issuers_there_are() -> None:
    with pytest.raises(InvalidOptionError, match=r"No declaration is by the issuer 'Mars'\. The library's issuers are: "
                                                 r"G20, G7, NATO\."):
        select(DECLS, issuer="Mars")
    assert select(DECLS, issuer="NATO", year_from=2022) == []  # an issuer held, in no year asked: nothing, no error


def test_an_issuer_error_lists_every_issuer_of_a_library_of_a_few_dozen() -> None:
    from qa.search.filters import Filters

    decls = [_decl(f"d{i}", f"Body {i:02d}", "2022-01-01") for i in range(30)]
    with pytest.raises(InvalidOptionError) as raised:
        Filters(issuer=("Mars",)).select(decls)
    assert "Body 29" in str(raised.value) and "in all" not in str(raised.value)
