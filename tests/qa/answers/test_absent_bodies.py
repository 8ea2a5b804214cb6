"""Tests for qa/answers/absent_bodies.py and Library.ask's refusal of texts the library lacks."""

from __future__ import annotations

import pytest

from qa.answers.absent_bodies import unheld_bodies
from qa.answers.narrowing import unheld_symbols
from qa.documents import Declaration, Paragraph
from qa.library import Library


def _decl(doc_id: str, issuer: str, title: str, *, kind: str = "", place: str = "", symbol: str = "",
          opening: str = "We met.") -> Declaration:
    return Declaration(doc_id, title, "2022-05-13", place, issuer, "", "", (Paragraph(doc_id, "1", opening),),
                       kind=kind, symbol=symbol)


LIBRARY = [
    _decl("nato-2012", "NATO", "Chicago Summit Declaration", place="Chicago"),
    _decl("g7-2024", "G7", "Apulia G7 Leaders' Communiqué", opening="We, the Leaders of the Group of Seven (G7), "
          "were joined by the African Union."),  # a guest of an issuer's text is not who speaks
    _decl("us-fr", "", "United States-France Joint Statement", kind="joint statement"),
    _decl("us-eu", "U.S.-EU", "U.S.-EU Joint Statement", kind="joint statement"),
    _decl("la", "", "Los Angeles Declaration on Migration and Protection", place="Los Angeles"),
    _decl("covid", "", "Joint Statement Between the United States, Belize and Senegal", kind="joint statement",
          opening="The United States; Belize, as CARICOM Chair; and Senegal as African Union Chair, announce a summit."),
    _decl("A_RES_78_3", "United Nations General Assembly", "Cooperation between the United Nations and the "
          "Organization of American States", kind="resolution", symbol="A/RES/78/3"),
]


@pytest.mark.parametrize(
    ("question", "unheld"),
    [
        ("What did the Security Council decide on Haiti?", ("the Security Council",)),
        ("What has ECOWAS said about coups?", ("ECOWAS",)),
        ("Did the OSCE condemn the attack?", ("the OSCE",)),
        # a resolution's title names its subject, not who speaks
        ("What did the Organization of American States declare on migration?", ("the Organization of American States",)),
        ("What did the Arab League and the OSCE say about Gaza?", ("the Arab League", "the OSCE")),
        ("What does the OSCE's statement say about Ukraine?", ("the OSCE",)),
        ("What did the OSCE leaders agree on?", ("the OSCE",)),
        # held: an issuer, a pair's party, a long name the texts define, an issuer-less joint statement's
        # title or opening, a place's initials
        ("What did NATO say about Georgia?", ()),
        ("What did the EU say about steel?", ()),
        ("What did the European Union say about steel?", ()),
        ("What did the Group of Seven say about AI?", ()),
        ("What did the African Union say about vaccines?", ()),
        ("What does the LA declaration say about visas?", ()),
        # not a body, or not only bodies, or no verb of saying: nothing read
        ("What did France say about Ukraine?", ()),
        ("What did the Founding Fathers declare?", ()),
        ("What did the signers pledge to each other?", ()),
        ("What did the Security Council resolutions on Haiti say?", ()),
        ("Why did the OSCE fail?", ()),
    ],
)
def test_the_bodies_a_question_asks_the_words_of_that_no_declaration_is_of(question: str, unheld: tuple) -> None:
    assert unheld_bodies(question, LIBRARY, lambda: {"G7": ("Group of Seven",)}) == unheld


def test_the_long_names_are_read_only_for_a_question_naming_a_body() -> None:
    def never() -> dict:
        raise AssertionError("aliases read")

    assert unheld_bodies("What did the leaders say about Haiti?", LIBRARY, never) == ()


@pytest.mark.parametrize(
    ("question", "unheld"),
    [
        ("What does resolution 78/999 say about peace?", ["78/999"]),
        ("According to A/RES/78/999, what was decided?", ["A/RES/78/999"]),
        ("What does resolution 78/3 say about health?", []),
        ("Which declarations recall resolution 61/178?", []),  # cited by the question's texts, not read
    ],
)
def test_the_resolutions_a_question_reads_that_no_declaration_is(question: str, unheld: list[str]) -> None:
    assert unheld_symbols(question, LIBRARY) == unheld


def _library(fake_encoder) -> Library:
    rows = [
        {"doc_id": "A_RES_78_185", "paragraph": "7", "issuer": "United Nations General Assembly", "date": "2023-12-19",
         "title": "Assistance to refugees in Africa", "symbol": "A/RES/78/185",
         "text": "Commends the ongoing mediation by the Sudan between the parties to the conflict."},
        {"doc_id": "nato-2012", "paragraph": "1", "issuer": "NATO", "date": "2012-05-20",
         "title": "Chicago Summit Declaration", "text": "Allies support the Sudan peace process."},
    ]
    return Library.from_passages(rows, encoder=fake_encoder)


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("What did the African Union say about the Sudan?", "no text of the African Union"),
        ("What did the African Union say about the Sudan in 2023?", "no text of the African Union"),  # a year narrowed
        ("What does resolution 78/999 say about the Sudan?", "no resolution 78/999"),
    ],
)
def test_a_question_asking_the_words_of_a_body_or_resolution_the_library_lacks_is_not_answered(
        fake_encoder, question: str, missing: str) -> None:
    lib = _library(fake_encoder)
    answer = lib.ask(question, k=1)
    assert not answer.found and answer.missing == missing
    assert answer.hits  # the nearest passages stay, for reference
    assert f"The library holds {missing}, which the question asks of." in answer.markdown.replace("\\", "")
    assert lib.ask(question, k=1, narrow=False).missing is None  # searching every declaration asks of none
    assert "resolution" not in (lib.ask(question, k=1, issuer="NATO").missing or "")  # nor within filters chosen
    assert "African Union" not in (lib.ask(question, k=1, issuer="NATO").missing or "")


def test_a_body_the_library_holds_is_answered_as_before(fake_encoder) -> None:
    answer = _library(fake_encoder).ask("What did NATO say about the Sudan?", k=1)
    assert answer.missing is None and answer.narrowed_text == "issuer NATO"


def test_a_question_naming_an_issuer_within_filters_keeps_what_both_keep(fake_encoder) -> None:
    lib = _library(fake_encoder)
    inside = lib.ask("What did NATO say about the Sudan?", k=1, year_from=2012, year_to=2023)
    assert inside.narrowed_text == "issuer NATO, within the filters chosen"
    assert [h.doc_id for h in inside.hits] == ["nato-2012"]  # not the resolution the years keep too
    outside = lib.ask("What did NATO say about the Sudan?", k=1, year_from=2023, year_to=2023)
    assert not outside.found and outside.narrowed is None
    assert outside.missing == "no text of issuer NATO among the declarations the filters keep"
    assert lib.ask("What did NATO say about the Sudan?", k=1, year_from=2023, narrow=False).missing is None
