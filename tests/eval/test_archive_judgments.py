"""The archive's pooled judgments (eval/judgments/archive-*.jsonl) are well formed and point at
answerable questions; benchmarks/archive.py scores with them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.evaluation.question_files import load_questions

EVAL = Path(__file__).resolve().parents[2] / "eval"


@pytest.mark.parametrize("name", ["declarations.jsonl", "heldout.jsonl"])
def test_every_archive_judgment_names_an_answerable_question_and_a_verdict(name: str) -> None:
    questions = {q.line: q for q in load_questions(EVAL / name)}
    rows = [json.loads(line) for line in (EVAL / "judgments" / f"archive-{name}").read_text(encoding="utf-8").splitlines()]
    assert rows
    places = set()
    for row in rows:
        assert row["verdict"] in {"answers", "partial", "no"}, row
        assert questions[row["line"]].gold, f"line {row['line']} is unanswerable: {row}"
        assert (row["doc_id"], row["paragraph"]) not in questions[row["line"]].gold, row
        assert row["reason"].strip()
        if row["verdict"] == "answers":
            assert 30 <= len(row["evidence"]) <= 120 and "\n" not in row["evidence"], row
        else:
            assert "evidence" not in row, row
        places.add((row["line"], row["doc_id"], row["paragraph"]))
    assert len(places) == len(rows), "one verdict per question and paragraph"


def test_archive_judgments_raise_recall_only_where_they_answer() -> None:
    from benchmarks.archive import archive_judgments

    answers, judged = archive_judgments("declarations.jsonl")
    assert answers and all(answers[line] <= judged[line] for line in answers)
    assert sum(map(len, judged.values())) > sum(map(len, answers.values()))
