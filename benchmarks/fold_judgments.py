"""Fold blind pooled judgments into a question file: every "answers" becomes an ``also`` entry.

Input: judgments as JSON lines, one per pooled candidate (benchmarks/pool_candidates.py):
``{"line", "doc_id", "paragraph", "verdict": "answers" | "partial" | "no", "reason",
"evidence"}``; ``evidence`` (only for "answers") is copied from the paragraph. Each folded entry
is ``{"doc_id", "evidence", "paragraphs": [paragraph], "judged": "pooled"}``, so the author's
own gold stays recognisable and ``--strip`` writes the file as the author left it (to report
both figures). The question text and the author's gold are never touched; an "answers" on an
unanswerable line is reported, not folded. eval/check_questions.py then checks every evidence.

    .venv/bin/python -m benchmarks.fold_judgments eval/declarations.jsonl eval/judgments/declarations.jsonl
    .venv/bin/python -m benchmarks.fold_judgments eval/declarations.jsonl --strip --out /tmp/author-gold.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

POOLED = "pooled"


def strip(row: dict) -> dict:
    """The line as its author wrote it: pooled ``also`` entries removed."""
    also = [a for a in row.get("also", []) if a.get("judged") != POOLED]
    out = {k: v for k, v in row.items() if k != "also"}
    return {**out, "also": also} if also else out


def fold(rows: list[dict], judgments: list[dict]) -> tuple[int, list[str]]:
    """Add every "answers" judgment to its line (in place); returns (added, notes)."""
    added, notes = 0, []
    for j in judgments:
        if j["verdict"] != "answers":
            continue
        row = rows[j["line"] - 1]
        if row.get("answerable") is False:
            notes.append(f"line {j['line']}: judged answered by {j['doc_id']} {j['paragraph']}, "
                         "but marked unanswerable: not folded")
            continue
        entry = {"doc_id": j["doc_id"], "evidence": j["evidence"], "paragraphs": [j["paragraph"]], "judged": POOLED}
        if entry not in row.get("also", []):
            row.setdefault("also", []).append(entry)
            added += 1
    return added, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("judgments", type=Path, nargs="?")
    parser.add_argument("--strip", action="store_true", help="remove the pooled entries instead")
    parser.add_argument("--out", type=Path, help="write here instead of over QUESTIONS")
    args = parser.parse_args(argv)
    if args.judgments is None and not args.strip:
        parser.error("give JUDGMENTS, or --strip")
    rows = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines()]
    if args.strip:
        rows, added, notes = [strip(r) for r in rows], 0, []
    else:
        judgments = [json.loads(line) for line in args.judgments.read_text(encoding="utf-8").splitlines() if line.strip()]
        added, notes = fold(rows, judgments)
    (args.out or args.questions).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print("\n".join([*notes, f"{added} pooled answers folded into {args.out or args.questions}"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
