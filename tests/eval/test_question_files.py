"""The shipped question files stay true to the corpus, and pooled judgments stay separable.

These run the same scripts a maintainer runs (in a subprocess, as from the shell): a parser
change that renumbers a paragraph, or an edit that breaks an evidence string, fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = ["eval/declarations.jsonl", "eval/heldout.jsonl", "eval/calibration.jsonl", "eval/people_calibration.jsonl",
         "eval/narrowing.jsonl"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_every_evidence_string_points_to_its_paragraph():
    done = run("eval/check_questions.py", *FILES)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all lines pass" in done.stdout


def test_checker_rejects_evidence_that_is_not_in_the_corpus(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"question": "Georgia?", "doc_id": "nato-chicago-summit-2012",
                               "evidence": "Georgia will become a member of the European Union one day",
                               "paragraphs": ["29"]}) + "\n", encoding="utf-8")
    done = run("eval/check_questions.py", str(bad))
    assert done.returncode == 1
    assert "occurs 0 times" in done.stdout + done.stderr


def test_pooled_judgments_strip_back_to_the_authors_gold_and_fold_again(tmp_path):
    """--strip gives the author's file; folding the committed judgments gives the shipped file."""
    author = tmp_path / "author.jsonl"
    done = run("benchmarks/fold_judgments.py", "eval/declarations.jsonl", "--strip", "--out", str(author))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in author.read_text(encoding="utf-8").splitlines()]
    assert not any(a.get("judged") == "pooled" for r in rows for a in r.get("also", []))
    assert len(rows) == len((ROOT / "eval/declarations.jsonl").read_text(encoding="utf-8").splitlines())

    done = run("benchmarks/fold_judgments.py", str(author), "eval/judgments/declarations.jsonl")
    assert done.returncode == 0, done.stderr
    assert author.read_text(encoding="utf-8") == (ROOT / "eval/declarations.jsonl").read_text(encoding="utf-8")


def test_an_answers_verdict_on_an_unanswerable_line_is_reported_not_folded(tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": "Lasagne recipe?", "answerable": False}) + "\n", encoding="utf-8")
    judgments = tmp_path / "j.jsonl"
    judgments.write_text(json.dumps({"line": 1, "doc_id": "g20-2022-bali", "paragraph": "3", "verdict": "answers",
                                     "reason": "x", "evidence": "y" * 40}) + "\n", encoding="utf-8")
    done = run("benchmarks/fold_judgments.py", str(questions), str(judgments))
    assert done.returncode == 0, done.stderr
    assert "marked unanswerable: not folded" in done.stdout
    assert json.loads(questions.read_text(encoding="utf-8")) == {"question": "Lasagne recipe?", "answerable": False}
