"""qa/ingest/metadata_guesses.py: issuer, place and year from the title, the opening and the file name."""

from __future__ import annotations

import datetime as dt

import pytest

from qa.ingest.catalog import Catalog
from qa.ingest.metadata_guesses import guess_issuer, guess_place, guess_year
from qa.ingest.reading import read_declaration


@pytest.mark.parametrize(("title", "issuer"), [
    ("G20 Bali Leaders’ Declaration", "G20"),
    ("2023 APEC Leaders’ Golden Gate Declaration", "APEC"),
    ("Chairman’s Statement of the 27th ASEAN-China Summit", "ASEAN-China"),
    ("ASEAN-U.S. Special Summit 2022, Joint Vision Statement", "ASEAN-U.S."),
    ("CARBIS BAY G7 SUMMIT COMMUNIQUÉ", "G7"),  # in capitals only "G7" stands out
    ("Joint Statement by the G7 Announcing Further Economic Costs on Russia", "G7"),
    ("Joint Statement from Quad Leaders", "Quad"),
    ("Quad Joint Leaders’ Statement", "Quad"),
    ("U.S.- Japan Joint Leaders’ Statement: “U.S. – JAPAN GLOBAL PARTNERSHIP”", "U.S.-Japan"),
    ("U.S.-EU Trade and Technology Council Inaugural Joint Statement", "U.S.-EU"),
    ("Carbis Bay G7 Summit Communiqué", "G7"),  # a G-number anywhere
    ("Fact Sheet: G7 Summit", "G7"),
    ("The G7 Leaders’ Statement", "G7"),
    ("Statement of the G7 Foreign Ministers", "G7"),
    ("Joint Statement of the ASEAN-Australia Special Summit", "ASEAN-Australia"),
    ("XV BRICS Summit Johannesburg II Declaration", "BRICS"),  # not the Roman numeral
    ("E3 Leaders’ Statement on Iran", "E3"),
])
def test_the_title_names_the_speaker(title: str, issuer: str) -> None:
    assert guess_issuer(title, "") == issuer


@pytest.mark.parametrize("title", [
    "Joint Leaders Statement on AUKUS",  # the topic, not the speaker
    "The MPP Program and Border Security Joint Statement by Assistant to the President",
    "Joint Statement on U.S.-UK Consultations on the Indo-Pacific",
    "AI Safety Summit Declaration",
    "COVID-19 Vaccine Statement",
    "Statement from the Press Secretary",
    "Los Angeles Declaration on Migration and Protection",
    "THE DECLARATION OF INDEPENDENCE OF THE UNITED STATES OF AMERICA",
    "World Leaders’ Statement",
    "Message from UN Secretary-General António Guterres",  # "UN" alone is too broad a speaker
    "Statement by EU High Representative Josep Borrell",
    "",
])
def test_a_title_without_a_speaker_gives_none(title: str) -> None:
    assert guess_issuer(title, "") is None


@pytest.mark.parametrize(("opening", "issuer"), [
    ("We, the Leaders of the Group of Seven (G7), gathered in Apulia to reaffirm our unity.", "G7"),
    ("We, the leaders of the Group of Seven, met in Cornwall on 11-13 June 2021.", "Group of Seven"),
    ("1. We, the Economic Leaders of APEC, met in San Francisco, California, on November 16-17, 2023.", "APEC"),
    ("We, the Heads of State and Government of the Member States of the Association of Southeast Asian "
     "Nations (ASEAN), met in Washington, D.C.", "ASEAN"),
    ("1. We, the Heads of State and Government of the member countries of the North Atlantic Alliance, have "
     "gathered in Chicago to renew our commitment", "North Atlantic Alliance"),  # NATO's own words, 2012
    ("We, the Ministers of Foreign Affairs of the G7, met in Capri.", "G7"),
    ("We, the Ministers of the Participating States of the OSCE, met in Skopje.", "OSCE"),
    ("We, the Ministers of the Environment, meeting in Lisbon on 3 May 2024, recall …", None),  # a portfolio
    ("We, the Ministers of Health, met in Geneva.", None),
    ("We, the Ministers of Health of the G20, met in Bali.", "G20"),
    ("We, the Members of the Water Alliance, met in Dakar.", "Water Alliance"),  # only a minister has a portfolio
    ("We, the Heads of State of the Republic of Kenya and the United Republic of Tanzania, met.", None),
    # a list of states is not one speaker
    ("We, the Heads of State and Government of the Argentine Republic, Barbados, Belize, gathered in Los Angeles.", None),
    ("When in the Course of human events, it becomes necessary for one people", None),
])
def test_the_opening_names_the_speaker(opening: str, issuer: str | None) -> None:
    assert guess_issuer("Declaration", opening) == issuer


def test_the_title_wins_over_the_opening() -> None:
    assert guess_issuer("CARBIS BAY G7 SUMMIT COMMUNIQUÉ", "We, the leaders of the Group of Seven, met in Cornwall") == "G7"


@pytest.mark.parametrize(("opening", "place"), [
    ("We, the leaders of the Group of Seven, met in Cornwall on 11-13 June 2021.", "Cornwall"),
    ("We met in San Francisco, California, on November 16-17, 2023.", "San Francisco, California"),
    ("the Member States, met in Washington, D.C., on 13 May", "Washington, D.C."),
    ("We gathered in Apulia.", "Apulia"),
    ("We met in February 2021 and met in person since.", None),  # a month, not a place
    ("They gathered in Los\nAngeles on the margins of the Summit.", "Los Angeles"),  # a wrapped line
    ("They look forward to working together when they meet in Europe in October.", None),  # to come
    ("We agreed on cleaner shipping.", None),
    ("We met in New York. The Secretary-General opened the session.", "New York"),  # the sentence ends
    ("We met in Hiroshima, Japan. The Summit began.", "Hiroshima, Japan"),
    ("We met in St. Petersburg on 5 September.", "St. Petersburg"),
    ("We met in Rio de Janeiro and in Dar es Salaam.", "Rio de Janeiro"),
    ("We met in The Hague.", "The Hague"),
])
def test_the_place_of_the_meeting(opening: str, place: str | None) -> None:
    assert guess_place(opening) == place


def test_the_year_from_the_title_and_the_file_name() -> None:
    assert guess_year("2023 APEC Leaders’ Golden Gate Declaration", "apec-2023-draft") == "2023"
    assert guess_year("G7 Apulia Leaders’ Communiqué", "g7-2024-apulia") == "2024"
    assert guess_year("Joint Statement", "A_RES_78_1") is None
    later = dt.date.today().year + 4
    assert guess_year(f"Vision {later}", "vision") is None  # a year to come is a topic
    # texts cite earlier years, and a resolution's number is no year
    assert guess_year("Joint Statement on the 30th Anniversary of the 1994 Budapest Memorandum", "budapest-2024") == "2024"
    assert guess_year("Resolution 1701 (2006)", "sc-res-2020-2011") == "2011"


def test_only_a_titles_first_characters_are_read() -> None:
    # A 3 MB one-line "title" (a file with no line breaks) took 35 s when every match copied the
    # rest of it; a title is read up to _TITLE_AT_MOST characters.
    assert guess_issuer("Joint Statement by the G7", "") == "G7"
    assert guess_issuer("x" * 500 + " Joint Statement by the G7", "") is None
    assert guess_issuer("by the Abc " * 300_000, "We, the leaders of " * 50_000) is None


def test_a_folder_without_a_catalog_still_has_issuer_place_and_year(tmp_path) -> None:
    path = tmp_path / "g7-2024-apulia.txt"
    path.write_text("G7 Apulia Leaders’ Communiqué\n\nWe, the Leaders of the Group of Seven (G7), gathered in "
                    "Apulia to reaffirm our unity.\n\nWe will launch an action plan on AI.\n", encoding="utf-8")
    decl = read_declaration(path, catalog=Catalog())
    assert (decl.issuer, decl.place, decl.date, decl.year) == ("G7", "Apulia", "2024", 2024)
    assert {decl.metadata_origin[f] for f in ("issuer", "place", "date")} == {"guessed"}


def test_a_catalog_or_header_wins_over_the_guesses(tmp_path) -> None:
    (tmp_path / "catalog.toml").write_text('["g7-2024-apulia"]\nissuer = "Group of Seven"\ndate = "2024-06-14"\n',
                                           encoding="utf-8")
    path = tmp_path / "g7-2024-apulia.txt"
    path.write_text("G7 Apulia Leaders’ Communiqué\n\nWe, the Leaders of the G7, gathered in Apulia.\n\nWe agreed.\n",
                    encoding="utf-8")
    decl = read_declaration(path)
    assert (decl.issuer, decl.date) == ("Group of Seven", "2024-06-14")
    assert decl.metadata_origin["issuer"] == decl.metadata_origin["date"] == "catalog"


def test_a_library_without_a_catalog_narrows_by_the_guesses(tmp_path, fake_encoder, monkeypatch) -> None:
    from qa.library import Library

    monkeypatch.delenv("QA_CATALOG", raising=False)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "g7-2024-apulia.txt").write_text(
        "G7 Apulia Leaders’ Communiqué\n\nWe, the Leaders of the Group of Seven (G7), gathered in Apulia.\n\n"
        "We will launch an action plan on the use of AI in the world of work.\n", encoding="utf-8")
    (corpus / "nato-chicago-summit-2012.txt").write_text(
        "NATO declaration from Chicago: Press Release\n\nIssued by the Heads of State and Government participating "
        "in the meeting of the North Atlantic Council in Chicago on 20 May 2012\n\n1. We met in Chicago.\n\n"
        "2. ISAF will end its mission by the end of 2014.\n", encoding="utf-8")
    (corpus / "asean-2024.txt").write_text(
        "Chairman’s Statement of the 44th ASEAN Summit\n\nVientiane, 9 October 2024\n\n1. We discussed AI "
        "governance.\n", encoding="utf-8")
    library = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    answer = library.ask("What did the G7 say about AI in 2024?", k=3)
    assert answer.narrowed.describe() == "issuer G7, year 2024"
    assert {hit.doc_id for hit in answer.hits} == {"g7-2024-apulia"}
    nato = library.ask("What did NATO say about the ISAF mission ending in 2014?", k=3)
    assert nato.narrowed.describe() == "issuer NATO" and {hit.doc_id for hit in nato.hits} == {"nato-chicago-summit-2012"}
