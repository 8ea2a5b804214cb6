"""A filter's own scans against the index searched through the filter, one vector search at a time.

Over the whole ../shared library (or any library: --corpus), for each filter and each vector set
whose index is a fast scan: the time to build the filter's scans (embeddings/vector_subset.py), and
per question the time of ``VectorIndex.search(q, 100, allowed=mask)`` against ``Subset.search(q,
100)``, interleaved, with the share of the exact top 100 each keeps. Prints numbers; asserts nothing.

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.filter_scans --index .bench/archive-index
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import faiss
import numpy as np

from benchmarks.common import ROOT, add_data_options, archive_library
from embeddings.index_kinds import IndexKind
from embeddings.vector_subset import Subset

#: The filters measured: the widest of the library (the General Assembly's resolutions) and a
#: narrow one whose statements' paragraphs hold many sentences (one year).
FILTERS = {
    "issuer UN General Assembly": {"issuer": "UN General Assembly"},
    "years 2022-2022": {"year_from": 2022, "year_to": 2022},
}
WIDTH = 100  # what a search asks each vector set for (qa.search.fusion.Weights.candidates)


def measure(vectors, mask: np.ndarray, queries: np.ndarray) -> dict[str, float]:
    """Build time, per-query p50 of both searches and their recall of the exact top WIDTH."""
    started = time.perf_counter()
    subset = Subset(vectors, np.flatnonzero(mask))
    built = time.perf_counter() - started
    selector = faiss.IDSelectorBitmap(np.packbits(mask, bitorder="little"))
    took: dict[str, list[float]] = {"filter": [], "own scans": []}
    kept: dict[str, list[float]] = {"filter": [], "own scans": []}
    calls = {"filter": lambda q: vectors.search(q, WIDTH, allowed=mask), "own scans": lambda q: subset.search(q, WIDTH)}
    for i, query in enumerate(queries):
        _, exact = vectors._exact(query[None, :], WIDTH, selector)  # noqa: SLF001 - the exact reference
        for name in (list(calls) if i % 2 else list(calls)[::-1]):
            started = time.perf_counter()
            _, ids = calls[name](query)
            took[name].append(time.perf_counter() - started)
            kept[name].append(len(set(ids[0]) & set(exact[0])) / exact.shape[1])
    return {"allowed": int(mask.sum()), "built": built,
            **{f"{name} ms": statistics.median(values) * 1000 for name, values in took.items()},
            **{f"{name} recall": float(np.mean(values)) for name, values in kept.items()}}


def main(argv: list[str] | None = None) -> int:
    from qa.evaluation.question_files import load_questions
    from qa.library import Library

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / ".bench" / "archive-index")
    parser.add_argument("--corpus", type=Path, action="append", help="the library's folders (repeatable)")
    parser.add_argument("--questions", type=int, default=100, help="eval/declarations.jsonl questions asked")
    add_data_options(parser, squad=False)
    args = parser.parse_args(argv)
    lib = Library.open(args.corpus or archive_library(args), args.index)
    index = lib._index  # noqa: SLF001 - its vector sets, searched directly
    questions = [q.question for q in load_questions(ROOT / "eval" / "declarations.jsonl")][: args.questions]
    queries = index.encoder.encode(questions)
    print(f"{len(lib.declarations)} declarations, {index.size} paragraphs, {len(index._p.spans)} sentences; "  # noqa: SLF001
          f"{len(questions)} questions, the best {WIDTH} of each vector set")
    print("| filter | vectors | allowed | built in | through the filter | own scans | recall of the exact top: filter / own |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, kwargs in FILTERS.items():
        narrowed = lib._allowed(lib._filters(None, kwargs.get("issuer"), kwargs.get("year_from"),  # noqa: SLF001
                                             kwargs.get("year_to"), kwargs.get("kind")))
        for label, vectors, mask in (("paragraphs", index._p.paragraph_vectors, narrowed.rows),  # noqa: SLF001
                                     ("sentences", index._p.sentence_vectors, narrowed.sentences)):  # noqa: SLF001
            if vectors.kind is not IndexKind.FASTSCAN:
                print(f"| {name} | {label} | {int(mask.sum())} | | a {vectors.kind.value} index takes the filter itself | | |")
                continue
            row = measure(vectors, mask, queries)
            print(f"| {name} | {label} | {row['allowed']:,} | {row['built'] * 1000:.0f} ms | {row['filter ms']:.3f} ms | "
                  f"{row['own scans ms']:.3f} ms | {row['filter recall']:.4f} / {row['own scans recall']:.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
