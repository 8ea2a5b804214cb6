"""`qa eval` in a subprocess over the real corpus and model, on tiny question files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.evaluation.shared_data import declarations_dir

REPO = Path(__file__).resolve().parents[2]

QUESTIONS = [
    {"question": "NATO and Georgia?", "doc_id": "nato-chicago-summit-2012", "paragraphs": ["29"]},
    {"question": "When will the ISAF mission end?", "doc_id": "nato-chicago-summit-2012", "paragraphs": ["5"],
     "also": [{"doc_id": "nato-chicago-summit-2012", "paragraphs": ["6"]}]},
    {"question": "What is a good recipe for banana bread?", "answerable": False},
]

SQUAD = {"version": "1.1", "data": [{"title": "Super_Bowl_50", "paragraphs": [
    {"context": "The Denver Broncos defeated the Carolina Panthers in Super Bowl 50.",
     "qas": [{"question": "Which team won Super Bowl 50?", "id": "1", "answers": [{"text": "Denver Broncos"}]}]},
    {"context": "The game was played at Levi's Stadium in Santa Clara, California.",
     "qas": [{"question": "In which stadium was the game played?", "id": "2", "answers": [{"text": "Levi's Stadium"}]},
             {"question": "In which state is Santa Clara?", "id": "3", "answers": [{"text": "California"}]}]},
]}]}


@pytest.fixture(scope="module")
def run(index_dir: Path):
    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "QA_INDEX": str(index_dir), "QA_CORPUS": str(declarations_dir())}
        return subprocess.run(
            [str(Path(sys.executable).parent / "qa"), *args], capture_output=True, text=True, env=env, timeout=600
        )

    return _run


def _jsonl(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


# `library` builds the real index once (in index_dir) before the CLI needs it.


def test_eval_prints_retrieval_and_abstention_metrics(run, library, tmp_path: Path) -> None:
    result = run("eval", str(_jsonl(tmp_path, QUESTIONS)), "-v")
    assert result.returncode == 0, result.stderr
    for label in ("recall@1", "recall@3", "recall@5", "MRR@10", "precision", "recall", "wrongly refused", "Misses"):
        assert label in result.stdout


def test_eval_json_counts_the_questions(run, library, tmp_path: Path) -> None:
    result = run("eval", str(_jsonl(tmp_path, QUESTIONS)), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ranking"]["questions"] == 2
    assert report["ranking"]["recall@5"] == 1.0  # both are asked in the paragraphs' own words
    assert (report["abstention"]["answerable"], report["abstention"]["unanswerable"]) == (2, 1)
    assert report["abstention"]["recall"] == 1.0  # banana bread is far from every declaration


def test_eval_rejects_unknown_paragraphs_with_line_numbers(run, library, tmp_path: Path) -> None:
    rows = [QUESTIONS[0], {"question": "x", "doc_id": "nato-2099", "paragraphs": ["1"]},
            {"question": "y", "doc_id": "nato-chicago-summit-2012", "paragraphs": ["999"]}]
    result = run("eval", str(_jsonl(tmp_path, rows)))
    assert result.returncode == 1
    assert "has 2 bad lines" in result.stderr
    assert "line 2: unknown doc_id 'nato-2099' (did you mean 'nato-chicago-summit-2012'?)" in result.stderr
    assert "line 3: nato-chicago-summit-2012 has no paragraph '999'" in result.stderr
    assert "Traceback" not in result.stderr and not result.stdout


def test_eval_rejects_malformed_lines_before_loading_the_index(run, tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text(json.dumps(QUESTIONS[0]) + '\n{"question": "x"}\n{not json\n', encoding="utf-8")
    result = run("eval", str(path))
    assert result.returncode == 1
    assert 'line 2: missing "doc_id"' in result.stderr and "line 3: invalid JSON" in result.stderr
    assert "Traceback" not in result.stderr and not result.stdout


def test_eval_squad_ranks_a_tiny_file(run, tmp_path: Path) -> None:
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(SQUAD), encoding="utf-8")
    result = run("eval", "--squad", str(path), "--json", "--limit", "2")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["paragraphs"] == 2 and report["ranking"]["questions"] == 2
    assert report["ranking"]["recall@1"] == 1.0 and report["sentence_accuracy"] == 1.0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("eval",), 2, "one of the arguments"),
        (("eval", "q.jsonl", "--squad", "s.json"), 2, "not allowed with"),
        (("eval", "missing.jsonl"), 1, "No such file"),
        (("eval", "--squad", "missing.json"), 1, "No such file"),
    ],
)
def test_eval_usage_errors(run, args, code, message) -> None:
    result = run(*args)
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr
