"""Check a JSONL question file against the corpus (../shared/declarations, or QA_CORPUS): evidence strings and paragraph numbers.

Usage (from the repository root):

    .venv/bin/python eval/check_questions.py eval/heldout.jsonl [eval/declarations.jsonl ...]

For every answerable line (and every entry of its ``also`` list) it checks that each evidence
string is 30-120 characters, lies on one line of the source file, occurs exactly once in that
file, and is contained in exactly one paragraph as numbered by ``qa.ingest.reading.read_corpus``, and
that ``paragraphs`` lists exactly those paragraph numbers in the same order. Unanswerable lines
must be ``{"question": ..., "answerable": false}``. It also reports questions repeated within or
across the files given. It only reads the corpus: no search or model is involved.

Exit status 0 when every line passes, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from qa.evaluation.shared_data import declarations_dir
from qa.ingest.reading import read_corpus

ROOT = Path(__file__).resolve().parent.parent
MIN_LEN, MAX_LEN = 30, 120


def load_corpus(corpus_dir: Path):
    """doc_id -> (source text, paragraphs) for every declaration in the corpus."""
    corpus = {}
    for decl in read_corpus(corpus_dir).declarations:
        text = Path(decl.source).read_text(encoding="utf-8")
        corpus[decl.doc_id] = (text, decl.paragraphs)
    return corpus


def check_ref(ref: dict, corpus: dict, where: str) -> list[str]:
    """Problems with one {doc_id, evidence, paragraphs} reference."""
    problems = []
    doc_id = ref.get("doc_id")
    if doc_id not in corpus:
        return [f"{where}: unknown doc_id {doc_id!r}"]
    text, paragraphs = corpus[doc_id]
    evidence = ref.get("evidence")
    evs = evidence if isinstance(evidence, list) else [evidence]
    if not evs or not all(isinstance(e, str) and e for e in evs):
        return [f"{where}: evidence must be a non-empty string or list of strings"]
    expected = []
    for ev in evs:
        if not MIN_LEN <= len(ev) <= MAX_LEN:
            problems.append(f"{where}: evidence is {len(ev)} characters (need {MIN_LEN}-{MAX_LEN}): {ev!r}")
        count = text.count(ev)
        if count != 1:
            problems.append(f"{where}: evidence occurs {count} times in {doc_id}: {ev!r}")
        if "\n" in ev or not any(ev in line for line in text.splitlines()):
            problems.append(f"{where}: evidence is not on one line of {doc_id}: {ev!r}")
        hits = [p.number for p in paragraphs if ev in p.text]
        if len(hits) != 1:
            problems.append(f"{where}: evidence is in paragraphs {hits} of {doc_id}: {ev!r}")
        expected.append(hits[0] if len(hits) == 1 else None)
    if ref.get("paragraphs") != expected:
        problems.append(f"{where}: paragraphs {ref.get('paragraphs')} but evidence gives {expected}")
    return problems


def check_file(path: Path, corpus: dict) -> tuple[list[str], list[dict]]:
    """Problems in one file, and its parsed rows."""
    problems, rows = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path.name}:{number}"
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: invalid JSON ({exc})")
            continue
        if not isinstance(row, dict) or not isinstance(row.get("question"), str) or not row["question"].strip():
            problems.append(f"{where}: not an object with a non-empty question")
            continue
        rows.append(row)
        if row.get("answerable") is False:
            if set(row) != {"question", "answerable"}:
                problems.append(f"{where}: unanswerable line has extra keys {sorted(set(row) - {'question', 'answerable'})}")
            continue
        if set(row) == {"question", "answerable"} and row["answerable"] is True:
            continue  # a label only, with no evidence to check (the calibration.jsonl format)
        problems += check_ref(row, corpus, where)
        also = row.get("also", [])
        if not isinstance(also, list):
            problems.append(f"{where}: also must be a list")
            continue
        for i, ref in enumerate(also):
            problems += check_ref(ref, corpus, f"{where} also[{i}]")
    return problems, rows


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    # The eleven declarations the files ask about: ../shared/declarations (QA_CORPUS overrides).
    corpus = load_corpus(Path(os.environ.get("QA_CORPUS") or declarations_dir()))
    all_problems, seen = [], Counter()
    for name in argv:
        path = Path(name)
        problems, rows = check_file(path, corpus)
        all_problems += problems
        answerable = [r for r in rows if r.get("answerable") is not False and "doc_id" in r]
        refs = sum(len(r["evidence"]) if isinstance(r.get("evidence"), list) else 1 for r in answerable)
        refs += sum(len(a["evidence"]) if isinstance(a.get("evidence"), list) else 1
                    for r in answerable for a in r.get("also", []))
        unanswerable = sum(r.get("answerable") is False for r in rows)
        print(f"{path}: {len(rows)} lines, {len(answerable)} answerable with evidence, "
              f"{unanswerable} unanswerable, {refs} evidence strings")
        for doc_id, n in sorted(Counter(r.get("doc_id") for r in answerable).items(), key=lambda kv: -kv[1]):
            print(f"  {n:3d}  {doc_id}")
        seen.update(" ".join(r["question"].lower().split()) for r in rows)
    all_problems += [f"question appears {n} times: {q!r}" for q, n in seen.items() if n > 1]
    for problem in all_problems:
        print("FAIL", problem)
    print("all lines pass" if not all_problems else f"{len(all_problems)} problems")
    return 1 if all_problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
