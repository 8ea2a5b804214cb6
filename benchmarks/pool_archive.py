"""Pool the whole archive's answers for blind judging: paragraphs from documents the authors never saw.

eval/declarations.jsonl and eval/heldout.jsonl were written, and pooled (benchmarks/pool_candidates.py),
against the 11 declarations of ../shared/declarations. Asked of the whole ../shared library
(those 11 plus 328 UN resolutions and 88 White House statements), a question about space debris
may be answered first by the General Assembly's resolution on outer space: right, but scored
wrong, because nobody judged it. This script asks the whole library for its top ``--depth``
paragraphs on every answerable question, drops those already gold (or showing a gold
paragraph's very words) and those already judged in ``--judged`` files, shuffles the rest and
writes them without their rank, for an assessor to judge answers / partial / no in the format
of eval/judgments (benchmarks/fold_judgments.py). benchmarks/archive.py then scores R@1 twice:
against the authors' gold, and with the archive's "answers" judgments added.

    .venv/bin/python -m benchmarks.pool_archive eval/declarations.jsonl --out /tmp/pool.json \
        --index .bench/archive-index --judged eval/judgments/archive-declarations.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from benchmarks.common import add_data_options, archive_library
from qa.evaluation.question_files import load_questions


def judged_places(paths: list[Path], *, verdict: str | None = None) -> dict[int, set[tuple[str, str]]]:
    """Question line -> the places the judgment files hold a verdict on (only ``verdict`` if given)."""
    done: dict[int, set[tuple[str, str]]] = {}
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if verdict is None or row["verdict"] == verdict:
                done.setdefault(row["line"], set()).add((row["doc_id"], row["paragraph"]))
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", type=Path, help="a question file in eval/'s format")
    parser.add_argument("--out", type=Path, required=True, help="where to write the blind pool (JSON)")
    parser.add_argument("--index", type=Path, required=True, help="the whole library's index folder")
    parser.add_argument("--depth", type=int, default=2, help="top N hits per answerable question (default 2)")
    parser.add_argument("--judged", type=Path, action="append", default=[],
                        help="judgment files whose verdicts need not be asked again (repeatable)")
    parser.add_argument("--seed", type=int, default=7, help="shuffle seed")
    add_data_options(parser, squad=False)
    args = parser.parse_args(argv)

    from qa.library import Library

    lib = Library.open(archive_library(args), args.index)
    done = judged_places(args.judged)
    rng = random.Random(args.seed)
    pool = []
    paragraphs = {(d.doc_id, par.number): par.text for d in lib.declarations for par in d.paragraphs}
    for q in load_questions(args.questions):
        if not q.gold:
            continue
        hits = lib.ask(q.question, k=args.depth).hits
        places = [(h.doc_id, h.paragraph) for h in hits]
        text = {(h.doc_id, h.paragraph): h.text for h in hits}
        fresh = [p for p in places if p not in q.gold and p not in done.get(q.line, set())
                 and not any(o in q.gold for o in lib.duplicates.others(*p))]
        if not fresh:
            continue
        rng.shuffle(fresh)
        pool.append({
            "line": q.line, "question": q.question,
            "gold": [{"doc_id": d, "paragraph": p, "text": paragraphs[d, p]} for d, p in sorted(q.gold)],
            "candidates": [{"doc_id": d, "paragraph": p, "title": lib.declaration(d).title, "text": text[d, p]}
                           for d, p in fresh],
        })
    args.out.write_text(json.dumps(pool, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{sum(len(p['candidates']) for p in pool)} candidates for {len(pool)} questions -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
