"""Pool candidate paragraphs from every peer for blind relevance judging (TREC-style pooling).

An author writing a question marks the paragraph(s) they know answer it, but a 700-paragraph
corpus often says the same thing twice (both G7 communiqués on ransomware, UNDRIP Article 8(1)
and 8(2) on forced assimilation). Pooling asks every system of benchmarks/peers.py (four peers
and this project) for its top ``--depth`` paragraphs on each question, drops those already
marked, shuffles the rest and writes them without saying which system proposed which, for an
assessor to judge answers / partial / no. benchmarks/fold_judgments.py then adds every
"answers" to the question file as an ``also`` entry marked ``"judged": "pooled"``; every
system, peers included, is scored against the same enlarged gold.

Run it in the peers' venv (benchmarks/setup-peers.sh), from the repository root:

    .bench/venv/bin/python -m benchmarks.pool_candidates eval/heldout.jsonl --out pool.json [--declarations DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from benchmarks import peers
from benchmarks.common import add_data_options, declarations_dir
from qa.evaluation.question_files import load_questions

SYSTEMS = ("rank_bm25", "faiss-flat", "txtai", "haystack", "qa")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", type=Path, help="a question file in eval/'s format")
    parser.add_argument("--out", type=Path, required=True, help="where to write the blind pool (JSON)")
    parser.add_argument("--depth", type=int, default=2,
                        help="top N of each system per answerable question (default 2; 1 for unanswerable)")
    parser.add_argument("--seed", type=int, default=7, help="shuffle seed")
    add_data_options(parser, squad=False)
    args = parser.parse_args(argv)

    model = peers.prepare(1)
    dataset = peers.load_declarations(args.questions, declarations_dir(args))
    text = {(p["doc_id"], p["paragraph"]): p["text"] for p in dataset.passages}
    systems = [peers.build(peers.PEERS[name], dataset, model, 32)[0] for name in SYSTEMS]
    rng = random.Random(args.seed)
    pool = []
    for q in load_questions(args.questions):
        gold = q.gold
        depth = args.depth if gold else 1
        found = dict.fromkeys(key for s in systems for key in s.search(q.question)[:depth] if key not in gold)
        candidates = list(found)
        rng.shuffle(candidates)
        pool.append({
            "line": q.line, "question": q.question, "answerable": bool(gold),
            "gold": [{"doc_id": d, "paragraph": p, "text": text[(d, p)]} for d, p in sorted(gold)],
            "candidates": [{"doc_id": d, "paragraph": p, "text": text[(d, p)]} for d, p in candidates],
        })
    args.out.write_text(json.dumps(pool, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{sum(len(p['candidates']) for p in pool)} candidates for {len(pool)} questions -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
