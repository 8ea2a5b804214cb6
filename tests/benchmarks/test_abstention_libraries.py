"""benchmarks/abstention_libraries.py: what it prints is what the library's rule decides."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from benchmarks.abstention_libraries import QUANTILES, parse_library, run
from qa.library import Library


def test_each_rule_line_counts_what_the_library_refuses_and_answers(tiny_passages, fake_encoder) -> None:
    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    off_topic = ["Who wrote the song Bohemian Rhapsody?", "What is the chemical symbol for gold?"]
    answerable = {"mine.jsonl": ["Will Georgia become a member of NATO?", "ISAF transition end of 2014"]}
    lines = run([("tiny", lambda: lib)], off_topic, answerable)
    assert lines[0] == "tiny: 200 probes"
    shipped = next(line for line in lines if "(shipped)" in line)
    refused = sum(not lib.ask(q).found for q in off_topic) / len(off_topic)
    answered = sum(lib.ask(q).found for q in answerable["mine.jsonl"]) / 2
    assert f"off-topic refused {refused:.3f}" in shipped and f"mine {answered:.3f}" in shipped
    assert len(lines) == 1 + 1 + len(QUANTILES)  # the calibrated cosine, then each probe quantile


def test_a_library_is_named_folders_and_index() -> None:
    assert parse_library("whole=a,b/c:/tmp/ix") == ("whole", [Path("a"), Path("b/c")], Path("/tmp/ix"))
    with pytest.raises(argparse.ArgumentTypeError, match="NAME=FOLDER"):
        parse_library("whole:/tmp/ix")


def test_a_narrowed_question_off_its_topic_is_refused_as_the_library_refuses_it(fake_encoder, apec_and_haiti_passages) -> None:
    """Library.ask also holds a narrowed question's topic to the cosine answers need: the
    benchmark's lines count it so ("APEC Haiti" reaches APEC's paragraphs by "APEC" alone)."""
    lib = Library.from_passages(apec_and_haiti_passages, encoder=fake_encoder)
    assert not lib.ask("APEC Haiti").found and lib.ask("APEC").found
    lines = run([("tiny", lambda: lib)], ["APEC Haiti"], {"mine.jsonl": ["APEC"]})
    shipped = next(line for line in lines if "(shipped)" in line)
    assert "off-topic refused 1.000" in shipped and "mine 1.000" in shipped
