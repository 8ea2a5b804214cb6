from __future__ import annotations

import pytest

from qa.sentences import sentence_spans


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
