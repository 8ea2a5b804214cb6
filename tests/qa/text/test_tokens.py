"""Tests for qa/text/tokens.py: the index terms every part of retrieval shares."""

from __future__ import annotations

from qa.text.tokens import tokenize


def test_tokenize_lowercases_stems_and_drops_stopwords() -> None:
    assert tokenize("What did the Members of NATO decide?") == ["member", "nato", "decid"]
    assert tokenize("The G7 and Article 5") == ["g7", "articl", "5"]
    assert tokenize("the of and") == []
