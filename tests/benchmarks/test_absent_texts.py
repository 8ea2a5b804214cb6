"""benchmarks/absent_texts.py: questions asking of a body or resolution the library lacks, and the controls."""

from __future__ import annotations

import pytest

from benchmarks import absent_texts
from qa.library import Library


def test_the_report_counts_the_absent_bodies_read_and_the_controls_refused(fake_encoder, apec_and_haiti_passages,
                                                                         monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    lib = Library.from_passages(apec_and_haiti_passages, encoder=fake_encoder)
    monkeypatch.setattr(absent_texts, "ABSENT", ("the OSCE", "Mercosur"))
    monkeypatch.setattr(absent_texts, "TOPICS", ("Haiti",))
    monkeypatch.setattr(absent_texts, "questions", lambda: {"tiny.jsonl": [("What did APEC say about Haiti?", True)]})
    absent_texts.report("tiny", lib, ("APEC",))
    out = capsys.readouterr().out
    assert "absent bodies x topics (6)" in out and "said missing 3" in out  # the OSCE's three; Mercosur is no acronym
    assert "not read as missing: Mercosur" in out
    assert "held bodies x topics         3 questions: said missing 0" in out
    assert "tiny.jsonl                   1 questions: said missing 0 (answerable 0)" in out
