"""benchmarks/metadata_guesses.py: a folder read without its catalog, then with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.metadata_guesses import reading


def test_a_reading_without_a_catalog_counts_the_guesses_and_the_narrowing(
    tmp_path: Path, fake_encoder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QA_CATALOG", "kept-for-the-caller")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "g7-2024-apulia.txt").write_text(
        "G7 Apulia Leaders’ Communiqué\n\nWe, the Leaders of the Group of Seven (G7), gathered in Apulia.\n\n"
        "We will launch an action plan on the use of AI in the world of work.\n", encoding="utf-8")
    catalog = tmp_path / "catalog.toml"
    catalog.write_text('["g7-2024-apulia"]\nissuer = "G7"\nplace = "Borgo Egnazia"\ndate = "2024-06-14"\n',
                       encoding="utf-8")
    reading(tmp_path / "bare", corpus, None, encoder=fake_encoder)
    bare = capsys.readouterr().out
    assert bare.startswith("without a catalog (1 declarations): issuer 1 (1 guessed), place 1 (1 guessed), "
                           "date 1 (1 guessed)")
    assert "narrowed to 'issuer G7, year 2024', expected 'issuer G7, year 2024'" not in bare  # a match is not listed
    assert "declarations.jsonl  R@1 " in bare and "heldout.jsonl       R@1 " in bare
    reading(tmp_path / "cataloged", corpus, catalog, encoder=fake_encoder)
    assert capsys.readouterr().out.startswith("with the catalog (1 declarations): issuer 1 (0 guessed)")
