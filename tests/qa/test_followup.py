from __future__ import annotations

import pytest

from qa.followup import read_question

SCOPE = {"nato", "chicago", "g7", "asean", "vientiane"}
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
        # No "about" and only an acronym: the previous content words ride along.
        ("What about Russia?", "When will the ISAF mission end?", "Russia (ISAF mission end)"),
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
