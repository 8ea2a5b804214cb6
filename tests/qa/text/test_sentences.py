from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.text.sentences import _MAY_BREAK, _join_scraps, pysbd_spans, sentence_extents, sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_splits_sentences_with_offsets_into_the_text() -> None:
    text = "We met in Chicago. Georgia will join NATO."
    assert sentence_spans(text) == [(0, 18), (19, 42)]
    assert _sentences(text) == ["We met in Chicago.", "Georgia will join NATO."]


def test_abbreviations_do_not_end_a_sentence() -> None:
    text = "The U.S. and Mr. Biden met on 3 May. They agreed."
    assert _sentences(text) == ["The U.S. and Mr. Biden met on 3 May.", "They agreed."]


def test_repeated_sentences_get_their_own_offsets() -> None:
    text = "We agree. We agree. We agree."
    assert sentence_spans(text) == [(0, 9), (10, 19), (20, 29)]


@pytest.mark.parametrize(
    "text",
    [
        "  Leading and trailing space.  \n",
        "No final stop",
        "One.\n\nTwo after a blank line.\tThree!",
        "(a) a list item; (b) another item;\n(c) the last item.",
        "x",
        "...",
        "Quotes: \u201cWe hold these truths.\u201d Then more.",
    ],
)
def test_spans_are_trimmed_ordered_and_cover_every_word(text: str) -> None:
    spans = sentence_spans(text)
    assert spans
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        assert text[previous_end:start].strip() == ""
        previous_end = end
    assert text[previous_end:].strip() == ""


def test_empty_and_blank_text() -> None:
    assert sentence_spans("") == []
    assert sentence_spans("   ") == [(0, 3)]


def _extents(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_extents(text, sentence_spans(text))]


def test_a_hard_wrapped_sentence_is_one_extent_for_each_of_its_lines() -> None:
    text = ("He is at this time transporting large armies of foreign mercenaries\n      to compleat the works of "
            "death, desolation and tyranny,\n      already begun. He has constrained our fellow Citizens.")
    whole = text[: text.index("begun.") + len("begun.")]
    assert len(pysbd_spans(text)) == 4  # pysbd breaks at every line break
    assert len(sentence_spans(text)) == 3  # "already begun." is a scrap: it joins the line before
    assert _extents(text) == [whole, whole, "He has constrained our fellow Citizens."]


def test_a_full_stop_before_a_line_going_on_in_lower_case_ends_no_sentence() -> None:
    # pysbd breaks after "U.S." at a line end: the highlight had shown "and EU exporters alike, ..." alone.
    text = ("We will make sure that export controls are transparent and equitable for U.S.\n"
            "and EU exporters alike, in every sector and every year. We agree.")
    assert len(pysbd_spans(text)) == 3
    whole = text[: text.index("year.") + len("year.")]
    assert _extents(text) == [whole] * (len(sentence_spans(text)) - 1) + ["We agree."]
    items = "We will:\ni) work together closely;\nii) build on what we have."  # a list item goes on as before
    assert _extents(items) == ["We will:", "i) work together closely;", "ii) build on what we have."]


def test_a_scrap_of_a_hard_wrapped_sentence_joins_its_neighbour_but_a_short_sentence_stays() -> None:
    # A White House statement: "States." alone came within 0.52 in meaning of the question "China".
    text = ("They discussed how\nthey can work together at the Climate Leaders’ Summit hosted by the United\n"
            "States.  Done.  The leaders\nacknowledged the benefits of addressing short-lived pollutants.")
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "They discussed how\nthey can work together at the Climate Leaders’ Summit hosted by the United\nStates.",
        "Done.",
        "The leaders\nacknowledged the benefits of addressing short-lived pollutants.",
    ]
    wrapped = "to combat this crisis.  The United States and\nJapan are committed to taking decisive climate action by 2030."
    assert [wrapped[s:e] for s, e in sentence_spans(wrapped)][1] == (  # "The United States and" came near "Russia"
        "The United States and\nJapan are committed to taking decisive climate action by 2030.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Breathing pure oxygen at very high\npressure can be toxic to divers. It is rare.",
         ["Breathing pure oxygen at very high\npressure can be toxic to divers."] * 2 + ["It is rare."]),
        ("We will:\ni) work together closely;\nii) build on what we have, and\niii) agree on more of it.",
         ["We will:", "i) work together closely;", "ii) build on what we have, and\niii) agree on more of it.",
          "ii) build on what we have, and\niii) agree on more of it."]),
        ("\u201cWe hold these truths.\u201d\nThen more", ["\u201cWe hold these truths.\u201d", "Then more"]),
        ("No final stop", ["No final stop"]),
        ("We met in Chicago. Georgia will join NATO.", ["We met in Chicago.", "Georgia will join NATO."]),
    ],
)
def test_extents_run_on_past_pieces_without_a_closing_mark(text: str, expected: list[str]) -> None:
    assert _extents(text) == expected


def test_each_extent_contains_its_span() -> None:
    text = "One line\nruns on. Another (with a bracket.)\nAnd a last\none"
    spans = sentence_spans(text)
    extents = sentence_extents(text, spans)
    assert len(extents) == len(spans)
    assert all(a <= s < e <= b for (s, e), (a, b) in zip(spans, extents))
    assert sentence_extents("", []) == []


# ----- texts pysbd is not asked about ---------------------------------------------------------

#: Words, spaces and the punctuation of declarations that pysbd never breaks at on its own; not a
#: "-" before a quote, where it may ('-" A' breaks in two, and the scrap "A" joins its neighbour).
_UNBREAKABLE = st.text(
    alphabet=st.sampled_from(list("abcdefghij ABCDEFG 0123 ,;:'\"-(/%&\u00e9\u201c\u201d\u2019\u2013\t")),
    min_size=1, max_size=200,
).filter(lambda text: not _MAY_BREAK.search(text))


@settings(max_examples=300, deadline=None)
@given(_UNBREAKABLE)
def test_a_text_pysbd_cannot_break_is_one_sentence_as_pysbd_says(text: str) -> None:
    assert sentence_spans(text) == pysbd_spans(text)
    if not _MAY_BREAK.search(text):  # (a "-" before a quote may break: pysbd is asked then)
        assert len(sentence_spans(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Requests the Secretary-General (a) to report; (b) to consult;",  # a list item's ")"
        'the so-called "peace-" Then more',  # "-" before a quote, then a capital
        "Welcomes the report\nof the Committee;",  # a line break
        "Decides to remain seized of the matter.",  # a sentence mark
    ],
)
def test_a_text_pysbd_may_break_is_asked(text: str) -> None:
    assert _MAY_BREAK.search(text)
    assert sentence_spans(text) == _join_scraps(text, pysbd_spans(text))


def test_pysbd_breaks_where_the_marks_say_it_may() -> None:
    # Each mark of _MAY_BREAK is there because pysbd breaks at it: these are not one sentence.
    assert len(pysbd_spans("Requests the Secretary-General (a) to report; (b) to consult;")) > 1
    assert len(pysbd_spans('the so-called "peace-" Then more')) > 1
    assert len(pysbd_spans("Welcomes the report\nof the Committee;")) > 1
