"""benchmarks/narrowed_abstention.py: narrowed questions decided by the calibrated rule alone and by Library.ask."""

from __future__ import annotations

from benchmarks.narrowed_abstention import Asked, ask_narrowed
from qa.library import Library

ROWS = [
    {"doc_id": "apec-2023", "paragraph": "1", "issuer": "APEC", "date": "2023-11-17", "title": "Golden Gate Declaration",
     "text": "We, the Economic Leaders of APEC, met as APEC. The APEC hosts thank APEC members."},
    {"doc_id": "apec-2023", "paragraph": "7", "issuer": "APEC", "date": "2023-11-17", "title": "Golden Gate Declaration",
     "text": "We recall our commitment to phase out inefficient fossil fuel subsidies."},
    {"doc_id": "g7-2024", "paragraph": "1", "issuer": "G7", "date": "2024-06-14", "title": "Communiqué",
     "text": "We support the people of Haiti."},
]


def test_a_narrowed_question_is_decided_both_ways(fake_encoder) -> None:
    lib = Library.from_passages(ROWS, encoder=fake_encoder)
    # "APEC" alone brings APEC's paragraph near; its topic, Haiti, is in none of APEC's paragraphs
    assert ask_narrowed(lib, "APEC Haiti", None) == Asked("APEC Haiti", False, True, False)
    assert ask_narrowed(lib, "APEC Haiti", True) == Asked("APEC Haiti", True, True, False)


def test_a_grid_question_whose_declarations_hold_its_topic_is_left_out(fake_encoder) -> None:
    lib = Library.from_passages(ROWS, encoder=fake_encoder)
    assert ask_narrowed(lib, "APEC fossil fuel subsidies", None) is None  # APEC's ¶7 holds them: not unanswerable
    assert ask_narrowed(lib, "fossil fuel subsidies", False) is None  # names no filter: not narrowed
