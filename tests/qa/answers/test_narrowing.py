"""Tests for qa/answers/narrowing.py: a question naming an issuer or year the library holds narrows."""

from __future__ import annotations

import pytest

from qa.answers.narrowing import SPEAKING, filter_words, implied_filters, topic_of, unheld_years, unsaid_words
from qa.documents import Declaration, Paragraph
from qa.errors import InvalidOptionError
from qa.library import Library
from qa.search.filters import Filters


def _decl(doc_id: str, issuer: str, date: str) -> Declaration:
    return Declaration(doc_id, doc_id, date, "", issuer, "", "", (Paragraph(doc_id, "1", "x"),))


DECLS = [
    _decl("g7-2021", "G7", "2021-06-13"), _decl("g7-2024", "G7", "2024-06-14"),
    _decl("nato-2012", "NATO", "2012-05-20"), _decl("asean-2024", "ASEAN", "2024-10-10"),
    _decl("asean-us-2022", "ASEAN-U.S.", "2022-05-13"), _decl("g20-2022", "G20", "2022-11-15"),
]


@pytest.mark.parametrize(
    ("question", "described"),
    [
        ("What did the G7 say about AI in 2024?", "issuer G7, year 2024"),
        ("What did the G7 say about climate?", "issuer G7"),
        ("What did ASEAN say about the South China Sea?", "issuer ASEAN or ASEAN-U.S."),
        ("What did the 2022 summit say about food security?", "year 2022"),
        ("What did NATO say about the ISAF mission ending in 2014?", "issuer NATO"),  # 2014: the topic
        ("What did NATO say in 2024?", "issuer NATO"),  # NATO spoke in 2012 only: 2024 is not its year
    ],
)
def test_what_narrows(question: str, described: str) -> None:
    assert implied_filters(question, DECLS).describe() == described


@pytest.mark.parametrize(
    ("question", "described"),
    [
        ("Between 2021 and 2022, what did the G7 say about AI?", "issuer G7, years 2021-2022"),
        ("What did the G7 say from 2021 to 2022 about AI?", "issuer G7, years 2021-2022"),
        ("What did the G7 say from 2021 to 2024 about AI?", "issuer G7"),  # every G7 year: the span says nothing
        ("What did the summits of 2021-2022 say about food?", "years 2021-2022"),  # no issuer: the span dates texts
        ("Since 2023, what did the G7 say about China?", "issuer G7, years from 2023"),
        ("What has the G7 said since 2022 about Russia?", "issuer G7, years from 2022"),
        ("What did the G7 say about Russia after 2021?", "issuer G7, years from 2022"),  # an issuer: as one year would
        ("Before 2020, what was said about Afghanistan?", "years up to 2019"),
        ("Which declarations from 2022 mention food security?", "year 2022"),  # "from" alone: that year's
        ("What did the G7 say from 2022 onwards about Russia?", "issuer G7, years from 2022"),
        ("What did NATO say about the mission after 2014?", "issuer NATO"),  # NATO spoke in 2012 only
    ],
)
def test_a_span_of_years_narrows_to_the_years_it_bounds(question: str, described: str) -> None:
    assert implied_filters(question, DECLS).describe() == described


@pytest.mark.parametrize(
    ("question", "described"),
    [
        ("What did the latest G7 summit say about China?", "issuer G7, year 2024"),
        ("What did the G7's most recent communiqué say about China?", "issuer G7, year 2024"),
        ("What did the last G7 statement say about Russia?", "issuer G7, year 2024"),
        ("What's the latest from the G7 on AI?", "issuer G7, year 2024"),
        ("What did the G7 most recently say about China?", "issuer G7, year 2024"),
        ("What did the G7 say about the latest AI models?", "issuer G7"),  # the topic's latest
        ("What did the G7 say last year about China?", "issuer G7"),  # a year before today's: not the library's
        ("What did the G7 say about China in its latest statement of 2021?", "issuer G7, year 2021"),  # a year given
        ("What did the latest NATO summit say?", "issuer NATO"),  # one year: nothing to leave out
        ("What did the latest summit say about food?", None),  # no issuer: the whole library's latest is no text
    ],
)
def test_the_latest_texts_of_an_issuer_narrow_to_the_last_year_it_spoke_in(question: str, described: str | None) -> None:
    implied = implied_filters(question, DECLS)
    assert (implied.describe() if implied else None) == described


def test_the_words_that_chose_the_latest_year_stop_counting_as_the_year_does() -> None:
    question = "What did the most recent G7 summit say about China?"
    implied = implied_filters(question, DECLS)
    assert filter_words(implied, asked=question) == {"g7", "2024", "recent"}
    assert topic_of(question, filter_words(implied, asked=question)) == "What did the most summit say about China?"


def _titled(doc_id: str, title: str, issuer: str = "") -> Declaration:
    return Declaration(doc_id, title, "2023-11-16", "", issuer, "", "", (Paragraph(doc_id, "1", "x"),))


BY_TITLE = [
    _titled("apec-2023", "2023 APEC Leaders’ Golden Gate Declaration", "APEC"),
    _titled("A_RES_78_317", "78/317. The Antigua and Barbuda Agenda for Small Island Developing States: A Renewed "
            "Declaration for Resilient Prosperity"),
    _titled("A_RES_78_194", "78/194. Commemoration of the seventy-fifth anniversary of the Universal Declaration of Human Rights"),
    _titled("undrip", "United Nations Declaration on the Rights of Indigenous Peoples"),
    _titled("A_RES_78_165", "78/165. Eradicating rural poverty to implement the 2030 Agenda for Sustainable Development"),
    _titled("quad-2022", "Quad Joint Leaders’ Statement", "Quad"),
    _titled("quad-2021", "Joint Statement from Quad Leaders", "Quad"),
]


@pytest.mark.parametrize(
    ("question", "described"),
    [
        ("What did the Golden Gate Declaration say about food security?", "declarations apec-2023"),
        ("What does the antigua and barbuda agenda say about debt?", "declarations A_RES_78_317"),  # any case
        ("What does the UN Declaration on the Rights of Indigenous Peoples say about land?", "declarations undrip"),
        ("In the Quad Joint Leaders' Statement, what was said about climate?", "declarations quad-2022, issuer Quad"),
        ("According to the Golden Gate Declaration, who leads on trade?", "declarations apec-2023"),
    ],
)
def test_a_declaration_named_by_its_title_as_the_text_asked_of_narrows_to_it(question: str, described: str) -> None:
    assert implied_filters(question, BY_TITLE).describe() == described


@pytest.mark.parametrize(
    "question",
    [
        "What does the Universal Declaration of Human Rights say about torture?",  # a title cites it, after "of the"
        "What does the 2030 Agenda say about poverty?",  # a title cites it, after "to implement the"
        "Which statements recall the Golden Gate Declaration?",  # the text cited, not the text asked of
        "What did the joint statement say about climate?",  # words any joint statement's title may hold
        "What did the leaders' declaration say about trade?",
        "What did the Golden Gate say about food?",  # no word for a text: a place, read elsewhere
    ],
)
def test_a_title_cited_or_words_any_title_holds_do_not_narrow(question: str) -> None:
    implied = implied_filters(question, BY_TITLE)
    assert implied is None or not implied.doc_ids


def test_the_words_naming_a_title_stop_counting_inside_it() -> None:
    question = "What did the Golden Gate Declaration say about food security?"
    implied = implied_filters(question, BY_TITLE)
    titles = {d.doc_id: d.title for d in BY_TITLE}
    assert filter_words(implied, asked=question, titles=titles) == {"golden", "gate", "declar"} | filter_words(implied)


def test_a_question_naming_a_title_is_answered_inside_it_by_its_topic_not_by_the_title_s_words(fake_encoder) -> None:
    title = "2023 APEC Leaders’ Golden Gate Declaration"
    rows = [{"doc_id": "apec-2023", "paragraph": str(n), "issuer": "APEC", "date": "2023-11-16", "title": title, "text": text}
            for n, text in enumerate(["This Golden Gate Declaration exemplifies the Golden Gate spirit of our year.",
                                      "We reaffirm that food security matters to every economy."], 1)]
    rows.append({"doc_id": "g20-2022", "paragraph": "1", "issuer": "G20", "date": "2022-11-16", "title": "Bali Declaration",
                 "text": "Food security matters to us all."})
    lib = Library.from_passages(rows, encoder=fake_encoder)
    answer = lib.ask("What did the Golden Gate Declaration say about food security?", k=2)
    assert answer.narrowed_text.startswith("declarations 2023 APEC Leaders’ Golden Gate Declaration (apec-2023)")
    assert [(h.doc_id, h.paragraph) for h in answer.hits] == [("apec-2023", "2"), ("apec-2023", "1")]


def test_a_question_bounding_years_is_answered_from_those_years_only(fake_encoder) -> None:
    rows = [{"doc_id": f"g7-{year}", "paragraph": "1", "issuer": "G7", "date": f"{year}-06-14", "title": "Communiqué",
             "text": f"We will phase out inefficient fossil fuel subsidies by {year + 5}."} for year in range(2015, 2025)]
    lib = Library.from_passages(rows, encoder=fake_encoder)
    answer = lib.ask("Since 2022, what did the G7 say about fossil fuel subsidies?", k=5)
    assert answer.narrowed.describe() == "issuer G7, years from 2022"
    assert sorted(h.doc_id for h in answer.hits) == ["g7-2022", "g7-2023", "g7-2024"]
    wide = lib.ask("Since 2022, what did the G7 say about fossil fuel subsidies?", k=5, narrow=False)
    assert len(wide.hits) == 5 and wide.narrowed is None


MONTHLY = [
    _decl("us-eu-2022-01", "U.S.-EU", "2022-01-28"), _decl("us-eu-2022-03", "U.S.-EU", "2022-03-25"),
    _decl("us-eu-2022-06", "U.S.-EU", "2022-06-27"), _decl("g7-2022-05", "G7", "2022-05-08"),
    _decl("g7-2022-12", "G7", "2022-12-12"), _decl("us-il-2021-12", "", "2021-12-22"), _decl("undated-2022", "G7", "2022"),
]


@pytest.mark.parametrize(
    ("question", "described"),
    [
        ("In January 2022, what did the United States say about Ukraine?", "January 2022"),  # opens the question
        ("What did the statements of March 2022 say about energy?", "March 2022"),  # month between text and year
        ("What did the March 2022 statement say about LNG?", "March 2022"),
        ("What did the 25 March 2022 statement say about LNG?", "March 2022"),  # a day: its month
        ("What did the statement of March 25, 2022 say about LNG?", "March 2022"),
        ("What did the U.S. and the EU say about LNG in Jan. 2022?", "issuer U.S.-EU, January 2022"),
        ("What did the G7 say about Russia in may 2022?", "issuer G7, May 2022"),  # any case
        ("What did the G7 say about Russia in March 2022?", "issuer G7, year 2022"),  # no G7 text that month: the year
        ("Since March 2022, what did the U.S. and the EU say?", "issuer U.S.-EU, from March 2022"),
        ("What did the G7 say after May 2022 about Russia?", "issuer G7, from June 2022"),
        ("What did the U.S. and the EU say before March 2022?", "issuer U.S.-EU, up to February 2022"),
        ("Between January and March 2022, what statements mentioned Ukraine?", "January-March 2022"),
        ("What did the statements from December 2021 to January 2022 say?", "December 2021 to January 2022"),
        ("Which statements of January-March 2022 mention Ukraine?", "January-March 2022"),
    ],
)
def test_a_month_before_a_year_narrows_to_that_month_where_the_library_holds_one(question: str, described: str) -> None:
    assert implied_filters(question, MONTHLY).describe() == described


def test_a_month_narrowed_keeps_the_declarations_of_that_month_and_those_dated_by_the_year_alone() -> None:
    implied = implied_filters("What did the G7 say about Russia in May 2022?", MONTHLY)
    assert [d.doc_id for d in implied.select(MONTHLY)] == ["g7-2022-05", "undated-2022"]
    since = implied_filters("Since March 2022, what did the U.S. and the EU say?", MONTHLY)
    assert [d.doc_id for d in since.select(MONTHLY)] == ["us-eu-2022-03", "us-eu-2022-06"]


def test_the_month_that_narrowed_stops_counting_as_its_year_does() -> None:
    assert filter_words(implied_filters("What did the G7 say about Russia in May 2022?", MONTHLY)) == {"g7", "2022", "may"}
    assert filter_words(implied_filters("What did the March 2022 statements say?", MONTHLY)) == {"2022", "march", "mar"}
    assert filter_words(implied_filters("Since March 2022, what did the G7 say?", MONTHLY)) == {"g7"}  # no one month


def test_a_question_naming_a_month_is_answered_from_that_month_and_a_filter_takes_a_month_too(fake_encoder) -> None:
    rows = [{"doc_id": f"us-eu-2022-{month:02}", "paragraph": "1", "issuer": "U.S.-EU", "date": f"2022-{month:02}-15",
             "title": "Joint Statement", "text": f"We will raise exports of liquefied natural gas by {month} cargoes."}
            for month in (1, 3, 6)]
    lib = Library.from_passages(rows, encoder=fake_encoder)
    answer = lib.ask("In March 2022, what did the U.S. and the EU say about liquefied natural gas?", k=3)
    assert answer.narrowed_text == "issuer U.S.-EU, March 2022"
    assert [h.doc_id for h in answer.hits] == ["us-eu-2022-03"]
    searched = lib.search("liquefied natural gas", k=3, year_from="2022-02", year_to="2022-06")
    assert sorted(h.doc_id for h in searched) == ["us-eu-2022-03", "us-eu-2022-06"]
    with pytest.raises(InvalidOptionError, match="No declaration matches February 2022"):
        lib.search("liquefied natural gas", year_from="2022-02", year_to="2022-02")


@pytest.mark.parametrize(
    ("question", "unheld"),
    [
        ("What did NATO leaders agree at the 2023 Vilnius summit about defence spending?", [2023]),
        ("What did the 2022 NATO Madrid summit say about China?", [2022]),  # two names between year and text
        ("What did NATO say in 2024 about Ukraine?", [2024]),
        ("What did NATO say about Georgia in 2012?", []),  # held
        ("What did NATO say about the mission ending in 2014?", []),  # 2014 is the topic's, not a text's
        ("What was agreed at the NATO summit in Vilnius in 2023?", [2023]),
        ("In 2023, what did NATO say about Sweden?", [2023]),
        ("What did the statements of 2023 say?", [2023]),
        ("What did NATO say about the 2023 Vilnius summit?", []),  # a text the topic cites, not the one asked of
        ("What did NATO say about Russia in 2023?", [2023]),  # a year ending the question dates what was said
        ("What did NATO say about Russia in March 2023?", [2023]),
        ("What did NATO say about the elections held in 2023?", []),  # an event's year
        ("What did NATO say about Afghan elections in 2014?", []),
        ("What did NATO say about defence spending in 2023?", [2023]),  # a noun in -ing is no event
        ("What did NATO say about coal in 2035?", []),  # a year to come: a target's, never a text's
    ],
)
def test_the_years_a_question_dates_its_text_by_that_no_declaration_kept_is_of(question: str, unheld: list[int]) -> None:
    nato = [d for d in DECLS if d.issuer == "NATO"]
    assert unheld_years(question, lambda: nato) == unheld


@pytest.mark.parametrize(
    ("question", "unheld"),
    [
        ("What did the leaders say about Ukraine in 2019?", [2019]),
        ("What did the leaders say in 2019 about Ukraine?", [2019]),
        ("Why was the vote on the indigenous rights declaration put off in 2006?", []),  # the topic's text
        ("UN-NATO declaration of 2008", []),
        ("What did the 2019 summit say?", []),  # a text's year, which without an issuer may be the topic
    ],
)
def test_without_an_issuer_only_a_year_dating_what_was_said_is_read(question: str, unheld: list[int]) -> None:
    assert unheld_years(question, lambda: DECLS, said=True) == unheld


def test_a_question_asking_of_a_text_the_library_lacks_is_not_answered_and_says_which(fake_encoder) -> None:
    rows = [{"doc_id": "nato-2012", "paragraph": "1", "issuer": "NATO", "date": "2012-05-20", "title": "Chicago Summit Declaration",
             "text": "Allies will spend more on defence and share the burden of defence spending."}]
    lib = Library.from_passages(rows, encoder=fake_encoder)
    answer = lib.ask("What did NATO leaders agree at the 2023 Vilnius summit about defence spending?", k=1)
    assert not answer.found and answer.missing == "no NATO text of 2023"
    assert answer.hits[0].doc_id == "nato-2012"  # the nearest passage, shown for reference
    assert answer.to_dict()["missing"] == "no NATO text of 2023"
    assert "The library holds no NATO text of 2023" in answer.markdown
    held = lib.ask("What did NATO leaders agree at the 2012 Chicago summit about defence spending?", k=1)
    assert held.missing is None and held.narrowed_text == "issuer NATO, year 2012"
    assert lib.ask("What did NATO say about defence spending in 2023?", k=1, narrow=False).missing is None
    assert lib.ask("What did NATO say about defence spending in 2023?", k=1).missing == "no NATO text of 2023"
    assert lib.ask("What did the Allies say about defence spending in 2019?", k=1).missing == "no text of 2019"


@pytest.mark.parametrize(
    "question",
    ["What happens to food prices after 2022?",  # the span is the topic's: no issuer, nothing dates a text
     "What did the leaders say about emissions from 2015 to 2010?",  # after "about": the topic's years
     "Between 2030 and 2040, what will the climate be?"],
)
def test_a_span_that_dates_no_text_the_library_holds_does_not_narrow(question: str) -> None:
    assert implied_filters(question, DECLS) is None


def test_an_issuer_a_title_names_narrows_beside_the_one_its_header_states() -> None:
    issued = Declaration("nato-chicago-2012", "NATO declaration from Chicago: Press Release", "2012-05-20", "Chicago",
                         "Heads of State and Government participating in the meeting of the North Atlantic Council",
                         "", "", (Paragraph("nato-chicago-2012", "1", "x"),))
    library = [issued, *DECLS[:2]]
    implied = implied_filters("What did NATO say about the transition in Afghanistan ending in 2014?", library)
    assert implied.describe() == "issuer NATO"
    assert [d.doc_id for d in implied.select(library)] == ["nato-chicago-2012"]


@pytest.mark.parametrize(
    "question",
    ["What was agreed about migration?", "What happens in 2022 to food prices?", "the g7 say",  # g7: not the acronym
     "What did the EU say?", "What did ASEAN-China trade do?"],
)
def test_what_does_not_narrow(question: str) -> None:
    assert implied_filters(question, DECLS) is None


def test_an_answer_says_how_it_read_the_question_and_can_be_widened(fake_encoder) -> None:
    rows = [{"doc_id": d.doc_id, "paragraph": "1", "issuer": d.issuer, "date": d.date, "title": d.doc_id,
             "text": f"Artificial intelligence matters to the {d.issuer}."} for d in DECLS]
    lib = Library.from_passages(rows, encoder=fake_encoder)
    narrowed = lib.ask("What did the G7 say about artificial intelligence in 2024?", k=3)
    assert [h.doc_id for h in narrowed.hits] == ["g7-2024"]
    assert narrowed.narrowed.describe() == "issuer G7, year 2024"
    assert narrowed.to_dict()["narrowed"]["as"] == "issuer G7, year 2024"
    wide = lib.ask("What did the G7 say about artificial intelligence in 2024?", k=3, narrow=False)
    assert wide.narrowed is None and len(wide.hits) == 3
    explicit = lib.ask("What did the G7 say about artificial intelligence in 2024?", k=3, issuer="NATO")
    assert explicit.narrowed is None and [h.doc_id for h in explicit.hits] == ["nato-2012"]


UN = [
    _decl("undrip", "UN General Assembly", "2007-09-13"),
    _decl("a-res-78-10", "United Nations General Assembly", "2023-11-21"),
    _decl("a-res-78-300", "United Nations General Assembly", "2024-06-28"),
    _decl("unsc", "United Nations Security Council", "2024-03-25"),
    *DECLS,
]


@pytest.mark.parametrize(
    ("question", "described", "docs"),
    [
        ("What did the General Assembly say about the Olympic Truce in 2023?",
         "issuer UN General Assembly or United Nations General Assembly, year 2023", {"a-res-78-10"}),
        ("What did the UN General Assembly say about indigenous peoples?",
         "issuer UN General Assembly or United Nations General Assembly", {"undrip", "a-res-78-10", "a-res-78-300"}),
        ("What did the United Nations General Assembly adopt in 2007?",
         "issuer UN General Assembly or United Nations General Assembly, year 2007", {"undrip"}),
        ("What did the Security Council say about Gaza?", "issuer United Nations Security Council", {"unsc"}),
    ],
)
def test_a_un_body_is_named_by_its_full_name_its_un_name_or_its_own_name(question: str, described: str, docs: set) -> None:
    implied = implied_filters(question, UN)
    assert implied.describe() == described
    assert {d.doc_id for d in implied.select(UN)} == docs


def test_united_nations_alone_names_no_body() -> None:
    assert implied_filters("What did the United Nations say about peacekeeping?", UN) is None


@pytest.mark.parametrize(
    ("filters", "words"),
    [
        (Filters(issuer=("APEC",)), {"apec"}),
        (Filters(issuer=("G7",), year_from=2024, year_to=2024), {"g7", "2024"}),
        (Filters(issuer=("UN General Assembly", "United Nations General Assembly")),  # one body, two spellings
         {"un", "unit", "nation", "general", "assembl"}),
        (Filters(issuer=("G20", "United Nations General Assembly")), set()),  # two bodies: one may be the topic
        (Filters(year_from=2021, year_to=2024), set()),  # a range names no one year
        (Filters(doc_ids=("nato-2012",)), set()),
        (Filters(), set()),
    ],
)
def test_the_words_that_name_a_filter(filters: Filters, words: set[str]) -> None:
    assert filter_words(filters) == words


def test_words_that_named_the_filter_no_longer_pull_the_ranking(
    fake_encoder, apec_passages, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qa.library_state

    rows = [
        *apec_passages,
        *({"doc_id": f"g7-{year}", "paragraph": "1", "issuer": "G7", "date": f"{year}-06-14", "title": "Communiqué",
           "text": f"We will phase out inefficient fossil fuel subsidies by {year + 5}."} for year in range(2015, 2025)),
    ]
    lib = Library.from_passages(rows, encoder=fake_encoder)
    question = "What did APEC say about subsidies?"
    answer = lib.ask(question, k=2)
    assert answer.narrowed.describe() == "issuer APEC"
    assert [(h.doc_id, h.paragraph) for h in answer.hits] == [("apec-2023", "7"), ("apec-2023", "1")]
    assert lib.search(question, k=2, issuer="APEC") == answer.hits  # the same filter given by hand reads alike
    # Had "apec" kept counting, the paragraph that says APEC five times would come first.
    monkeypatch.setattr(qa.library_state, "filter_words", lambda filters, **_: frozenset())
    assert lib.ask(question, k=2).hits[0].paragraph == "1"


def _titled(doc_id: str, title: str, issuer: str, date: str) -> Declaration:
    return Declaration(doc_id, title, date, "", issuer, "", "", (Paragraph(doc_id, "1", "x"),))


TITLED = [
    _titled("un-2007-undrip", "United Nations Declaration on the Rights of Indigenous Peoples", "UN General Assembly", "2007-09-13"),
    _titled("a-res-78-1", "Rights of indigenous peoples", "United Nations General Assembly", "2023-12-19"),
    _titled("nato-2012", "Chicago Summit Declaration", "NATO", "2012-05-20"),
    _titled("asean-us-csp", "ASEAN-U.S. Leaders' Statement on the Comprehensive Strategic Partnership", "ASEAN-U.S.", "2022-11-12"),
    _titled("oddity", "New Atlantic Trade Outlook", "OECD", "2012-01-01"),  # its initials spell NATO
]


@pytest.mark.parametrize(
    ("question", "described"),
    [
        ("Does UNDRIP allow breaking up a country's territory?", "declarations un-2007-undrip"),
        ("What does UNDRIP say about lands, and what did the General Assembly add in 2007?",
         "declarations un-2007-undrip, issuer UN General Assembly or United Nations General Assembly, year 2007"),
        ("What did NATO say about Georgia in 2012?", "issuer NATO, year 2012"),  # an issuer, not the oddity's initials
    ],
)
def test_a_declaration_named_by_its_titles_initials_narrows_to_it(question: str, described: str) -> None:
    assert implied_filters(question, TITLED).describe() == described


@pytest.mark.parametrize(
    "question",
    ["Does undrip allow secession?",  # initials are written in capitals
     "What is the ASEAN-U.S. CSP?",  # three letters: an ordinary acronym (and not these initials)
     "What did the G7 say about UNDRIPS?", "What did NATO say about the UNDRIP-based approach?"],
)
def test_initials_must_be_a_whole_word_in_capitals(question: str) -> None:
    filters = implied_filters(question, TITLED)
    assert filters is None or not filters.doc_ids


def test_initials_of_another_issuers_declaration_do_not_narrow() -> None:
    assert implied_filters("What did ASEAN say about UNDRIP?", TITLED).describe() == "issuer ASEAN-U.S."


def test_an_answer_narrowed_to_a_declaration_names_it_by_its_title(fake_encoder) -> None:
    rows = [{"doc_id": "un-2007-undrip", "paragraph": "Article 26(1)", "issuer": "UN General Assembly",
             "date": "2007-09-13", "title": "United Nations Declaration on the Rights of Indigenous Peoples",
             "text": "Indigenous peoples have the right to the lands they have traditionally owned."},
            {"doc_id": "a-res-78-1", "paragraph": "1", "issuer": "UN General Assembly", "date": "2023-12-19",
             "title": "Rights of indigenous peoples", "text": "Welcomes the work on the lands of indigenous peoples."}]
    lib = Library.from_passages(rows, encoder=fake_encoder)
    answer = lib.ask("What does UNDRIP say about lands?", k=2)
    assert answer.narrowed == Filters(doc_ids=("un-2007-undrip",))
    said = "declarations United Nations Declaration on the Rights of Indigenous Peoples (un-2007-undrip)"
    assert answer.narrowed_text == said
    assert answer.to_dict()["narrowed"]["as"] == said
    assert [h.doc_id for h in answer.hits] == ["un-2007-undrip"]
    assert lib.ask("What did the General Assembly say about lands?", k=2).narrowed_text == (
        "issuer UN General Assembly")  # no declaration kept by name: no titles
    assert lib.ask("What does UNDRIP say about lands?", k=2, narrow=False).narrowed_text == ""


def _placed(doc_id: str, issuer: str, date: str, place: str) -> Declaration:
    return Declaration(doc_id, doc_id, date, place, issuer, "", "", (Paragraph(doc_id, "1", "x"),))


PLACED = [
    _placed("g7-2021", "G7", "2021-06-13", "Carbis Bay"), _placed("g7-2024", "G7", "2024-06-14", "Apulia"),
    _placed("nato-2012", "NATO", "2012-05-20", "Chicago"), _placed("g20-2022", "G20", "2022-11-15", "Bali"),
    _placed("asean-2024", "ASEAN", "2024-10-10", "Vientiane"),
    _placed("asean-us-2022", "ASEAN-U.S.", "2022-05-13", "Washington, D.C."),
]


@pytest.mark.parametrize(
    ("question", "described"),
    [
        ("Which debt treatments under the Common Framework were mentioned in Bali?", "declarations g20-2022"),
        ("Did Timor-Leste attend the Vientiane summit?", "declarations asean-2024"),
        ("According to the Chicago declaration, which policy was approved?", "declarations nato-2012"),
        ("Which minerals do the G7 leaders in Apulia want?", "declarations g7-2024, issuer G7"),
        ("When did the leaders hold their special summit in Washington?", "declarations asean-us-2022"),
        # The place removes nothing the issuer has not: the issuer alone says it.
        ("What did NATO say about Afghan women in Chicago?", "issuer NATO"),
        ("what was mentioned in bali about debt?", "declarations g20-2022"),  # in any case
        ("What did the leaders say at Bali about debt?", "declarations g20-2022"),
    ],
)
def test_a_place_named_as_where_a_text_was_made_narrows(question: str, described: str) -> None:
    assert implied_filters(question, PLACED).describe() == described


@pytest.mark.parametrize(
    "question",
    ["What's the weather like in Bali in November?", "Chicago deep dish pizza recipe",
     "Bali Energy Transition Roadmap", "Is the Washington consensus dead?"],
)
def test_a_place_that_is_the_topic_does_not_narrow(question: str) -> None:
    assert implied_filters(question, PLACED) is None


def test_a_year_the_issuer_spoke_in_a_statement_without_an_issuer_narrows() -> None:
    # The G7's 2022 statements came from the White House archive, without a catalog entry: their
    # titles name the G7, so 2022 is a G7 year and stays ("issuer G7" alone kept 2021 and 2024).
    library = [*DECLS, Declaration("g7-statement-2022", "G7 Leaders’ Statement", "2022-12-12", "", "", "", "",
                                   (Paragraph("g7-statement-2022", "1", "x"),))]
    implied = implied_filters("What did the G7 say about the oil price cap in 2022?", library)
    assert implied.describe() == "issuer G7, year 2022"
    assert [d.doc_id for d in implied.select(library)] == ["g7-statement-2022"]


def test_a_seat_of_many_declarations_does_not_narrow() -> None:
    # New York is where the General Assembly adopts hundreds of resolutions: a seat, not a meeting.
    seat = [*PLACED, *(_placed(f"a-res-{n}", "UN General Assembly", "2023-12-01", "New York") for n in range(11))]
    assert implied_filters("What was said in New York about pandemics?", seat) is None
    assert implied_filters("What was said in New York about pandemics?", seat[:len(PLACED) + 10]).describe().startswith(
        "declarations a-res-0, a-res-1")


JOINT = [
    *DECLS, _decl("us-japan-2021", "U.S.-Japan", "2021-04-16"), _decl("japan-us-2022", "Japan-U.S.", "2022-05-23"),
    _decl("us-eu-2021", "U.S.-EU", "2021-09-29"), _decl("us-mexico-2021", "U.S.-Mexico", "2021-10-08"),
    _decl("us-rok-2022", "U.S.- ROK", "2022-05-21"), _decl("asean-china-2024", "ASEAN-China", "2024-10-10"),
    _decl("us-2021", "United States", "2021-01-20"),
]


@pytest.mark.parametrize(
    ("question", "described"),
    [
        # Every party of a joint issuer named, in any order and by any of its names.
        ("What did Japan and the US say about Taiwan?", "issuer Japan-U.S. or U.S.-Japan"),
        ("What did the United States and Japan agree on chips?", "issuer Japan-U.S. or U.S.-Japan"),
        ("What did the European Union and the U.S. agree about steel?", "issuer U.S.-EU"),
        ("What did South Korea and America say about deterrence?", "issuer U.S.- ROK"),
        ("What did the US-Mexico dialogue say about fentanyl?", "issuer U.S.-Mexico"),
        # A party's word names no other issuer: not "ASEAN", nor "ASEAN-China" by its short name.
        ("What did ASEAN and the United States say about the Mekong?", "issuer ASEAN-U.S."),
        ("What did ASEAN say about the Mekong?", "issuer ASEAN or ASEAN-China or ASEAN-U.S."),
        ("Did ASEAN-US statements and the G7 mention the Mekong?", "issuer ASEAN-U.S. or G7"),
        # A year opening the question dates the text.
        ("In 2021, what did the United States and Mexico agree on security?", "issuer U.S.-Mexico, year 2021"),
        ("In 2024, what did the G7 say about AI?", "issuer G7, year 2024"),
        # One party alone names only an issuer of its own.
        ("What did the United States say about Japan's economy?", "issuer United States"),
    ],
)
def test_a_joint_issuer_is_named_by_all_its_parties(question: str, described: str) -> None:
    assert implied_filters(question, JOINT).describe() == described


@pytest.mark.parametrize(
    "question",
    ["What did Japan say about its economy?", "How do the Americas and Mexico manage migration?",
     "What did leaders say about trade between the US and China?",
     # "U.S." is a party to many joint statements, not a body's short name as "ASEAN" is.
     "What did the U.S. say about AI?"],
)
def test_one_party_or_a_lookalike_names_no_joint_issuer(question: str) -> None:
    assert implied_filters(question, [d for d in JOINT if d.issuer != "United States"]) is None


def _resolution(doc_id: str, symbol: str, issuer: str = "United Nations General Assembly") -> Declaration:
    return Declaration(doc_id, doc_id, "2023-10-05", "New York", issuer, "", "", (Paragraph(doc_id, "1", "x"),),
                       symbol=symbol)


RESOLUTIONS = [*DECLS, _resolution("A_RES_78_3", "A/RES/78/3"), _resolution("A_RES_78_30", "A/RES/78/30"),
               _resolution("S_RES_2720", "S/RES/2720 (2023)", "United Nations Security Council")]


@pytest.mark.parametrize(
    ("question", "described"),
    [
        ("What does resolution 78/3 say about health?", "declarations A_RES_78_3"),
        ("In A/RES/78/3, what did the Assembly decide?", "declarations A_RES_78_3"),
        ("What did UNGA resolution 78/30 say on the Olympic truce?",  # "UNGA": the body's initials
         "declarations A_RES_78_30, issuer United Nations General Assembly"),
        ("What did the Security Council decide in resolution 2720?",
         "declarations S_RES_2720, issuer United Nations Security Council"),
    ],
)
def test_a_resolution_asked_of_by_its_number_narrows_to_it(question: str, described: str) -> None:
    assert implied_filters(question, RESOLUTIONS).describe() == described


@pytest.mark.parametrize(
    "question",
    # Where a resolution is cited, or its number alone, or a number the library does not hold.
    ["Which declarations recall resolution 78/3?", "resolution 78/3", "What does resolution 78/31 say?",
     "Did the G7 mention A/RES/78/3?"],
)
def test_a_resolution_cited_or_not_held_does_not_narrow_to_it(question: str) -> None:
    implied = implied_filters(question, RESOLUTIONS)
    assert implied is None or not implied.doc_ids


@pytest.mark.parametrize(
    ("question", "words", "topic"),
    [
        ("What did NATO say about Haiti in 2012?", {"nato", "2012"}, "What did say about Haiti in"),
        ("What did NATO's leaders say?", {"nato"}, "What did leaders say?"),
        ("What did the US-Japan summit say about chips?", {"us", "japan"}, "What did the summit say about chips?"),
        ("G7 AI", {"g7"}, "AI"),
    ],
)
def test_the_topic_is_the_question_without_the_words_naming_the_filter(question: str, words: set[str], topic: str) -> None:
    assert topic_of(question, frozenset(words)) == topic


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("What did NATO say in 2012?", {"nato", "2012"}),  # only what was said is left
        ("Did NATO mention anything?", {"nato"}),
        ("NATO", {"nato"}),
        ("What did NATO say about Haiti?", set()),  # no word named the filter
        ("What did the allies say about Haiti?", {"nato"}),  # the filter's words are not in the question
    ],
)
def test_a_question_with_no_topic_apart_from_its_filter_has_none(question: str, words: set[str]) -> None:
    assert topic_of(question, frozenset(words)) is None


def test_a_narrowed_answer_must_be_about_the_topic_not_only_the_body_named(
    fake_encoder, apec_and_haiti_passages, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library.from_passages(apec_and_haiti_passages, encoder=fake_encoder)
    refused = lib.ask("APEC Haiti", k=1)
    assert refused.narrowed.describe() == "issuer APEC"
    assert not refused.found and refused.hits[0].paragraph == "1"  # APEC's nearest, never named Haiti
    assert lib.ask("APEC", k=1).found  # nothing asked beyond the body: no topic to hold
    monkeypatch.setattr(Library, "_on_topic", lambda self, *args: True)
    assert lib.ask("APEC Haiti", k=1).found  # "APEC" alone had brought the paragraph near


def test_the_words_for_who_speaks_are_no_topic_inside_a_filter(
    fake_encoder, apec_and_haiti_passages, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library.from_passages(apec_and_haiti_passages, encoder=fake_encoder)
    refused = lib.ask("APEC leaders Haiti", k=1)  # "Leaders" in APEC's opening is not Haiti
    assert refused.narrowed.describe() == "issuer APEC" and not refused.found
    assert lib.ask("APEC leaders fossil fuel subsidies", k=1).hits[0].paragraph == "7"
    assert unsaid_words(Filters(issuer=("APEC",)), frozenset({"apec"})) == {"apec"} | SPEAKING
    assert unsaid_words(Filters(), frozenset()) == frozenset()  # unfiltered, "guest leaders" may be the topic
    monkeypatch.setattr("qa.library_state.unsaid_words", lambda filters, named: named)
    assert lib.ask("APEC leaders Haiti", k=1).found  # the word "leaders" alone had held it on topic


def _opening(doc_id: str, title: str, *paragraphs: str) -> Declaration:
    return Declaration(doc_id, title, "2022-05-23", "", "", "", "",
                       tuple(Paragraph(doc_id, str(i), text) for i, text in enumerate(paragraphs, 1)))


SPEAKERS = [
    _opening("japan-us-2022", "Japan-U.S. Joint Leaders’ Statement", "Today, Japan and the United States affirm a partnership.",
             "Prime Minister of Japan KISHIDA Fumio welcomed Joseph R. Biden, Jr to Japan. President Biden commended "
             "Prime Minister Kishida’s leadership.", "Semiconductors matter."),
    _opening("us-rok-2022", "United States-Republic of Korea Leaders’ Joint Statement",
             "President Yoon Suk Yeol welcomed President Joseph R. Biden, Jr. to Seoul.", "Chips too."),
    _opening("g7-2022", "G7 Leaders’ Statement", "We, the Leaders of the G7, hold President Putin accountable.", "x", "y",
             "Prime Minister Kishida, far from the opening, speaks in no G7 text here."),
    _opening("nato-2012", "Chicago Summit Declaration", "We, the Heads of State and Government of NATO, met in Chicago."),
    Declaration("g20-2022", "G20 Bali Leaders’ Declaration", "2022-11-16", "Bali", "G20", "", "",
                (Paragraph("g20-2022", "1", "We, the G20 Leaders, met in Bali."),)),
    Declaration("asean-china-2024", "Chairman’s Statement of the 27th ASEAN-China Summit", "2024-10-10", "Vientiane", "ASEAN",
                "", "", (Paragraph("asean-china-2024", "1", "The ASEAN-China Summit was held."),)),
]


def _people() -> frozenset[str]:
    """The people and places the SPEAKERS library names, as LibraryState.named_people reads them."""
    return frozenset({"biden", "kishida", "yoon", "suk", "yeol", "putin", "joseph", "japan", "seoul"})


@pytest.mark.parametrize(
    ("question", "described"),
    [
        ("What did Biden and Kishida agree on semiconductors?", "declarations where Biden and Kishida speak: japan-us-2022"),
        ("What did President Biden and Prime Minister Kishida say about Taiwan?",  # titles name no one
         "declarations where Biden and Kishida speak: japan-us-2022"),
        ("Did Yoon discuss North Korea?", "declarations where Yoon speaks: us-rok-2022"),
        ("What did Biden say about chips?", "declarations where Biden speaks: japan-us-2022, us-rok-2022"),
        ("What did Yoon Suk Yeol say about chips?", "declarations where Yoon Suk Yeol speaks: us-rok-2022"),  # one person
    ],
)
def test_names_a_question_gives_as_who_spoke_narrow_to_the_declarations_opening_with_them(question: str, described: str) -> None:
    implied = implied_filters(question, SPEAKERS, _people)
    assert implied.describe() == described
    assert filter_words(implied) == {word.lower() for name in implied.speakers for word in name.split()}  # they stop counting


@pytest.mark.parametrize(
    "question",
    [
        "What did the G7 say about Putin?",  # the name is the topic, and the issuer narrows (not here: no issuer)
        "What did Kishida say about the G7?",  # Kishida stands in the G7 text, but not in its opening
        "Will Biden sign the chips act?",  # who will act is a topic, not who spoke
        "What did the Chicago Summit Declaration say about Biden?",  # a text as the subject
        "What did Putin and Kishida agree?",  # no declaration opens with both
        "What did the leaders agree on semiconductors?",  # no name
        "Biden Kishida semiconductors",  # no verb of saying to be the subject of
        "What did the Bali leaders say about disinformation?",  # a place: other narrowing reads it
        "Did the ASEAN-China leaders talk about AI?",  # an issuer's word
    ],
)
def test_names_that_are_the_topic_or_open_no_declaration_do_not_narrow(question: str) -> None:
    implied = implied_filters(question, SPEAKERS, _people)
    assert implied is None or not implied.speakers


def test_a_name_every_declaration_opens_with_does_not_narrow() -> None:
    both = [d for d in SPEAKERS if d.doc_id in {"japan-us-2022", "us-rok-2022"}]
    assert implied_filters("What did Biden say about chips?", both, _people) is None


def test_only_people_and_places_the_library_names_are_speakers() -> None:
    members = [*SPEAKERS, _opening("un-2023", "Resolution", "The Member States met in New York.")]
    # "Member" opens a declaration, but the library names no one so: a common noun, not a speaker
    assert implied_filters("What did the Member States agree on chips?", members, _people) is None
    assert implied_filters("What did Biden and Kishida agree on chips?", SPEAKERS) is None  # no people given: not read
    asked = []
    implied_filters("What did the leaders agree on chips?", SPEAKERS, lambda: asked.append(1) or _people())
    assert asked == []  # read only when the question names someone as who spoke


def test_a_speakers_filter_names_how_many_declarations_beyond_three() -> None:
    many = Filters(doc_ids=tuple(f"d{i}" for i in range(5)), speakers=("Biden",))
    assert many.describe() == "the 5 declarations where Biden speaks"
    assert filter_words(many) == {"biden"}
    assert Filters(doc_ids=("d1",), speakers=("Biden", "Moon")).describe(titles={"d1": "U.S.-ROK Statement"}) == (
        "declarations where Biden and Moon speak: U.S.-ROK Statement (d1)")


@pytest.mark.real_entities  # who the library names is read from spaCy's PERSON and GPE entities
def test_an_answer_narrowed_to_who_spoke_says_so_and_searches_only_there(fake_encoder) -> None:
    rows = [
        {"doc_id": "japan-us-2022", "paragraph": "1", "title": "Japan-U.S. Joint Leaders’ Statement", "date": "2022-05-23",
         "text": "Prime Minister Fumio Kishida welcomed President Joe Biden to Tokyo. They met at the palace."},
        {"doc_id": "japan-us-2022", "paragraph": "2", "title": "Japan-U.S. Joint Leaders’ Statement", "date": "2022-05-23",
         "text": "The two leaders will cooperate on semiconductors."},
        {"doc_id": "us-rok-2022", "paragraph": "1", "title": "U.S.-ROK Statement", "date": "2022-05-21",
         "text": "President Yoon Suk Yeol welcomed President Joe Biden to Seoul. They agreed on semiconductors."},
    ]
    lib = Library.from_passages(rows, encoder=fake_encoder)
    answer = lib.ask("What did Biden and Kishida agree on semiconductors?", k=3)
    assert answer.narrowed == Filters(doc_ids=("japan-us-2022",), speakers=("Biden", "Kishida"))
    assert answer.narrowed_text == "declarations where Biden and Kishida speak: Japan-U.S. Joint Leaders’ Statement (japan-us-2022)"
    assert {h.doc_id for h in answer.hits} == {"japan-us-2022"}
    assert list(answer.to_dict()["narrowed"]["speakers"]) == ["Biden", "Kishida"]
    assert lib.ask("What did Biden and Kishida agree on semiconductors?", narrow=False).narrowed is None


def _said(doc_id: str, issuer: str, date: str, *texts: str) -> Declaration:
    return Declaration(doc_id, doc_id, date, "", issuer, "", "",
                       tuple(Paragraph(doc_id, str(n), text) for n, text in enumerate(texts, start=1)))


ALIASED = [
    _said("g7-2022", "G7", "2022-05-08", "Today we, the Leaders of the Group of Seven (G7), stand with Ukraine."),
    _said("apec-2023", "APEC", "2023-11-17", "We, the Asia-Pacific Economic Cooperation (APEC) Leaders, met."),
    _said("asean-us-2022", "ASEAN-U.S.", "2022-05-13",
          "WE, the Member States of the Association of Southeast Asian Nations (ASEAN) and the United States, met."),
    _said("asean-2024", "ASEAN", "2024-10-10", "The Chair of ASEAN (NATO) spoke."),  # brackets naming another body
    _said("nato-2012", "NATO", "2012-05-20", "We met in Chicago."),
    _said("a-res-78-1", "United Nations General Assembly", "2023-12-19", "Recalling its resolutions,"),
    _said("undrip", "UN General Assembly", "2007-09-13", "Indigenous peoples have the right to self-determination."),
]


def test_the_long_names_the_texts_define_for_an_acronym_issuer() -> None:
    from qa.answers.narrowing import issuer_aliases

    # The longest run before the brackets that opens with the acronym's letter and spells it in
    # order: not "Leaders of the …", not "Member States of the …"; "Chair of ASEAN" spells no "NATO".
    assert issuer_aliases(ALIASED) == {"G7": ("Group of Seven",), "APEC": ("Asia-Pacific Economic Cooperation",),
                                       "ASEAN": ("Association of Southeast Asian Nations",)}


@pytest.mark.parametrize(
    ("question", "described"),
    [
        ("What did the Group of Seven say about Ukraine?", "issuer G7"),
        ("What did the G-7 say about Ukraine?", "issuer G7"),
        ("Did the North Atlantic Treaty Organization say anything about Georgia?", "issuer NATO"),  # spelled out
        ("What did Asia-Pacific Economic Cooperation leaders agree?", "issuer APEC"),
        ("What did the Association of Southeast Asian Nations say?", "issuer ASEAN or ASEAN-U.S."),  # as "ASEAN" does
        ("What did the UNGA say about indigenous peoples?",  # the body's initials, both its spellings
         "issuer UN General Assembly or United Nations General Assembly"),
    ],
)
def test_an_issuer_is_named_by_the_long_name_its_texts_define_or_its_initials(question: str, described: str) -> None:
    from qa.answers.narrowing import issuer_aliases

    assert implied_filters(question, ALIASED, aliases=lambda: issuer_aliases(ALIASED)).describe() == described


def test_a_long_name_the_question_gives_stops_counting_in_the_word_matching() -> None:
    aliases = {"G7": ("Group of Seven",), "ASEAN": ("Association of Southeast Asian Nations",)}
    g7 = Filters(issuer=("G7",))
    asked = "What did the Group of Seven say about working groups?"
    assert filter_words(g7, asked=asked, aliases=lambda: aliases) == {"g7", "group", "seven"}
    assert filter_words(g7, asked="What did the G7 say about working groups?", aliases=lambda: aliases) == {"g7"}
    # Two bodies named: the long name may be the topic ("What did the G7 say about ASEAN?").
    both = Filters(issuer=("ASEAN", "G7"))
    assert filter_words(both, asked="What did the G7 say about the Association of Southeast Asian Nations?",
                        aliases=lambda: aliases) == set()
    pair = Filters(issuer=("ASEAN", "ASEAN-U.S."))  # one name, shared: "ASEAN" keeps counting, its long name not
    assert filter_words(pair, asked="What did the Association of Southeast Asian Nations say?",
                        aliases=lambda: aliases) == {"associ", "southeast", "asian", "nation"}


def test_a_question_without_two_capitalised_words_in_a_row_never_reads_the_long_names() -> None:
    def unread() -> dict[str, tuple[str, ...]]:
        raise AssertionError("the texts were read for long names")

    # Reading them scans every paragraph (0.04 s over ../shared): most questions name no long name.
    assert implied_filters("What did NATO say about Georgia in 2012?", ALIASED, aliases=unread).describe() == \
        "issuer NATO, year 2012"
    assert filter_words(Filters(issuer=("NATO",)), asked="What did NATO say about Georgia?", aliases=unread) == {"nato"}


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("What did the G7 say about China since 2022?", {"2022"}),
        ("What did the G7 say about Russia after 2021?", {"2021"}),  # the years from 2022: its bound as written
        ("Between 2021 and 2022, what did the G7 say about the 2030 Agenda?", {"2021", "2022"}),  # not the topic's 2030
    ],
)
def test_a_span_s_years_as_written_stop_counting(question: str, years: set[str]) -> None:
    implied = implied_filters(question, DECLS)
    assert implied.year_from is not None or implied.year_to is not None
    assert {w for w in filter_words(implied, asked=question) if w.isdigit()} == years


def test_a_filter_s_issuer_may_be_named_as_a_question_names_it(fake_encoder) -> None:
    from qa.answers.narrowing import issuer_called

    library = [*DECLS, _decl("a-res-78-1", "United Nations General Assembly", "2023-09-18")]
    assert issuer_called("UNGA", library) == "United Nations General Assembly"
    assert issuer_called("G-7", library) == "G7"
    assert issuer_called("the Group of Seven", library, lambda: {"G7": ("Group of Seven",)}) == "G7"
    assert issuer_called("g7", library) == "g7"  # an issuer already, however written
    assert issuer_called("Mars", library) == "Mars"  # none: the filter says which there are
    rows = [{"doc_id": "g7-2021", "paragraph": "1", "issuer": "G7", "date": "2021-06-13", "title": "Carbis Bay",
             "text": "We, the Leaders of the Group of Seven (G7), met in Cornwall."},
            {"doc_id": "nato-2012", "paragraph": "1", "issuer": "NATO", "date": "2012-05-20", "title": "Chicago",
             "text": "Allies met in Chicago."}]
    lib = Library.from_passages(rows, encoder=fake_encoder)
    assert [d.doc_id for d in lib.select(issuer="the Group of Seven")] == ["g7-2021"]
    assert [h.doc_id for h in lib.search("met", issuer="G-7")] == ["g7-2021"]
    with pytest.raises(InvalidOptionError, match="No declaration has the issuer 'Mars'"):
        lib.select(issuer="Mars")
