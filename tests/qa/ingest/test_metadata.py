"""Tests for qa/ingest/metadata.py: dates, header fields, and the catalog > header > guess order."""

from __future__ import annotations

import pytest

from qa.ingest.catalog import CatalogEntry
from qa.ingest.metadata import find_date, find_dates, header_fields, resolve
from qa.ingest.reading import read_declaration


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Issued on 20 May. 2012", "2012-05-20"),
        ("10 OCTOBER 2024", "2024-10-10"),
        ("Bali, Indonesia, 15-16 November 2022", "2022-11-15"),
        ("IN CONGRESS, July 4, 1776", "1776-07-04"),
        ("met on November 16-17, 2023", "2023-11-16"),
        ("on the 4th of July", None),
        ("2019-09-21T10:00:00Z", "2019-09-21"),
        ("31 February 2020", None),
        ("no date here", None),
    ],
)
def test_find_date(text, iso):
    assert find_date(text) == iso


def test_header_fields_nato():
    header = [
        "NATO declaration from Chicago: Press Release",
        "Issued by the Heads of State and Government participating in the meeting of the North "
        "Atlantic Council in Chicago on 20 May 2012",
        "Issued on 20 May. 2012",
    ]
    fields = header_fields(header)
    assert fields["title"] == "NATO declaration from Chicago: Press Release"
    assert (fields["date"], fields["place"]) == ("2012-05-20", "Chicago")
    assert fields["issuer"].startswith("Heads of State and Government")


def test_header_fields_place_line():
    fields = header_fields(["Chairman’s Statement", "Vientiane, Lao PDR", "10 OCTOBER 2024"])
    assert fields == {"title": "Chairman’s Statement", "place": "Vientiane, Lao PDR", "date": "2024-10-10"}


@pytest.mark.parametrize(("header", "fields"), [
    # Labelled lines, as records and exported archives write them.
    (["Title: Tokyo Harbour Declaration", "Date: 5 May 2023", "Location: Tokyo", "Issued by: the Harbour Group",
      "Document symbol: HG/2023/1"],
     {"title": "Tokyo Harbour Declaration", "date": "2023-05-05", "place": "Tokyo", "issuer": "Harbour Group",
      "symbol": "HG/2023/1"}),
    # A press release's lines and a date alone are not the title.
    (["FOR IMMEDIATE RELEASE", "Friday, May 5, 2023", "Joint Statement of the Harbour Ministers"],
     {"title": "Joint Statement of the Harbour Ministers", "date": "2023-05-05"}),
    (["May 5, 2023", "Press Release:", "Harbour Declaration", "Oslo, Norway"],
     {"title": "Harbour Declaration", "date": "2023-05-05", "place": "Oslo, Norway"}),
    # A label wins over what the other lines suggest; an unknown label is an ordinary line.
    (["Joint Statement: Harbours", "Oslo, 4 May 2023", "Place: Bergen"],
     {"title": "Joint Statement: Harbours", "date": "2023-05-04", "place": "Bergen"}),
    (["Title: The Hague Harbour Declaration", "Venue: The Hague"],
     {"title": "The Hague Harbour Declaration", "place": "The Hague"}),
])
def test_header_fields_labelled_lines_and_what_is_not_a_title(header, fields):
    assert header_fields(header) == fields


def test_header_fields_with_the_title_known_read_the_dateline():
    # A Markdown statement titled by its front matter opens with its dateline.
    header = ["September 29, 2021", "Pittsburgh, Pennsylvania", "Section 1. Pittsburgh Statement"]
    assert header_fields(header, titled=True) == {"date": "2021-09-29", "place": "Pittsburgh, Pennsylvania"}


def test_a_labelled_last_header_line_is_no_section(tmp_path):
    path = tmp_path / "harbour.txt"
    path.write_text("Title: Tokyo Harbour Declaration\nDate: 5 May 2023\nPlace: Tokyo\nIssuer: Harbour Group\n\n"
                    "1. We agree to act on ports.\n", encoding="utf-8")
    decl = read_declaration(path)
    assert (decl.title, decl.date, decl.place, decl.issuer, decl.kind) == (
        "Tokyo Harbour Declaration", "2023-05-05", "Tokyo", "Harbour Group", "declaration")
    assert decl.paragraphs[0].section is None


def test_resolve_precedence():
    meta = resolve(
        "some-doc",
        CatalogEntry(title="Official Title"),
        {"title": "Header Title", "date": "2001-01-01"},
        guessed={"date": "1999-09-09", "issuer": "PDF Author"},
        opening_text="We met on 2 March 2000.",
    )
    assert (meta.title, meta.date, meta.place, meta.issuer) == ("Official Title", "2001-01-01", "", "PDF Author")
    assert meta.origin == {"title": "catalog", "date": "header", "place": "missing", "issuer": "guessed"}


def test_resolve_guesses_from_stem_and_opening():
    meta = resolve("g20-2000-bali", CatalogEntry(), {}, opening_text="We met on 2 March 2000.")
    assert (meta.title, meta.date) == ("G20 2000 bali", "2000-03-02")
    assert meta.origin["title"] == meta.origin["date"] == "guessed"


def test_find_dates_in_the_order_they_stand() -> None:
    assert find_dates("Recalling 10 December 1948 and 2015-05-05, we met on May 6, 2015.") == [
        "1948-12-10", "2015-05-05", "2015-05-06"]


def test_an_opening_date_of_another_year_than_the_title_or_file_name_gives_is_cited_not_the_texts() -> None:
    opening = "Recalling the Universal Declaration of Human Rights of 10 December 1948, we met on 5 May 2015."
    meta = resolve("harbour-accord-2015", CatalogEntry(), {"title": "Harbour Accord"}, opening_text=opening)
    assert (meta.date, meta.origin["date"]) == ("2015-05-05", "guessed")
    cited_only = "Recalling the Universal Declaration of Human Rights of 10 December 1948."
    assert resolve("harbour-accord-2015", CatalogEntry(), {}, opening_text=cited_only).date == "2015"
    assert resolve("harbour-accord", CatalogEntry(), {}, opening_text=cited_only).date == "1948-12-10"  # no year to go by
    # a stated date is never second-guessed
    assert resolve("harbour-accord-2015", CatalogEntry(), {"date": "1948-12-10"}, opening_text=cited_only).date == "1948-12-10"


def test_a_title_year_a_text_cites_does_not_hide_the_texts_own_date() -> None:
    opening = "We met on 5 December 2024 to mark the anniversary."
    meta = resolve("budapest", CatalogEntry(), {"title": "Joint Statement on the 30th Anniversary of the 1994 Budapest "
                                                          "Memorandum"}, opening_text=opening)
    assert meta.date == "2024-12-05"
    meta = resolve("sc-res-1701-2006", CatalogEntry(), {"title": "Resolution 1701 (2006)"},
                   opening_text="Adopted by the Security Council at its 5511th meeting, on 11 August 2006")
    assert meta.date == "2006-08-11"
