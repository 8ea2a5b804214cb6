from __future__ import annotations

import pytest

from qa.answers.followup import read_question, scope_words

SCOPE = {"nato", "chicago", "g7", "g20", "asean", "vientiane"}
GEORGIA = "What did NATO say about Georgia in 2012?"


@pytest.mark.parametrize(
    ("question", "previous", "query"),
    [
        ("What about Russia?", GEORGIA, "What did NATO say about Russia in 2012?"),
        ("what about the Western Balkans", GEORGIA, "What did NATO say about the Western Balkans in 2012?"),
        ("And Ukraine?", GEORGIA, "What did NATO say about Ukraine in 2012?"),
        ("Russia?", GEORGIA, "What did NATO say about Russia in 2012?"),
        ("How about in 2024?", GEORGIA, "What did NATO say about Georgia in 2024?"),
        ("What about Russia?", "What did the G7 say about climate finance?", "What did the G7 say about Russia?"),
        ("What about Russia?", "Will Georgia join NATO?", "Will Russia join NATO?"),
        # The topic after "on": the leaders named before the verb spoke, they are not it.
        ("What about Taiwan?", "What did Biden and Kishida agree on semiconductors?",
         "What did Biden and Kishida agree on Taiwan?"),
        ("And climate?", "What did the G7 say on AI in 2024?", "What did the G7 say on climate in 2024?"),
        # No "about" and only an acronym to replace: a named topic keeps only the scope, a
        # generic one takes the previous content words along.
        ("What about Ukraine?", "When will the ISAF mission end?", "Ukraine"),
        ("What about KFOR?", "When will NATO's ISAF mission end?", "KFOR (NATO's)"),
        ("What about the training mission?", "When will the ISAF mission end?", "the training mission (ISAF mission end)"),
        # Who, where or when changes; the topic stays.
        ("And the G20?", "What did the G7 say about climate finance?", "What did the G20 say about climate finance?"),
        ("What about ASEAN?", GEORGIA, "What did ASEAN say about Georgia in 2012?"),
        ("What about 2024?", "What did the G7 say about climate change in 2021?", "What did the G7 say about climate change in 2024?"),
        ("And in 2024?", "What did the G7 say about climate finance?", "What did the G7 say about climate finance in 2024?"),
        ("What about in Vientiane?", "What did ASEAN say about Myanmar in Chicago?", "What did ASEAN say about Myanmar in Vientiane?"),
        # A span of years takes the year's place with its own words, which narrow as a span.
        ("What about since 2020?", "What did the G7 say about climate change in 2021?",
         "What did the G7 say about climate change since 2020?"),
        ("And before 2020?", GEORGIA, "What did NATO say about Georgia before 2020?"),
        ("What about between 2021 and 2022?", "What did the G7 say about climate finance?",
         "What did the G7 say about climate finance between 2021 and 2022?"),
        ("And since 2021?", "What did the 2024 summit say about AI?", "What did the summit say about AI since 2021?"),
        # A month goes with its year, in or out, and the topic's place is found after it.
        ("What about March 2022?", "What did the G7 say about Russia in May 2022?",
         "What did the G7 say about Russia in March 2022?"),
        ("And in 2021?", "What did the G7 say about Russia in May 2022?", "What did the G7 say about Russia in 2021?"),
        ("What about since March 2022?", "What did the G7 say about Russia?", "What did the G7 say about Russia since March 2022?"),
        ("What about Ukraine?", "What did NATO say about Georgia in May 2012?", "What did NATO say about Ukraine in May 2012?"),
        ("What about March?", GEORGIA, "What did NATO say about March in 2012?"),  # no year: a month is a topic
        ("What did they say about Russia?", "What did NATO say about Georgia in May 2012?",
         "What did they say about Russia? (NATO May 2012)"),
        ("What about NATO?", "What was agreed about the South China Sea?", "What was agreed about the South China Sea? (NATO)"),
        ("When will it end?", "When will the ISAF mission end?", "When will it end? (ISAF mission end)"),
        ("What did they say about Russia?", GEORGIA, "What did they say about Russia? (NATO 2012)"),
    ],
)
def test_follow_ups_borrow_from_the_previous_turn(question: str, previous: str, query: str) -> None:
    reading = read_question(question, previous, scope=SCOPE)
    assert reading.query == query
    assert reading.is_followup
    assert reading.question == question


@pytest.mark.parametrize(
    ("question", "previous"),
    [
        ("What about Russia?", None),  # nothing to follow
        ("What did the G7 say about AI?", GEORGIA),  # a question of its own
        ("When will the ISAF mission in Afghanistan end?", GEORGIA),
        ("Thanks", GEORGIA),
        # A pronoun, but a topic of its own and no scope to keep: "they" are whoever spoke.
        ("What did they say about Georgia?", "What was agreed about the South China Sea?"),
    ],
)
def test_self_contained_questions_are_read_as_asked(question: str, previous: str | None) -> None:
    reading = read_question(question, previous, scope=SCOPE)
    assert reading.query == question
    assert not reading.is_followup


def test_follow_ups_chain_through_what_was_searched() -> None:
    first = read_question("What about Russia?", GEORGIA, scope=SCOPE)
    second = read_question("And Ukraine?", first.query, scope=SCOPE)
    assert second.query == "What did NATO say about Ukraine in 2012?"


def test_scope_words_are_the_naming_words_of_issuers_and_places() -> None:
    names = ["21 states of the Americas", "Washington, D.C.", "G7", "UN General Assembly", "New York", "NATO"]
    assert scope_words(names) == {"americas", "washington", "g7", "un", "general", "assembly", "new", "york", "nato"}


def test_small_words_of_an_issuer_never_scope_a_follow_up() -> None:
    # "the" and "of" from "21 states of the Americas" once rode along as scope: "What did they
    # say about Georgia? (the)".
    scope = scope_words(["21 states of the Americas", "ASEAN"])
    reading = read_question("What did they say about Georgia?", "What did the summit say about the South China Sea?", scope=scope)
    assert reading.query == "What did they say about Georgia?"
