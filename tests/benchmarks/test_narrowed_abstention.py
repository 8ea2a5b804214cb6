"""benchmarks/narrowed_abstention.py: narrowed questions decided by the calibrated rule alone and by Library.ask."""

from __future__ import annotations

from benchmarks.narrowed_abstention import Asked, ask_narrowed
from qa.library import Library


def test_a_narrowed_question_is_decided_both_ways(fake_encoder, apec_and_haiti_passages) -> None:
    lib = Library.from_passages(apec_and_haiti_passages, encoder=fake_encoder)
    # "APEC" alone brings APEC's paragraph near; its topic, Haiti, is in none of APEC's paragraphs
    assert ask_narrowed(lib, "APEC Haiti", None) == Asked("APEC Haiti", False, True, False)
    assert ask_narrowed(lib, "APEC Haiti", True) == Asked("APEC Haiti", True, True, False)


def test_a_grid_question_whose_declarations_hold_its_topic_is_left_out(fake_encoder, apec_and_haiti_passages) -> None:
    lib = Library.from_passages(apec_and_haiti_passages, encoder=fake_encoder)
    assert ask_narrowed(lib, "APEC fossil fuel subsidies", None) is None  # APEC's ¶7 holds them: not unanswerable
    assert ask_narrowed(lib, "fossil fuel subsidies", False) is None  # names no filter: not narrowed
