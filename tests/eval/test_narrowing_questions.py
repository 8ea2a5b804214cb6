"""eval/narrowing.jsonl: questions naming an issuer or year narrow to what they name, and keep their answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answers.narrowing import implied_filters
from qa.evaluation.shared_data import declarations_dir
from qa.ingest.reading import read_corpus

ROOT = Path(__file__).resolve().parents[2]
ROWS = [json.loads(line) for line in (ROOT / "eval" / "narrowing.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def declarations():
    if not declarations_dir().is_dir():
        pytest.skip("../shared/declarations is absent")
    return read_corpus(declarations_dir()).declarations


@pytest.mark.parametrize("row", ROWS, ids=[r["question"] for r in ROWS])
def test_each_question_narrows_to_what_it_names_and_keeps_its_answer(row: dict, declarations) -> None:
    implied = implied_filters(row["question"], declarations)
    assert implied is not None and implied.describe() == row["narrows_to"]
    assert row["doc_id"] in {d.doc_id for d in implied.select(declarations)}
