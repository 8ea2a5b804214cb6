"""Search at size: warm search p50/p99 against embedding the question alone, in one run.

Opens a library (any corpus and index: pass the big archive with --corpus), then for each
question times, back to back in a rotating order (qa.evaluation.bench.query_latency): embedding
the question alone with the encoder the library uses for questions (the ONNX export when it is
made), ``lib.search``, ``lib.ask``, and retrieval given the vector; then the same search narrowed
to one declaration (``doc_ids=``). Prints p50/p95/p99 and the ratios the targets name
(search p50 <= 1.5x and p99 <= 3x embedding alone).

    .venv/bin/python -m benchmarks.search_latency [--corpus DIR] [--index DIR] [--questions eval/declarations.jsonl] [--limit 200]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from benchmarks.common import EVAL
from qa.evaluation.bench import percentiles, query_latency
from qa.library import Library


def questions_from(path: Path, limit: int) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][:limit]


def filtered(lib: Library, questions: list[str]) -> dict[str, float]:
    """lib.search narrowed to the largest declaration, per question."""
    largest = max(lib.declarations, key=lambda d: len(d.paragraphs)).doc_id
    lib.search(questions[0], k=10, doc_ids=[largest])
    samples = []
    for question in questions:
        started = time.perf_counter()
        lib.search(question, k=10, doc_ids=[largest])
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--questions", type=Path, default=EVAL / "declarations.jsonl")
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args(argv)
    lib = Library.open(args.corpus, args.index)
    encoder = lib._index.encoder  # noqa: SLF001 - the question encoder the library uses
    questions = questions_from(args.questions, args.limit)
    rows = query_latency(lib, questions, encode=lambda q: encoder.encode([q]))
    rows["search_one_declaration"] = filtered(lib, questions)
    paragraphs = sum(len(d.paragraphs) for d in lib.declarations)
    print(f"{len(lib.declarations)} declarations, {paragraphs} paragraphs, {len(questions)} questions, "
          f"question encoder {type(encoder).__name__}, load average {os.getloadavg()[0]:.1f}\n")
    print("| what | p50 ms | p95 ms | p99 ms | p50 / encode p50 | p99 / encode p50 |")
    print("|---|---:|---:|---:|---:|---:|")
    base = rows["encode"]["p50"]
    for name, row in rows.items():
        print(f"| {name} | {row['p50']} | {row['p95']} | {row['p99']} | {row['p50'] / base:.2f} | {row['p99'] / base:.2f} |")
    print("\ntargets: search p50 <= 1.5x and p99 <= 3x the encode p50")
    return 0


if __name__ == "__main__":
    sys.exit(main())
